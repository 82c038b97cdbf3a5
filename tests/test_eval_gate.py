"""The quality gate: extraction and metadata accuracy on the project's own pages may not fall below stored floors.

Two sets, both in this repository so the gate runs anywhere: ``tests/fixtures/pages/`` (pages
written for the purpose, one generic layout each: a JSON-LD graph, a mainEntity with a compact
offset, a body split around an ad, a visible byline with a day-only date, a bold signature, wire
copy, a paywall, a Japanese page, a standfirst in the header, a consent wall, a page its scripts
draw with a section in its title, a declared author the page calls its editor; the truth in
``expected.json``) and the demo newsroom's 64 pages (eight templates). The floors are in
``tests/eval_baseline.json``; raising one after an improvement is welcome, lowering one is an
explicit commit that says why. The shared real-page benches have their own gate:
``bench/gate.py`` (it needs ../shared/data).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.scoring import score
from examples.newsroom.content import day_end, load_newsroom
from pipelines.extract import extract_article
from pipelines.models import Article, RawPage

HERE = Path(__file__).resolve().parent
PAGES = HERE / "fixtures" / "pages"
BASELINE = HERE / "eval_baseline.json"
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)


def _share(items: list[bool]) -> float:
    return sum(items) / len(items) if items else 1.0


def _same_date(expected: str | None, article: Article) -> bool:
    if expected is None:
        return article.published_at is None
    if article.published_at is None:
        return False
    if len(expected) == 10:  # a day: the day, and said to be a day only
        return article.published_at.date().isoformat() == expected and article.published_precision == "day"
    want = datetime.fromisoformat(expected)
    offset = article.published_offset
    return abs(article.published_at - want) <= timedelta(seconds=60) and offset == expected[-6:]


def fixture_figures() -> dict[str, float]:
    expected: dict[str, dict[str, Any]] = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
    results = {}
    for name, want in expected.items():
        page = RawPage(
            url=want["url"],
            final_url=want["url"],
            status=200,
            html=(PAGES / f"{name}.html").read_text(encoding="utf-8"),
            outlet="fixture",
            fetched_at=FETCHED,
        )
        results[name] = (want, extract_article(page))
    # a page that cannot be read whole (a consent wall) is kept with its state, and judged by that state only
    articles = [(w, r.article) for w, r in results.values() if w["status"] == "ok" and r.article is not None
                and not w.get("walled")]  # fmt: skip
    expected_articles = [w for w in expected.values() if w["status"] == "ok" and not w.get("walled")]

    def field(check: Callable[[dict[str, Any], Article], bool]) -> float:
        # a page that gave no article fails every field
        return sum(check(w, a) for w, a in articles) / len(expected_articles)

    body = score((w["text"], a.text) for w, a in articles)
    return {
        "status": _share([r.status.value == w["status"] and _walled_right(w, r.article) for w, r in results.values()]),
        "body_f1": body.f1 * len(articles) / len(expected_articles),
        "title": field(lambda w, a: a.title == w["title"]),
        "authors": field(lambda w, a: list(a.authors) == w["authors"]),
        "date": field(lambda w, a: _same_date(w["published"], a)),
        "modified": field(lambda w, a: (a.modified_at.isoformat() if a.modified_at else None) == _utc(w["modified"])),
        "access": field(lambda w, a: a.access_state.value == w["access"]),
        "agency": field(lambda w, a: a.syndicated_from == w["agency"]),
        "language": field(lambda w, a: a.language == w["language"]),
    }


def _walled_right(want: dict[str, Any], article: Article | None) -> bool:
    return not want.get("walled") or (article is not None and article.access_state.value == want["access"])


def _utc(value: str | None) -> str | None:
    return datetime.fromisoformat(value).astimezone(UTC).isoformat() if value else None


def demo_figures() -> dict[str, float]:
    newsroom = load_newsroom()
    now = day_end(4)
    pairs, titles, authors, dates, ok = [], [], [], [], []
    for item in newsroom.articles:
        url = "http://127.0.0.1:9" + item.path
        # what discovery knows from the feed: an outlet without page metadata gives its dates and authors there
        feed_date = item.published.astimezone(item.outlet.zone) if item.outlet.metadata == "none" else None
        page = RawPage(
            url=url,
            final_url=url,
            status=200,
            html=newsroom.render_article(item, now),
            outlet=item.outlet.slug,
            fetched_at=now,
            feed_published=feed_date,
            feed_authors=item.authors,
        )
        article = extract_article(page).article
        ok.append(article is not None)
        body = "\n".join(" ".join(p.split()) for p in item.body_at(now)[0].split("\n\n") if p.strip())
        pairs.append((body, article.text if article else ""))
        titles.append(article is not None and article.title == item.title)
        authors.append(article is not None and article.authors == item.authors)
        dates.append(article is not None and article.published_at == item.published)
    return {
        "extracted": _share(ok),
        "body_f1": score(pairs).f1,
        "title": _share(titles),
        "authors": _share(authors),
        "date": _share(dates),
    }


SETS: dict[str, Callable[[], dict[str, float]]] = {"fixtures": fixture_figures, "demo": demo_figures}


@pytest.mark.parametrize("name", sorted(SETS))
def test_accuracy_stays_at_or_above_its_floors(name: str) -> None:
    floors: dict[str, float] = json.loads(BASELINE.read_text(encoding="utf-8"))[name]
    figures = SETS[name]()
    # every figure has a floor and every floor a figure: a metric cannot silently leave the gate
    assert set(figures) == set(floors)
    below = {k: (round(figures[k], 4), floors[k]) for k in floors if figures[k] < floors[k] - 1e-9}
    assert not below, f"{name}: below the floor (figure, floor): {below}"
