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
from pipelines.config import Config, SmtpConfig, WatchConfig
from pipelines.errors import DeliveryError
from pipelines.store import Store, open_store
from pipelines.stories import assign_stories, story_of
from pipelines.syndication import find_copies
from reports import Digest, FlushResult, build_digest, deliver_digest, write_archive
from reports import flush_outbox as flush_store_outbox

SEARCH_LIMIT = 100_000


@dataclass(frozen=True)
class Delivery:
    """Email the digests: through this server, to these recipients (empty: each watch's own)."""

    smtp: SmtpConfig
    recipients: tuple[str, ...] = ()


@dataclass
class WatchResult:
    watch: str
    comparison: Comparison
    analysis: StoryAnalysis
    digest: Digest
    paths: dict[str, Path]
    delivery: FlushResult | None = None
    recipients: tuple[str, ...] = ()


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
    config: Config,
    store: Store,
    watch: WatchConfig,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    delivery: Delivery | None = None,
    now: datetime | None = None,
) -> WatchResult:
    """Compare, analyse, build the digest (marked against the last one recorded), archive it, and email it
    when ``delivery`` is given (recorded in the outbox first, then sent)."""
    at = now or datetime.now(UTC)
    previous = store.outbox_last(watch.name)
    comparison = compare_watch(store, watch, since, until)
    stories = assign_stories([a for a in comparison.articles if not a.duplicate_of])
    analysis = analyse_watch(store, comparison, stories)
    digest = build_digest(
        comparison,
        analysis.divergences,
        watch,
        {o.id: o.name for o in config.outlets},
        now=at,
        previous=previous,
        known=store.divergences(watch=watch.name),
        since=since,
        stories=stories,
    )
    paths = write_archive(digest, config.report_dir, now=at)
    result = WatchResult(watch.name, comparison, analysis, digest, paths)
    if delivery is not None:
        recipients = delivery.recipients or watch.recipients
        if not recipients:
            raise DeliveryError(f"watch {watch.name!r} has no recipients (set recipients in its [[watch]])")
        result.recipients = tuple(recipients)
        if digest.nothing_new and previous is not None and previous.pending:
            # the last digest has not reached everyone yet: send it, rather than a "nothing new since" it
            result.delivery = flush_store_outbox(store, delivery.smtp)
        else:
            result.delivery = deliver_digest(store, digest, smtp=delivery.smtp, recipients=recipients, now=at)
    return result


def flush_outbox(config: Config) -> FlushResult:
    """Send what the outbox still holds (after an SMTP outage or a crash); the daemon calls this on a timer."""
    store = open_store(config)
    try:
        return flush_store_outbox(store, config.smtp)
    finally:
        store.close()


def analyse_watch(store: Store, comparison: Comparison, stories: dict[str, str] | None = None) -> StoryAnalysis:
    """The divergences among a watch's articles, with every stored revision of edited ones; stored by id,
    each labelled with the story (``stories``: article id -> story id) most of its articles belong to."""
    revisions = {a.id: [r.text for r in store.revisions(a.id)] for a in comparison.articles if a.revision > 1}
    analysis = analyse_story(list(comparison.articles), revisions)
    by_id = {a.id: a for a in comparison.articles}
    if stories is None:
        stories = assign_stories([a for a in comparison.articles if not a.duplicate_of])
    findings = [
        replace(
            d,
            watch=comparison.watch,
            story=story_of(d.articles, stories),
            outlets={a: by_id[a].outlet for a in d.articles if a in by_id},
            urls={a: by_id[a].url for a in d.articles if a in by_id},
            revisions={a: by_id[a].revision for a in d.articles if a in by_id},
        )
        for d in analysis.divergences
    ]
    store.upsert_divergences(findings, datetime.now(UTC))
    return replace(analysis, divergences=tuple(findings))


def run_cycle(
    config: Config,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    *,
    delivery: Delivery | None = None,
) -> CycleResult:
    """One full cycle: crawl -> extract -> store (in the crawl process), then compare -> report (-> email)."""
    crawl = run_crawl(config.path, on_event=on_event)
    store = open_store(config)
    try:
        result = CycleResult(crawl=crawl, copies=analyse(store))
        for watch in config.watches:
            result.watches.append(report_watch(config, store, watch, delivery=delivery))
    finally:
        store.close()
    return result
