"""Turn a fetched page into an :class:`~pipelines.models.Article`, or a named reason why not.

trafilatura extracts the main text. Metadata is read from what the page declares first
(JSON-LD NewsArticle, OpenGraph and ``article:`` tags, ``<link rel=canonical>``), then from
what discovery knew (the feed's or sitemap's title, date and authors), then from
trafilatura's own heuristics. Where the published date came from is recorded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from pipelines.dates import is_future, offset_of, parse_datetime
from pipelines.models import Article, Extraction, ExtractionStatus, RawPage
from pipelines.urls import article_id, canonical_url
from pipelines.wordlists import DATE_WORDS

MIN_WORDS = 40
_BYLINE = re.compile(r"^\s*(by|von|par|por|door)\s+", re.IGNORECASE)
# a byline heuristic can run on into the dateline ("Jane Doe Thu Jul 10"): cut the name there
_ROLE_ONLY = frozenset({"staff", "staff writer", "staff reporter", "reporter", "correspondent", "editor", "editors"})
# newsletter and sign-up prompts that main-text extraction lets through on news pages
_PROMPT = re.compile(r"\b(sign(ing)?[ -]up|newsletters?|unsubscribe|subscribe)\b", re.IGNORECASE)
PROMPT_MAX_WORDS = 30
TEASER_MAX_WORDS = 12
HEADING_MAX_WORDS = 4
_SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ")")
_TITLE_SEPARATORS = (" | ", " - ", " — ", " – ", " :: ")


def extract_article(page: RawPage, *, language: str = "", min_words: int = MIN_WORDS) -> Extraction:
    """Extract one page; never raises for bad input, returns a status instead."""
    if not page.html.strip():
        return Extraction(ExtractionStatus.EMPTY, reason="empty page")
    if _looks_binary(page.html):
        return Extraction(ExtractionStatus.NOT_HTML, reason="binary content, not an HTML page")
    try:
        tree = lxml.html.document_fromstring(page.html)
    except (etree.ParserError, ValueError) as exc:
        return Extraction(ExtractionStatus.NOT_HTML, reason=f"cannot parse HTML: {exc}")
    meta = _PageMetadata(tree)
    _prune_signup_boxes(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=page.final_url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    title_hint = meta.first("jsonld:headline", "og:title") or page.feed_title or (doc.title if doc else "") or ""
    description_hint = meta.first("jsonld:description", "og:description", "description")
    text = _clean_text((doc.text or "") if doc is not None else "", title_hint, description_hint or "")
    if not text:
        return Extraction(ExtractionStatus.NOT_ARTICLE, reason="no main text found")
    if len(text.split()) < min_words:
        return Extraction(ExtractionStatus.TOO_SHORT, reason=f"main text has {len(text.split())} words")

    canonical = canonical_url(meta.canonical() or page.final_url)
    published, source = _published(meta, page, doc)
    modified = parse_datetime(meta.first("jsonld:dateModified", "article:modified_time", "og:updated_time"))
    if modified is not None and is_future(modified):
        modified = None
    site_name = meta.first("og:site_name", "jsonld:publisher") or (doc.sitename if doc else "") or ""
    title = _clean_title(
        meta.first("jsonld:headline", "og:title") or page.feed_title or (doc.title if doc else "") or "", site_name
    )
    article = Article(
        id=article_id(canonical),
        outlet=page.outlet,
        url=page.final_url,
        canonical_url=canonical,
        title=title,
        text=text,
        fetched_at=page.fetched_at,
        description=meta.first("jsonld:description", "og:description", "description") or (doc.description or ""),
        authors=_authors(meta, page, doc.author if doc else None),
        published_at=published.astimezone(UTC) if published else None,
        published_offset=offset_of(published) if published else "",
        published_source=source,
        modified_at=modified.astimezone(UTC) if modified else None,
        language=meta.language() or (doc.language or "" if doc else "") or language,
        source=page.source,
    )
    return Extraction(ExtractionStatus.OK, article)


def _published(meta: _PageMetadata, page: RawPage, doc: Any) -> tuple[datetime | None, str]:
    candidates: list[tuple[str, datetime | None]] = [
        ("jsonld", parse_datetime(meta.first("jsonld:datePublished"))),
        ("meta", parse_datetime(meta.first("article:published_time", "og:published_time", "pubdate"))),
        ("time-element", parse_datetime(meta.time_element())),
        ("feed", page.feed_published),
        ("trafilatura", parse_datetime(doc.date) if doc is not None and doc.date else None),
    ]
    for source, value in candidates:
        if value is not None and not is_future(value):
            return value, source
    return None, ""


def _looks_binary(html: str) -> bool:
    sample = html[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return "\x00" in sample or controls > len(sample) * 0.01


def _prune_signup_boxes(tree: lxml.html.HtmlElement) -> None:
    """Remove newsletter sign-up boxes: the block around a form that asks for an email address."""
    for field in tree.xpath("//form[.//input[@type='email']]"):
        box = field
        parent = field.getparent()
        while parent is not None and parent.tag in ("div", "aside", "section") and len(parent.text_content()) < 600:
            box, parent = parent, parent.getparent()
        if box.getparent() is not None:
            box.drop_tree()


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _clean_text(text: str, title: str, description: str) -> str:
    """Remove what extraction lets through around the article body on news pages.

    Leading repeats of the headline and standfirst, and newsletter sign-up prompts together
    with the short teaser lines just before them ("Go deeper", the newsletter's name).
    """
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    heads = {_norm(title), _norm(description)} - {""}
    while paragraphs and _norm(paragraphs[0]) in heads:
        paragraphs.pop(0)
    drop: set[int] = set()
    for i, para in enumerate(paragraphs):
        if len(para.split()) <= PROMPT_MAX_WORDS and _PROMPT.search(para):
            drop.add(i)
            j = i - 1
            while j >= 0 and j not in drop and len(paragraphs[j].split()) <= TEASER_MAX_WORDS and i - j <= 3:
                drop.add(j)
                j -= 1
    kept = [p for i, p in enumerate(paragraphs) if i not in drop]
    # a lone heading left at the end ("Go deeper", "More on this story") once its links are gone
    while kept and len(kept[-1].split()) <= HEADING_MAX_WORDS and not kept[-1].endswith(_SENTENCE_END):
        kept.pop()
    return "\n".join(kept)


def _clean_title(title: str, site_name: str) -> str:
    """Drop a " | Site Name" style suffix (or prefix) when it names the site."""
    title = " ".join(title.split())
    site = site_name.lower().strip()
    for sep in _TITLE_SEPARATORS:
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if site and (tail.lower() == site or site in tail.lower()):
                return head.strip()
            first, _, rest = title.partition(sep)
            if site and first.lower() == site:
                return rest.strip()
    return title


def _authors(meta: _PageMetadata, page: RawPage, fallback: str | None) -> tuple[str, ...]:
    names = meta.jsonld_authors() or meta.all("article:author", "author") or list(page.feed_authors)
    if not names and fallback:
        names = re.split(r";|\band\b|,", fallback)
    out: list[str] = []
    for name in names:
        name = _name_only(_BYLINE.sub("", " ".join(name.split()))).strip(" ,;|·-")
        if name.lower() in _ROLE_ONLY:
            continue
        if name and name.lower() not in (n.lower() for n in out) and not name.startswith("http"):
            out.append(name)
    return tuple(out)


def _name_only(name: str) -> str:
    """Cut a byline where a date starts (after the first two words, so "Theresa May" stays)."""
    words = name.split()
    for i, word in enumerate(words):
        token = word.strip(".,").lower()
        if i >= 2 and (token in DATE_WORDS or any(ch.isdigit() for ch in token)):
            return " ".join(words[:i])
        if i < 2 and any(ch.isdigit() for ch in token):
            return " ".join(words[:i])
    return name


class _PageMetadata:
    """What the page declares about itself: JSON-LD, meta tags, canonical link, time elements."""

    def __init__(self, tree: lxml.html.HtmlElement) -> None:
        self.tree = tree
        self.metas: dict[str, list[str]] = {}
        for node in tree.iter("meta"):
            key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
            if key and node.get("content"):
                self.metas.setdefault(key, []).append(node.get("content").strip())
        self.jsonld = next(self._news_objects(), {})

    def _news_objects(self) -> Iterator[dict[str, Any]]:
        for node in self.tree.iter("script"):
            if (node.get("type") or "").lower() != "application/ld+json" or not node.text:
                continue
            try:
                data = json.loads(node.text)
            except ValueError:
                continue
            stack = [data]
            while stack:
                item = stack.pop(0)
                if isinstance(item, list):
                    stack.extend(item)
                elif isinstance(item, dict):
                    kinds = item.get("@type", "")
                    kinds = kinds if isinstance(kinds, list) else [kinds]
                    if any(str(k).endswith(("NewsArticle", "Article", "BlogPosting", "Report")) for k in kinds):
                        yield item
                    stack.extend(item.get("@graph", []))

    def first(self, *keys: str) -> str:
        for key in keys:
            if key.startswith("jsonld:"):
                value = self.jsonld.get(key.removeprefix("jsonld:"))
                if isinstance(value, dict):
                    value = value.get("name")
                if isinstance(value, str) and value.strip():
                    return value.strip()
            elif self.metas.get(key.lower()):
                return self.metas[key.lower()][0]
        return ""

    def all(self, *keys: str) -> list[str]:
        for key in keys:
            if self.metas.get(key):
                return list(self.metas[key])
        return []

    def jsonld_authors(self) -> list[str]:
        authors = self.jsonld.get("author") or []
        authors = authors if isinstance(authors, list) else [authors]
        return [a.get("name", "") if isinstance(a, dict) else str(a) for a in authors if a]

    def canonical(self) -> str:
        for node in self.tree.iter("link"):
            if "canonical" in (node.get("rel") or "").lower().split() and node.get("href"):
                return node.get("href").strip()
        return self.first("og:url")

    def language(self) -> str:
        lang = self.tree.get("lang") or self.first("og:locale") or ""
        return lang.replace("_", "-").split("-")[0].lower()

    def time_element(self) -> str:
        for node in self.tree.iter("time"):
            if node.get("datetime") and "modif" not in (node.get("itemprop") or "") + (node.get("class") or ""):
                return node.get("datetime")
        return ""
