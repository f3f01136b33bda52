"""Reading spreadsheets safely: the one workbook reader every table in the library goes through.

* :mod:`subsidy_rules.workbooks.book` — xlsx/xlsm, xls (BIFF8), ods and WPS
  .et decided by content, opened into grids of typed cells;
* :mod:`subsidy_rules.workbooks.safety` — the package checks that come first
  (zip parts, sizes, expansion ratio, XML hazards) and the limits they apply.

The statistical forms (:mod:`subsidy_rules.forms`) and the ledger audit's
reader (:mod:`subsidy_rules.issues.audit.reading`) both stand on this floor,
so it sits just above :mod:`subsidy_rules.core` and imports nothing else of
the library.
"""
