"""The edge: everything that crosses the library's boundary as bytes.

* :mod:`subsidy_rules.io.json` — the one cattrs converter for JSON (the only
  module that imports cattrs), JSON documents with ``schema_version``, and
  the strict JSON reader every JSON input goes through;
* :mod:`subsidy_rules.io.findings` — an audit's findings.jsonl, findings.xlsx and
  summary.json, streamed from the grouped Arrow rows;
* :mod:`subsidy_rules.io.text` — aligned plain-text tables that line up
  Chinese text (shared by the CLI and the demo).

(Atomic writes, staged output folders and the input guard are file-system
mechanics every layer uses: they live in :mod:`subsidy_rules.core.files`.)

Models never import this package; the CLI, the docs builder and the demo
sit on top of it.
"""
