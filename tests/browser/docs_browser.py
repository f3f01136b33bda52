"""Browser test of the documentation site: Debian's chromium, headless, driven by Playwright.

Builds the site, serves it on 127.0.0.1, types the four Chinese queries of
FIRST_HIT into the search box (each must rank its page first), and walks the
path a 公益性岗位 officer takes — 首页 → 搜索“公益性岗位” → program → rule → parameter →
document — at 1366 px (desktop) and 390 px (phone). On every page: no console
error, no request leaving 127.0.0.1, no horizontal scroll on the phone, and
an axe-core accessibility pass (WCAG 2 A/AA rules) with no violation.
Screenshots of each step go to ``docs/screenshots/``.

Run it with ``make docs-browser-test`` (installs chromium from Debian and
axe-core from npm into a cache folder when missing), or directly::

    .venv/bin/python tests/browser/docs_browser.py --axe PATH/TO/axe.min.js

Exit 0 when everything passed, 1 when a check failed (each failure listed).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
import time
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
        """Each query in FIRST_HIT ranks its page first in the browser's own search."""
        for query, expected in FIRST_HIT.items():
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
                print(f"  {self.name:7} search     {query} → {href}")

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
