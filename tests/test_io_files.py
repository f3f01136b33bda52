"""Outputs are written atomically, never over an input, never with the wrong extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.files import (
    atomic_output,
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    check_extension,
    refuse_same_path,
    staged_directory,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial") or ".partial" in p.name)


def test_an_atomic_write_replaces_the_file_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", "utf-8")
    atomic_write_text(target, "新的\n")
    assert target.read_text("utf-8") == "新的\n"
    atomic_write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_a_failure_half_way_leaves_the_old_file_and_no_partial_one(tmp_path: Path, error: BaseException) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(type(error)), atomic_output(target) as handle:
        handle.write(b"half a workbook")
        raise error
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_a_failure_leaves_no_file_where_there_was_none(tmp_path: Path) -> None:
    target = tmp_path / "new.xlsx"
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as temp:
        temp.write_bytes(b"partial")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_writer_that_takes_a_path_gets_a_temporary_one_in_the_same_folder(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    with atomic_path(target) as temp:
        assert temp.parent == tmp_path and temp != target
        temp.write_bytes(b"PK")
    assert target.read_bytes() == b"PK"


def test_a_writer_that_wrote_nothing_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot write"), atomic_path(tmp_path / "x.xlsx"):
        pass


def test_an_output_that_is_a_folder_or_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="is a folder, not a file"):
        atomic_write_text(tmp_path, "x")
    with pytest.raises(DataFileError, match="cannot write"):
        atomic_write_text(tmp_path / "missing" / "x.json", "x")


def test_an_output_equal_to_an_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "unit.xlsx"
    source.write_bytes(b"data")
    with pytest.raises(DataFileError, match="refusing to overwrite") as info:
        refuse_same_path(tmp_path / "." / "unit.xlsx", [tmp_path / "other.xlsx", source])
    assert info.value.problems[0].code == "output-same-as-input"
    link = tmp_path / "link.xlsx"
    link.symlink_to(source)
    with pytest.raises(DataFileError):
        refuse_same_path(link, [source])
    refuse_same_path(tmp_path / "rollup.xlsx", [source])  # a different file is fine


def test_a_wrong_extension_is_refused(tmp_path: Path) -> None:
    check_extension(tmp_path / "OUT.XLSX", [".xlsx"])
    with pytest.raises(DataFileError, match=r"must end in \.xlsx"):
        check_extension(tmp_path / "out.csv", [".xlsx"])


def test_a_staged_folder_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    with staged_directory(out) as stage:
        (stage / "a.json").write_text("{}", "utf-8")
        (stage / "sub").mkdir()
        (stage / "sub" / "b.txt").write_text("b", "utf-8")
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == ["a.json", "sub", "sub/b.txt"]
    assert _leftovers(tmp_path) == []


def test_a_staged_folder_replaces_outputs_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    (out / "sub").mkdir(parents=True)
    (out / "a.json").write_text("old", "utf-8")
    (out / "mine.txt").write_text("keep", "utf-8")
    with staged_directory(out) as stage:
        (stage / "a.json").write_text("new", "utf-8")
        (stage / "sub").mkdir()
        (stage / "sub" / "b.txt").write_text("b", "utf-8")
    assert (out / "a.json").read_text("utf-8") == "new"
    assert (out / "mine.txt").read_text("utf-8") == "keep"
    assert (out / "sub" / "b.txt").read_text("utf-8") == "b"


def test_a_name_taken_by_the_wrong_kind_refuses_everything_and_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    (out / "catalogue.json").mkdir(parents=True)  # a folder where a file must go
    (out / "forms").write_text("a file where a folder must go", "utf-8")
    with pytest.raises(DataFileError) as info, staged_directory(out) as stage:
        (stage / "catalogue.json").write_text("{}", "utf-8")
        (stage / "forms").mkdir()
        (stage / "forms" / "x.xlsx").write_bytes(b"PK")
        (stage / "issues.json").write_text("{}", "utf-8")
    assert {p.code for p in info.value.problems} == {"output-is-a-folder", "output-is-a-file"}
    assert sorted(p.name for p in out.iterdir()) == ["catalogue.json", "forms"]
    assert not (out / "issues.json").exists()
    assert _leftovers(tmp_path) == []


def test_a_staged_folder_over_a_file_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    out.write_text("x", "utf-8")
    with pytest.raises(DataFileError, match="is a file, not a folder"), staged_directory(out):
        raise AssertionError("never reached")  # pragma: no cover


def test_ctrl_c_inside_a_staged_folder_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    with pytest.raises(KeyboardInterrupt), staged_directory(out) as stage:
        (stage / "a.json").write_text("{}", "utf-8")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
