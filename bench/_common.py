"""Helpers the bench scripts share: locating the shared data, peak memory, the final JSON line."""

from __future__ import annotations

import argparse
import json
import resource
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def require(parser: argparse.ArgumentParser, folder: Path, *names: str) -> None:
    """Stop with a usage error naming what is missing when ``folder`` lacks any of ``names`` (a file or folder)."""
    missing = [name for name in names if not (folder / name).exists()]
    if missing:
        parser.error(f"--data {folder}: no {', '.join(missing)} there")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def finish(figures: dict[str, Any]) -> None:
    """Print the figures as the last line: one JSON object."""
    sys.stdout.flush()
    print(json.dumps(figures, sort_keys=True))
