"""The site's own Chinese search: an index of character bigrams built here, queried by a small worker.

Why not the theme's search. mkdocs-material indexes jieba's words at build time
and, in the browser, cuts a Chinese query into the index's words or single
characters: a part of a compound (冒领 in 虚报冒领, 一卡 in 一卡通) matched
nothing, a whole compound missing from jieba's dictionary was split into
characters (一卡通 ranked every page holding 一 first), bracketed document
numbers (财社〔2023〕181号) and quoted words gave nothing. Measured over the
officer queries of ``tests/docs/search_queries.toml`` (56, run in Node over each
built index): the theme with jieba put the right page first for 22 of 56; this
index for all 56 (``tests/test_docs_search.py``, and typed into Chromium by
``tests/browser/docs_browser.py``). Character bigrams rather than jieba's search
mode: they need no dictionary (jieba's lacked 一卡通 and most 文号 prefixes), cut
index and query the same way in Python and in the browser, and find any part
of a compound; an npm CJK engine would add a dependency for the same idea.

How it works. Index and query go through the same two steps, written twice —
here for the index and in :data:`WORKER_JS` for the query — and a test runs
both over the same strings and compares them:

* :func:`normalize`: NFKC (full-width letters and digits, （）→()), lower case,
  every bracket, quote and punctuation mark (〔〕()[]【】“”《》，。…) made a space;
* :func:`tokens`: each run of Chinese characters as overlapping bigrams (a run
  of one character as itself), each number as itself and glued to the
  character after it (181号, 20个), each Latin word; and a document number
  (issuer 〔year〕 number 号, in any brackets) as ``#doc:year:number`` and
  ``#num:number`` so 财社(2023)181号, 181号 and 164号文 find the document.

Each page has fields weighted by where a word stands: title 10, names and
aliases 6, Chinese summary 4, headings 2, body 1 (BM25 saturation over the
weighted counts). The worker adds, per query: the idf-weighted share of the
query's bigrams a page holds (all of them beats some), a bonus when the whole
query stands in the title or a name (冒领 → 虚报冒领) or a whole name stands
in the query (公益性岗位补贴发多久), and each page kind's
weight (a program outranks the pages that mention it); a document number in
the query puts that document's own page first. Officers' words that
the pages spell otherwise (社保 → 社会保险, 公岗 → 公益性岗位) are rewritten by
the synonym table ``data/search_synonyms.toml`` before the query is cut.

No CDN, no download: the worker replaces the theme's worker file under the
same name (the theme's search box and result list stay), and the index
replaces ``search/search_index.json``. jieba is not used at all.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from html import escape
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import attrs

from subsidy_rules.core.datafile import Node, load_toml

#: Field weights (title, names, summary, headings, body).
WEIGHTS = {"title": 10.0, "names": 6.0, "summary": 4.0, "heads": 2.0, "body": 1.0}
K1 = 1.2
B = 0.5

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE = re.compile(r"\s+")
_DOCNO = re.compile(rf"[{_CJK}]\s?(\d{{4}})\s?(\d{{1,4}})\s?号")
_NUMNO = re.compile(r"(\d{1,4})\s?号")
_RUN = re.compile(rf"[{_CJK}]+|[0-9]+|[a-z]+")


def _fold_char(ch: str) -> str:
    if ch.isalnum() or ch in "_":
        return ch
    return " "


def normalize(text: str) -> str:
    """Text as both index and query see it: NFKC, lower case, brackets/quotes/punctuation as spaces."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", "".join(_fold_char(c) for c in folded)).strip()


def tokens(text: str) -> list[str]:
    """The index terms of ``text`` (already :func:`normalize`-d), in order, repeats kept."""
    out: list[str] = []
    for m in _DOCNO.finditer(text):
        out.append(f"#doc:{m.group(1)}:{m.group(2)}")
    for m in _NUMNO.finditer(text):
        out.append(f"#num:{m.group(1)}")
    for m in _RUN.finditer(text):
        run = m.group(0)
        if run[0].isdigit():
            out.append(run)
            nxt = text[m.end(): m.end() + 1]
            if nxt and re.match(rf"[{_CJK}]", nxt):
                out.append(run + nxt)
        elif re.match(rf"[{_CJK}]", run[0]):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i: i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


@attrs.frozen
class PageMeta:
    """What the generator knows about a page beyond its HTML: names, summary, kind weight."""

    summary: str = ""
    names: tuple[str, ...] = ()
    boost: float = 1.0
    #: The document numbers this page is the page of (a document's own page): a query naming one
    #: of them puts this page first, above every page that merely cites it.
    numbers: tuple[str, ...] = ()


@cache
def synonyms() -> tuple[tuple[str, str], ...]:
    """(officer's word, the pages' word), longest first; a word mapped to itself is protected."""
    name = "subsidy_rules/docs/data/search_synonyms.toml"
    text = resources.files("subsidy_rules.docs").joinpath("data/search_synonyms.toml").read_text(encoding="utf-8")
    root = Node(name, load_toml(name, text=text))
    table = root.get_table("synonyms")
    pairs: list[tuple[str, str]] = []
    if table is not None:
        for key in list(table.table):
            value = table.get_str(key)
            if value is not None:
                pairs.append((normalize(key), normalize(value)))
    root.raise_if_problems()
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


#: Words of a question that name no page (怎么算, 是什么 …): cut out of a query before it is tokenised.
QUESTION_WORDS = ("怎么算", "怎么办", "怎么发", "怎么填", "怎么查", "怎么", "如何", "什么", "是否", "哪些", "哪里",
                  "多少", "多久", "能不能", "有没有", "可以", "要求", "规定", "吗", "呢", "的", "有")


class _Text(HTMLParser):
    """The reading text of a page's article: headings apart, English details, codes and legends skipped."""

    _SKIP_CLASSES = frozenset({"sr-en", "sr-english", "sr-code", "sr-legend", "headerlink", "sr-form-picture"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_article = 0
        self.skip = 0
        self.head = 0
        self.stack: list[tuple[str, bool, bool]] = []
        self.body: list[str] = []
        self.heads: list[str] = []
        self.h1: list[str] = []
        self._h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag == "article" and "md-content__inner" in classes:
            self.in_article += 1
            self.stack.append((tag, False, False))
            return
        if not self.in_article or tag in ("br", "img", "input", "hr", "meta", "link", "wbr"):
            return
        skip = bool(classes & self._SKIP_CLASSES) or tag in ("script", "style") or a.get("lang") == "en"
        head = tag in ("h2", "h3", "h4")
        if tag == "h1":
            self._h1 = True
        self.stack.append((tag, skip, head))
        self.skip += skip
        self.head += head

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            return
        # Pop to the matching tag (HTML written by Markdown is well formed; be lenient anyway).
        while self.stack:
            name, skip, head = self.stack.pop()
            self.skip -= skip
            self.head -= head
            if name == "h1":
                self._h1 = False
            if name == "article":
                self.in_article -= 1
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.in_article or self.skip:
            return
        if self._h1:
            self.h1.append(data)
        elif self.head:
            self.heads.append(data)
        else:
            self.body.append(data)


_LONG_NOTE = re.compile(r"（[^（）]{10,}(?:（[^（）]*）[^（）]*)*）$")


def name_of(title: str) -> str:
    """A title's name for phrase matching: a long note in brackets at its end is not part of it.

    当地月最低工资标准（直接设定；……） is named 当地月最低工资标准; 月最低工资标准（第一档） keeps its tier.
    """
    short = _LONG_NOTE.sub("", title).strip()
    return short or title


def page_text(html: str) -> tuple[str, str, str]:
    """(h1, headings, body) reading text of a built page."""
    p = _Text()
    p.feed(html)
    return "".join(p.h1).strip(), " ".join(p.heads), " ".join(p.body)


def _snippet(meta: PageMeta | None, body: str) -> str:
    first = (meta.summary if meta is not None and meta.summary else "") or body.strip()
    text = _SPACE.sub(" ", first).strip()
    return escape(text if len(text) <= 120 else text[:118] + "……")


def build_index(site: Path, meta: Mapping[str, PageMeta]) -> dict[str, object]:
    """The search index of a built site: page docs (location, title, snippet) and weighted bigram postings."""
    docs: list[dict[str, str]] = []
    fields: list[dict[str, Counter[str]]] = []
    lengths: list[int] = []
    phrases: list[list[str]] = []
    boosts: list[float] = []
    numbers: list[list[str]] = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html":
            continue
        h1, heads, body = page_text(path.read_text(encoding="utf-8"))
        m = meta.get(rel)
        title = h1 or rel
        docs.append({"location": rel, "title": escape(title), "text": _snippet(m, body)})
        f = {
            "title": Counter(tokens(normalize(title))),
            "names": Counter(t for n in (m.names if m else ()) for t in tokens(normalize(n))),
            "summary": Counter(tokens(normalize(m.summary))) if m else Counter(),
            "heads": Counter(tokens(normalize(heads))),
            "body": Counter(tokens(normalize(body))),
        }
        fields.append(f)
        lengths.append(sum(f["body"].values()) + sum(f["heads"].values()))
        phrases.append([normalize(name_of(title)).replace(" ", ""),
                        *(normalize(n).replace(" ", "") for n in (m.names if m else ()))])
        boosts.append(m.boost if m else 1.0)
        numbers.append(sorted({t for n in (m.numbers if m else ()) for t in tokens(normalize(n)) if t[0] == "#"}))
    avg = (sum(lengths) / len(lengths)) if lengths else 1.0
    postings: dict[str, list[float]] = {}
    for i, f in enumerate(fields):
        weighted: dict[str, float] = {}
        for name, counts in f.items():
            for term, n in counts.items():
                weighted[term] = weighted.get(term, 0.0) + WEIGHTS[name] * n
        norm = K1 * (1 - B + B * lengths[i] / avg)
        for term, w in weighted.items():
            postings.setdefault(term, []).extend((i, round(w * (K1 + 1) / (w + norm), 3)))
    return {
        "docs": docs,
        "postings": postings,
        "phrases": phrases,
        "boosts": boosts,
        "numbers": numbers,
        "synonyms": [list(p) for p in synonyms()],
        "question_words": list(QUESTION_WORDS),
    }


@contextmanager
def theme_segmentation_off() -> Iterator[None]:
    """Keep the theme's search plugin from running jieba during a build.

    Its index is replaced by :func:`write_search`, so jieba would only cost
    time (its dictionary loads in about a second) and write its cache file
    into the system temp folder. The plugin segments whenever it could import
    jieba (a module global); it is set to ``None`` for the build and restored.
    """
    try:
        from material.plugins.search import plugin as theme_search  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the theme is a dependency of the docs extra
        yield
        return
    saved = getattr(theme_search, "jieba", None)
    theme_search.jieba = None
    try:
        yield
    finally:
        theme_search.jieba = saved


def write_search(site: Path, meta: Mapping[str, PageMeta]) -> None:
    """Replace the theme's search index and worker with this module's (same file names, same protocol)."""
    index_path = site / "search" / "search_index.json"
    theme = json.loads(index_path.read_text(encoding="utf-8")) if index_path.is_file() else {"config": {}}
    built = build_index(site, meta)
    config = dict(theme.get("config", {}))
    config["sr"] = {k: v for k, v in built.items() if k != "docs"}
    index_path.parent.mkdir(parents=True, exist_ok=True)
    index_path.write_text(json.dumps({"config": config, "docs": built["docs"]}, ensure_ascii=False,
                                     separators=(",", ":")), encoding="utf-8")
    workers = site / "assets" / "javascripts" / "workers"
    for worker in workers.glob("search.*.min.js"):
        worker.write_text(WORKER_JS, encoding="utf-8")
        for extra in workers.glob(worker.name + ".map"):
            extra.unlink()


#: The search worker (replaces the theme's; same messages: 0 setup → 1 ready, 2 query → 3 result).
#: normalize() and tokens() mirror the Python functions above line for line.
WORKER_JS = r"""// subsidy_rules docs search worker: Chinese bigram index (see subsidy_rules/docs/search.py).
"use strict";
(function () {
  var CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var RE_CJK1 = new RegExp("[" + CJK + "]");
  var RE_DOCNO = new RegExp("[" + CJK + "]\\s?(\\d{4})\\s?(\\d{1,4})\\s?号", "g");
  var RE_NUMNO = /(\d{1,4})\s?号/g;
  var RE_RUN = new RegExp("[" + CJK + "]+|[0-9]+|[a-z]+", "g");
  var RE_ALNUM = /[\p{L}\p{N}_]/u;
  var state = null;

  function normalize(text) {
    var s = String(text).normalize("NFKC").toLowerCase();
    var out = "";
    for (var ch of s) out += RE_ALNUM.test(ch) ? ch : " ";
    return out.replace(/\s+/g, " ").trim();
  }

  function tokens(text) {
    var out = [], m;
    RE_DOCNO.lastIndex = 0;
    while ((m = RE_DOCNO.exec(text)) !== null) out.push("#doc:" + m[1] + ":" + m[2]);
    RE_NUMNO.lastIndex = 0;
    while ((m = RE_NUMNO.exec(text)) !== null) out.push("#num:" + m[1]);
    RE_RUN.lastIndex = 0;
    while ((m = RE_RUN.exec(text)) !== null) {
      var run = m[0];
      if (/[0-9]/.test(run[0])) {
        out.push(run);
        var nxt = text.charAt(m.index + run.length);
        if (nxt && RE_CJK1.test(nxt)) out.push(run + nxt);
      } else if (RE_CJK1.test(run[0])) {
        var chars = Array.from(run);
        if (chars.length === 1) out.push(run);
        else for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
      } else {
        out.push(run);
      }
    }
    return out;
  }

  function rewrite(q, syn, qwords) {
    // Officers' words → the pages' words (longest first; a word mapped to itself is kept as is).
    var out = "", i = 0;
    outer: while (i < q.length) {
      for (var k = 0; k < syn.length; k++) {
        if (syn[k][0] && q.startsWith(syn[k][0], i)) {
          // Spaces around the rewritten word: no bigram across its edges (死亡|仍发放 is not 亡仍).
          out += " " + syn[k][1] + " "; i += syn[k][0].length; continue outer;
        }
      }
      out += q[i]; i += 1;
    }
    for (var w = 0; w < qwords.length; w++) out = out.split(qwords[w]).join(" ");
    return out.replace(/\s+/g, " ").trim();
  }

  function setup(config, docs) {
    var sr = config.sr || {};
    var post = new Map();
    var n = docs.length;
    Object.keys(sr.postings || {}).forEach(function (term) {
      var arr = sr.postings[term];
      var df = arr.length / 2;
      post.set(term, { idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)), arr: arr });
    });
    state = { docs: docs, post: post, phrases: sr.phrases || [], boosts: sr.boosts || [], numbers: sr.numbers || [],
              syn: sr.synonyms || [], qwords: sr.question_words || [] };
  }

  function search(raw) {
    if (!state) return [];
    var whole = normalize(raw).replace(/ /g, "");
    var q = rewrite(normalize(raw), state.syn, state.qwords);
    var all = Array.from(new Set(tokens(q)));
    var nums = all.filter(function (t) { return t[0] === "#"; });
    var terms = all.filter(function (t) { return state.post.has(t); });
    if (!terms.length) return [];
    var total = 0, scores = new Map(), covered = new Map();
    terms.forEach(function (t) {
      var p = state.post.get(t);
      total += p.idf;
      for (var i = 0; i < p.arr.length; i += 2) {
        var d = p.arr[i];
        scores.set(d, (scores.get(d) || 0) + p.idf * p.arr[i + 1]);
        covered.set(d, (covered.get(d) || 0) + p.idf);
      }
    });
    var phrase = q.replace(/ /g, "");
    var out = [];
    scores.forEach(function (s, d) {
      var share = covered.get(d) / total;
      var score = s * share * share;
      var names = state.phrases[d] || [], bonus = 0;
      for (var k = 0; k < names.length; k++) {
        var name = names[k];
        if (!name) continue;
        var hit = (whole && name.indexOf(whole) >= 0) ? whole : (phrase && name.indexOf(phrase) >= 0 ? phrase : "");
        if (hit) bonus = Math.max(bonus, (k === 0 ? 30 : 20) * (0.5 + hit.length / name.length));
        // A question that holds a whole name (公益性岗位补贴发多久 holds 公益性岗位补贴).
        else if (name.length >= 3 && phrase.indexOf(name) >= 0) {
          bonus = Math.max(bonus, (k === 0 ? 24 : 16) * (name.length / phrase.length));
        }
      }
      score += bonus;
      score *= state.boosts[d] || 1;
      var own = state.numbers[d] || [];
      for (var j = 0; j < nums.length; j++) {
        if (own.indexOf(nums[j]) >= 0) score += nums[j].startsWith("#doc:") ? 1000 : 500;
      }
      out.push([d, score]);
    });
    out.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return out.slice(0, 40).map(function (e) {
      var doc = state.docs[e[0]];
      return [{ location: doc.location, title: doc.title, text: doc.text, score: e[1], terms: {} }];
    });
  }

  self.srNormalize = normalize;
  self.srTokens = tokens;
  self.addEventListener("message", function (ev) {
    var msg = ev.data;
    if (msg.type === 0) {
      setup(msg.data.config || {}, msg.data.docs || []);
      self.postMessage({ type: 1 });
    } else if (msg.type === 2) {
      self.postMessage({ type: 3, data: { items: search(msg.data) } });
    }
  });
})();
"""
