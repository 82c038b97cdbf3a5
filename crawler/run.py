"""Start a crawl in a child process and follow its progress."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.errors import CrawlError


@dataclass
class CrawlResult:
    """What a crawl did: stored articles per outlet and outcome, drops, Scrapy's stats."""

    stored: Counter[tuple[str, str]] = field(default_factory=Counter)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    outlet_stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    not_modified: Counter[str] = field(default_factory=Counter)

    def count(self, outcome: str) -> int:
        """Articles stored with this outcome; ``unchanged`` includes revisits answered with a 304."""
        stored = sum(n for (_, o), n in self.stored.items() if o == outcome)
        return stored + (sum(self.not_modified.values()) if outcome == "unchanged" else 0)

    @property
    def outlets(self) -> set[str]:
        return {outlet for outlet, _ in self.stored}


def run_crawl(
    config_path: Path, on_event: Callable[[dict[str, Any]], None] | None = None, timeout_s: float | None = None
) -> CrawlResult:
    """Crawl every outlet of the config in a child process; raise CrawlError if it fails."""
    command = [sys.executable, "-m", "crawler.process", str(config_path)]
    result = CrawlResult()
    # stderr goes to a file: a pipe read only at the end could fill up and stall the child
    with (
        tempfile.TemporaryFile("w+") as err,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True) as child,
    ):
        assert child.stdout is not None
        for line in child.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "stored":
                result.stored[(event["outlet"], event["outcome"])] += 1
            elif event.get("event") == "not_modified":
                result.not_modified[event["outlet"]] += 1
            elif event.get("event") == "dropped":
                result.dropped.append(event)
            elif event.get("event") == "finished":
                result.stats = event.get("stats", {})
                result.outlet_stats = event.get("outlets", {})
            if on_event is not None:
                on_event(event)
        code = child.wait(timeout=timeout_s)
        err.seek(0)
        errors = err.read()
    if code != 0:
        raise CrawlError(f"the crawl process exited with code {code}: {errors.strip()[-2000:]}")
    result.stats.setdefault("warnings", errors.strip().splitlines()[-50:])
    return result
