"""Turn a fetched page into an :class:`~pipelines.models.Article`, or a named reason why not.

The extract stage of the flow (crawler → **extract** → store → compare). trafilatura extracts
the main text in its fast mode (no second opinion from readability and jusText: on news pages
that costs a third of the time and gains nothing), with its full cascade as the rescue when the
fast result looks like a navigation dump, and the article HTML in the page's scripts as the
last resort for pages that JavaScript draws. :mod:`pipelines.cleaning` removes the leftovers news
pages add; :mod:`pipelines.metadata` reads headline, authors, dates, language and access state
from what the page declares, at a fraction of the cost of trafilatura's metadata pass. The text
gets its near-duplicate signature and wire-agency credit (:mod:`pipelines.syndication`) here,
once, so later stages never re-read the text for them.

Bad input is a value: :func:`extract_article` never raises for a page, it returns an
:class:`~pipelines.models.Extraction` with a status and a reason.
"""

from __future__ import annotations

import functools
import json
import re
from copy import copy
from datetime import UTC
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from pipelines.access import access_state
from pipelines.cleaning import TRAILING_LIST_MIN_ITEMS, clean_text, norm, trailing_list
from pipelines.dates import offset_of
from pipelines.fast_cleaning import use_fast_basic_cleaning
from pipelines.metadata import PageMetadata, clean_title, headline, modified_date, page_authors, published_date
from pipelines.models import AccessState, Article, Extraction, ExtractionStatus, RawPage, count_words
from pipelines.syndication import signature, wire_agency
from pipelines.urls import article_id, canonical_url

__all__ = ["MIN_WORDS", "clean_text", "clean_title", "extract_article"]

MIN_WORDS = 40
# a few replacement characters are a typo in the source; more mean a wrong charset (Shift_JIS read as UTF-8)
MAX_UNDECODABLE = 3
MAX_UNDECODABLE_SHARE = 0.01
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f]")
# a fast extraction that is mostly one- to three-word lines is a menu, not an article: try harder
NAV_MIN_LINES = 60
NAV_SHORT_SHARE = 0.7
# ...and one that kept a small part of the page's paragraph text lost the body after the lede
MISSED_SHARE = 0.3
MISSED_MIN_CHARS = 1500
# one article body split into sibling containers around an advertisement: same tag, same class
_BODY_CLASS = re.compile(r"body|article|content|story|entry|text|post", re.IGNORECASE)
_NOT_BODY_CLASS = re.compile(r"comment|related|teaser|promo|sidebar|recirc|card|list|nav|foot|head|share", re.I)
BODY_PART_MIN_CHARS = 80
# a JSON string in a script long enough to hold an article's HTML
_SCRIPT_STRING = re.compile(r'"((?:[^"\\]|\\.){200,})"')


def extract_article(page: RawPage, *, language: str = "", min_words: int = MIN_WORDS) -> Extraction:
    """Extract one page; never raises for bad input, returns a status instead."""
    if not page.html.strip():
        return Extraction(ExtractionStatus.EMPTY, reason="empty page")
    if _looks_binary(page.html):
        return Extraction(ExtractionStatus.NOT_HTML, reason="binary content, not an HTML page")
    if _misdecoded(page.html):
        return Extraction(
            ExtractionStatus.BAD_ENCODING,
            reason=f"{page.html.count(chr(0xFFFD))} undecodable characters: decoded with the wrong charset",
        )
    try:
        # trafilatura's own parser (comments and processing instructions dropped): lxml's default
        # parser splits paragraphs around HTML comments and loses text on some pages
        tree = load_html(page.html)
    except (etree.ParserError, ValueError) as exc:
        return Extraction(ExtractionStatus.NOT_HTML, reason=f"cannot parse HTML: {exc}")
    if tree is None:
        return Extraction(ExtractionStatus.NOT_HTML, reason="cannot parse HTML")
    meta = PageMetadata(tree, page.final_url)
    _prune_signup_boxes(tree)
    body = _main_text(tree, page.final_url) or _drawn_by_script(tree, page.final_url)

    h1 = meta.h1()
    title = headline(meta, urlsplit(page.final_url).hostname or "", page.feed_title)
    description = meta.description()
    authors, signed = page_authors(meta, page, body)
    standfirst = description if meta.standfirst_apart(description) else ""
    links = _linked_items(tree) if len(trailing_list(body)) >= TRAILING_LIST_MIN_ITEMS else set()
    text = clean_text(body, (title, meta.title(), h1), standfirst, drop=(signed,) if signed else (), links=links)
    access = access_state(page, meta, tree, text)
    if not text and access is AccessState.FULL:
        return Extraction(ExtractionStatus.NOT_ARTICLE, reason="no main text found")
    if _misdecoded(text):
        return Extraction(
            ExtractionStatus.BAD_ENCODING,
            reason=f"{text.count(chr(0xFFFD))} undecodable characters in the text: wrong charset",
        )
    words = count_words(text)
    # a page that could not be read whole is kept with its state (it must never count as omitting a fact)
    if words < min_words and access is AccessState.FULL:
        return Extraction(ExtractionStatus.TOO_SHORT, reason=f"main text has {words} words")

    canonical = canonical_url(meta.canonical() or page.final_url)
    published = published_date(meta, page, tree)
    modified = modified_date(meta, published)
    article = Article(
        id=article_id(canonical),
        outlet=page.outlet,
        url=page.final_url,
        canonical_url=canonical,
        title=title,
        text=text,
        fetched_at=page.fetched_at,
        description=description,
        authors=authors,
        published_at=published.value.astimezone(UTC) if published else None,
        published_offset=offset_of(published.value) if published else "",
        published_source=published.source if published else "",
        published_precision=published.precision if published else "",
        modified_at=modified.value.astimezone(UTC) if modified else None,
        modified_offset=offset_of(modified.value) if modified else "",
        modified_source=modified.source if modified else "",
        language=meta.language() or language,
        access_state=access,
        source=page.source,
        signature=signature(text),
        # the raw text still has the credits cleaning removes ("Reporting by ...", "AP contributed")
        syndicated_from=wire_agency(body, authors),
    )
    return Extraction(ExtractionStatus.OK, article, reason="" if access is AccessState.FULL else access.value)


def _main_text(tree: lxml.html.HtmlElement, url: str) -> str:
    text = _trafilatura(tree, url, fast=True)
    if _looks_like_navigation(text) or _misses_paragraphs(text, tree):
        text = _trafilatura(tree, url, fast=False) or text
    if _join_lost_parts(tree, text):
        text = _trafilatura(tree, url, fast=True) or text
    return text


def _trafilatura(tree: lxml.html.HtmlElement, url: str, *, fast: bool) -> str:
    use_fast_basic_cleaning()
    # a copy of one prepared set of options: building them reads trafilatura's config file settings each time
    options = copy(_options(fast))
    options.url, options.source = url, url.encode("utf-8", "replace").decode("utf-8")  # as Extractor(url=url) sets them
    doc = trafilatura.bare_extraction(tree, options=options)
    if doc is None:
        return ""
    text = doc.get("text") if isinstance(doc, dict) else doc.text  # a dict only with as_dict=True
    return text or ""


@functools.cache
def _options(fast: bool) -> Extractor:
    """What ``bare_extraction(with_metadata=False, include_comments=False, fast=fast)`` builds, made once
    (the date limit it sets is for metadata, which is off)."""
    return Extractor(output_format="python", fast=fast, comments=False, with_metadata=False)


def _drawn_by_script(tree: lxml.html.HtmlElement, url: str) -> str:
    """The text of a page its scripts draw: the longest HTML with paragraphs among the strings of its inline scripts.

    Single-page applications ship the article as a JSON string of HTML in their hydration state
    (``__NEXT_DATA__`` and the like) and leave the markup empty until JavaScript runs.
    """
    fragment = ""
    for script in tree.iter("script"):
        code = script.text or ""
        if "u003cp" not in code and "<p" not in code:
            continue
        for match in _SCRIPT_STRING.finditer(code):
            raw = match.group(1)
            if len(raw) <= len(fragment) or ("u003cp" not in raw and "<p" not in raw):
                continue
            try:
                value = json.loads(f'"{raw}"')
            except ValueError:
                continue
            if len(value) > len(fragment):
                fragment = value
    if not fragment:
        return ""
    return _trafilatura(load_html(f"<html><body><article>{fragment}</article></body></html>"), url, fast=True)


def _looks_like_navigation(text: str) -> bool:
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < NAV_MIN_LINES:
        return False
    return sum(count_words(line) <= 3 for line in lines) >= NAV_SHORT_SHARE * len(lines)


def _misses_paragraphs(text: str, tree: lxml.html.HtmlElement) -> bool:
    """The fast result holds a small part of the page's paragraph text: it kept the lede and lost the body."""
    if len(text) >= MISSED_MIN_CHARS:
        return False
    total = sum(len(p.text_content()) for p in tree.iter("p"))
    return total >= MISSED_MIN_CHARS and len(text) < MISSED_SHARE * total


def _misdecoded(text: str) -> bool:
    return text.count("\ufffd") > max(MAX_UNDECODABLE, len(text) * MAX_UNDECODABLE_SHARE)


def _looks_binary(html: str) -> bool:
    sample = html[:4096]
    return "\x00" in sample or len(_CONTROL.findall(sample)) > len(sample) * 0.01


def _prune_signup_boxes(tree: lxml.html.HtmlElement) -> None:
    """Remove newsletter sign-up boxes: the block around a form that asks for an email address."""
    for field in tree.xpath("//form[.//input[@type='email']]"):
        box = field
        parent = field.getparent()
        while parent is not None and parent.tag in ("div", "aside", "section") and len(parent.text_content()) < 600:
            box, parent = parent, parent.getparent()
        if box.getparent() is not None:
            box.drop_tree()


def _split_body_parts(tree: lxml.html.HtmlElement) -> list[list[lxml.html.HtmlElement]]:
    """Groups of containers (same tag and class, named like a body) that each hold a real paragraph."""
    parts: dict[tuple[str, str], list[lxml.html.HtmlElement]] = {}
    for node in tree.xpath("//div[@class][p] | //section[@class][p]"):
        key = (node.tag, node.get("class", ""))
        if _BODY_CLASS.search(key[1]) and not _NOT_BODY_CLASS.search(key[1]):
            parts.setdefault(key, []).append(node)
    return [nodes for nodes in parts.values() if len(nodes) >= 2 and all(_first_paragraph(n) for n in nodes)]


def _first_paragraph(node: lxml.html.HtmlElement) -> str:
    for p in node.iterchildren("p"):
        text = norm(p.text_content())
        if len(text) >= BODY_PART_MIN_CHARS:
            return text[:BODY_PART_MIN_CHARS]
    return ""


def _join_lost_parts(tree: lxml.html.HtmlElement, text: str) -> bool:
    """Join an article body split around an ad when extraction kept its first part and lost the others.

    Main-text extraction picks one container; the parts after the ad would be lost. Only when
    the text has the first part's paragraph and misses a later part's are the later parts moved
    into the first, in page order. True when something was joined.
    """
    parts = _split_body_parts(tree)
    if not parts:  # most pages: no need to normalise the text
        return False
    kept = norm(text)
    joined = False
    for nodes in parts:
        first, rest = nodes[0], nodes[1:]
        if _first_paragraph(first) not in kept or all(_first_paragraph(n) in kept for n in rest):
            continue
        for other in rest:
            if any(a is first for a in other.iterancestors()) or any(a is other for a in first.iterancestors()):
                continue
            for child in list(other):
                first.append(child)
            other.drop_tree()
            joined = True
    return joined


def _linked_items(tree: lxml.html.HtmlElement) -> set[str]:
    """Normalised texts of the list items that hold a link (in a list of other stories, every item does)."""
    return {norm(item.text_content()) for item in tree.xpath("//li[.//a[@href]]")}


def _has_paragraph(node: lxml.html.HtmlElement) -> bool:
    return any(len(p.text_content()) >= BODY_PART_MIN_CHARS for p in node.iterchildren("p"))
