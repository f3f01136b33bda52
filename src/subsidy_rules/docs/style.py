"""The site's own stylesheet (badges, the form picture, print and phone rules) and its one script."""

from __future__ import annotations

EXTRA_CSS = """\
/* subsidy_rules docs: additions to mkdocs-material (no web fonts, no CDN). */
:root { --sr-warn-bg: #fff1c2; --sr-warn-fg: #6b4300; --sr-rec-bg: #ffe3e3; --sr-rec-fg: #8a1c1c;
        --sr-ph-bg: #e8e4ff; --sr-ph-fg: #3b2a8a; }
[data-md-color-scheme="slate"] { --sr-warn-bg: #4a3b00; --sr-warn-fg: #ffe9a8; --sr-rec-bg: #5c1d1d;
        --sr-rec-fg: #ffd6d6; --sr-ph-bg: #2f2a5c; --sr-ph-fg: #e2dcff; }
.md-typeset a.sr-badge { display: inline-block; border-radius: .6em; padding: 0 .5em; font-size: .75em;
        line-height: 1.6; text-decoration: none; white-space: nowrap; }
.md-typeset a.sr-unconfirmed { background: var(--sr-warn-bg); color: var(--sr-warn-fg); }
.md-typeset a.sr-reconstructed, .md-typeset a.sr-lost { background: var(--sr-rec-bg); color: var(--sr-rec-fg); }
.md-typeset a.sr-placeholder { background: var(--sr-ph-bg); color: var(--sr-ph-fg); }
.md-typeset .sr-en { color: var(--md-default-fg-color--light); font-size: .9em; }
/* Chinese text wraps between any two characters: give cells a readable minimum width on phones
   (a wide table then scrolls inside its own box, never the page). */
.md-typeset table:not([class]) td, .md-typeset table:not([class]) th { min-width: 5em; }
/* A cell's min-width counts its padding: 5.6em keeps a four-character label (发文机关, 补贴项目)
   on one line with the phone padding below (4em left it 发文机 / 关). */
.md-typeset table:not([class]) td:first-child { min-width: 5.6em; }
.md-typeset { overflow-wrap: break-word; }
.md-typeset table:not([class]) th { white-space: nowrap; }
/* Phones: material's 1.25em side padding took a third of a four-column table; give it to the text. */
@media screen and (max-width: 44.984375em) {
  .md-typeset table:not([class]) td, .md-typeset table:not([class]) th { padding: .7em .55em; }
}
/* The form picture: a bordered replica of the printed head, scrolling inside its own box. */
.sr-form-picture { margin: 1em 0; }
.sr-form-title { font-weight: 700; text-align: center; font-size: .9rem; margin-bottom: .3em; }
.sr-form-lines { display: flex; flex-wrap: wrap; gap: .4em 2em; font-size: .7rem; margin-bottom: .3em; }
.sr-scroll { overflow-x: auto; max-width: 100%; }
.sr-scroll:focus { outline: 2px solid var(--md-accent-fg-color); }
.md-typeset .sr-form-picture table { border-collapse: collapse; font-size: .62rem; display: table; }
.md-typeset .sr-form-picture td { border: 1px solid var(--md-default-fg-color--light);
        padding: .2em .4em; text-align: center; vertical-align: middle; min-width: 2.2em; }
.md-typeset .sr-form-picture td.h { font-weight: 700; background: var(--md-default-fg-color--lightest); }
.md-typeset .sr-form-picture tr.sr-col-numbers td { color: var(--md-default-fg-color--light); }
.md-typeset figcaption { font-size: .7rem; max-width: none; }
/* Contrast (WCAG 2 AA, 4.5:1 for small text): material dims these more than that allows. */
.md-copyright, .md-copyright__highlight { color: var(--md-footer-fg-color--light); }
.md-tabs__link { opacity: 1; }
.md-tabs__item--active .md-tabs__link { text-decoration: underline; text-underline-offset: .35em; }
.md-search-result__meta { color: var(--md-default-fg-color); }
/* "缺少：公益性*" under a hit that plainly contains 公益性: material's list of query words a hit
   lacks is wrong for Chinese (its segmenter keeps the wildcard), so it is not shown. */
.md-search-result__terms { display: none; }
/* The accent (search hits, link hover) at material's indigo #526cfe is 4.25:1 on white and
   about 3.5:1 on slate: a darker indigo in the light scheme, a lighter one in the dark. */
[data-md-color-scheme="default"][data-md-color-accent] { --md-accent-fg-color: #3949ab; }
[data-md-color-scheme="slate"][data-md-color-accent] { --md-accent-fg-color: #9fa8ff; }
/* Phone search: material grows a 2rem circle from the search button to 45 times its size, and
   for the 400 ms before it locks the page that circle made it scroll sideways by up to 850 px.
   A fixed full-screen layer that fades in covers the same page without leaving the viewport. */
@media screen and (max-width: 59.984375em) {
  .md-search__overlay { position: fixed; top: 0; left: 0; width: 100vw; height: 100vh; border-radius: 0;
        transform: none !important; }
}
/* Links in running text are underlined, not told apart by colour alone (WCAG 1.4.1). */
.md-typeset a:not(.headerlink):not(.md-button) { text-decoration: underline; text-underline-offset: .15em; }
.md-typeset__scrollwrap:focus { outline: 2px solid var(--md-accent-fg-color); }
/* Readers who ask their system for less motion get no fades or slides. */
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { transition-duration: 0s !important; animation-duration: 0s !important;
        scroll-behavior: auto !important; }
}
/* The 政策要点 box and its picker. */
.md-typeset .sr-points { border: 2px solid var(--md-primary-fg-color); border-radius: .3em; padding: .2em .9em .6em;
        margin: 1em 0; }
.md-typeset .sr-points table:not([class]) { margin: .4em 0; }
.md-typeset .sr-pv { font-weight: 700; }
.md-typeset .sr-picker { display: flex; flex-wrap: wrap; gap: .4em 1.2em; align-items: center; font-size: .75rem; }
.md-typeset .sr-picker select, .md-typeset .sr-picker input { font: inherit; padding: .1em .3em; }
.md-typeset .sr-pick-note { color: var(--md-typeset-color); }
.md-typeset details.sr-english { display: block; margin: .2em 0 .6em; padding: 0; border: 0; box-shadow: none;
        font-size: .7rem; background: none; overflow: visible; }
.md-typeset details.sr-english > summary { cursor: pointer; margin: 0; padding: 0; border: 0; background: none;
        color: var(--md-typeset-color); font-size: .7rem; font-weight: 400; list-style: revert; display: list-item; }
.md-typeset td details.sr-english { display: inline-block; margin: 0 0 0 .4em; }
.md-typeset details.sr-english > summary::before, .md-typeset details.sr-english > summary::after { display: none; }
.md-typeset details.sr-english[open] > span { display: block; }
/* The code line is small but keeps the text colour (the theme's light grey is 3:1, under WCAG AA). */
.md-typeset .sr-code { margin-top: 2em; }
.md-typeset sup.sr-unv { color: var(--sr-warn-fg); font-weight: 700; }
.md-typeset .sr-download { font-weight: 700; }
/* Dates and values never broken across lines in tables. */
.md-typeset td .sr-date, .md-typeset td.sr-date { white-space: nowrap; }
/* Print: content only, tables not cut, links keep their text; forms on A4 landscape, every column. */
@page { size: A4 landscape; margin: 10mm; }
@media print {
  .sr-picker, details.sr-english, .sr-code { display: none !important; }
  .md-typeset .sr-scroll { overflow: visible !important; }
  .md-typeset .sr-form-picture table { font-size: 6.5pt; width: 100%; table-layout: auto; }
  .md-typeset .sr-form-picture td { min-width: 0; padding: 1px 2px; }
  .md-main__inner { margin: 0 !important; }
  .md-grid { max-width: none !important; }
  .md-header, .md-tabs, .md-sidebar, .md-footer, .md-search, .md-top, .headerlink { display: none !important; }
  .md-content { margin: 0 !important; max-width: none !important; }
  .md-typeset table:not([class]) { display: table !important; font-size: 9pt; }
  .md-typeset tr { break-inside: avoid; }
  .md-typeset h2, .md-typeset h3 { break-after: avoid; }
  a.sr-badge { border: 1px solid #777; }
}
"""

#: Wide tables scroll inside their own box on phones; a box that scrolls must be
#: reachable by keyboard and named (WCAG 2.1.1), so each gets tabindex and a label.
EXTRA_JS = """\
(function () {
  function mark() {
    var boxes = document.querySelectorAll(
      ".md-typeset__scrollwrap, .md-typeset table:not([class]), .md-typeset pre > code");
    boxes.forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        if (el.tagName !== "TABLE") {
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", el.tagName === "CODE" ? "命令（可左右滚动）" : "表格（可左右滚动）");
        }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
  // The 政策要点 picker: each value span shows the period in force on the chosen date in the
  // chosen jurisdiction (periods written into the page at build time; no server).
  function pick(box) {
    var data = JSON.parse(box.querySelector(".sr-pv-data").textContent);
    var layer = box.querySelector(".sr-pick-layer").value;
    var day = box.querySelector(".sr-pick-date").value;
    var scope = box.closest(".sr-points") || document;
    scope.querySelectorAll(".sr-pv").forEach(function (span) {
      var periods = (data[layer] || {})[span.getAttribute("data-pid")] || [];
      var text = "未规定";
      periods.forEach(function (p) { if (day && p[0] <= day) text = p[1]; });
      span.textContent = text;
    });
  }
  document.addEventListener("change", function (ev) {
    var box = ev.target && ev.target.closest && ev.target.closest(".sr-picker");
    if (box) pick(box);
  });
  // material's search reads the box on keyup only: a query pasted with the mouse,
  // dictated, or committed by an input method without a key event was never searched.
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el && el.classList && el.classList.contains("md-search__input") && !ev.isComposing) {
      el.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    }
  });
})();
"""
