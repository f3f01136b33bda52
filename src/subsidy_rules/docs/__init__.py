"""The documentation site for policy staff, generated from the registries (mkdocs-material).

Every page is rendered from the data the library runs on — programs,
eligibility rules, parameters, issue types, detectors, forms, documents — so
the site cannot drift from what the code does. Hand-written Chinese guides
(the repository's ``docs/guides``) sit beside the generated pages. Chinese
first; every value and rule with its citation; unconfirmed facts,
reconstructed labels and placeholder values marked and explained in Chinese.

Usage::

    from subsidy_rules.docs import build_site
    build_site(Path("site"))           # → site/index.html …, offline, searchable

Module map: :mod:`.model` (page kinds, entries, links, caveats),
:mod:`.kinds` (one module per registry), :mod:`.site` (the engine: Markdown,
mkdocs.yml, mkdocs build), :mod:`.sources` (the rule and detector specs as
the pages read them), :mod:`.search` (the site's Chinese search: bigram
index and worker), :mod:`.points` (the 政策要点 box and its picker),
:mod:`.guidance` (核实要点 and 处置 per detector), :mod:`.downloads` (roster
and form templates), :mod:`.md`, :mod:`.labels` (Chinese labels, percentages,
translations of English notes), :mod:`.style`.

Limitations:
    Form pictures are HTML replicas of the template head drawn from the
    layout, not renderings of the .xlsx (no LibreOffice on the build
    machines). Search runs in the browser's web worker: open the site through
    a web server (``python -m http.server``), not as ``file://``. The 政策要点
    picker offers the packaged parameter layers only (a user's own layer file
    is not in the static site).
"""

from subsidy_rules.docs.model import Caveat, Entry, PageKind, Site
from subsidy_rules.docs.site import build_site, write_sources
from subsidy_rules.docs.sources import Sources, default_sources

__all__ = ["Caveat", "Entry", "PageKind", "Site", "Sources", "build_site", "default_sources", "write_sources"]
