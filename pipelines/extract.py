"""Turn a fetched page into an :class:`~pipelines.models.Article`, or a named reason why not.

trafilatura extracts the main text. Metadata is read from what the page declares first
(JSON-LD NewsArticle, OpenGraph and ``article:`` tags, ``<link rel=canonical>``), then from
what discovery knew (the feed's or sitemap's title, date and authors), then from
trafilatura's own heuristics. Where the published date came from is recorded.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import htmldate
import lxml.html
import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from pipelines.dates import declares_offset, is_future, offset_of, parse_datetime, same_wall_clock
from pipelines.models import AccessState, Article, Extraction, ExtractionStatus, RawPage
from pipelines.urls import article_id, canonical_url
from pipelines.wordlists import DATE_WORDS

MIN_WORDS = 40
# a few replacement characters are a typo in the source; more mean a wrong charset (Shift_JIS read as UTF-8)
MAX_UNDECODABLE = 3
MAX_UNDECODABLE_SHARE = 0.01
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f]")
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_BYLINE = re.compile(r"^\s*(by|von|par|por|door)\s+", re.IGNORECASE)
# a byline heuristic can run on into the dateline ("Jane Doe Thu Jul 10"): cut the name there
_ROLE_TAIL = re.compile(
    r"\s*(,|\||-|–|—|\()\s*(staff|senior|chief|political|foreign|special|our|the)?\s*"
    r"(writer|reporter|correspondent|editor|contributor|columnist|journalist|photographer|in \w+).*$",
    re.IGNORECASE,
)
_ROLE_ONLY = frozenset({"staff", "staff writer", "staff reporter", "reporter", "correspondent", "editor", "editors"})
# newsletter and sign-up prompts that main-text extraction lets through on news pages
_PROMPT = re.compile(r"\b(sign(ing)?[ -]up|newsletters?|unsubscribe|subscribe|subscription|inbox)\b", re.IGNORECASE)
PROMPT_MAX_WORDS = 30
# share and follow prompts, comment-section leftovers
_SHARE = re.compile(
    r"^(share (this|on|it)|like this (story|article)|follow (us|@?\w+ on)|tell us what you think|leave a comment"
    r"|post a comment|\d+ comments?$|comments?$|click here)\b",
    re.IGNORECASE,
)
# lead-ins to another article inside the text ("READ MORE: ...", "Also on example.com ...")
_LEAD_IN = re.compile(
    r"^(read more|see more|read also|also read|related|watch|also on|more:|more from)\b\W", re.IGNORECASE
)
LEAD_IN_MAX_WORDS = 25
# headings of a related-articles block whose list follows
_RELATED = re.compile(
    r"^(don'?t miss|related( (posts?|articles?|stories|content|coverage))?|you (may|might) also like"
    r"|recommended( for you)?|more (on this|stories|from)|most (read|popular)|trending|read next|see also)\W*$",
    re.IGNORECASE,
)
HEADLINE_MAX_WORDS = 20
# photo credits, copyright lines, reprint tools, a bare link or address
_CREDIT = re.compile(
    r"^\(?(photo|image|picture|pictured|credit|foto|bild)s?( credit)?\s*[:/|]|getty images\W*$|\((photo|image): ",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"(^copyright\b|©|\ball rights reserved\b|^order reprints$|^print article$)", re.IGNORECASE)
_BARE = re.compile(r"^(\S+@\S+\.\w+|write to .{2,60} at \S+@\S+)$", re.IGNORECASE)
CREDIT_MAX_WORDS = 15
TEASER_MAX_WORDS = 12
HEADING_MAX_WORDS = 4
_SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ")", "。", "！", "？", "」", "…")
_TITLE_SEPARATORS = (" | ", " - ", " — ", " – ", " :: ", " · ", " / ")
_PUBLISHED_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
)
# "A, B and C" in the languages bylines are written in most often
_AUTHOR_SEPARATORS = re.compile(r";|,| & |\||\s(?:and|und|et|y|en|og|och|ve|и)\s", re.IGNORECASE)
_BYLINE_XPATH = (
    "//*[@rel='author'] | //*[@itemprop='author']//*[@itemprop='name'] | //*[@itemprop='author']"
    " | //*[contains(@class, 'byline') or contains(@class, 'author-name') or contains(@class, 'authorName')]"
)
BYLINE_MAX_CHARS = 80
_MODIFIED_KEYS = ("jsonld:dateModified", "article:modified_time", "og:updated_time", "datemodified", "lastmod")
# pages that are not the article: recognised by the words every such page uses, in the
# languages newswatch meets most, never by site
_BOT_BLOCK = re.compile(
    r"\b(captcha|are you a robot|not a robot|verify (that )?you are (a )?human|access denied|unusual traffic"
    r"|automated (access|requests|queries)|just a moment|checking your browser|enable javascript and cookies"
    r"|request (was )?blocked|bot detection|zugriff verweigert|accès refusé)\b",
    re.IGNORECASE,
)
_CONSENT = re.compile(
    r"\b(cookies?|consent|accept all|reject all|manage (your )?(choices|preferences|options)|our partners"
    r"|privacy (policy|settings)|einwilligung|zustimmen|alle akzeptieren|accepter|tout accepter|aceptar"
    r"|consentimiento)\b",
    re.IGNORECASE,
)
_PAYWALL = re.compile(
    r"(subscribe (now )?to (continue|keep) reading|subscribers? only|for subscribers|to read the (full|whole|rest"
    r" of the) (article|story)|already a subscriber|start your (free )?trial|this (article|content) is for"
    r" (paying )?subscribers|become a (member|subscriber)|register to continue|weiterlesen mit|jetzt abonnieren"
    r"|abonnez-vous|réservé aux abonnés|suscríbete|exclusivo para suscriptores)",
    re.IGNORECASE,
)
_NOT_FOUND = re.compile(
    r"(\b404\b|page not found|not be found|cannot be found|can'?t be found|no longer available|does ?n[o']t exist"
    r"|seite nicht gefunden|page introuvable|página no encontrada)",
    re.IGNORECASE,
)
WALL_MAX_WORDS = 150  # a consent wall or block page is short; an article that mentions cookies is not
TRUNCATED_SHARE = 0.6  # less than this share of the declared word count extracted: truncated
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|$|\D)")


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
    meta = _PageMetadata(tree)
    _prune_signup_boxes(tree)
    # metadata comes from _PageMetadata: trafilatura's metadata pass costs about a third of the
    # extraction time, and what pages declare is more often right than its heuristics
    doc = trafilatura.bare_extraction(tree, url=page.final_url, with_metadata=False, include_comments=False)
    site_name = meta.first("og:site_name", "jsonld:publisher", "application-name")
    h1 = meta.h1()
    title = clean_title(meta.title() or page.feed_title, site_name, h1)
    description_hint = meta.first("jsonld:description", "og:description", "description", "twitter:description")
    body = (doc.text or "") if doc is not None else ""
    text = clean_text(body, (title, meta.title(), h1), description_hint)
    access = access_state(page, meta, tree, text)
    if not text and access is AccessState.FULL:
        return Extraction(ExtractionStatus.NOT_ARTICLE, reason="no main text found")
    if _misdecoded(text):
        return Extraction(
            ExtractionStatus.BAD_ENCODING,
            reason=f"{text.count(chr(0xFFFD))} undecodable characters in the text: wrong charset",
        )
    if _words(text) < min_words and access is AccessState.FULL:
        return Extraction(ExtractionStatus.TOO_SHORT, reason=f"main text has {_words(text)} words")

    canonical = canonical_url(meta.canonical() or page.final_url)
    published, source = published_date(meta, page, tree)
    modified = parse_datetime(meta.first(*_MODIFIED_KEYS))
    if modified is not None and (is_future(modified) or (published is not None and modified < published)):
        modified = None
    authors = _authors(meta, page)
    article = Article(
        id=article_id(canonical),
        outlet=page.outlet,
        url=page.final_url,
        canonical_url=canonical,
        title=title,
        text=text,
        fetched_at=page.fetched_at,
        description=description_hint,
        authors=authors,
        published_at=published.astimezone(UTC) if published else None,
        published_offset=offset_of(published) if published else "",
        published_source=source,
        modified_at=modified.astimezone(UTC) if modified else None,
        language=meta.language() or language,
        access_state=access,
        source=page.source,
    )
    return Extraction(ExtractionStatus.OK, article, reason="" if access is AccessState.FULL else access.value)


def access_state(page: RawPage, meta: _PageMetadata, tree: lxml.html.HtmlElement, text: str) -> AccessState:
    """Whether the page shows the whole article, or a paywall, consent wall, bot block, soft 404
    or a cut-off text instead; judged from the status, what the page declares and the words such
    pages use, never from rules for particular sites."""
    words = _words(text)
    # the whole page's text only for short extractions: walls and block pages are short
    visible = " ".join(tree.text_content().split()) if words < WALL_MAX_WORDS else ""
    heading = f"{meta.title()} {meta.h1()}"
    if page.status in (401, 402):
        return AccessState.PAYWALL
    if page.status in (403, 429, 503) or (words < WALL_MAX_WORDS and _BOT_BLOCK.search(f"{heading} {visible}")):
        return AccessState.BOT_BLOCK
    if words < WALL_MAX_WORDS and len(_CONSENT.findall(visible)) >= 3 and not _PAYWALL.search(visible):
        return AccessState.CONSENT_WALL
    if page.status in (404, 410) or _NOT_FOUND.search(heading):
        return AccessState.SOFT_404
    free = str(meta.jsonld.get("isAccessibleForFree", "")).strip().lower()
    if free in ("false", "no", "0") or _PAYWALL.search(visible or text[-600:]):
        return AccessState.PAYWALL
    declared = meta.jsonld.get("wordCount")
    try:
        declared_words = int(str(declared).replace(",", "")) if declared else 0
    except ValueError:
        declared_words = 0
    if declared_words and words < declared_words * TRUNCATED_SHARE:
        return AccessState.TRUNCATED
    return AccessState.FULL


def published_date(meta: _PageMetadata, page: RawPage, tree: lxml.html.HtmlElement) -> tuple[datetime | None, str]:
    """The published date and where it came from, most trustworthy source first.

    What the page declares (JSON-LD, meta tags, ``<time>``), then the feed or sitemap, then
    htmldate's search of the page (which returns a day), then a date in the URL. Dates in the
    future are rejected.
    """
    declared = [
        ("jsonld", meta.first("jsonld:datePublished", "jsonld:dateCreated")),
        ("meta", meta.first(*_PUBLISHED_KEYS)),
        ("time-element", meta.time_element()),
    ]
    for source, raw in declared:
        value = parse_datetime(raw)
        if value is not None and not is_future(value):
            if not declares_offset(raw):
                # a time without an offset: another declaration of the same moment may carry one
                for other in meta.date_strings():
                    aware = parse_datetime(other) if declares_offset(other) else None
                    if aware is not None and same_wall_clock(value, aware):
                        return aware, source
            return value, source
    if page.feed_published is not None and not is_future(page.feed_published):
        return page.feed_published, "feed"
    found = htmldate.find_date(tree, extensive_search=False, original_date=True, url=page.final_url)
    value = parse_datetime(found)
    if value is not None and not is_future(value):
        return value, "htmldate"
    match = _URL_DATE.search(page.final_url)
    if match:
        year, month, day = (int(part) for part in match.groups())
        value = parse_datetime(f"{year:04d}-{month:02d}-{day:02d}")
        if value is not None and not is_future(value):
            return value, "url"
    return None, ""


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


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _words(text: str) -> int:
    """Words of a text; a CJK run counts one word per two characters (there are no spaces)."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def _is_prompt(line: str) -> bool:
    words = _words(line)
    if words <= PROMPT_MAX_WORDS and (_PROMPT.search(line) or _SHARE.search(line)):
        return True
    if words <= LEAD_IN_MAX_WORDS and _LEAD_IN.match(line):
        return True
    return bool(words <= CREDIT_MAX_WORDS and (_CREDIT.search(line) or _COPYRIGHT.search(line) or _BARE.match(line)))


def clean_text(text: str, titles: Sequence[str] = (), description: str = "") -> str:
    """Remove what main-text extraction lets through around the article body on news pages.

    Leading repeats of the headline and standfirst; newsletter, share and "read more" prompts
    with the short teaser lines just before them; photo credit and copyright lines; a "related"
    heading with the headline list under it; a lone heading left at the end.
    """
    paragraphs = [" ".join(p.split()) for p in text.split("\n") if p.strip()]
    # the headline repeated on top; the standfirst under it only then: a page whose text starts
    # with its description (no headline above) uses the lede as description, and keeps it
    heads = {_norm(title) for title in titles} - {""}
    if paragraphs and _norm(paragraphs[0]) in heads:
        paragraphs.pop(0)
        if paragraphs and description and _norm(paragraphs[0]) == _norm(description):
            paragraphs.pop(0)
    drop: set[int] = set()
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i]
        if _RELATED.match(para) and _words(para) <= HEADING_MAX_WORDS + 2:
            # a "Related"/"Don't miss" heading and the headlines listed under it
            drop.add(i)
            while i + 1 < len(paragraphs) and _is_headline(paragraphs[i + 1]):
                i += 1
                drop.add(i)
        elif _is_prompt(para):
            drop.add(i)
            j = i - 1
            # only a newsletter box has a teaser before its prompt ("Go deeper", the newsletter's name)
            teaser = bool(_PROMPT.search(para))
            while teaser and j >= 0 and j not in drop and _words(paragraphs[j]) <= TEASER_MAX_WORDS and i - j <= 3:
                drop.add(j)
                j -= 1
        i += 1
    kept = [p for i, p in enumerate(paragraphs) if i not in drop]
    # a lone heading left at the end ("Go deeper", "More on this story") once its links are gone
    while kept and _words(kept[-1]) <= HEADING_MAX_WORDS and not kept[-1].endswith(_SENTENCE_END):
        kept.pop()
    return "\n".join(kept)


def _is_headline(line: str) -> bool:
    return _words(line) <= HEADLINE_MAX_WORDS and not line.rstrip("|").endswith((".", "!", "?", ":", "。"))


def clean_title(title: str, site_name: str = "", h1: str = "") -> str:
    """A headline without a " | Site Name" style suffix or prefix.

    The part naming the site is dropped when the site name is known; otherwise, when the page's
    ``<h1>`` is one side of the separator, that side is the headline.
    """
    title = " ".join(html.unescape(title).split())
    h1 = " ".join(html.unescape(h1).split())
    site = _norm(site_name)
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        if site and (_norm(tail) == site or site in _norm(tail) or _norm(tail) in site.replace(" ", "")):
            return head.strip()
        first, _, rest = title.partition(sep)
        if site and (_norm(first) == site or site in _norm(first)):
            return rest.strip()
        if h1 and _norm(head) == _norm(h1):
            return head.strip()
        if h1 and _norm(rest) == _norm(h1):
            return rest.strip()
    return title


def _authors(meta: _PageMetadata, page: RawPage) -> tuple[str, ...]:
    site = meta.first("og:site_name", "jsonld:publisher")
    names = meta.jsonld_authors() or [
        n for n in meta.all("author", "article:author", "byl", "dc.creator", "sailthru.author") if "://" not in n
    ]
    if len(names) == 1:
        names = _AUTHOR_SEPARATORS.split(names[0])
    authors = _clean_authors(names or list(page.feed_authors), site)
    if not authors or _is_outlet(authors, site, page.final_url):
        # the outlet is the author only when no person signs the byline
        authors = _clean_authors(meta.byline(), site) or authors
    return authors


def _is_outlet(authors: tuple[str, ...], site_name: str, url: str) -> bool:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    outlet = {_norm(site_name), _norm(host), _norm(host.split(".")[0])} - {""}
    return all(_norm(a) in outlet or _norm(a).replace(" ", "") in outlet for a in authors)


def _clean_authors(names: list[str], site_name: str = "") -> tuple[str, ...]:
    """Person names only: no "By", no role or outlet after the name, no duplicates, no URLs."""
    out: list[str] = []
    site = _norm(site_name)
    for raw in names:
        name = _BYLINE.sub("", " ".join(str(raw).split()))
        name = _ROLE_TAIL.sub("", name)
        name = _name_only(name).strip(" ,;|·-–—")
        if not name or name.lower() in _ROLE_ONLY or "://" in name or "@" in name or _CREDIT.search(name):
            continue
        if site and _norm(name) == site and len(names) > 1:
            continue
        if name.lower() not in (n.lower() for n in out):
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
        self.objects = list(self._news_objects())
        self.jsonld = self.objects[0] if self.objects else {}

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

    def title(self) -> str:
        """The headline the page declares, or its ``<title>``."""
        declared = self.first("jsonld:headline", "og:title", "twitter:title")
        if declared:
            return declared
        node = next(self.tree.iter("title"), None)
        return " ".join((node.text_content() if node is not None else "").split())

    def byline(self) -> list[str]:
        """Names in the page's byline markup (rel/itemprop author, a byline or author class)."""
        for node in self.tree.xpath(_BYLINE_XPATH):
            text = " ".join(node.text_content().split())
            if 2 < len(text) <= BYLINE_MAX_CHARS:
                return _AUTHOR_SEPARATORS.split(_BYLINE.sub("", text))
        return []

    def h1(self) -> str:
        node = next(self.tree.iter("h1"), None)
        return " ".join(node.text_content().split()) if node is not None else ""

    def jsonld_authors(self) -> list[str]:
        authors = self.jsonld.get("author") or []
        authors = authors if isinstance(authors, list) else [authors]
        names = []
        for author in authors:
            name = author.get("name", "") if isinstance(author, dict) else author
            if isinstance(name, list):
                names.extend(str(n) for n in name)
            elif name:
                names.append(str(name))
        return names

    def canonical(self) -> str:
        for node in self.tree.iter("link"):
            if "canonical" in (node.get("rel") or "").lower().split() and node.get("href"):
                return node.get("href").strip()
        return self.first("og:url")

    def language(self) -> str:
        lang = self.tree.get("lang") or self.first("og:locale") or ""
        return lang.replace("_", "-").split("-")[0].lower()

    def date_strings(self) -> list[str]:
        """Every date the page declares, in any key or element, for cross-checking offsets."""
        values = [str(v) for obj in self.objects for k, v in obj.items() if k.startswith("date") and v]
        values += [v for key in _PUBLISHED_KEYS + _MODIFIED_KEYS for v in self.metas.get(key, [])]
        values += [str(node.get("datetime")) for node in self.tree.iter("time") if node.get("datetime")]
        return values

    def time_element(self) -> str:
        for node in self.tree.iter("time"):
            marks = ((node.get("itemprop") or "") + (node.get("class") or "")).lower()
            if node.get("datetime") and "modif" not in marks and "updat" not in marks:
                return str(node.get("datetime"))
        return ""
