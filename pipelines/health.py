"""Per-outlet extraction health: is each outlet still giving whole articles with their metadata?

A layout change at an outlet does not crash anything: extraction quietly starts returning the
lede only, or no dates, or no authors. This module reads what is stored (and the per-outlet
counts recorded with each crawl run) and compares each outlet's most recent articles with its
earlier ones: fill rates of title, body, date and author, and the drift of the body length. An
outlet whose recent articles fall well below its own history is flagged with the reason, so
``newswatch status`` can show it instead of the store silently filling with short texts.

It reads only the :class:`~pipelines.store.base.Store` interface, so it works on every backend.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipelines.models import AccessState, Article
from pipelines.store.base import Store

RECENT_ARTICLES = 20  # the newest articles of an outlet, judged against the ones before
BASELINE_ARTICLES = 100
MIN_JUDGED = 5  # fewer recent articles than this: nothing is judged
BODY_DRIFT_FLOOR = 0.5  # recent median body below half the earlier median: extraction lost the body
SHORT_BODY_WORDS = 80
FILL_DROP = 0.4  # a fill rate falling by this much (0.9 -> 0.5) is a broken field
TITLE_FILL_FLOOR = 0.8  # without history, fewer titles than this is broken
DATE_FILL_FLOOR = 0.5
RECENT_RUNS = 5
FAILED_SHARE = 0.5  # more fetched pages dropped than stored in recent runs
MIN_PAGES = 5
_STORED = frozenset({"new", "unchanged", "revised"})


@dataclass(frozen=True)
class Fill:
    """Share of articles that have each field."""

    title: float
    body: float  # a body of at least SHORT_BODY_WORDS words
    date: float
    author: float
    median_words: float
    paywalled: float

    @classmethod
    def of(cls, articles: Sequence[Article]) -> Fill:
        n = len(articles) or 1
        return cls(
            title=sum(bool(a.title.strip()) for a in articles) / n,
            body=sum(a.word_count >= SHORT_BODY_WORDS for a in articles) / n,
            date=sum(a.published_at is not None for a in articles) / n,
            author=sum(bool(a.authors) for a in articles) / n,
            median_words=statistics.median(a.word_count for a in articles) if articles else 0.0,
            paywalled=sum(a.access_state is AccessState.PAYWALL for a in articles) / n,
        )


@dataclass(frozen=True)
class OutletHealth:
    """One outlet's extraction health: recent fill rates beside its history, and what looks broken."""

    outlet: str
    articles: int
    recent: Fill
    baseline: Fill | None  # None while the outlet has too few older articles to compare with
    dropped: dict[str, int] = field(default_factory=dict)  # extraction status -> pages, recent runs
    stored_pages: int = 0  # pages stored in the recent runs
    flags: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.flags

    @property
    def body_drift(self) -> float:
        """Recent median body length relative to the earlier median (-0.6: 60% shorter); 0 without history."""
        if self.baseline is None or not self.baseline.median_words:
            return 0.0
        return self.recent.median_words / self.baseline.median_words - 1

    def summary(self) -> str:
        """One line for a status table: fill rates, drift and the flags."""
        r = self.recent
        line = (
            f"{self.outlet}: {self.articles} articles; title {r.title:.0%}, body {r.body:.0%}, date {r.date:.0%},"
            f" author {r.author:.0%}; median {r.median_words:.0f} words"
        )
        if self.baseline is not None:
            line += f" ({self.body_drift:+.0%} vs earlier)"
        return line + (f" — FLAGGED: {'; '.join(self.flags)}" if self.flags else "")


def outlet_health(
    store: Store,
    *,
    outlets: Iterable[str] = (),
    recent: int = RECENT_ARTICLES,
) -> list[OutletHealth]:
    """The health of every outlet with stored articles (and of ``outlets`` named even without any), by outlet id.

    The newest articles are judged whenever they came (a paused crawl is not a broken outlet).
    """
    by_outlet: dict[str, list[Article]] = {o: [] for o in outlets}
    for article in store.articles():
        by_outlet.setdefault(article.outlet, []).append(article)
    dropped, stored = _run_counts(store.runs(kind="crawl", limit=RECENT_RUNS))
    return [
        assess(outlet, articles, recent=recent, dropped=dropped.get(outlet, {}), stored_pages=stored.get(outlet, 0))
        for outlet, articles in sorted(by_outlet.items())
    ]


def assess(
    outlet: str,
    articles: Sequence[Article],
    *,
    recent: int = RECENT_ARTICLES,
    dropped: dict[str, int] | None = None,
    stored_pages: int = 0,
) -> OutletHealth:
    """One outlet's health from its articles (any order) and its recent runs' counts."""
    ordered = sorted(articles, key=_when)
    newest = ordered[-recent:]
    older = ordered[-(recent + BASELINE_ARTICLES) : -recent] if len(ordered) > recent else []
    now_fill = Fill.of(newest)
    before = Fill.of(older) if len(older) >= MIN_JUDGED else None
    flags: list[str] = []
    if len(newest) >= MIN_JUDGED:
        flags += _field_flags(now_fill, before)
    dropped = dict(dropped or {})
    failed = sum(dropped.values())
    if failed >= MIN_PAGES and failed > FAILED_SHARE * (failed + stored_pages):
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(dropped.items(), key=lambda kv: -kv[1]))
        flags.append(f"{failed} of {failed + stored_pages} fetched pages gave no article ({reasons})")
    return OutletHealth(outlet, len(ordered), now_fill, before, dropped, stored_pages, tuple(flags))


def _field_flags(now: Fill, before: Fill | None) -> list[str]:
    flags = []
    if before is not None:
        if before.median_words and now.median_words < BODY_DRIFT_FLOOR * before.median_words:
            flags.append(f"body length fell to {now.median_words:.0f} words (median), was {before.median_words:.0f}")
        for name in ("title", "body", "date", "author"):
            was, is_ = getattr(before, name), getattr(now, name)
            if was - is_ >= FILL_DROP:
                flags.append(f"{name} found on {is_:.0%} of recent articles, was {was:.0%}")
    else:
        if now.title < TITLE_FILL_FLOOR:
            flags.append(f"title found on {now.title:.0%} of articles")
        if now.date < DATE_FILL_FLOOR:
            flags.append(f"date found on {now.date:.0%} of articles")
    return flags


def _when(article: Article) -> datetime:
    return article.published_at or article.fetched_at or datetime.min.replace(tzinfo=UTC)


def _run_counts(runs: Sequence[dict[str, Any]]) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Per outlet, pages dropped by extraction status and pages stored, summed over the runs' stats.

    The crawl counts ``newswatch/outlet/<id>/extraction/<status>`` for every page that gave no
    article and ``newswatch/outlet/<id>/<new|unchanged|revised>`` for every stored one.
    """
    dropped: dict[str, dict[str, int]] = {}
    stored: dict[str, int] = {}
    for run in runs:
        for key, value in (run.get("stats") or {}).items():
            parts = str(key).split("/")
            if len(parts) < 4 or parts[:2] != ["newswatch", "outlet"] or not isinstance(value, int):
                continue
            outlet = parts[2]
            if parts[3] == "extraction" and len(parts) == 5 and parts[4] != "ok":
                dropped.setdefault(outlet, {})
                dropped[outlet][parts[4]] = dropped[outlet].get(parts[4], 0) + value
            elif len(parts) == 4 and parts[3] in _STORED:
                stored[outlet] = stored.get(outlet, 0) + value
    return dropped, stored
