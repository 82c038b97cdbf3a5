"""The jobs a run is made of: crawl, analyse, compare and report, plus the daemon's digest, delivery and
housekeeping. The CLI, the daemon and ``run-once`` call these; each takes the typed config."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crawler import CrawlResult, run_crawl
from newswatch.lock import outlet_locks
from pipelines.compare import Comparison, compare
from pipelines.compare.divergence import StoryAnalysis, analyse_story
from pipelines.config import Config, WatchConfig
from pipelines.store import Store, open_store
from pipelines.syndication import find_copies
from reports import Report, build_report, write_report

SEARCH_LIMIT = 100_000


@dataclass
class WatchResult:
    watch: str
    comparison: Comparison
    analysis: StoryAnalysis
    report: Report
    paths: dict[str, Path]


@dataclass
class CycleResult:
    crawl: CrawlResult
    copies: dict[str, str]
    watches: list[WatchResult] = field(default_factory=list)


def analyse(store: Store) -> dict[str, str]:
    """Mark syndicated copies across the stored articles; returns ``{copy: original}``."""
    copies = find_copies(store.articles())
    for copy, original in copies.items():
        store.mark_duplicate(copy, original)
    return copies


def compare_watch(
    store: Store, watch: WatchConfig, since: datetime | None = None, until: datetime | None = None
) -> Comparison:
    hits = store.search(watch.query, since=since, until=until, limit=SEARCH_LIMIT)
    return compare(watch.name, [hit.article for hit in hits])


def report_watch(
    config: Config, store: Store, watch: WatchConfig, since: datetime | None = None, until: datetime | None = None
) -> WatchResult:
    comparison = compare_watch(store, watch, since, until)
    analysis = analyse_watch(store, comparison)
    report = build_report(comparison, watch, config, analysis=analysis)
    paths = write_report(report, config.report_dir)
    return WatchResult(watch.name, comparison, analysis, report, paths)


def analyse_watch(store: Store, comparison: Comparison) -> StoryAnalysis:
    """The divergences among a watch's articles, with every stored revision of edited ones; stored by id."""
    revisions = {a.id: [r.text for r in store.revisions(a.id)] for a in comparison.articles if a.revision > 1}
    analysis = analyse_story(list(comparison.articles), revisions)
    by_id = {a.id: a for a in comparison.articles}
    findings = [
        replace(
            d,
            watch=comparison.watch,
            outlets={a: by_id[a].outlet for a in d.articles if a in by_id},
            urls={a: by_id[a].url for a in d.articles if a in by_id},
            revisions={a: by_id[a].revision for a in d.articles if a in by_id},
        )
        for d in analysis.divergences
    ]
    store.upsert_divergences(findings, datetime.now(UTC))
    return replace(analysis, divergences=tuple(findings))


def run_cycle(config: Config, on_event: Callable[[dict[str, Any]], None] | None = None) -> CycleResult:
    """One full cycle: crawl -> extract -> store (in the crawl process), then compare -> report."""
    crawl = run_crawl(config.path, on_event=on_event)
    store = open_store(config)
    try:
        result = CycleResult(crawl=crawl, copies=analyse(store))
        for watch in config.watches:
            result.watches.append(report_watch(config, store, watch))
    finally:
        store.close()
    return result


# -- the daemon's jobs (scheduled by newswatch.daemon, run from cron by run-once) ----------------
def crawl_outlets(config: Config, config_ref: str, outlets: Sequence[str], *, timeout_s: float) -> CrawlResult:
    """Crawl some outlets in a child process with a time limit, holding their locks (see
    :func:`newswatch.lock.outlet_locks`) so a group crawl and a revisit never fetch one outlet at once.

    ``config_ref`` is the file the child reads: the daemon's snapshot of its last good config.
    """
    with outlet_locks(config.data_path, outlets, timeout_s=timeout_s):
        return run_crawl(Path(config_ref), outlets=outlets, timeout_s=timeout_s)


def revisit_outlets(config: Config, config_ref: str, *, timeout_s: float) -> CrawlResult:
    """Fetch the outlets' listed articles again, so edits made after publication become revisions.

    Until the crawler schedules revisits of stored articles itself, a revisit is a crawl of every outlet:
    the feeds still list recent articles and each changed text is stored as a new revision.
    """
    return crawl_outlets(config, config_ref, [o.id for o in config.outlets], timeout_s=timeout_s)


def crawl_summary(result: CrawlResult, outlets: Sequence[str]) -> dict[str, Any]:
    """What a crawl did, per outlet, as plain JSON for the job history and the metrics."""
    stored: dict[str, dict[str, int]] = {}
    for (outlet, outcome), n in result.stored.items():
        stored.setdefault(outlet, {})[outcome] = n
    failures: dict[str, Counter[str]] = {}
    samples: dict[str, list[str]] = {}
    for drop in result.dropped:
        reason = str(drop.get("reason", "")).split(":", 1)[0] or "unknown"
        failures.setdefault(drop.get("outlet", "?"), Counter())[reason] += 1
    errors: dict[str, Counter[str]] = {}
    for key, value in result.stats.items():
        parts = str(key).split("/")
        if parts[:2] == ["newswatch", "errors"] and len(parts) == 4:
            errors.setdefault(parts[2], Counter())[parts[3]] += int(value)
        elif parts[:2] == ["newswatch", "discovery_failed"] and len(parts) == 3:
            errors.setdefault(parts[2], Counter())["discovery"] += int(value)
    # the spider logs each failure as "URL (outlet): message"; keep a few per outlet to show in status
    known = set(outlets)
    for line in result.stats.get("warnings", []):
        match = re.search(r" \(([a-z0-9][a-z0-9_-]*)\): (.+)$", str(line))
        if match and match[1] in known and len(samples.setdefault(match[1], [])) < 3:
            samples[match[1]].append(str(line).split(": ", 1)[-1][:300])
    return {
        "outlets": list(outlets),
        "pages_fetched": int(result.stats.get("downloader/response_count", 0)),
        "stored": stored,
        "extraction_failures": {o: dict(c) for o, c in failures.items()},
        "errors": {o: dict(c) for o, c in errors.items()},
        "error_samples": samples,
        "robots_forbidden": int(result.stats.get("robotstxt/forbidden", 0)),
        "finish_reason": str(result.stats.get("finish_reason", "")),
        "timed_out": result.timed_out,
    }


def analyse_watches(config: Config, store: Store) -> dict[str, Any]:
    """Mark syndicated copies, then find and store each watch's divergences; counts what is new."""
    copies = analyse(store)
    total: dict[str, int] = {}
    new: dict[str, int] = {}
    for watch in config.watches:
        known = {d.id for d in store.divergences(watch=watch.name)}
        analysis = analyse_watch(store, compare_watch(store, watch))
        total[watch.name] = len(analysis.divergences)
        new[watch.name] = sum(1 for d in analysis.divergences if d.id not in known)
    return {"copies": len(copies), "divergences": total, "divergences_new": new}


def digest_watch(config: Config, store: Store, watch: WatchConfig) -> dict[str, Any]:
    """Produce one watch's digest.

    Today the digest is the watch's report, written to the report folder. Email delivery replaces this
    body: render into the store's outbox (recorded before sending, so a crash never mails twice), then
    :func:`deliver` sends it.
    """
    result = report_watch(config, store, watch)
    return {
        "watch": watch.name,
        "channel": "file",
        "digests_sent": 1,
        "articles": result.report.article_count,
        "divergences": len(result.analysis.divergences),
        "path": str(result.paths["html"]),
    }


def deliver(config: Config, store: Store) -> dict[str, Any]:
    """Hand on whatever waits to be delivered; returns what is still waiting.

    The hooks for the outbox and the spool: the email branch's outbox flush and the Elasticsearch
    store's spool replay are called from here, on their own interval, so a dead SMTP server or cluster
    only delays delivery. Today it counts the digests waiting in the outbox.
    """
    return {"outbox_pending": len(store.outbox_pending())}


def housekeeping(config: Config, store: Store, now: datetime) -> dict[str, Any]:
    """Retention: old revisions (only when ``revision_retention_days`` is set; the current one is always
    kept), archived report files, and rotation of the crawl logs."""
    schedule = config.schedule
    stats: dict[str, Any] = {}
    if schedule.revision_retention_days:
        stats["revisions_pruned"] = store.prune_revisions(now - timedelta(days=schedule.revision_retention_days))
    if schedule.report_retention_days:
        stats["reports_pruned"] = prune_files(
            config.report_dir, now - timedelta(days=schedule.report_retention_days), ("*.html", "*.txt", "*.json")
        )
    stats["logs_rotated"] = rotate_logs(config.data_path / "logs", schedule.log_max_bytes, schedule.log_backups)
    return stats


def prune_files(folder: Path, before: datetime, patterns: Sequence[str]) -> int:
    """Delete files matching ``patterns`` under ``folder`` last modified before ``before``."""
    if not folder.is_dir():
        return 0
    cutoff = before.timestamp()
    pruned = 0
    for pattern in patterns:
        for path in folder.rglob(pattern):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                pruned += 1
    return pruned


def rotate_logs(folder: Path, max_bytes: int, backups: int) -> list[str]:
    """Rename each ``*.log`` over ``max_bytes`` to ``.1`` (shifting older ones, keeping ``backups``).

    Crawl processes open their log afresh each run, so a rename between runs loses no line (one
    still running finishes into the renamed file).
    """
    rotated = []
    for log in sorted(folder.glob("*.log")) if folder.is_dir() else []:
        if log.stat().st_size <= max_bytes:
            continue
        log.with_name(f"{log.name}.{backups}").unlink(missing_ok=True)
        for n in range(backups - 1, 0, -1):
            older = log.with_name(f"{log.name}.{n}")
            if older.exists():
                older.replace(log.with_name(f"{log.name}.{n + 1}"))
        if backups:
            log.replace(log.with_name(f"{log.name}.1"))
        else:
            log.unlink()
        rotated.append(log.name)
    return rotated
