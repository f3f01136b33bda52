"""Browser test of the documentation site: Debian's chromium, headless, driven by Playwright.

Builds the site, serves it on 127.0.0.1, types every officer query of
``tests/docs/search_queries.toml`` into the search box at desktop width (and
the four of FIRST_HIT on the phone; each must rank its page first), and walks
the path a 公益性岗位 officer takes — 首页 → 搜索“公益性岗位” → program → rule →
parameter → document, then a detector page — at 1366 px (desktop) and 390 px
(phone). On every page: no console error, no request leaving 127.0.0.1, no
horizontal scroll on the phone, and an axe-core accessibility pass (WCAG 2
A/AA rules) with no violation. The 政策要点 picker is switched to 武汉市 and
must re-fill its values. The Wuhan 问题统计表 page is printed to PDF on A4
landscape: every column must fit the page (measured in print layout, and the
last column's label found in the PDF's text); ``pdftoppm`` turns its first
page into ``form-print.png`` to look at. Screenshots go to ``docs/screenshots/``.

Run it with ``make docs-browser-test`` (installs chromium from Debian and
axe-core from npm into a cache folder when missing), or directly::

    .venv/bin/python tests/browser/docs_browser.py --axe PATH/TO/axe.min.js

Exit 0 when everything passed, 1 when a check failed (each failure listed).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, Request, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from subsidy_rules.docs import build_site

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}
QUERY = "公益性岗位"
#: The page each Chinese query must rank first (the same expectations as tests/test_docs_site.py,
#: there checked with the search worker under Node, here in the browser as a reader types them).
FIRST_HIT = {
    "公益性岗位": "programs/",  # a program whose name holds the words (checked on the title too)
    "灵活就业": "programs/flexible-employment-si-subsidy.html",
    "一人多卡": "issues/cards.multiple.html",
    "20个工作日": "parameters/payment.deadline_working_days.html",
}


#: The officers' queries (each with the page it must rank first), shared with the Node test.
QUERIES = Path(__file__).resolve().parents[1] / "docs" / "search_queries.toml"
#: The form printed to PDF (13 problem columns beside the program rows: the widest of the campaign forms).
PRINT_FORM = "wuhan-2022-problem-stats"


def officer_queries() -> dict[str, str]:
    data = tomllib.loads(QUERIES.read_text(encoding="utf-8"))
    return {q["q"]: q["page"] for q in data["query"]}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Walk:
    """One viewport's walk through the site, collecting failures instead of stopping at the first."""

    def __init__(self, page: Page, base: str, name: str, axe: Path, shots: Path | None) -> None:
        self.page = page
        self.base = base
        self.name = name
        self.axe = axe
        self.shots = shots
        self.failures: list[str] = []
        self.console: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.console.append(f"page error: {exc}"))
        page.route("**/*", self._route)

    def _console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.console.append(f"console error: {msg.text}")

    def _route(self, route: Route, request: Request) -> None:
        if request.url.startswith(self.base) or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.console.append(f"request left the site: {request.url}")
            route.abort()

    def fail(self, what: str) -> None:
        self.failures.append(f"[{self.name}] {self.page.url}: {what}")

    def check_page(self, step: str) -> None:
        page = self.page
        page.wait_for_load_state("networkidle")
        # Check the page at rest: material fades the search dialog in, and an axe pass in the
        # middle of the fade measured text at a third of its opacity (1.2:1) — not what a reader sees.
        page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=10000)
        for line in self.console:
            self.fail(line)
        self.console.clear()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.fail(f"scrolls sideways by {overflow} px")
        page.add_script_tag(path=str(self.axe))
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        for v in result["violations"]:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
            self.fail(f"axe {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s): {targets}")
        if self.shots is not None:
            page.screenshot(path=str(self.shots / f"{self.name}-{step}.png"))
        print(f"  {self.name:7} {step:10} {page.title()}")

    def follow(self, selector: str, what: str) -> bool:
        link = self.page.locator(f"article {selector}").first
        if link.count() == 0:
            self.fail(f"no link to {what} ({selector})")
            return False
        link.scroll_into_view_if_needed()
        link.click()
        self.page.wait_for_load_state("domcontentloaded")
        return True

    def type_query(self, query: str) -> bool:
        """Open the search box on the page shown, type ``query``, wait for its results."""
        page = self.page
        if self.name == "phone":
            page.locator("label.md-header__button[for='__search']").click()
        search = page.locator("input.md-search__input")
        search.click()
        search.fill(query)
        try:
            page.locator(".md-search-result__item a.md-search-result__link").first.wait_for(timeout=15000)
        except PlaywrightTimeout:
            self.fail(f"search for {query} showed no result")
            return False
        return True

    def check_first_hits(self) -> None:
        """Each query ranks its page first in the browser's own search (all officer queries on the desktop)."""
        queries = dict(FIRST_HIT)
        if self.name == "desktop":
            queries.update(officer_queries())
        passed = 0
        for query, expected in queries.items():
            self.page.goto(self.base + "/index.html")
            if not self.type_query(query):
                continue
            first = self.page.locator(".md-search-result__item a.md-search-result__link").first
            href = (first.get_attribute("href") or "").removeprefix(self.base + "/").split("?")[0].split("#")[0]
            title = first.locator("h1").inner_text().replace("\u200b", "")
            ok = href.startswith(expected) if expected.endswith("/") else href == expected
            if expected == "programs/":
                ok = ok and query in title
            if not ok:
                self.fail(f"search for {query}: first result {href} ({title}), expected {expected}")
            else:
                passed += 1
        print(f"  {self.name:7} search     {passed} / {len(queries)} queries rank their page first")

    def check_picker(self) -> None:
        """The 政策要点 picker re-fills the box's values for the chosen jurisdiction and date."""
        page = self.page
        page.goto(self.base + "/programs/public-welfare-post-subsidy.html")
        spans = page.locator(".sr-points").first.locator(".sr-pv")
        national = spans.all_inner_texts()
        select = page.locator(".sr-points .sr-pick-layer").first
        changed = []
        for layer in select.locator("option").evaluate_all("os => os.map(o => o.value)")[1:]:
            select.select_option(layer)
            if spans.all_inner_texts() != national:
                changed.append(layer)
        if not changed:
            self.fail("picker: no jurisdiction changes any value of the 公益性岗位补贴 box")
        page.locator(".sr-points .sr-pick-date").first.fill("1990-01-01")
        page.locator(".sr-points .sr-pick-date").first.dispatch_event("change")
        if set(spans.all_inner_texts()) != {"未规定"}:
            self.fail(f"picker: on 1990-01-01 the box shows {spans.all_inner_texts()} (nothing was in force)")

    def check_form_print(self, out_dir: Path) -> None:
        """Print the widest form page on A4 landscape: every column on the page, none cut off."""
        page = self.page
        page.goto(f"{self.base}/forms/{PRINT_FORM}.html")
        page.wait_for_load_state("networkidle")
        page.emulate_media(media="print")
        # A4 landscape (297 mm) less the 10 mm margins, at 96 px per inch.
        page.set_viewport_size({"width": int((297 - 20) / 25.4 * 96), "height": 700})
        cut = page.evaluate("""() => [...document.querySelectorAll('article table')].map(t => {
            const box = t.closest('.sr-scroll, .md-typeset__scrollwrap') || t.parentElement;
            return Math.max(0, t.scrollWidth - box.clientWidth, t.getBoundingClientRect().right - window.innerWidth);
        }).filter(x => x > 1)""")
        if cut:
            self.fail(f"print: {len(cut)} table(s) wider than the A4 landscape page by {cut} px")
        pdf = out_dir / "form-print.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        page.emulate_media(media="screen")
        labels = page.evaluate("[...document.querySelectorAll('.sr-form-picture tr.sr-col-numbers td')]"
                               ".map(td => td.textContent.trim()).filter(Boolean)")
        # The printed picture's column-number row, every number on one line in order (1 2 … 13).
        row = re.compile(r"(?m)^\s*" + r"\s+".join(map(re.escape, labels)) + r"\s*$")
        found = 0
        for n in range(1, 6):
            text = subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                                  capture_output=True, text=True).stdout
            if labels and row.search(text):
                found = n
                break
        if not found:
            self.fail(f"print: the row of column numbers {labels} is not printed whole on any page")
        elif self.shots is not None:
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(found), "-l", str(found), "-singlefile",
                            str(pdf), str(self.shots / "form-print")], check=True)
        print(f"  {self.name:7} print      {PRINT_FORM}: {len(labels)} columns on A4 landscape")

    def run(self) -> None:
        page = self.page
        self.check_first_hits()
        page.goto(self.base + "/index.html")
        self.check_page("1-home")
        if not self.type_query(QUERY):
            return
        first = page.locator(".md-search-result__item a.md-search-result__link").first
        self.check_page("2-search")
        href = first.get_attribute("href") or ""
        if "programs/" not in href:
            self.fail(f"first search result is not a program: {href}")
        first.click()
        page.wait_for_load_state("domcontentloaded")
        self.check_page("3-program")
        if not self.follow("a[href*='rules/']", "a rule"):
            return
        self.check_page("4-rule")
        if not self.follow("a[href*='parameters/']", "a parameter"):
            return
        self.check_page("5-parameter")
        if not self.follow("a[href*='documents/']", "a document"):
            return
        self.check_page("6-document")
        if "本库中引用本文件的条目" not in page.content():
            self.fail("the document page does not list what cites it")
        page.goto(self.base + "/detectors/paid-after-death.html#verify")  # the screenshot shows 核实要点, 处置
        self.check_page("7-detector")
        for words in ("核实要点", "处置", "下载表头模板"):
            if words not in page.content():
                self.fail(f"the detector page lacks {words}")
        self.check_picker()
        # A document number as officers type it, in round brackets: the document's own page first.
        page.goto(self.base + "/index.html")
        if self.type_query("财社(2023)181号"):
            self.check_page("8-search-docno")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--axe", type=Path, required=True, help="axe.min.js (npm package axe-core)")
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--screenshots", type=Path, help="write a PNG of each step here")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args(argv)
    if not args.axe.is_file():
        print(f"axe-core not found at {args.axe}", file=sys.stderr)
        return 2
    if not Path(args.chromium).exists():
        print(f"{args.chromium} not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        print("pdftotext/pdftoppm not found: apt-get install -y poppler-utils", file=sys.stderr)
        return 2
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="docs-browser-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            started = time.perf_counter()
            build_site(site)
            print(f"built the site in {time.perf_counter() - started:.1f} s")
        if args.screenshots is not None:
            args.screenshots.mkdir(parents=True, exist_ok=True)
        with serve(site) as base, sync_playwright() as pw:
            for name, (width, height) in WIDTHS.items():
                profile = Path(tmp) / f"profile-{name}"
                profile.mkdir()
                context = pw.chromium.launch_persistent_context(
                    str(profile),
                    executable_path=args.chromium,
                    headless=True,
                    args=FLAGS,
                    viewport={"width": width, "height": height},
                    is_mobile=name == "phone",
                    has_touch=name == "phone",
                    locale="zh-CN",
                )
                try:
                    page = context.new_page()
                    walk = Walk(page, base, name, args.axe, args.screenshots)
                    try:
                        walk.run()
                        if name == "desktop":
                            walk.check_form_print(Path(tmp))
                    except PlaywrightError as exc:  # a step that cannot go on: report it, walk the next width
                        walk.fail(f"stopped: {str(exc).splitlines()[0]}")
                    failures += walk.failures
                finally:
                    context.close()
    for line in failures:
        print("FAIL " + line)
    print("browser test: " + ("passed" if not failures else f"{len(failures)} failure(s)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
