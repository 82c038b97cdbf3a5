"""``newswatch status``: how each outlet has been crawled, from the crawl state.

Per outlet: its health (failing runs in a row, back-off, last error) and the figures of its
latest run (requests, 304s, new articles, revisions, errors by kind, blocked pages, bytes,
duration). Kept in its own module so the daemon can add its jobs' state beside it.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from crawler.state import CrawlState, open_state
from pipelines.config import Config


def outlet_status(config: Config, state: CrawlState) -> list[dict[str, Any]]:
    """One record per configured outlet: health and the figures of its latest run."""
    now = datetime.now(UTC)
    out = []
    for outlet in config.outlets:
        health = state.health(outlet.id)
        runs = state.outlet_runs(outlet.id, limit=1)
        last = runs[0] if runs else None
        stats = last.stats if last else {}
        out.append(
            {
                "outlet": outlet.id,
                "name": outlet.name,
                "last_run": last.started_at.isoformat(timespec="seconds") if last else None,
                "duration_s": round(last.duration_s, 1) if last else None,
                "requests": stats.get("requests", 0),
                "not_modified": stats.get("not_modified", 0),
                "new": stats.get("new", 0),
                "revised": stats.get("revised", 0),
                "errors": stats.get("errors", {}),
                "blocked": stats.get("blocked", {}),
                "bytes": stats.get("bytes", 0),
                "failing_runs": health.failures,
                "backed_off_until": health.backoff_until.isoformat(timespec="seconds")
                if health.backed_off(now) and health.backoff_until
                else None,
                "last_error": health.last_error,
            }
        )
    return out


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "-"


def cmd_status(args: argparse.Namespace, config: Config) -> int:
    state = open_state(config)
    try:
        rows = outlet_status(config, state)
    finally:
        state.close()
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    table = Table(
        "outlet", "last run", "s", "requests", "304", "new", "revised", "errors", "blocked", "kB", "health",
        title="Crawl status",
    )  # fmt: skip
    for row in rows:
        if row["backed_off_until"]:
            health = f"[red]backed off until {row['backed_off_until']}[/] ({row['last_error']})"
        elif row["failing_runs"]:
            health = f"[yellow]failing {row['failing_runs']}x[/] ({row['last_error']})"
        else:
            health = "ok" if row["last_run"] else "never crawled"
        table.add_row(
            row["outlet"],
            row["last_run"] or "-",
            str(row["duration_s"] or "-"),
            str(row["requests"]),
            str(row["not_modified"]),
            str(row["new"]),
            str(row["revised"]),
            _kinds(row["errors"]),
            _kinds(row["blocked"]),
            str(round(row["bytes"] / 1000)),
            health,
        )
    Console().print(table)
    return 0
