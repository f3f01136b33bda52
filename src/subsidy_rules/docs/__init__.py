"""The documentation site for policy staff, generated from the registries.

Nothing on the site is written by hand: every page is rendered from the same
data the library runs on (catalogue, parameters, documents, …), so the docs
cannot drift from what the code does. Chinese first, English beside it;
every rule and value with its citation; unconfirmed facts and reconstructed
labels visibly marked.

Usage::

    from subsidy_rules.docs import build_site
    build_site(Path("site"))
"""

from subsidy_rules.docs.site import PAGES, Page, build_site

__all__ = ["PAGES", "Page", "build_site"]
