"""Forms engine: layouts as data, faithful templates, a safe reader, tolerance-aware validation, roll-up.

Usage::

    from subsidy_rules import forms

    lay = forms.layout("wuhan-2022-problem-stats")      # or forms.load_layout("my-form.toml")
    forms.write_template(lay, "问题统计表.xlsx")
    results = forms.validate_files(lay, ["江岸区.xlsx", "江汉区.xlsx"])
    forms.report_of(results).valid
    agg = forms.aggregate(lay, results, output="武汉市.xlsx")
    agg.rollup.zero_units                               # 零报送 units

The five packaged forms (ids fixed with the issue taxonomy) are listed in
:data:`FORM_IDS`. Module map: :mod:`.model` (the layout records),
:mod:`.loader` (TOML), :mod:`.geometry` (positions on the sheet),
:mod:`.template` (writer), :mod:`subsidy_rules.workbooks.safety` (zip/XML checks, limits),
:mod:`subsidy_rules.workbooks.book` (opening .xlsx/.xlsm/.xls/.ods/.et by content into one grid of
stored cells), :mod:`.cells` (strict number and date parsing),
:mod:`.reader` (locating the table by content, tolerant matching, strict
reporting), :mod:`.validate`, :mod:`.rollup`, :mod:`.pool` (per-file
worker isolation), :mod:`.batch` (validation and roll-up with duplicate
checks).

References:
    Issues 4 and 10; ``shared/DESIGN.md``; ``shared/xlsx-input-hazards.md``.

Limitations:
    Reads .xlsx, .xlsm, .xls (BIFF5/8), .ods and WPS .et (OOXML or BIFF
    inside); writes .xlsx only, never macros.
"""

from subsidy_rules.core.provenance import Provenance
from subsidy_rules.forms.batch import Aggregation, aggregate, aggregate_files, report_of, validate_files
from subsidy_rules.forms.cells import TextNumber, parse_text_date, parse_text_number
from subsidy_rules.forms.data import CellValue, FormData, FormRow
from subsidy_rules.forms.loader import FORM_IDS, layout, layout_from_text, load_layout
from subsidy_rules.forms.model import (
    BlankRule,
    Column,
    ColumnGroup,
    ColumnKind,
    FixedRow,
    FormLayout,
    HeaderLine,
    HeaderRole,
    Relation,
    RowAxis,
    RowAxisKind,
)
from subsidy_rules.forms.problems import FileReport, Problem, Severity, ValidationReport
from subsidy_rules.forms.reader import ReadResult, read_bytes
from subsidy_rules.forms.rollup import RollUp, UnitInput, roll_up
from subsidy_rules.forms.template import render, write_filled, write_template
from subsidy_rules.forms.validate import FileResult, check_bytes, check_file, validate_data
from subsidy_rules.workbooks.safety import Limits

__all__ = [
    "FORM_IDS",
    "Aggregation",
    "BlankRule",
    "CellValue",
    "Column",
    "ColumnGroup",
    "ColumnKind",
    "FileReport",
    "FileResult",
    "FixedRow",
    "FormData",
    "FormLayout",
    "FormRow",
    "HeaderLine",
    "HeaderRole",
    "Limits",
    "Problem",
    "Provenance",
    "ReadResult",
    "Relation",
    "RollUp",
    "RowAxis",
    "RowAxisKind",
    "Severity",
    "TextNumber",
    "UnitInput",
    "ValidationReport",
    "aggregate",
    "aggregate_files",
    "check_bytes",
    "check_file",
    "layout",
    "layout_from_text",
    "load_layout",
    "parse_text_date",
    "parse_text_number",
    "read_bytes",
    "render",
    "report_of",
    "roll_up",
    "validate_data",
    "validate_files",
    "write_filled",
    "write_template",
]
