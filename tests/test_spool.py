"""The on-disk spool alone: durable appends, replay in order, what a failure or a crash leaves behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipelines.store.spool import Spool

ROOT = Path(__file__).resolve().parent.parent


def test_records_are_replayed_in_order_and_the_spool_is_then_empty(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    ops = [spool.append({"n": n}) for n in range(5)]
    assert len(spool) == 5
    assert ops == sorted(ops)
    assert len({op.split(":")[0] for op in ops}) == 1  # one generation per file
    seen: list[dict[str, Any]] = []
    assert spool.replay(seen.append) == 5
    assert [r["n"] for r in seen] == list(range(5))
    assert [r["op"] for r in seen] == ops
    assert not spool.pending()
    assert spool.replay(seen.append) == 0


def test_a_failed_replay_keeps_what_was_not_applied_and_never_reuses_an_op_id(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    first = [spool.append({"n": n}) for n in range(4)]
    applied: list[int] = []

    def apply(record: dict[str, Any]) -> None:
        if record["n"] == 2:
            raise ConnectionError("cluster went away")
        applied.append(record["n"])

    with pytest.raises(ConnectionError):
        spool.replay(apply)
    assert applied == [0, 1]
    assert len(spool) == 2
    later = spool.append({"n": 4})
    assert later > first[-1]  # ids keep growing after the rewrite
    seen: list[dict[str, Any]] = []
    spool.replay(seen.append)
    assert [r["n"] for r in seen] == [2, 3, 4]
    assert [r["op"] for r in seen] == [*first[2:], later]


def test_a_torn_last_line_from_a_crash_mid_append_is_skipped(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.append({"n": 0})
    with open(spool.path, "a", encoding="utf-8") as f:
        f.write('{"n": 1, "op": "trunc')  # the crash: never acknowledged to the writer
    seen: list[dict[str, Any]] = []
    assert spool.replay(seen.append) == 2
    assert [r["n"] for r in seen] == [0]


def test_a_damaged_record_in_the_middle_stops_the_replay_with_its_position(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.append({"n": 0})
    with open(spool.path, "a", encoding="utf-8") as f:
        f.write("not json\n")
    spool.append({"n": 2})
    from pipelines.errors import StoreError

    with pytest.raises(StoreError, match="unreadable record 2"):
        spool.replay(lambda r: None)
    assert spool.pending()


def test_processes_appending_at_once_keep_every_record_whole_and_in_their_order(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from pipelines.store.spool import Spool\n"
        "s = Spool(Path(sys.argv[1]))\n"
        "for n in range(150): s.append({'writer': sys.argv[2], 'n': n, 'pad': 'x' * 5000})\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(w)], cwd=ROOT) for w in range(3)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    records = [json.loads(line) for line in spool_lines(tmp_path)[1:]]
    assert len(records) == 450
    assert len({r["op"] for r in records}) == 450
    for w in range(3):
        assert [r["n"] for r in records if r["writer"] == str(w)] == list(range(150))


def spool_lines(folder: Path) -> list[str]:
    return (folder / "spool.jsonl").read_text(encoding="utf-8").splitlines()
