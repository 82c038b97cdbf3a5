"""The jobs a run is made of: crawl, analyse, compare and report. The CLI (and later the daemon) call these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler import CrawlResult, run_crawl
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
    # the watch's articles form its story for now: labelled so stores can chart and filter them, claims kept
    now = datetime.now(UTC)
    store.label([a.id for a in comparison.articles], story=comparison.watch, watch=comparison.watch)
    store.upsert_claims(comparison.watch, comparison.claims, now)
    revisions = {a.id: [r.text for r in store.revisions(a.id)] for a in comparison.articles if a.revision > 1}
    analysis = analyse_story(list(comparison.articles), revisions)
    by_id = {a.id: a for a in comparison.articles}
    findings = [
        replace(
            d,
            watch=comparison.watch,
            story=d.story or comparison.watch,
            outlets={a: by_id[a].outlet for a in d.articles if a in by_id},
            urls={a: by_id[a].url for a in d.articles if a in by_id},
            revisions={a: by_id[a].revision for a in d.articles if a in by_id},
        )
        for d in analysis.divergences
    ]
    store.upsert_divergences(findings, now)
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
