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
from pipelines.models import Divergence
from pipelines.store import Store, open_store
from pipelines.stories import group
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
    """The divergences among a watch's articles, found story by story; stored by id with their story.

    The watch selects the articles; stories subdivide them (:func:`pipelines.stories.group`,
    in publication order, so the same articles give the same story ids on every run); each
    story is analysed on its own, with every stored revision of its edited articles. The
    returned analysis holds the findings of all stories; ``stories`` maps each story id to its
    own analysis (for its claim x outlet matrix, :func:`pipelines.compare.matrix.claim_matrix`).
    """
    by_id = {a.id: a for a in comparison.articles}
    findings: list[Divergence] = []
    copies: dict[str, str] = {}
    per_story: dict[str, StoryAnalysis] = {}
    for story_id, articles in group(comparison.articles).items():
        revisions = {a.id: [r.text for r in store.revisions(a.id)] for a in articles if a.revision > 1}
        analysis = analyse_story(articles, revisions)
        per_story[story_id] = analysis
        copies |= analysis.copies
        findings += [
            replace(
                d,
                watch=comparison.watch,
                story=story_id,
                outlets={a: by_id[a].outlet for a in d.articles if a in by_id},
                urls={a: by_id[a].url for a in d.articles if a in by_id},
                revisions={a: by_id[a].revision for a in d.articles if a in by_id},
            )
            for d in analysis.divergences
        ]
    store.upsert_divergences(findings, datetime.now(UTC))
    findings.sort(key=lambda d: (-d.severity, d.type, d.id))
    return StoryAnalysis(divergences=tuple(findings), copies=copies, stories=per_story)


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
