"""Per-outlet extraction health: an outlet whose layout change broke extraction is flagged with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.health import OutletHealth, outlet_health
from pipelines.models import Article
from pipelines.store import SQLiteStore
from pipelines.urls import article_id

T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
PARAGRAPH = (
    "The council met on Tuesday evening and voted on the harbour plan after a long debate about its cost, "
    "its effect on fishing families and the years of building work it would bring to the old quay."
)


def art(outlet: str, n: int, *, paragraphs: int = 6, dated: bool = True, author: bool = True) -> Article:
    url = f"https://{outlet}.example/news/{n}"
    when = T0 + timedelta(hours=6 * n)
    return Article(
        id=article_id(url),
        outlet=outlet,
        url=url,
        canonical_url=url,
        title=f"Story {n}",
        text="\n".join(f"{PARAGRAPH} ({n}.{i})" for i in range(paragraphs)),
        fetched_at=when + timedelta(minutes=5),
        published_at=when if dated else None,
        authors=("Jane Doe",) if author else (),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "health.db")
    yield s
    s.close()


def by_outlet(store: SQLiteStore, **kw: object) -> dict[str, OutletHealth]:
    return {h.outlet: h for h in outlet_health(store, **kw)}  # type: ignore[arg-type]


def test_a_steady_outlet_is_healthy(store: SQLiteStore) -> None:
    for n in range(40):
        store.upsert(art("steady", n))
    health = by_outlet(store)["steady"]
    assert health.ok, health.flags
    assert (health.recent.title, health.recent.body, health.recent.date, health.recent.author) == (1, 1, 1, 1)
    assert health.body_drift == pytest.approx(0.0)
    assert "steady: 40 articles" in health.summary()


def test_a_layout_change_that_cuts_bodies_and_loses_dates_is_flagged(store: SQLiteStore) -> None:
    for n in range(40):
        store.upsert(art("broken", n))
    # after the redesign: the lede only, no date, no byline
    for n in range(40, 60):
        store.upsert(art("broken", n, paragraphs=1, dated=False, author=False))
    health = by_outlet(store)["broken"]
    assert not health.ok
    assert health.body_drift < -0.5
    flags = " | ".join(health.flags)
    assert "body length fell" in flags
    assert "date found on 0% of recent articles, was 100%" in flags
    assert "author found on 0% of recent articles, was 100%" in flags
    assert "FLAGGED" in health.summary()


def test_an_outlet_whose_pages_stop_giving_articles_is_flagged_from_the_run_counts(store: SQLiteStore) -> None:
    for n in range(10):
        store.upsert(art("walled", n))
        store.upsert(art("fine", n))
    store.record_run(
        "crawl",
        T0,
        {
            "newswatch/outlet/walled/new": 2,
            "newswatch/outlet/walled/extraction/ok": 2,
            "newswatch/outlet/walled/extraction/too_short": 9,
            "newswatch/outlet/walled/extraction/consent_wall": 4,
            "newswatch/outlet/fine/new": 10,
            "newswatch/outlet/fine/extraction/too_short": 1,
        },
    )
    health = by_outlet(store)
    assert health["walled"].flags == ("13 of 15 fetched pages gave no article (too_short 9, consent_wall 4)",)
    assert health["fine"].ok
    assert health["fine"].dropped == {"too_short": 1}


def test_a_new_outlet_without_history_is_judged_on_its_own(store: SQLiteStore) -> None:
    for n in range(8):
        store.upsert(art("new", n, dated=False))
        store.upsert(art("few", n) if n < 3 else art("other", n))
    health = by_outlet(store, outlets=["silent"])
    assert health["new"].baseline is None
    assert health["new"].flags == ("date found on 0% of articles",)
    assert health["few"].ok  # three articles: too few to judge
    assert health["silent"].articles == 0
    assert health["silent"].ok
