"""``newswatch status``: what an operator needs to see, in one place.

- the daemon's jobs (:func:`newswatch.daemon.job_status`: schedule, last run, outcome, duration,
  next run, recent errors per outlet);
- per outlet, from the crawl state: its crawl health (failing runs in a row, back-off, last error)
  and the figures of its latest run (requests, 304s, new articles, revisions, errors by kind,
  blocked pages, bytes, duration);
- per outlet, from the store: extraction health (:func:`pipelines.health.outlet_health`: fill rates
  of title, body, date and author, body-length drift, flagged when a layout change broke extraction).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from crawler.state import CrawlState, open_state
from pipelines.config import Config
from pipelines.health import OutletHealth, outlet_health
from pipelines.store import open_store


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


def extraction_health(config: Config) -> list[OutletHealth]:
    store = open_store(config)
    try:
        return outlet_health(store, outlets=[o.id for o in config.outlets])
    finally:
        store.close()


def status_json(config: Config, jobs: Any) -> dict[str, Any]:
    """Everything ``status`` shows, as JSON-ready data (``jobs``: the daemon's job report)."""
    state = open_state(config)
    try:
        outlets = outlet_status(config, state)
    finally:
        state.close()
    health = [
        {"outlet": h.outlet, "ok": h.ok, "flags": list(h.flags), "summary": h.summary()}
        for h in extraction_health(config)
    ]
    return {**asdict(jobs), "outlets": outlets, "extraction_health": health}


def print_outlets(config: Config, console: Console) -> None:
    """The crawl status table and the extraction health lines."""
    state = open_state(config)
    try:
        rows = outlet_status(config, state)
    finally:
        state.close()
    table = Table(
        "outlet", "last run (UTC)", "s", "requests", "304", "new", "revised", "errors", "blocked", "kB", "health",
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
            row["last_run"].replace("T", " ").removesuffix("+00:00") if row["last_run"] else "-",
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
    console.print(table)
    health = extraction_health(config)
    if health:
        console.print("Extraction health (recent articles against each outlet's own history)")
        for h in health:
            console.print(("  " if h.ok else "  [red]![/] ") + h.summary(), highlight=False)
