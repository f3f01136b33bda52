"""Checks over a built site: every link and anchor resolves, ids are unique, nothing loads from the network."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

#: Attributes that load something when the page is read (must stay on the site: offline).
_LOADS = {("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src")}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.append(value)
            if (tag == "a" and name == "href") or (tag, name) in _LOADS:
                self.refs.append((tag, name, value))


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_site(site: Path) -> list[str]:
    """Every problem found: broken links, missing anchors, duplicate ids, network loads."""
    pages = {p: parse(p) for p in sorted(site.rglob("*.html"))}
    ids = {p: set(pg.ids) for p, pg in pages.items()}
    problems: list[str] = []
    for path, page in pages.items():
        rel = path.relative_to(site).as_posix()
        dupes = [i for i, n in Counter(page.ids).items() if n > 1]
        if dupes:
            problems.append(f"{rel}: duplicate ids {sorted(dupes)}")
        if rel == "404.html":
            continue  # served for any path: material writes it with root-relative links
        for tag, attr, value in page.refs:
            parsed = urlparse(value)
            if parsed.scheme in ("mailto", "javascript", "data"):
                continue
            if parsed.scheme or value.startswith("//"):
                if (tag, attr) in _LOADS:
                    problems.append(f"{rel}: loads {value} from the network")
                continue
            target_url, fragment = urldefrag(urljoin(rel, value))
            target = site / unquote(target_url) if target_url else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{rel}: <{tag} {attr}={value!r}> → missing {target.relative_to(site)}")
                continue
            if fragment and target.suffix == ".html" and unquote(fragment) not in ids[target]:
                problems.append(f"{rel}: <{tag} {attr}={value!r}> → no anchor #{fragment}")
    return problems


def search(site: Path, queries: list[str]) -> dict[str, list[str]]:
    """Ranked page locations per query, from material's own search worker run in Node."""
    node = shutil.which("node")
    assert node, "node is required to run the site's search worker (apt-get install nodejs)"
    script = Path(__file__).with_name("search.cjs")
    out = subprocess.run([node, str(script), str(site), *queries], capture_output=True, text=True, check=True,
                         timeout=120)
    result: dict[str, list[str]] = json.loads(out.stdout)
    return result
