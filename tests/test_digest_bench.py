"""bench/digest.py runs on a small synthetic watch and ends with its JSON line (figures, not timings, asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_digest_bench_prints_its_figures_as_a_json_last_line() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "digest.py"), "--stories", "3", "--divergences", "12", "--repeat", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["stories"] == 3
    assert figures["divergences"] == 12
    assert figures["digest_s"] > 0
    assert {"build_s", "html_s", "text_s", "message_s", "goal_s", "within_goal"} <= set(figures)
