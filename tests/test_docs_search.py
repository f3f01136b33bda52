"""The site's Chinese search: officers' queries rank the right page first (Node, the site's own worker)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from datetime import date
from pathlib import Path

import pytest

from subsidy_rules.docs import build_site
from subsidy_rules.docs.search import normalize, tokens
from tests.docs.sitecheck import search

QUERIES = Path(__file__).parent / "docs" / "search_queries.toml"


def officer_queries() -> list[dict[str, str]]:
    data = tomllib.loads(QUERIES.read_text(encoding="utf-8"))
    return list(data["query"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(out, today=date(2026, 11, 30))
    return out


def test_the_query_file_holds_at_least_forty_queries_of_every_kind() -> None:
    qs = officer_queries()
    assert len(qs) >= 40
    kinds = {q["kind"] for q in qs}
    assert {"docno", "partial", "two", "quoted", "question", "officer", "name"} <= kinds
    # Document numbers in every bracket style officers type.
    written = " ".join(q["q"] for q in qs if q["kind"] == "docno")
    for bracket in ("〔", "(", "[", "【", "（"):
        assert bracket in written, bracket


def test_every_officer_query_ranks_its_page_first_in_the_sites_own_search_worker(site: Path) -> None:
    qs = officer_queries()
    found = search(site, [q["q"] for q in qs])
    wrong = {q["q"]: (q["page"], found[q["q"]][:3]) for q in qs if not found[q["q"]] or found[q["q"]][0] != q["page"]}
    assert wrong == {}


def test_index_and_query_are_cut_the_same_way_in_python_and_in_the_browser_worker(site: Path) -> None:
    samples = ["财社〔2023〕181号", "财社(2023)181号", "“一卡通”", "２０个工作日", "ＡＢＣ 公益性岗位",
               "武人社办函【2022】10号", "164号文", "灵活就业社保补贴怎么算", "《就业补助资金管理办法》"]
    node = shutil.which("node")
    assert node, "node is required"
    worker = next((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    script = (
        "globalThis.self=globalThis;globalThis.addEventListener=()=>{};"
        f"require('vm').runInThisContext(require('fs').readFileSync({json.dumps(str(worker))},'utf8'));"
        f"const s={json.dumps(samples, ensure_ascii=False)};"
        "process.stdout.write(JSON.stringify(s.map(x=>[self.srNormalize(x),self.srTokens(self.srNormalize(x))])))"
    )
    out = json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout)
    assert out == [[normalize(x), tokens(normalize(x))] for x in samples]


def test_brackets_and_quotes_fold_and_a_document_number_gets_its_own_terms() -> None:
    for text in ("财社〔2023〕181号", "财社(2023)181号", "财社[2023]181号", "财社【2023】181号", "财社（2023）181号"):
        assert normalize(text) == "财社 2023 181号"
        assert {"#doc:2023:181", "#num:181"} <= set(tokens(normalize(text)))
    assert normalize("“一卡通”") == "一卡通"
    # Bigrams: 冒领 is a term of 虚报冒领; a compound is never cut into single characters.
    assert tokens("虚报冒领") == ["虚报", "报冒", "冒领"]
    assert "一" not in tokens("一卡通")
    assert tokens("164号文")[:1] == ["#num:164"]


def test_snippets_start_with_the_pages_chinese_summary(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {d["location"]: d for d in index["docs"]}
    assert docs["programs/flexible-employment-si-subsidy.html"]["text"].startswith("灵活就业社会保险补贴：")
    assert docs["detectors/paid-after-death.html"]["text"].startswith("死亡日期所在月之后")
    assert docs["documents/caishe-2023-181.html"]["text"].startswith("财社〔2023〕181号：")


def test_the_build_runs_no_jieba_and_leaves_no_cache_in_the_temp_folder(tmp_path: Path) -> None:
    import tempfile

    from material.plugins.search import plugin as theme_search

    before = set(Path(tempfile.gettempdir()).glob("jieba*"))
    saved = theme_search.jieba
    build_site(tmp_path / "s", today=date(2026, 11, 30), guides_dir=None)
    assert set(Path(tempfile.gettempdir()).glob("jieba*")) == before
    assert theme_search.jieba is saved  # restored after the build
    if saved is not None:
        assert not saved.dt.initialized  # the dictionary was never loaded
