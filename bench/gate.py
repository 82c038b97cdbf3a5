"""The quality gate on the shared real-page sets: run the benches, compare with the stored floors.

    python bench/gate.py [--baseline tests/eval_baseline.json]

Runs ``bench/extraction.py`` (ours and plain trafilatura, median of three timing runs), ``bench/metadata.py``
and ``bench/syndication.py`` on their default data (../shared/data), reads the last JSON line
of each and checks every figure named in the baseline's ``shared`` section
(``"<bench>.<figure>": floor``). The test suite gates the project's own pages
(tests/test_eval_gate.py); this gate needs the shared data, so it is run by hand or in a job
that has it. Exit status 1 when a figure is below its floor. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCHES = {
    "extraction": ["--no-newspaper", "--repeat", "3"],  # speed is a median: one run on a shared machine is noise
    "metadata": [],
    "syndication": [],
}


def run_bench(name: str, args: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args], capture_output=True, text=True, check=True
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, default=ROOT / "tests" / "eval_baseline.json")
    args = parser.parse_args(argv)
    floors: dict[str, float] = json.loads(args.baseline.read_text(encoding="utf-8"))["shared"]
    wanted = {key.split(".", 1)[0] for key in floors}
    results = {name: run_bench(name, extra) for name, extra in BENCHES.items() if name in wanted}
    below = {}
    print(f"{'figure':<32}{'value':>8}{'floor':>8}")
    for key, floor in sorted(floors.items()):
        bench, figure = key.split(".", 1)
        value = float(results[bench][figure])
        mark = "" if value >= floor - 1e-9 else "  BELOW"
        print(f"{key:<32}{value:>8.4f}{floor:>8.4f}{mark}")
        if mark:
            below[key] = {"value": value, "floor": floor}
    print(json.dumps({"passed": not below, "below": below, "checked": len(floors)}))
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
