"""Bad input never raises: malformed, truncated, binary, huge and wrongly decoded pages.

Pages are decoded by Scrapy, as in a crawl (the header's charset, else a BOM or ``<meta
charset>``, else UTF-8 or cp1252, whichever decodes), then extracted. Every outcome is an
article or a named status with a reason.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse

from crawler import item_pipelines
from crawler.item_pipelines import ExtractStage
from pipelines.config import Config
from pipelines.extract import extract_article
from pipelines.models import AccessState, ExtractionStatus, RawPage
from tests.stagecrawler import StageCrawler

NOW = datetime(2025, 7, 10, tzinfo=UTC)
JAPANESE = "東京都は十日、新しい防災計画を発表した。計画では、地震や台風に備えて避難所の数を増やす。" * 6
STORY = "".join(
    f"<p>Paragraph {i}: the council met on Tuesday and voted on the budget, officials said.</p>" for i in range(8)
)


def _page(html: str) -> RawPage:
    url = "https://x.example/news/a"
    return RawPage(url=url, final_url=url, status=200, html=html, outlet="x", fetched_at=NOW)


def _decoded(body: bytes, content_type: str | None) -> str:
    """The text the crawler hands over for these bytes and this Content-Type header (Scrapy decodes)."""
    headers = {"Content-Type": content_type} if content_type else {}
    return HtmlResponse("https://x.example/news/a", body=body, headers=headers).text


def _check(html: str) -> None:
    result = extract_article(_page(html))
    assert isinstance(result.status, ExtractionStatus)
    if result.status is ExtractionStatus.OK:
        assert result.article is not None
        # a page that is not the whole article is kept with its access state, text or not
        assert result.article.text.strip() or result.article.access_state is not AccessState.FULL
        assert (result.reason == "") == (result.article.access_state is AccessState.FULL)
    else:
        assert result.article is None
        assert result.reason


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096), st.sampled_from([None, "text/html", "text/html; charset=utf-8"]))
def test_arbitrary_bytes_never_raise(body: bytes, content_type: str | None) -> None:
    _check(_decoded(body, content_type))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000))
def test_arbitrary_text_never_raises(text: str) -> None:
    _check(text)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=len(STORY) + 200), st.booleans())
def test_truncated_pages_never_raise(cut: int, with_head: bool) -> None:
    head = "<html><head><title>Budget | X</title></head><body><article>" if with_head else "<article>"
    _check((head + STORY + "</article></body></html>")[:cut])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<table>", "<td>", "<!--", "-->", "<", ">"])))
def test_unbalanced_markup_never_raises(tags: list[str]) -> None:
    _check("<html><body>" + "".join(tags) + STORY + "".join(reversed(tags)))


def test_shift_jis_declared_as_utf8_is_a_named_status_not_garbage() -> None:
    body = f"<html><head><meta charset='utf-8'></head><body><article><p>{JAPANESE}</p></article></body></html>"
    html = _decoded(body.encode("shift_jis"), "text/html; charset=utf-8")
    result = extract_article(_page(html))
    assert result.status is ExtractionStatus.BAD_ENCODING
    assert "charset" in result.reason


def test_shift_jis_with_its_charset_declared_extracts() -> None:
    body = f"<html><head><meta charset='shift_jis'></head><body><article><p>{JAPANESE}</p></article></body></html>"
    result = extract_article(_page(_decoded(body.encode("shift_jis"), "text/html")))
    assert result.status is ExtractionStatus.OK
    assert "防災計画" in result.article.text


def test_cp1252_without_a_charset_extracts() -> None:
    # Scrapy guesses the charset of an undeclared page; the words survive, a rare letter may not
    text = STORY.replace("budget", "café budget – “naïve” plan")
    result = extract_article(
        _page(_decoded(f"<html><body><article>{text}</article></body></html>".encode("cp1252"), None))
    )
    assert result.status is ExtractionStatus.OK
    assert "café budget – “na" in result.article.text


def test_a_huge_page_extracts_without_raising() -> None:
    filler = "<div class='promo'><a href='/x'>More stories from our network</a></div>" * 20_000
    result = extract_article(_page(f"<html><body>{filler}<article>{STORY}</article>{filler}</body></html>"))
    assert result.status in (ExtractionStatus.OK, ExtractionStatus.TOO_SHORT, ExtractionStatus.NOT_ARTICLE)


def test_binary_content_is_not_html() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    result = extract_article(_page(_decoded(png, "text/html")))
    assert result.status is ExtractionStatus.NOT_HTML


@pytest.fixture
def stage(demo_config: Config) -> ExtractStage:
    return ExtractStage(StageCrawler(demo_config))  # type: ignore[arg-type]


def _raw_for(outlet: str, html: str) -> RawPage:
    return RawPage(
        url="https://x.example/a", final_url="https://x.example/a", status=200, html=html, outlet=outlet, fetched_at=NOW
    )


def test_the_extract_stage_names_bad_pages_with_a_counted_reason(stage: ExtractStage) -> None:
    outlet = stage.config.outlets[0].id
    bad = asyncio.run(stage.process_item(_raw_for(outlet, "\ufffd" * 500)))
    empty = asyncio.run(stage.process_item(_raw_for(outlet, "")))
    assert bad.extraction.status is ExtractionStatus.BAD_ENCODING
    assert empty.extraction.status is ExtractionStatus.EMPTY
    assert bad.extraction.article is None
    assert stage.crawler.stats.values == {
        "newswatch/extraction/bad_encoding": 1,
        "newswatch/extraction/empty": 1,
        f"newswatch/outlet/{outlet}/dropped/bad_encoding": 1,
        f"newswatch/outlet/{outlet}/dropped/empty": 1,
        f"newswatch/outlet/{outlet}/extraction/bad_encoding": 1,
        f"newswatch/outlet/{outlet}/extraction/empty": 1,
    }


def test_an_extraction_bug_costs_one_page_not_the_crawl(
    stage: ExtractStage, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(item_pipelines, "extract_article", broken)
    outlet = stage.config.outlets[0].id
    with pytest.raises(DropItem, match="boom"):
        asyncio.run(stage.process_item(_raw_for(outlet, STORY)))
    assert stage.crawler.stats.values == {
        "newswatch/extraction/error": 1,
        f"newswatch/outlet/{outlet}/errors/extraction": 1,
    }
    assert "extraction failed" in caplog.text


# -- wrongly encoded documents, property-based ----------------------------------------------------

WESTERN = [
    "café",
    "naïve",
    "Zürich",
    "Åsa",
    "señor",
    "façade",
    "€20",
    "“quoted”",
    "it’s",
    "–",
    "Bundesstraße",
    "Møller",
]
PLAIN = ["the", "council", "voted", "on", "Tuesday", "budget", "harbour", "plan", "officials", "said", "and", "of"]
JAPANESE_WORDS = [
    "東京都は",
    "十日、",
    "新しい",
    "防災計画を",
    "発表した。",
    "地震や",
    "台風に",
    "備えて",
    "避難所の",
    "数を増やす。",
]


def _html(paragraphs: list[str], meta_charset: str | None) -> str:
    meta = f"<meta charset='{meta_charset}'>" if meta_charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head>{meta}<title>Budget</title></head><body><article>{body}</article></body></html>"


def _content_type(charset: str | None) -> str:
    return f"text/html; charset={charset}" if charset else "text/html"


def _paragraphs(words: list[str], size: int) -> list[str]:
    return [" ".join(words[i : i + size]) + "." for i in range(0, len(words), size)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PLAIN + WESTERN), min_size=80, max_size=300),
    st.sampled_from([(None, None), ("windows-1252", None), (None, "windows-1252"), ("utf-8", None), (None, "utf-8")]),
)
def test_cp1252_pages_extract_whole_or_are_named_never_garbage(words: list[str], declared: tuple) -> None:
    header, meta = declared
    html = _decoded(_html(_paragraphs(words, 12), meta).encode("cp1252"), _content_type(header))
    result = extract_article(_page(html))
    _check(html)
    if result.status is ExtractionStatus.OK:
        assert result.article.text.count("\ufffd") <= 3  # a few typos at most, never a page of garbage
    if "windows-1252" in declared:
        assert result.status is ExtractionStatus.OK, result.reason
        assert " ".join(words[:12]) in " ".join(result.article.text.split())
    elif declared == (None, None):
        # no charset: the crawler guesses one; the words survive, a rare letter may not
        assert result.status is ExtractionStatus.OK, result.reason
        assert {w for w in words if w in PLAIN} <= set(result.article.text.replace(".", " ").split())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(JAPANESE_WORDS), min_size=60, max_size=200),
    st.sampled_from([(None, None), ("shift_jis", None), (None, "shift_jis"), ("utf-8", None), ("utf-8", "utf-8")]),
)
def test_shift_jis_pages_extract_when_readable_and_are_bad_encoding_when_declared_utf8(
    words: list[str], declared: tuple
) -> None:
    header, meta = declared
    html = _decoded(_html(_paragraphs(words, 10), meta).encode("shift_jis"), _content_type(header))
    result = extract_article(_page(html))
    _check(html)
    if header == "utf-8":
        # Shift_JIS bytes read as UTF-8: replacement characters everywhere, never stored
        assert result.status is ExtractionStatus.BAD_ENCODING
        assert "charset" in result.reason
    else:
        assert result.status is ExtractionStatus.OK, result.reason
        assert "".join(words[:10]) in result.article.text.replace(" ", "")


# one stage for all examples: it only counts, and the test checks the counts grow by one page each
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["utf-8", "cp1252", "shift_jis", "iso-8859-1"]),
    st.sampled_from([None, "utf-8", "windows-1252", "shift_jis", "no-such-charset"]),
    st.binary(max_size=512),
)
def test_the_extract_stage_never_raises_on_any_encoding_and_declaration(
    stage: ExtractStage, encoding: str, declared: str | None, noise: bytes
) -> None:
    text = " ".join(PLAIN * 8) if encoding != "shift_jis" else "".join(JAPANESE_WORDS * 8)
    body = _html(_paragraphs(text.split(" "), 10), declared).encode(encoding, errors="replace") + noise
    html = _decoded(body, _content_type(declared))
    outlet = stage.config.outlets[0].id
    before = dict(stage.crawler.stats.values)
    result = asyncio.run(stage.process_item(_raw_for(outlet, html)))
    article, status = result.extraction.article, result.extraction.status.value
    if article is not None:
        assert article.text.strip() or article.access_state is not AccessState.FULL
        assert article.text.count("\ufffd") <= 3
    # every page is counted once under its outcome, in total and for its outlet; a drop also as dropped
    added = {k: v - before.get(k, 0) for k, v in stage.crawler.stats.values.items() if v != before.get(k, 0)}
    expected = {f"newswatch/extraction/{status}": 1, f"newswatch/outlet/{outlet}/extraction/{status}": 1}
    if article is None:
        expected[f"newswatch/outlet/{outlet}/dropped/{status}"] = 1
    elif article.access_state is not AccessState.FULL:
        expected[f"newswatch/outlet/{outlet}/blocked/{article.access_state.value}"] = 1
    assert added == expected


def test_a_page_cut_off_mid_sentence_is_stored_as_truncated_not_full() -> None:
    whole = "<html><head><title>Budget | X</title></head><body><article>" + STORY + "</article></body></html>"
    assert extract_article(_page(whole)).article.access_state is AccessState.FULL
    cut = whole[: whole.rindex("voted on the budget")]  # the connection dropped inside the last paragraph
    article = extract_article(_page(cut)).article
    assert article.access_state is AccessState.TRUNCATED
    assert article.text.rstrip().endswith("met on Tuesday and")
