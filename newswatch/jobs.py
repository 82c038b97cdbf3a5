"""The jobs a run is made of: crawl, analyse, compare and report, plus the daemon's digest, delivery and
housekeeping. The CLI, the daemon and ``run-once`` call these; each takes the typed config."""

from __future__ import annotations

import logging
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
from pipelines.compare.matrix import claim_matrix
from pipelines.config import Config, SmtpConfig, WatchConfig
from pipelines.errors import DeliveryError
from pipelines.models import Article, Claim, Divergence
from pipelines.store import Store, open_store
from pipelines.stories import group
from pipelines.syndication import detect_copies
from reports import Digest, FlushResult, build_digest, deliver_digest, record_archived, write_archive
from reports import flush_outbox as flush_store_outbox

SEARCH_LIMIT = 100_000
logger = logging.getLogger(__name__)


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
    """Mark syndicated copies among the stored articles, with their wire agency; returns ``{copy: original}``."""
    copies = detect_copies(store.articles())
    for copy, original in copies.original.items():
        store.mark_duplicate(copy, original, copies.agency.get(copy, ""))
    return copies.original


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
    groups = group(comparison.articles)
    stories = {a.id: story for story, members in groups.items() for a in members}
    analysis = analyse_watch(store, comparison, groups)
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
        matrices={sid: claim_matrix(story, groups[sid]) for sid, story in analysis.stories.items()},
    )
    paths = write_archive(digest, config.report_dir, now=at)
    result = WatchResult(watch.name, comparison, analysis, digest, paths)
    if delivery is None:
        record_archived(store, digest, now=at)  # what this report showed: the next one is marked against it
    else:
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


def analyse_watch(
    store: Store, comparison: Comparison, groups: dict[str, list[Article]] | None = None
) -> StoryAnalysis:
    """The divergences among a watch's articles, found story by story; stored by id with their story.

    The watch selects the articles; stories subdivide them (:func:`pipelines.stories.group`,
    in publication order, so the same articles give the same story ids on every run); each
    story is analysed on its own, with every stored revision of its edited articles. The
    returned analysis holds the findings of all stories; ``stories`` maps each story id to its
    own analysis (for its claim x outlet matrix, :func:`pipelines.compare.matrix.claim_matrix`).
    ``groups`` (story id -> articles) when the caller has grouped them already.

    A story the engine fails on is logged and named in ``failed``; its findings of the last run
    stand, so the digest neither loses them nor reports them resolved, and the other stories go on.
    """
    now = datetime.now(UTC)
    by_id = {a.id: a for a in comparison.articles}
    findings: list[Divergence] = []
    copies: dict[str, str] = {}
    per_story: dict[str, StoryAnalysis] = {}
    failed: list[str] = []
    stored: list[Divergence] | None = None
    groups = group(comparison.articles) if groups is None else groups
    # the articles labelled with their story and the watch, so a store can chart and filter them (Kibana)
    story_of_article = {a.id: story for story, members in groups.items() for a in members}
    store.label(list(by_id), watch=comparison.watch)
    claims_by_story: dict[str, list[Claim]] = {}
    for claim in comparison.claims:
        votes = Counter(story_of_article.get(m.article_id, "") for m in claim.mentions)
        claims_by_story.setdefault(votes.most_common(1)[0][0] if votes else "", []).append(claim)
    for story_id, articles in groups.items():
        store.label([a.id for a in articles], story=story_id)
        store.upsert_claims(story_id, claims_by_story.get(story_id, []), now)
        revisions = {a.id: [r.text for r in store.revisions(a.id)] for a in articles if a.revision > 1}
        try:
            analysis = analyse_story(articles, revisions)
        except Exception:  # a bug on one story's text must not cost the watch its other stories
            logger.exception("watch %r: story %s (%d articles) could not be analysed; its last findings stand",
                             comparison.watch, story_id, len(articles))  # fmt: skip
            failed.append(story_id)
            if stored is None:
                stored = store.divergences(watch=comparison.watch)
            findings += [d for d in stored if d.story == story_id]
            continue
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
    store.upsert_divergences(findings, now)
    findings.sort(key=lambda d: (-d.severity, d.type, d.id))
    return StoryAnalysis(divergences=tuple(findings), copies=copies, stories=per_story, failed=tuple(failed))


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
    for outlet, n in result.not_modified.items():  # a revisit answered 304: the stored article is unchanged
        counts = stored.setdefault(outlet, {})
        counts["unchanged"] = counts.get("unchanged", 0) + n
    failures: dict[str, Counter[str]] = {}
    samples: dict[str, list[str]] = {}
    for drop in result.dropped:
        reason = str(drop.get("reason", "")).split(":", 1)[0] or "unknown"
        failures.setdefault(drop.get("outlet", "?"), Counter())[reason] += 1
    errors: dict[str, Counter[str]] = {}
    for key, value in result.stats.items():
        parts = str(key).split("/")
        # the crawl counts newswatch/outlet/<id>/errors/<kind> (HTTP, DNS, timeouts, unreadable feeds, ...)
        if parts[:2] == ["newswatch", "outlet"] and len(parts) == 5 and parts[3] == "errors":
            errors.setdefault(parts[2], Counter())[parts[4]] += int(value)
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
    """Produce one watch's digest: archived in the report folder, and emailed when the watch has recipients
    and the config an ``[smtp]`` section.

    An emailed digest is recorded in the store's outbox before it is sent, so a crash or an SMTP outage
    leads to exactly one later copy (sent by :func:`deliver`), never two.
    """
    delivery = Delivery(config.smtp) if watch.recipients and config.smtp_configured else None
    result = report_watch(config, store, watch, delivery=delivery)
    sent = len(result.delivery.sent) if result.delivery else 0
    return {
        "watch": watch.name,
        "channel": "email" if delivery else "file",
        "digests_sent": sent if delivery else 1,
        "outbox_pending": result.delivery.pending if result.delivery else 0,
        "delivery_error": result.delivery.error if result.delivery else "",
        "articles": result.digest.article_count,
        "divergences": len(result.analysis.divergences),
        "path": str(result.paths["html"]),
    }


def deliver(config: Config, store: Store) -> dict[str, Any]:
    """Hand on what waits, on its own interval, so a dead server only delays it: first the store's own
    backlog (Elasticsearch: writes spooled on disk while the cluster was unreachable, replayed in order,
    exactly once; a cluster still down fails this run and the spool waits for the next), then the
    digests the outbox still holds (recorded while the SMTP server was down, or before a crash)."""
    store.flush()
    if not store.outbox_pending():
        return {"outbox_pending": 0, "digests_sent": 0}
    flushed = flush_store_outbox(store, config.smtp)
    return {
        "outbox_pending": flushed.pending,
        "digests_sent": len(flushed.sent),
        "refused": len(flushed.refused),
        "delivery_error": flushed.error,
    }


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
