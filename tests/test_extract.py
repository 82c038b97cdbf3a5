from __future__ import annotations

from datetime import UTC, datetime

import pytest

from examples.newsroom import Newsroom
from examples.newsroom.content import day_end
from pipelines.dates import offset_of
from pipelines.extract import extract_article
from pipelines.models import ExtractionStatus, RawPage
from pipelines.urls import article_id, canonical_url

NOW = day_end(4)


def page_of(newsroom: Newsroom, article, **extra) -> RawPage:
    html = newsroom.render_article(article, NOW)
    return RawPage(
        url="http://127.0.0.1:9" + article.path,
        final_url="http://127.0.0.1:9" + article.path,
        status=200,
        html=html,
        outlet=article.outlet.slug,
        fetched_at=datetime.now(UTC),
        **extra,
    )


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    "slug",
    [
        "northgate-chronicle",
        "kingsway-post",
        "levant-observer",
        "pacific-evening-star",
        "rhine-courier",
        "delta-gazette",
        "capital-signal",
        "southern-cross-herald",
    ],
)
def test_every_outlet_template_gives_clean_text_title_authors_and_canonical_id(newsroom: Newsroom, slug: str) -> None:
    for article in newsroom.visible(slug, NOW):
        feed_date = article.published.astimezone(article.outlet.zone) if article.outlet.metadata == "none" else None
        result = extract_article(page_of(newsroom, article, feed_published=feed_date, feed_authors=article.authors))
        assert result.status is ExtractionStatus.OK, result.reason
        got = result.article
        assert got is not None
        body = article.body_at(NOW)[0]
        paragraphs = [_norm(p) for p in body.split("\n\n") if p.strip()]
        assert [_norm(p) for p in got.paragraphs] == paragraphs, article.id
        assert got.title == article.title
        assert got.authors == article.authors
        assert got.canonical_url == canonical_url(article.canonical)
        assert got.id == article_id(article.canonical)
        assert got.published_at == article.published
        assert got.published_offset == offset_of(article.published.astimezone(article.outlet.zone))
        assert got.language == "en"


def test_the_published_date_records_where_it_came_from(newsroom: Newsroom) -> None:
    sources = {}
    for slug in ("northgate-chronicle", "kingsway-post", "pacific-evening-star"):
        article = newsroom.visible(slug, NOW)[0]
        feed_date = article.published if slug == "pacific-evening-star" else None
        sources[slug] = extract_article(page_of(newsroom, article, feed_published=feed_date)).article.published_source
    assert sources == {"northgate-chronicle": "jsonld", "kingsway-post": "meta", "pacific-evening-star": "feed"}


def test_a_date_in_the_future_is_not_stored(newsroom: Newsroom) -> None:
    article = newsroom.visible("pacific-evening-star", NOW)[0]
    future = datetime(2999, 1, 1, tzinfo=UTC)
    got = extract_article(page_of(newsroom, article, feed_published=future)).article
    assert got is not None
    assert got.published_at is None or got.published_at < datetime.now(UTC)


def test_the_edited_article_extracts_its_current_revision(newsroom: Newsroom) -> None:
    edited = next(a for a in newsroom.articles if a.revisions)
    got = extract_article(page_of(newsroom, edited)).article
    assert got is not None
    assert _norm(got.text) == _norm(" ".join(p for p in edited.final_body.split("\n\n")))
    assert got.modified_at == edited.revisions[-1][0]


@pytest.mark.parametrize(
    ("html", "status"),
    [
        ("", ExtractionStatus.EMPTY),
        ("   \n ", ExtractionStatus.EMPTY),
        ("<html><body><nav>Home</nav></body></html>", ExtractionStatus.NOT_ARTICLE),
        ("<html><body><script>var x = 1;</script></body></html>", ExtractionStatus.NOT_ARTICLE),
        ("<html><body><article><p>Too short to be news.</p></article></body></html>", ExtractionStatus.TOO_SHORT),
        ("\x00\x01\x02 binary \xff garbage", ExtractionStatus.NOT_HTML),
    ],
)
def test_bad_pages_come_back_as_a_named_status_not_an_exception(html: str, status: ExtractionStatus) -> None:
    page = RawPage(
        url="http://x.example/a",
        final_url="http://x.example/a",
        status=200,
        html=html,
        outlet="x",
        fetched_at=datetime.now(UTC),
    )
    result = extract_article(page)
    assert result.status is status
    assert result.article is None
    assert result.reason


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://WWW.Example.ORG/World/Story/?utm_source=rss&utm_medium=feed", "https://www.example.org/World/Story"),
        ("https://www.example.org/a?b=2&a=1&fbclid=xyz#comments", "https://www.example.org/a?a=1&b=2"),
        ("http://example.org:80/a/", "http://example.org/a"),
        ("https://example.org:8443/a?gclid=1", "https://example.org:8443/a"),
    ],
)
def test_canonical_urls_drop_tracking_and_normalise_host_and_slashes(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert article_id(url) == article_id(canonical)


def _raw(html: str, url: str = "https://example.org/news/a") -> RawPage:
    return RawPage(url=url, final_url=url, status=200, html=html, outlet="x", fetched_at=datetime.now(UTC))


_STORY = "".join(
    f"<p>Paragraph {i} of the story says the council met on Tuesday and voted on the new budget plan.</p>"
    for i in range(6)
)


def test_news_boilerplate_lines_are_removed_and_the_story_kept() -> None:
    from pipelines.extract import clean_text

    story = [f"Paragraph {i} of the story says the council met on Tuesday." for i in range(3)]
    text = "\n".join(
        [
            "Council passes budget",
            "The standfirst of the story.",
            story[0],
            "READ MORE: Another story about the council",
            story[1],
            "(Photo: Jane Roe/Getty Images)",
            story[2],
            "Don't miss",
            "Mayor under pressure over library closures [INSIGHT]",
            "Ten things to know about the vote",
            "Share this article",
            "Copyright © 2024 Example Times. All rights reserved.",
        ]
    )
    assert clean_text(text, ["Council passes budget"], "The standfirst of the story.").split("\n") == story


def test_paragraphs_without_spaces_are_not_taken_for_headings() -> None:
    from pipelines.extract import clean_text

    text = "先日、不正に改造したiPhoneを販売したとして男性が逮捕されました。\n報道によると、今回販売されたのは改造品\n"
    assert clean_text(text) == text.strip()


@pytest.mark.parametrize(
    ("title", "site", "h1", "clean"),
    [
        ("Council passes budget | Example Times", "Example Times", "", "Council passes budget"),
        ("Example Times - Council passes budget", "Example Times", "", "Council passes budget"),
        ("Council passes budget - ET Online", "", "Council passes budget", "Council passes budget"),
        ("Budget: &quot;a fair deal&quot;", "", "", 'Budget: "a fair deal"'),
        ("Rock - Paper - Scissors", "", "", "Rock - Paper - Scissors"),
    ],
)
def test_headlines_lose_the_site_name_only(title: str, site: str, h1: str, clean: str) -> None:
    from pipelines.extract import clean_title

    assert clean_title(title, site, h1) == clean


def test_authors_come_without_by_roles_or_photo_credits() -> None:
    html = (
        "<html><head><meta name='author' content='By Jane Doe, Staff Writer and Max Mustermann'></head>"
        f"<body><article><h1>Budget</h1>{_STORY}</article></body></html>"
    )
    assert extract_article(_raw(html)).article.authors == ("Jane Doe", "Max Mustermann")


def test_the_outlet_as_author_gives_way_to_a_signed_byline() -> None:
    html = (
        "<html><head><meta property='og:site_name' content='Example Times'>"
        "<meta name='author' content='Example Times'></head>"
        f"<body><article><h1>Budget</h1><p class='byline'>By Jane Doe</p>{_STORY}</article></body></html>"
    )
    assert extract_article(_raw(html)).article.authors == ("Jane Doe",)


def test_a_time_without_offset_takes_the_offset_another_declaration_gives() -> None:
    html = (
        '<html><head><script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "2024-03-05T09:30:00"}</script>'
        "<meta property='article:published_time' content='2024-03-05T09:30:00+01:00'></head>"
        f"<body><article>{_STORY}</article></body></html>"
    )
    got = extract_article(_raw(html)).article
    assert got.published_at == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert (got.published_offset, got.published_source) == ("+01:00", "jsonld")


def test_a_page_declaring_no_date_falls_back_to_the_date_in_its_url() -> None:
    html = f"<html><body><article>{_STORY}</article></body></html>"
    got = extract_article(_raw(html, "https://example.org/2024/03/05/budget")).article
    assert got.published_at is not None
    assert got.published_at.date().isoformat() == "2024-03-05"
    assert got.published_source in ("htmldate", "url")


def test_modified_before_published_is_not_stored() -> None:
    html = (
        "<html><head><meta property='article:published_time' content='2024-03-05T09:30:00+00:00'>"
        "<meta property='article:modified_time' content='2020-01-01T00:00:00+00:00'></head>"
        f"<body><article>{_STORY}</article></body></html>"
    )
    assert extract_article(_raw(html)).article.modified_at is None


def test_a_page_its_scripts_draw_is_read_from_the_html_in_its_state() -> None:
    import json

    # a single-page application: empty markup, the article as a JSON string of HTML in the hydration state
    state = {"article": {"title": "Budget", "html": "<figure><p>Photo: agency</p></figure>" + _STORY}}
    escaped = json.dumps(state).replace("<", "\\u003c")  # as frameworks write HTML inside a script
    html = (
        "<html><head><meta property='og:title' content='Council passes budget'></head><body><div id='app'></div>"
        f"<script>window.__STATE__ = {escaped};</script></body></html>"
    )
    got = extract_article(_raw(html)).article
    assert got is not None
    assert got.title == "Council passes budget"
    assert got.paragraphs[0].startswith("Paragraph 0 of the story")
    assert len(got.paragraphs) == 6
    # no article HTML in a script: still not an article
    empty = '<html><body><div id=\'app\'></div><script>window.__STATE__ = {"menu": ["Home"]};</script></body></html>'
    assert extract_article(_raw(empty)).status is ExtractionStatus.NOT_ARTICLE


def test_an_article_body_declared_in_jsonld_is_the_text_when_the_markup_has_none() -> None:
    import json

    body = " ".join(f"Sentence {i} says the council met on Tuesday and voted on the budget." for i in range(8))
    data = {"@type": "NewsArticle", "headline": "Council passes budget", "articleBody": body}
    html = f"<html><head><script type='application/ld+json'>{json.dumps(data)}</script></head><body></body></html>"
    got = extract_article(_raw(html)).article
    assert got is not None
    assert got.text == body
