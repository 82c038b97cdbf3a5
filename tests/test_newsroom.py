"""The demo newsroom is what the demo, the tests and the benchmarks crawl: check it is what it claims."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import Counter

import pytest

from examples.newsroom import Newsroom, NewsroomServer
from examples.newsroom.groundtruth import GROUND_TRUTH, build, planted, render


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")


def test_the_newsroom_has_eight_outlets_sixty_articles_and_a_central_story_of_seven(newsroom: Newsroom) -> None:
    assert len(newsroom.outlets) >= 8
    assert len(newsroom.articles) >= 60
    central = {a.outlet.slug for a in newsroom.articles if a.story == "ceasefire"}
    assert len(central) >= 7
    days = {a.published.date() for a in newsroom.articles}
    assert len(days) >= 3
    assert len({o.template for o in newsroom.outlets.values()}) == len(newsroom.outlets)
    assert {o.metadata for o in newsroom.outlets.values()} == {"jsonld", "opengraph", "none"}
    assert {o.feed for o in newsroom.outlets.values()} == {"rss", "atom"}


def test_a_wire_story_is_republished_verbatim_by_two_outlets(newsroom: Newsroom) -> None:
    copies = [a for a in newsroom.articles if a.wire]
    assert len({a.outlet.slug for a in copies}) >= 2
    assert len({a.body for a in copies}) == 1


def test_feeds_follow_the_simulated_clock(newsroom_server: NewsroomServer) -> None:
    origin = newsroom_server.origin("northgate-chronicle")
    newsroom_server.set_day(1)
    _, _, day_one = fetch(origin + "/feed.xml")
    newsroom_server.set_day(3)
    _, _, day_three = fetch(origin + "/feed.xml")
    assert day_one.count("<item>") < day_three.count("<item>")
    later = [
        a for a in newsroom_server.newsroom.visible("northgate-chronicle", newsroom_server.now) if a.published.day >= 8
    ]
    assert later
    assert all(a.path in day_three and a.path not in day_one for a in later)
    status, _, _ = fetch(origin + later[0].path.replace("/2025/", "/2025/"))
    newsroom_server.set_day(1)
    assert fetch(origin + later[0].path)[0] == 404  # not yet published on day 1
    assert status == 200


def test_the_edited_article_serves_its_second_revision_after_the_edit(newsroom_server: NewsroomServer) -> None:
    edit = next(d for d in planted()["divergence"] if d["type"] == "stealth_edit")
    article_id = edit["articles"][0]
    edited = next(a for a in newsroom_server.newsroom.articles if a.id == article_id)
    url = newsroom_server.origin(edited.outlet.slug) + edited.path
    newsroom_server.set_time(edited.revisions[0][0] - (edited.revisions[0][0] - edited.published) / 2)
    _, _, before = fetch(url)
    newsroom_server.set_day(4)
    _, _, after = fetch(url)
    old, new = edit["before"][article_id], edit["evidence"][article_id]
    assert old in before
    assert new not in before
    assert new in after
    assert old not in after


def test_robots_disallows_a_section_and_sets_a_crawl_delay(newsroom_server: NewsroomServer) -> None:
    rules = Counter()
    for slug in newsroom_server.newsroom.outlets:
        _, _, robots = fetch(newsroom_server.origin(slug) + "/robots.txt")
        rules["disallow"] += any(line.startswith("Disallow: /") for line in robots.splitlines())
        rules["delay"] += "Crawl-delay:" in robots
        assert f"Sitemap: {newsroom_server.origin(slug)}/news-sitemap.xml" in robots
    assert rules["disallow"] >= 1
    assert rules["delay"] >= 1


def test_feeds_answer_conditional_requests_with_304(newsroom_server: NewsroomServer) -> None:
    url = newsroom_server.origin("kingsway-post") + "/atom.xml"
    status, headers, body = fetch(url)
    assert status == 200
    assert "<feed" in body
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304


def test_the_clock_can_be_moved_over_http(newsroom_server: NewsroomServer) -> None:
    origin = newsroom_server.origin("capital-signal")
    status, _, body = fetch(origin + "/_newsroom/clock?day=1", method="POST")
    assert status == 200
    assert "2025-07-07T23:59:59" in body
    assert fetch(origin + "/_newsroom/clock?day=soon", method="POST")[0] == 400


@pytest.mark.parametrize(
    "slug", ["northgate-chronicle", "kingsway-post", "pacific-evening-star", "southern-cross-herald"]
)
def test_pages_declare_metadata_in_their_outlets_own_way(newsroom_server: NewsroomServer, slug: str) -> None:
    outlet = newsroom_server.newsroom.outlets[slug]
    article = newsroom_server.newsroom.visible(slug, newsroom_server.now)[0]
    _, _, page = fetch(newsroom_server.origin(slug) + article.path)
    assert ("application/ld+json" in page) == (outlet.metadata == "jsonld")
    assert ('property="og:title"' in page) == (outlet.metadata == "opengraph")
    assert f'rel="canonical" href="{article.canonical}"' in page


def test_every_planted_divergence_quotes_its_articles_verbatim(newsroom: Newsroom) -> None:
    articles = {a.id: a for a in newsroom.articles}
    truth = planted()
    types = {d["type"] for d in truth["divergence"]}
    assert types >= {
        "numeric_conflict",
        "date_conflict",
        "quote_attribution",
        "role_title",
        "uncorroborated",
        "omission",
        "quote_wording",
        "framing",
        "stealth_edit",
    }
    for item in truth["divergence"] + truth["control"]:
        for article_id, evidence in item["evidence"].items():
            assert evidence in articles[article_id].final_body, (item.get("id"), article_id)
            assert 5 <= len(evidence.split()) <= 40
        for article_id, evidence in item.get("before", {}).items():
            assert evidence in articles[article_id].body


def test_the_committed_ground_truth_is_generated_from_the_content() -> None:
    assert GROUND_TRUTH.read_text(encoding="utf-8") == render(build()), "run: python -m examples.newsroom.groundtruth"
