"""What pages declare about themselves: JSON-LD graphs, dates with their precision, bylines, headlines."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pipelines.extract import extract_article
from pipelines.metadata import clean_authors, clean_title, looks_like_name
from pipelines.models import Article, RawPage

STORY = "".join(
    f"<p>Paragraph {i} of the story says the council met on Tuesday and voted on the new harbour plan.</p>"
    for i in range(6)
)


def extract(head: str, body: str = STORY, url: str = "https://example.org/news/harbour-plan") -> Article:
    html = f"<html><head>{head}</head><body><article><h1>Harbour plan</h1>{body}</article></body></html>"
    page = RawPage(url=url, final_url=url, status=200, html=html, outlet="x", fetched_at=datetime.now(UTC))
    result = extract_article(page)
    assert result.article is not None, result.reason
    return result.article


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_authors_referenced_by_id_in_a_jsonld_graph_are_resolved() -> None:
    graph = {
        "@graph": [
            {"@type": "Person", "@id": "#p1", "name": "Jane Doe"},
            {"@type": "Person", "@id": "#p2", "givenName": "Max", "familyName": "Mustermann"},
            {
                "@type": "NewsArticle",
                "headline": "Harbour plan",
                "datePublished": "2024-03-05T09:30:00+01:00",
                "author": [{"@id": "#p1"}, {"@id": "#p2"}],
            },
        ]
    }
    assert extract(jsonld(graph)).authors == ("Jane Doe", "Max Mustermann")


def test_the_article_is_found_under_main_entity_and_listed_articles_are_ignored() -> None:
    page = {
        "@type": "WebPage",
        "relatedLink": [{"@type": "NewsArticle", "headline": "Other story", "datePublished": "2020-01-01"}],
        "mainEntity": {"@type": "NewsArticle", "headline": "Harbour plan", "datePublished": "2024-03-05T09:30:00+0100"},
    }
    got = extract(jsonld(page))
    assert got.published_at == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert (got.published_offset, got.published_source, got.published_precision) == ("+01:00", "jsonld", "time")


def test_a_date_without_a_time_of_day_is_kept_as_a_day() -> None:
    got = extract("<meta property='article:published_time' content='2024-03-05'>")
    assert got.published_at == datetime(2024, 3, 5, tzinfo=UTC)
    assert got.published_precision == "day"


def test_a_declared_date_far_from_the_url_date_gives_way_to_one_that_agrees() -> None:
    # the JSON-LD date is the page's build time; the meta tag agrees with the date in the URL
    head = jsonld({"@type": "NewsArticle", "datePublished": "2024-06-30T10:00:00Z"}) + (
        "<meta property='article:published_time' content='2024-03-05T09:30:00+01:00'>"
    )
    got = extract(head, url="https://example.org/2024/03/05/harbour-plan")
    assert (got.published_at, got.published_source) == (datetime(2024, 3, 5, 8, 30, tzinfo=UTC), "meta")


def test_the_modified_date_keeps_its_offset_and_source_and_a_future_date_is_dropped() -> None:
    head = (
        "<meta property='article:published_time' content='2024-03-05T09:30:00+01:00'>"
        "<meta property='article:modified_time' content='2024-03-06T11:00:00-05:00'>"
    )
    got = extract(head)
    assert (got.modified_at, got.modified_offset, got.modified_source) == (
        datetime(2024, 3, 6, 16, 0, tzinfo=UTC),
        "-05:00",
        "meta",
    )
    future = extract("<meta property='article:published_time' content='2999-01-01T00:00:00Z'>")
    assert future.published_at is None or future.published_at.year < 2999


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("<div class='article-author'>von <a href='/a/1'>Nadja Berger</a></div>", ("Nadja Berger",)),
        ("<p class='meta'>By Alan Fenwick · 22 May 2024 · 4 Comments</p>", ("Alan Fenwick",)),
        ("<span class='AuthorName'>Jane Doe and John Roe</span>", ("Jane Doe", "John Roe")),
        # a photo credit and a commenter are not the author
        ("<div class='photo-credit'>Foto: NPA/Lindqvist</div><div class='comment-author'>Kevin</div>", ()),
    ],
)
def test_a_visible_byline_names_the_authors_when_none_are_declared(byline: str, authors: tuple[str, ...]) -> None:
    assert extract("", body=byline + STORY).authors == authors


def test_a_signed_paragraph_in_bold_is_the_author_and_leaves_the_text() -> None:
    head = "<meta property='og:site_name' content='Highland Times'><meta name='author' content='Highland Times'>"
    got = extract(head, body="<p><strong>Thabo Mokoena / Lerato Dube</strong></p>" + STORY)
    assert got.authors == ("Thabo Mokoena", "Lerato Dube")
    assert "Mokoena" not in got.text
    # a declared author signing at the foot: the signature leaves the text too
    signed = extract("<meta name='author' content='Jane Doe'>", body=STORY + "<p><b>Jane Doe</b></p>")
    assert (signed.authors, signed.text.endswith("harbour plan.")) == (("Jane Doe",), True)


def test_the_desk_beside_a_person_is_not_an_author() -> None:
    head = "<meta property='og:site_name' content='NRF'>"
    body = "<p class='author'>von Lena Hartwig, NRF OSTSEEKÜSTE</p>" + STORY
    assert extract(head, body=body, url="https://www.nrf.example/news/a").authors == ("Lena Hartwig",)


@pytest.mark.parametrize(
    ("title", "site", "clean"),
    [
        (
            "宮崎県で震度5弱、津波注意報を発表｜南海新聞デジタル",
            "南海新聞デジタル",
            "宮崎県で震度5弱、津波注意報を発表",
        ),
        ("시의회, 새 교통 예산 승인ㅣ남해일보", "남해일보", "시의회, 새 교통 예산 승인"),
        ("Harbour plan approved|The Ledger", "The Ledger", "Harbour plan approved"),
        ("Harbour plan approved - example.org", "", "Harbour plan approved"),
    ],
)
def test_a_site_name_glued_to_the_headline_is_removed(title: str, site: str, clean: str) -> None:
    assert clean_title(title, site, host="www.example.org") == clean


def page_title(head: str, h1: str = "", url: str = "https://example.org/news/harbour-plan") -> str:
    html = f"<html><head>{head}</head><body><article><h1>{h1}</h1>{STORY}</article></body></html>"
    page = RawPage(url=url, final_url=url, status=200, html=html, outlet="x", fetched_at=datetime.now(UTC))
    result = extract_article(page)
    assert result.article is not None, result.reason
    return result.article.title


def og(title: str, site: str = "") -> str:
    site_tag = f"<meta property='og:site_name' content='{site}'>" if site else ""
    return f"<meta property='og:title' content='{title}'>{site_tag}"


def test_the_part_of_a_wrapped_title_another_headline_repeats_is_the_headline() -> None:
    # an undeclared section between headline and site name: the visible headline says where the headline ends
    wrapped = og("Harbour plan approved after long night - Coast | Ledger.example", "The Ledger")
    assert page_title(wrapped, h1="Harbour plan approved after long night") == "Harbour plan approved after long night"
    # ...and so does the JSON-LD headline when the <h1> is the site's logo
    declared = jsonld({"@type": "NewsArticle", "headline": "Harbour plan approved"})
    head = f"{declared}<title>Harbour plan approved - Coast | The Ledger</title>"
    assert page_title(head, h1="The Ledger") == "Harbour plan approved"


def test_a_headline_declared_whole_twice_is_not_cut_to_a_shorter_visible_one() -> None:
    head = jsonld({"@type": "NewsArticle", "headline": "Budget night - Council passes harbour plan"}) + og(
        "Budget night - Council passes harbour plan"
    )
    assert page_title(head, h1="Council passes harbour plan") == "Budget night - Council passes harbour plan"


def test_declared_sections_beside_the_site_name_go_with_it() -> None:
    crumbs = jsonld(
        {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home"},
                {"@type": "ListItem", "position": 2, "item": {"@id": "/politics", "name": "Politics"}},
            ],
        }
    )
    title = og("Council passes harbour plan | Politics News | Ledger News", "Ledger")
    assert page_title(crumbs + title) == "Council passes harbour plan"
    # the folders of the URL are sections too; a short segment nothing declares stays
    title = og("Council passes harbour plan | Coast | Region | The Ledger", "The Ledger")
    assert page_title(title, url="https://example.org/region/coast/harbour-plan") == "Council passes harbour plan"
    title = og("Rock | Paper | The Ledger", "The Ledger")
    assert page_title(title) == "Rock | Paper"


def test_what_follows_the_site_name_goes_with_it() -> None:
    title = og("Council passes harbour plan | LEDGER.example - News - North Coast", "Ledger")
    assert page_title(title) == "Council passes harbour plan"


def test_a_label_between_the_headline_and_the_site_name_goes_though_nothing_declares_it() -> None:
    title = og("Council passes harbour plan after long night | Coast | The Ledger", "The Ledger")
    assert page_title(title) == "Council passes harbour plan after long night"
    title = og("Council passes harbour plan after long night - Regional | The Ledger", "The Ledger")
    assert page_title(title) == "Council passes harbour plan after long night"
    # ...and between the site name and the headline at the start
    title = og("The Ledger | Sailing | Council passes harbour plan after long night", "The Ledger")
    assert page_title(title) == "Council passes harbour plan after long night"
    # beside a headline of a word or three, a short segment may be the headline's own second half
    assert page_title(og("Storm warning - Schools close | The Ledger", "The Ledger")) == "Storm warning - Schools close"


def test_a_title_starred_apart_loses_the_site_name_and_the_byline_after_it() -> None:
    title = og("Council passes harbour plan after long night * The Ledger * by Jane Doe", "The Ledger")
    assert page_title(title) == "Council passes harbour plan after long night"


@pytest.mark.parametrize(
    "title",
    [
        "The Ledger: Council passes harbour plan after long night",
        "LEDGER | Council passes harbour plan after long night",
        "[The Ledger] Council passes harbour plan after long night",
        "Council passes harbour plan after long night (The Ledger)",
    ],
)
def test_a_site_name_leading_the_title_or_bracketed_after_it_goes(title: str) -> None:
    assert clean_title(title, "The Ledger", host="ledger.example") == "Council passes harbour plan after long night"


def test_a_site_name_leading_a_short_remark_is_part_of_the_headline() -> None:
    assert clean_title("The Ledger: Thank you", "The Ledger") == "The Ledger: Thank you"


def test_a_kicker_the_visible_headline_replaces_with_another_is_not_the_headlines() -> None:
    # the declared title and the <h1> agree on the headline and put different kickers before it
    head = og("Storm season: Harbour closes for a week", "The Ledger")
    assert page_title(head, h1="Coast news - Harbour closes for a week") == "Harbour closes for a week"
    # a kicker the <h1> shows too (here glued to the headline) or leaves out stays
    assert page_title(head, h1="Storm seasonHarbour closes for a week") == "Storm season: Harbour closes for a week"
    assert page_title(head, h1="Harbour closes for a week") == "Storm season: Harbour closes for a week"
    # one kicker written two ways is one kicker
    assert page_title(head, h1="Storm season 2024 - Harbour closes for a week") == (
        "Storm season: Harbour closes for a week"
    )


def test_a_site_name_and_date_after_commas_go() -> None:
    title = og("Harbour plan: the vote, Daily Ledger, 26.04.2024", "Ledger")
    assert page_title(title) == "Harbour plan: the vote"
    # commas inside a headline stay
    assert page_title(og("Rain, wind and snow", "Ledger")) == "Rain, wind and snow"


def test_a_site_name_matches_without_its_accents() -> None:
    url = "https://www.diario.example/sociedad/plan"
    assert page_title(og("El puerto aprueba el plan | Diário"), url=url) == "El puerto aprueba el plan"


def test_the_site_name_comes_from_any_declaration_and_a_headline_naming_the_site_stays() -> None:
    website = jsonld({"@type": "WebSite", "name": "Harbour Ledger", "url": "https://ledger.example/"})
    assert page_title(website + og("Council passes harbour plan - Harbour Ledger")) == "Council passes harbour plan"
    tagged = "<meta name='twitter:site' content='@HarbourLedger'>" + og("Council passes harbour plan | HarbourLedger")
    assert page_title(tagged) == "Council passes harbour plan"
    # a headline that mentions the site by name is not the site name
    head = og("Harbour Ledger reporters win the regional press award | Harbour Ledger", "Harbour Ledger")
    assert page_title(head) == "Harbour Ledger reporters win the regional press award"


def test_a_headline_the_page_also_gives_as_its_application_name_is_not_cut_as_a_site_name() -> None:
    headline = "Harbour plan - Council votes for the new quay"
    named = f"<title>{headline}</title><meta name='application-name' content='{headline}'>"
    assert page_title(named + og(headline, "The Ledger")) == headline
    # the site's real name still leaves the title
    assert page_title(named + og(f"{headline} | The Ledger", "The Ledger")) == headline


def test_invisible_characters_leave_the_headline() -> None:
    head = og("Council&amp;#39;s har\xadbour\u200b plan passes&amp;nbsp;vote")
    assert page_title(head) == "Council's harbour plan passes vote"


def test_a_declared_section_glued_before_a_glued_site_name_goes() -> None:
    head = og("Harbour plan approved-Coastㅣ Ledger", "Ledger") + "<meta property='article:section' content='Coast'>"
    assert page_title(head) == "Harbour plan approved"
    # without the site name glued after it, a word at the end is the headline's
    head = og("Harbour plan approved-Coast", "Ledger") + "<meta property='article:section' content='Coast'>"
    assert page_title(head) == "Harbour plan approved-Coast"


def test_a_declared_author_the_page_calls_its_editor_gives_way_to_the_byline() -> None:
    head = jsonld(
        {"@type": "NewsArticle", "headline": "Harbour plan", "author": {"@type": "Person", "name": "Budi Santoso"}}
    )
    edited = "<div class='info'>Editor : <a href='/author/budi'>Budi Santoso</a></div>"
    assert extract(head, body="<div class='writer'>Rina Wijaya</div>" + STORY + edited).authors == ("Rina Wijaya",)
    # an author the page does not call its editor stays, whatever other names it shows
    assert extract(head, body="<div class='writer'>Rina Wijaya</div>" + STORY).authors == ("Budi Santoso",)


def test_a_byline_inside_a_link_is_another_storys() -> None:
    teaser = "<ul><li><a href='/news/other-story'><h6>Other story</h6><h6>By Jane Doe</h6></a></li></ul>"
    assert extract("", body=STORY + teaser).authors == ()
    assert extract("", body="<p class='byline'>By Max Mustermann</p>" + STORY + teaser).authors == ("Max Mustermann",)


@pytest.mark.parametrize(
    ("byline", "name"),
    [
        ("김민수 기자", "김민수"),
        ("김민수기자", "김민수"),
        ("이서연 특파원", "이서연"),
        ("记者 王伟", "王伟"),
        ("田中太郎記者", "田中太郎"),
    ],
)
def test_the_role_beside_a_name_in_korean_japanese_and_chinese_bylines_is_dropped(byline: str, name: str) -> None:
    assert clean_authors([byline]) == (name,)


@pytest.mark.parametrize(
    ("name", "is_name"),
    [
        ("Jane Doe", True),
        ("Ursula von der Leyen", True),
        ("신현주", True),
        ("About the author", False),
        ("この記事を書いた人渡辺洋介東京社会部フォロー専門", False),
        ("Updated 5 hours ago", False),
        ("Related stories", False),
    ],
)
def test_names_look_like_names(name: str, is_name: bool) -> None:
    assert looks_like_name(name) is is_name


def test_a_standfirst_in_the_header_leaves_the_text_and_a_lede_used_as_description_stays() -> None:
    description = "The council voted on Tuesday to build the new harbour plan over five years."
    head = f"<meta name='description' content='{description}'>"
    standfirst = extract(head, body=f"<header><h2>{description}</h2></header>{STORY}")
    assert description not in standfirst.text
    lede = extract(head, body=f"<div><p>{description}</p>{STORY}</div>")
    assert lede.text.startswith(description)


def test_a_title_with_more_segments_than_a_title_has_loses_only_the_site_name() -> None:
    # a list of thousands of links in a <title> is not searched run by run (that would be quadratic)
    listed = " | ".join(f"Story {i}" for i in range(5000))
    assert clean_title(listed + " | The Ledger", "The Ledger", h1="Story 1") == listed
