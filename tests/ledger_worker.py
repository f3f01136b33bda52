"""A separate process for the ledger's reliability tests (``python tests/ledger_worker.py MODE DB …``).

walk DB START_FILE ID…  — wait for START_FILE, then verify and start rectifying each item (two events each)
race DB START_FILE ID   — wait, then verify ID expecting version 1; prints ``ok`` or ``conflict``
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from subsidy_rules.rectification import Change, ConflictError, Ledger

AT = datetime(2025, 10, 9, 2, tzinfo=UTC)


def _wait(start: Path) -> None:
    while not start.exists():
        time.sleep(0.01)


def main(argv: list[str]) -> int:
    mode, db, start, *ids = argv
    lg = Ledger.open(db)
    _wait(Path(start))
    try:
        if mode == "walk":
            for fid in ids:
                lg.update(fid, Change(by=f"p{fid[-3:]}", status="verified"), at=AT)
                lg.update(
                    fid,
                    Change(by="乙", status="rectifying", owner="王五", measure="追回", deadline=date(2025, 10, 30)),
                    at=AT,
                )
            return 0
        try:
            lg.update(ids[0], Change(by=f"worker-{ids[1]}", status="verified", expect_version=1), at=AT)
        except ConflictError as exc:
            print("conflict", exc.problem.code)
            return 3
        print("ok")
        return 0
    finally:
        lg.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
