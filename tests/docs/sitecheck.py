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


class _Blocks(HTMLParser):
    """Reading-text blocks of a page's article: (tag, text), skipping the English detail, codes and code spans."""

    _BLOCKS = frozenset({"p", "li", "td", "th", "h1", "h2", "h3", "h4", "dd", "dt", "figcaption", "blockquote"})
    _SKIP = frozenset({"sr-english", "sr-code", "sr-en"})
    _VOID = frozenset({"br", "img", "input", "hr", "meta", "link", "wbr", "col"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.stack: list[tuple[str, bool]] = []
        self.skip = 0
        self.blocks: list[tuple[str, list[str]]] = []
        self.open: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag == "article" and "md-content__inner" in classes:
            self.depth += 1
        if not self.depth or tag in self._VOID:
            return
        skip = bool(classes & self._SKIP) or tag in ("code", "pre", "script", "style", "summary") \
            or a.get("lang") == "en" or "headerlink" in classes
        self.stack.append((tag, skip))
        self.skip += skip
        if tag in self._BLOCKS:
            self.blocks.append((tag, []))
            self.open.append(len(self.blocks) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, skip = self.stack.pop()
            self.skip -= skip
            if name in self._BLOCKS and self.open:
                self.open.pop()
            if name == tag:
                break
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip and self.open:
            self.blocks[self.open[-1]][1].append(data)


def english_only_blocks(site: Path) -> list[str]:
    """Every reading-text block (paragraph, list item, cell, heading) that is English: no Chinese, or
    Latin letters outnumbering Chinese characters more than two to one (“Pays … (164号/181号)”)."""
    import re

    latin = re.compile(r"[A-Za-z]{3,}")
    han = re.compile(r"[\u4e00-\u9fff]")
    out = []
    for path in sorted(site.rglob("*.html")):
        if path.name == "404.html":
            continue
        p = _Blocks()
        p.feed(path.read_text(encoding="utf-8"))
        for tag, parts in p.blocks:
            text = " ".join("".join(parts).split())
            text = re.sub(r"https?://\S+", "", text)  # an address is not English prose
            letters = sum(1 for c in text if c.isascii() and c.isalpha())
            hans = len(han.findall(text))
            # English with no Chinese at all, or English prose with a document number in it.
            if latin.search(text) and (hans == 0 or (letters >= 12 and letters > 2 * hans)):
                out.append(f"{path.relative_to(site).as_posix()} <{tag}>: {text[:100]}")
    return out


def raw_codes(site: Path, codes: set[str]) -> list[str]:
    """Reading-text blocks that show one of ``codes`` (parameter ids, issue codes …) as text."""
    import re

    alternatives = "|".join(sorted(map(re.escape, codes), key=len, reverse=True))
    pattern = re.compile(r"(?<![\w.-])(" + alternatives + r")(?![\w-])")
    out = []
    for path in sorted(site.rglob("*.html")):
        if path.name == "404.html":
            continue
        p = _Blocks()
        p.feed(path.read_text(encoding="utf-8"))
        for tag, parts in p.blocks:
            m = pattern.search("".join(parts))
            if m:
                out.append(f"{path.relative_to(site).as_posix()} <{tag}>: {m.group(1)}")
    return out
