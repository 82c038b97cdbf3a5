"""Start a crawl in a child process and follow its progress."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.errors import CrawlError

STOP_GRACE_S = 30.0  # after SIGTERM, how long a crawl may take to close before it is killed


@dataclass
class CrawlResult:
    """What a crawl did: stored articles per outlet and outcome, drops, Scrapy's stats."""

    stored: Counter[tuple[str, str]] = field(default_factory=Counter)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    timed_out: bool = False
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
    config_path: Path,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    timeout_s: float | None = None,
    outlets: Sequence[str] = (),
) -> CrawlResult:
    """Crawl the outlets of the config (``outlets``: only these ids) in a child process; raise CrawlError if
    it fails.

    After ``timeout_s`` the child is asked to stop (SIGTERM: Scrapy finishes what is in flight and closes
    the store) and the partial result comes back with ``timed_out`` set; a child that does not stop within
    :data:`STOP_GRACE_S` more is killed and that is a CrawlError.
    """
    command = [sys.executable, "-m", "crawler.process", str(config_path), "--parent-pid", str(os.getpid())]
    if outlets:
        command += ["--outlets", ",".join(outlets)]
    result = CrawlResult()
    # stderr goes to a file: a pipe read only at the end could fill up and stall the child. Its own session:
    # a signal to our process group (Ctrl-C, `timeout`) is ours to act on, and a daemon lets the crawl finish
    # first; if we die, the child dies with us (see crawler.process).
    with (
        tempfile.TemporaryFile("w+") as err,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True) as child,
    ):
        assert child.stdout is not None
        timers = _time_limit(child, result, timeout_s)
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
        code = child.wait()
        for timer in timers:
            timer.cancel()
        err.seek(0)
        errors = err.read()
    if code != 0:
        why = f"timed out after {timeout_s:g} s and did not stop; " if result.timed_out else ""
        raise CrawlError(f"the crawl process exited with code {code}: {why}{errors.strip()[-2000:]}", returncode=code)
    result.stats.setdefault("warnings", errors.strip().splitlines()[-50:])
    return result


def _time_limit(child: subprocess.Popen[str], result: CrawlResult, timeout_s: float | None) -> list[threading.Timer]:
    """Timers that stop the child gracefully at ``timeout_s``, then kill it if it lingers."""
    if timeout_s is None:
        return []

    def stop() -> None:
        result.timed_out = True
        child.terminate()

    timers = [threading.Timer(timeout_s, stop), threading.Timer(timeout_s + STOP_GRACE_S, child.kill)]
    for timer in timers:
        timer.daemon = True
        timer.start()
    return timers
