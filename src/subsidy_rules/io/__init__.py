"""The edge: everything that crosses the library's boundary as bytes.

* :mod:`subsidy_rules.io.json` — the one cattrs converter for JSON (the only
  module that imports cattrs), JSON documents with ``schema_version``, and
  the strict JSON reader every JSON input goes through;
* :mod:`subsidy_rules.io.files` — atomic writes (temporary file in the target
  folder, then rename), staged output folders, output-path checks;
* :mod:`subsidy_rules.io.text` — aligned plain-text tables that line up
  Chinese text (shared by the CLI and the demo).

Models never import this package; the CLI, the docs builder and the demo
sit on top of it.
"""
