from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crawler.discovery import discover_feeds, parse_feed, parse_section, parse_sitemap
from examples.newsroom import NewsroomServer
from tests.test_newsroom import fetch

FIXTURES = Path(__file__).parent / "fixtures"


def test_rss2_feed_of_the_newsroom_gives_links_titles_dates_with_offsets_and_authors(
    newsroom_server: NewsroomServer,
) -> None:
    url = newsroom_server.origin("northgate-chronicle") + "/feed.xml"
    found = parse_feed(fetch(url)[2].encode(), url)
    visible = newsroom_server.newsroom.visible("northgate-chronicle", newsroom_server.now)
    assert not found.problem
    assert [c.url for c in found.candidates] == [
        newsroom_server.origin("northgate-chronicle") + a.path for a in visible
    ]
    first = found.candidates[0]
    assert first.title == visible[0].title
    assert first.published == visible[0].published
    assert first.published.utcoffset() is not None
    assert first.published.utcoffset().total_seconds() == -4 * 3600
    assert first.authors == visible[0].authors


def test_atom_feed_and_news_sitemap_of_the_newsroom(newsroom_server: NewsroomServer) -> None:
    origin = newsroom_server.origin("kingsway-post")
    visible = newsroom_server.newsroom.visible("kingsway-post", newsroom_server.now)
    atom = parse_feed(fetch(origin + "/atom.xml")[2].encode(), origin + "/atom.xml")
    sitemap = parse_sitemap(fetch(origin + "/news-sitemap.xml")[2].encode(), origin + "/news-sitemap.xml")
    for found in (atom, sitemap):
        assert len(found.candidates) == len(visible)
        assert {c.title for c in found.candidates} == {a.title for a in visible}
        assert all(c.published is not None for c in found.candidates)


def test_rss1_rdf_feed_is_read() -> None:
    found = parse_feed((FIXTURES / "rss1.rdf").read_bytes(), "https://rdf.example/rss")
    assert [c.url for c in found.candidates] == ["https://rdf.example/a/1", "https://rdf.example/a/2"]
    assert found.candidates[0].published == datetime(2025, 7, 8, 7, 30, tzinfo=UTC)
    assert found.candidates[0].authors == ("Ines Vogel",)


def test_a_broken_feed_still_yields_what_can_be_read_and_resolves_relative_links() -> None:
    found = parse_feed((FIXTURES / "broken-rss.xml").read_bytes(), "https://broken.example/feed")
    urls = [c.url for c in found.candidates]
    assert "https://broken.example/one" in urls
    assert "https://broken.example/two" in urls


def test_something_that_is_not_a_feed_is_named_as_such() -> None:
    found = parse_feed(b"\x89PNG\r\n\x1a\n\x00\x00binary", "https://x.example/feed")
    assert not found.candidates
    assert found.problem_kind == "not_a_feed"


def test_an_empty_feed_is_empty_not_broken_but_a_truncated_one_or_a_page_is_named() -> None:
    channel = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>https://x.example/</link>'
    empty = parse_feed(channel + b"<description>d</description></channel></rss>", "https://x.example/feed")
    assert (empty.candidates, empty.problem) == ((), "")
    assert parse_feed(channel + b"<item><title>Cut", "https://x.example/feed").problem_kind == "not_a_feed"
    page = parse_feed(b"<html><body><p>Moved</p></body></html>", "https://x.example/feed")
    assert page.problem_kind == "not_a_feed"


def test_a_sitemap_index_lists_its_sitemaps_resolved_against_its_url() -> None:
    found = parse_sitemap((FIXTURES / "sitemap-index.xml").read_bytes(), "https://site.example/sitemap.xml")
    assert found.sitemaps == ("https://site.example/sitemaps/news.xml", "https://site.example/sitemaps/2025-07.xml")
    assert not found.candidates


def test_a_sitemap_with_an_external_entity_does_not_read_local_files() -> None:
    found = parse_sitemap((FIXTURES / "xxe-sitemap.xml").read_bytes(), "https://site.example/s.xml")
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\x00"
    assert all(hostname not in c.url for c in found.candidates)


def test_html_is_not_a_sitemap() -> None:
    found = parse_sitemap(b"<html><body>hello</body></html>", "https://site.example/s.xml")
    assert found.problem


def test_a_json_feed_gives_links_titles_dates_and_authors() -> None:
    found = parse_feed((FIXTURES / "feed.json").read_bytes(), "https://json.example/feed.json")
    assert [c.url for c in found.candidates] == [
        "https://json.example/2025/07/08/truce",
        "https://json.example/2025/07/08/relative",
    ]
    first = found.candidates[0]
    assert first.published == datetime(2025, 7, 8, 7, 30, tzinfo=UTC)
    assert first.authors == ("Ines Vogel",)
    assert first.language == "en"
    assert first.summary == "Negotiators meet in Doha."


def test_a_google_news_sitemap_gives_title_date_and_language() -> None:
    found = parse_sitemap((FIXTURES / "google-news-sitemap.xml").read_bytes(), "https://nachrichten.example/news.xml")
    (candidate,) = found.candidates
    assert candidate.title == "Waffenruhe in Gaza: Verhandlungen gehen weiter"
    assert candidate.language == "de"
    assert candidate.published == datetime(2025, 7, 8, 5, 15, tzinfo=UTC)


def test_a_sitemap_index_gives_the_dates_of_its_sitemaps() -> None:
    body = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>/s/a.xml</loc><lastmod>2025-07-08T10:00:00Z</lastmod></sitemap>"
        b"<sitemap><loc>/s/news-2025-06-30.xml</loc></sitemap><sitemap><loc>/s/plain.xml</loc></sitemap>"
        b"</sitemapindex>"
    )
    found = parse_sitemap(body, "https://site.example/index.xml")
    assert found.sitemap_dates == (
        datetime(2025, 7, 8, 10, 0, tzinfo=UTC),
        datetime(2025, 6, 30, tzinfo=UTC),
        None,
    )


def test_feeds_are_found_in_a_homepages_alternate_links() -> None:
    page = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss/all.xml">'
        b'<link rel="alternate" type="application/atom+xml" href="https://cdn.example/atom">'
        b'<link rel="alternate" hreflang="fr" href="/fr/"><link rel="stylesheet" href="/s.css"></head></html>'
    )
    found = discover_feeds(page, "https://www.site.example/")
    assert found.feeds == ("https://www.site.example/rss/all.xml", "https://cdn.example/atom")


def test_section_links_look_like_articles_unless_patterns_say_otherwise() -> None:
    page = (
        b'<a href="/world/2025/07/08/truce-talks">A</a><a href="/about">B</a>'
        b'<a href="/world/long-headline-slug-with-many-words">C</a><a href="https://other.example/x-y-z-w">D</a>'
        b'<a href="/video/long-headline-slug-with-words">E</a>'
    )
    plain = parse_section(page, "https://www.site.example/world")
    assert [c.url for c in plain.candidates] == [
        "https://www.site.example/world/2025/07/08/truce-talks",
        "https://www.site.example/world/long-headline-slug-with-many-words",
        "https://www.site.example/video/long-headline-slug-with-words",
    ]
    denied = parse_section(page, "https://www.site.example/world", deny=["/video/"])
    assert len(denied.candidates) == 2
    allowed = parse_section(page, "https://www.site.example/world", allow=[r"/about$"])
    assert [c.url for c in allowed.candidates] == ["https://www.site.example/about"]
