"""What a page declares about itself: headline, authors, dates, language, access, read cheaply.

Part of the extract stage (:mod:`pipelines.extract` calls it once per page, on the parsed tree).
Sources, most trustworthy first: JSON-LD (the article node of a ``@graph`` or a ``mainEntity``,
``@id`` references resolved), OpenGraph / ``article:`` / Dublin Core meta tags and microdata,
then visible markup (``<time>``, byline elements, a signed line at the top or bottom of the
text), then what discovery knew (the feed or sitemap entry), then htmldate's search of the page
and a date in the URL. Every date keeps where it came from and whether it had a time of day.

Everything here is a generic property of news pages; nothing is specific to a site.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import htmldate
import lxml.html

from pipelines.dates import declares_offset, has_time_of_day, is_future, parse_datetime, same_wall_clock
from pipelines.models import AccessState, RawPage
from pipelines.patterns import GuardedPattern
from pipelines.wordlists import DATE_WORDS

_WORD = re.compile(r"\w+")
# schema.org types of the article node; anything else (WebPage, Organization, ItemList...) is context
_ARTICLE_TYPES = ("Article", "BlogPosting", "Report", "ReportageNews", "LiveBlogPosting")
# keys under which JSON-LD lists *other* works (related stories, mentions): never the article itself
_NOT_THE_ARTICLE = frozenset(
    {"itemListElement", "relatedLink", "mentions", "hasPart", "isPartOf", "citation", "review", "comment", "subjectOf"}
)
MAX_JSONLD_NODES = 2000  # a page can embed a whole site index as JSON-LD: stop walking it
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
_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "lastmod")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|$|\D)")
# a declared date further than this from the date in the URL is checked against the other declarations
URL_DATE_TOLERANCE_DAYS = 2

# what a page puts between headline, section and site name in a title ("Headline - Section | Site")
_SEPARATOR = re.compile(r"(\s+(?:\||-|—|–|::|·|/|»|•|\*)\s+|\s*｜\s*)")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\xad]")
_DATE_SEGMENT = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
SECTION_MAX_WORDS = 3
HEADLINE_BESIDE_LABEL_MIN_WORDS = 4  # what stays once a label beside the site name goes
MAX_TITLE_SEGMENTS = 12
# a kicker before the headline ("Storm season: Harbour closes", "Coast - Harbour closes")
_KICKER = re.compile(r"^(.{2,60}?)(?::\s+|\s+[-–—|]\s+)(.+)$")
KICKED_HEADLINE_MIN_WORDS = 3
# meta tags naming the site
_SITE_KEYS = (
    "og:site_name",
    "application-name",
    "apple-mobile-web-app-title",
    "publisher",
    "dc.publisher",
    "twitter:site",
)
# meta tags naming the page's section ("article:section", "parsely-section", "content_category")
_SECTION_KEYS = ("section", "category")
SITE_EXTRA_WORDS = 2  # "Metro News Online" names the site Metro; a headline that mentions it is longer
SITE_MIN_CHARS = 3  # a segment this long that a site name contains is the site ("NDR" of ndr.de)
# a site name glued to the headline without spaces ("Headline|Site", "제목ㅣ신문")
_TAIL_SEPARATORS = "|-–—:·/ㅣ»«•｜："
# ...or put before it ("Site: Headline", "Site | Headline")
_LEAD_SEPARATORS = "|-–—:·/ㅣ»•｜："
LEADING_SITE_REST_MIN_CHARS = 15
# brackets around a site name before or after the headline ("[Site] Headline", "Headline (Site)")
_OPENING, _CLOSING = tuple("[(【（"), tuple("])】）")

_BYLINE_PREFIX = re.compile(r"^\s*(by|von|par|por|door|di|av|af|od|przez|tekst|text)\s*:?\s+", re.IGNORECASE)
# a byline heuristic can run on into a role ("Jane Doe, Staff Writer")
_ROLE_TAIL = re.compile(
    r"\s*(,|\||-|–|—|\()\s*(staff|senior|chief|political|foreign|special|our|the)?\s*"
    r"(writer|reporter|correspondent|editor|contributor|columnist|journalist|photographer|in \w+).*$",
    re.IGNORECASE,
)
# the role written after (or before) a name in Korean, Japanese and Chinese bylines ("신현주 기자", "记者 王伟")
_CJK_ROLE = re.compile(r"^(记者|記者)\s*|\s*(선임기자|객원기자|기자|특파원|논설위원|記者|记者|特派員|特派员|編集委員)$")
_ROLE_ONLY = frozenset({"staff", "staff writer", "staff reporter", "reporter", "correspondent", "editor", "editors"})
# "A, B and C" in the languages bylines are written in most often
_AUTHOR_SEPARATORS = re.compile(r";|,| & |\||/|\s(?:and|und|et|y|e|en|og|och|ve|и)\s", re.IGNORECASE)
_CREDIT = re.compile(r"^\(?(photo|image|picture|pictured|credit|foto|bild)s?( credit)?\s*[:/|]", re.IGNORECASE)
_BYLINE_XPATH = "//*[@rel='author'] | //*[@itemprop='author']//*[@itemprop='name'] | //*[@itemprop='author']"
# an element whose class or id names a byline or an author (not a commenter)
# an element whose class or id names a byline or an author
_BYLINE_NAMES = ("byline", "author", "autor", "auteur", "writer")
# not a commenter, not a photo credit ("bildautor", "photo-credit")
_NOT_BYLINE_CLASS = re.compile(r"comment|bild|foto|photo|image|credit|caption|follow", re.IGNORECASE)
# where a visible byline runs on into the section or the date ("By Jane Doe · 31 Jan", "By Jane Doe, in News")
_BYLINE_END = re.compile(r"\s[·•]\s|,\s+in\s|\s+-\s+\d")
# "By Jane Doe" as visible text (text nodes are short: cheap to test, unlike every element's string)
_BY_TEXT_XPATH = "//body//text()[starts-with(normalize-space(.), 'By ') or starts-with(normalize-space(.), 'by ')]"
# "Editor: Jane Doe" is not the byline: the person who edited, in the languages pages label it in
_EDITOR_LABEL = re.compile(
    r"^\s*[(（]?\s*(editor|edited by|editing by|redaktur|redakteur(in)?|penyunting|責任編集|责任编辑|责编|编辑|편집)"
    r"\s*[:：]\s*",
    re.IGNORECASE,
)
BYLINE_MAX_CHARS = 80
NAME_MAX_WORDS = 5
EDITOR_CHECK_MAX_NAMES = 5  # an editor signs alone or with one or two others; a long list is a team
SIGNATURE_TOP_PARAGRAPHS = 3
UNCASED_NAME_MAX_CHARS = 12  # a CJK name is two to four characters; a role may follow
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w.'’-]*$")
# name particles written in lower case ("Ursula von der Leyen", "Luiz Inácio Lula da Silva")
_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le", "bin", "al", "y"}
)
_RELATED_WORDS = frozenset({"related", "more", "read", "see", "also", "share", "follow", "comments", "advertisement"})

STANDFIRST_PREFIX_CHARS = 40
_STANDFIRST_CLASS = re.compile(r"standfirst|subtitle|sub-head|subhead|dek|summary|teaser|intro|lead|excerpt", re.I)
_PAYWALL_TEXT = GuardedPattern(
    re.compile(
        r"(subscribe (now )?to (continue|read|unlock)|to continue reading|already a subscriber|"
        r"this (article|content|story) is (only )?(available )?(for|to) (subscribers|members)|"
        r"sign in to (continue|read)|become a (subscriber|member) to)",
        re.IGNORECASE,
    ),
    ("subscribe", "to continue reading", "members", "sign in to", "become a"),
)
PAYWALL_TAIL_CHARS = 600


@dataclass(frozen=True, slots=True)
class DateFound:
    """A date, where it came from, and whether the source gave a time of day."""

    value: datetime
    source: str
    has_time: bool

    @property
    def precision(self) -> str:
        return "time" if self.has_time else "day"


class PageMetadata:
    """What the page declares about itself: JSON-LD, meta tags, canonical link, byline, time elements."""

    def __init__(self, tree: lxml.html.HtmlElement, url: str = "") -> None:
        self.tree = tree
        self.url = url
        self.metas: dict[str, list[str]] = {}
        for node in tree.iter("meta"):
            key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
            content = node.get("content")
            if key and content and content.strip():
                self.metas.setdefault(key, []).append(content.strip())
        self.ids: dict[str, dict[str, Any]] = {}
        candidates: list[dict[str, Any]] = []
        self.pages: list[dict[str, Any]] = []
        self.crumbs: list[dict[str, Any]] = []
        self.sites: list[dict[str, Any]] = []
        for node, listed in _jsonld_nodes(tree):
            if isinstance(node.get("@id"), str):
                self.ids.setdefault(node["@id"], node)
            kinds = _types(node)
            if not listed and any(k.endswith(_ARTICLE_TYPES) for k in kinds):
                candidates.append(node)
            elif any(k.endswith("WebPage") for k in kinds):
                self.pages.append(node)
            elif any(k.endswith("BreadcrumbList") for k in kinds):
                self.crumbs.append(node)
            elif not listed and "WebSite" in kinds:
                self.sites.append(node)
        self.jsonld: dict[str, Any] = max(candidates, key=self._article_score, default={})

    # -- JSON-LD ----------------------------------------------------------------------------
    def _article_score(self, node: dict[str, Any]) -> int:
        """Prefer the node about this page, with a headline and a date (ties: first in the page)."""
        score = bool(node.get("headline")) + bool(node.get("datePublished"))
        if self.url:
            about = [node.get("url"), node.get("@id"), node.get("mainEntityOfPage")]
            about = [a.get("@id") if isinstance(a, dict) else a for a in about]
            score += 2 * any(isinstance(a, str) and _same_page(a, self.url) for a in about)
        return score

    def jsonld_value(self, key: str, node: dict[str, Any] | None = None) -> str:
        """A text value of the article node (a name for an object, the first of a list)."""
        value = (self.jsonld if node is None else node).get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = self._resolve(value).get("name")
        if isinstance(value, str | int | float) and str(value).strip():
            return html.unescape(str(value)).strip()
        return ""

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """An ``{"@id": ...}`` reference replaced by the node it names, when the page has it."""
        ref = node.get("@id")
        if len(node) <= 2 and isinstance(ref, str) and ref in self.ids:
            return self.ids[ref]
        return node

    def jsonld_authors(self) -> list[str]:
        authors = self.jsonld.get("author") or self.jsonld.get("creator") or []
        authors = authors if isinstance(authors, list) else [authors]
        names: list[str] = []
        for author in authors:
            if isinstance(author, dict):
                author = self._resolve(author)
                name = author.get("name") or " ".join(
                    str(author.get(k, "")) for k in ("givenName", "familyName") if author.get(k)
                )
            else:
                name = author
            if isinstance(name, list):
                names.extend(html.unescape(str(n)) for n in name if n)
            elif name and isinstance(name, str | int):
                names.append(html.unescape(str(name)))
        return names

    # -- meta tags ---------------------------------------------------------------------------
    def first(self, *keys: str) -> str:
        """The first value among keys: ``jsonld:<key>`` reads the article node, others meta tags."""
        for key in keys:
            if key.startswith("jsonld:"):
                value = self.jsonld_value(key.removeprefix("jsonld:"))
                if value:
                    return value
            elif self.metas.get(key.lower()):
                return html.unescape(self.metas[key.lower()][0])
        return ""

    def all(self, *keys: str) -> list[str]:
        for key in keys:
            if self.metas.get(key):
                return [html.unescape(v) for v in self.metas[key]]
        return []

    def site_name(self) -> str:
        return self.first("og:site_name", "jsonld:publisher", "application-name")

    def description(self) -> str:
        return self.first("jsonld:description", "og:description", "description", "twitter:description")

    def standfirst_apart(self, description: str) -> bool:
        """True when the description is shown as a standfirst (a sub-heading, in the header), not as the lede.

        A standfirst repeated on top of the extracted text is not part of the story; a lede the
        page also uses as its description is.
        """
        start = " ".join(description.split())[:STANDFIRST_PREFIX_CHARS]
        if len(start) < STANDFIRST_PREFIX_CHARS:
            return False
        for node in self.tree.iter("h2", "h3", "h4", "h5", "h6", "p", "div", "span"):
            if not " ".join((node.text or "").split()).startswith(start):
                continue
            marks = f"{node.get('class', '')} {node.get('id', '')}"
            in_header = any(a.tag == "header" for a in node.iterancestors())
            if node.tag != "p" or in_header or _STANDFIRST_CLASS.search(marks):
                return True
            # a lede sits among the paragraphs that follow it; a standfirst outside their container
            parent = node.getparent()
            siblings = [] if parent is None else [p for p in parent.iterchildren("p") if p is not node]
            return not any(len(p.text_content()) >= STANDFIRST_PREFIX_CHARS * 2 for p in siblings)
        return False

    def title(self) -> str:
        """The headline the page declares, or its ``<title>``, as written."""
        return next(iter(self.headlines()), "")

    def h1(self) -> str:
        node = next(self.tree.iter("h1"), None)
        return " ".join(node.text_content().split()) if node is not None else ""

    def headlines(self) -> list[str]:
        """The titles the page declares, most trustworthy first: JSON-LD, OpenGraph, Twitter, ``<title>``."""
        node = next(self.tree.iter("title"), None)
        tag = " ".join((node.text_content() if node is not None else "").split())
        found = [self.first("jsonld:headline"), self.first("og:title"), self.first("twitter:title"), tag]
        return [t for t in found if t]

    def visible_headlines(self) -> list[str]:
        """Every ``<h1>`` (a logo or a section name can be the first)."""
        texts = (" ".join(node.text_content().split()) for node in self.tree.iter("h1"))
        return [t for t in texts if t]

    def site_names(self) -> list[str]:
        """Every name the site declares for itself: meta tags, the JSON-LD publisher and WebSite, its Twitter handle."""
        names = [html.unescape(v) for key in _SITE_KEYS for v in self.metas.get(key, [])]
        names = [n.removeprefix("@") for n in names]
        publisher = self.jsonld.get("publisher")
        sites = [self._resolve(publisher)] if isinstance(publisher, dict) else []
        for node in [*sites, *self.sites]:
            if isinstance(node.get("name"), str):
                names.append(html.unescape(node["name"]))
        return names

    def sections(self) -> list[str]:
        """The sections the page says it is in: meta tags, JSON-LD, breadcrumbs, the folders of its URL."""
        found = [v for key, values in self.metas.items() if key.endswith(_SECTION_KEYS) for v in values]
        declared = self.jsonld.get("articleSection")
        found += [str(d) for d in (declared if isinstance(declared, list) else [declared]) if isinstance(d, str)]
        for node in self.crumbs:
            for item in node.get("itemListElement") or []:
                if not isinstance(item, dict):
                    continue
                named: dict[str, Any] = item["item"] if isinstance(item.get("item"), dict) else item
                if isinstance(named.get("name"), str):
                    found.append(named["name"])
        folders = [f for f in urlsplit(self.url).path.split("/") if f][:-1]  # the last one is the article's slug
        found += [f.replace("-", " ").replace("_", " ") for f in folders if not any(ch.isdigit() for ch in f)]
        return [html.unescape(f) for f in found if len(f.split()) <= SECTION_MAX_WORDS]

    def canonical(self) -> str:
        for node in self.tree.iter("link"):
            if "canonical" in (node.get("rel") or "").lower().split() and node.get("href"):
                return str(node.get("href")).strip()
        return self.first("og:url")

    def language(self) -> str:
        lang = self.tree.get("lang") or self.first("jsonld:inLanguage", "og:locale", "content-language") or ""
        return lang.replace("_", "-").split("-")[0].lower()

    def access_state(self, text: str) -> AccessState:
        """Paywalled when the page says its content is not free and shows a subscribe prompt, or cut short by one."""
        free = str(self.jsonld.get("isAccessibleForFree", self.first("isaccessibleforfree") or "")).lower()
        tier = self.first("article:content_tier").lower()
        locked = free in ("false", "no", "0") or tier in ("locked", "metered")
        prompt = bool(_PAYWALL_TEXT.search(text[-PAYWALL_TAIL_CHARS:]))
        return AccessState.PAYWALL if prompt or (locked and len(text) < 1500) else AccessState.FULL

    # -- bylines -----------------------------------------------------------------------------
    def byline(self, editors: Collection[str] = ()) -> list[str]:
        """Names in the page's byline markup: rel/itemprop author, a byline or author class, a "By" line.

        A byline in a link is another story's (a teaser); names in ``editors`` (normalised) are not bylines.
        """
        for node in self._byline_nodes():
            if not isinstance(node.tag, str) or node.tag in ("script", "style", "img", "meta", "link", "body", "html"):
                continue
            text = _BYLINE_END.split(" ".join(node.text_content().split()), maxsplit=1)[0]
            if 2 < len(text) <= BYLINE_MAX_CHARS and not _CREDIT.search(text) and not _EDITOR_LABEL.match(text):
                names = [n for n in split_names(_BYLINE_PREFIX.sub("", text)) if looks_like_name(n)]
                names = [n for n in names if norm(n) not in editors]
                if names and not any(a.tag == "a" for a in node.iterancestors()):
                    return names
        return []

    def edited_by(self, names: Sequence[str]) -> set[str]:
        """Those of ``names`` (normalised) the page labels its editors ("Editor: Jane Doe", "责任编辑：王伟")."""
        found: set[str] = set()
        for name in names:
            # XPath finds the few text nodes holding the name (a scan in C) before any pattern runs
            for text in self.tree.xpath("//body//text()[contains(., $name)]", name=name):
                node = text.getparent()
                node = node.getparent() if text.is_tail and node is not None else node
                # the label sits in the name's element or, when the name is a link, in its parent
                for _ in range(2):
                    line = " ".join(node.text_content().split()) if node is not None else ""
                    if len(line) > BYLINE_MAX_CHARS:
                        break
                    if _EDITOR_LABEL.match(line):
                        found.add(norm(name))
                        break
                    node = node.getparent() if node is not None else None
        return found

    def _byline_nodes(self) -> Iterator[lxml.html.HtmlElement]:
        """Candidate byline elements, lazily in page order (the first good one ends the search)."""
        yield from self.tree.xpath(_BYLINE_XPATH)
        body = next(self.tree.iter("body"), None)
        if body is not None:
            # a loop in Python beats an XPath of the same test here: it stops at the first byline
            for node in body.iter():
                marks = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
                if any(name in marks for name in _BYLINE_NAMES) and not _NOT_BYLINE_CLASS.search(marks):
                    yield node
        for text in self.tree.xpath(_BY_TEXT_XPATH):
            parent = text.getparent()
            if parent is not None:
                yield parent

    def signed_paragraphs(self) -> set[str]:
        """Paragraphs wholly in bold: where a byline sits at the top or a signature at the bottom of a text."""
        found = set()
        for node in self.tree.xpath("//p[count(*) = 1][strong or b]"):
            child = node[0]
            if (node.text or "").strip() or (child.tail or "").strip():
                continue
            text = " ".join(child.text_content().split())
            if 2 < len(text) <= BYLINE_MAX_CHARS:
                found.add(text)
        return found

    # -- dates -------------------------------------------------------------------------------
    def date_strings(self) -> list[str]:
        """Every date the page declares, in any key or element, for cross-checking offsets."""
        objects = [self.jsonld, *self.pages]
        values = [str(v) for obj in objects for k, v in obj.items() if k.startswith("date") and isinstance(v, str)]
        values += [v for key in _PUBLISHED_KEYS + _MODIFIED_KEYS for v in self.metas.get(key, [])]
        values += [str(node.get("datetime")) for node in self.tree.iter("time") if node.get("datetime")]
        return values

    def time_element(self) -> str:
        for node in self.tree.iter("time"):
            marks = ((node.get("itemprop") or "") + (node.get("class") or "")).lower()
            if node.get("datetime") and "modif" not in marks and "updat" not in marks:
                return str(node.get("datetime"))
        return ""

    def microdata(self, prop: str) -> str:
        """``itemprop`` on a visible element (``<span itemprop=datePublished content=...>``)."""
        for node in self.tree.xpath(f"//body//*[@itemprop='{prop}'][@content or @datetime]"):
            return str(node.get("datetime") or node.get("content"))
        return ""

    def published_candidates(self) -> Iterator[tuple[str, str]]:
        """``(source, raw date)`` declarations of the publication date, most trustworthy first."""
        yield "jsonld", self.first("jsonld:datePublished", "jsonld:dateCreated")
        yield "jsonld", next((self.jsonld_value("datePublished", p) for p in self.pages), "")
        yield "meta", self.first(*_PUBLISHED_KEYS)
        yield "meta", self.microdata("datePublished")
        yield "time-element", self.time_element()

    def modified_candidates(self) -> Iterator[tuple[str, str]]:
        yield "jsonld", self.first("jsonld:dateModified")
        yield "meta", self.first(*_MODIFIED_KEYS)
        yield "meta", self.microdata("dateModified")


def _types(node: dict[str, Any]) -> list[str]:
    kinds = node.get("@type", "")
    return [str(k) for k in (kinds if isinstance(kinds, list) else [kinds])]


def _jsonld_nodes(tree: lxml.html.HtmlElement) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every object of every JSON-LD block, breadth first; ``listed`` when it sits in a list of other works."""
    count = 0
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        data = _load_json(script.text)
        queue: list[tuple[Any, bool]] = [(data, False)]
        while queue and count < MAX_JSONLD_NODES:
            item, listed = queue.pop(0)
            if isinstance(item, list):
                queue.extend((x, listed) for x in item)
            elif isinstance(item, dict):
                count += 1
                yield item, listed
                for key, value in item.items():
                    if isinstance(value, dict | list):
                        queue.append((value, listed or key in _NOT_THE_ARTICLE))


def _load_json(text: str) -> Any:
    """JSON-LD as pages write it: also with a CDATA or comment wrapper, raw newlines or trailing commas."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    cleaned = re.sub(r"^\s*(<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(-->|//\s*\]\]>|\]\]>)\s*$", "", text.strip())
    cleaned = re.sub(r",\s*([}\]])", r"\1", cleaned)
    try:
        return json.loads(cleaned, strict=False)
    except ValueError:
        return None


def _same_page(a: str, b: str) -> bool:
    def key(url: str) -> str:
        parts = urlsplit(url.strip())
        return (parts.hostname or "").removeprefix("www.") + parts.path.rstrip("/")

    return key(a) == key(b)


def norm(text: str) -> str:
    """Case-folded words only, for comparing names and headlines."""
    return " ".join(_WORD.findall(text.casefold()))


# -- headline ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TitleHints:
    """What tells a headline from the wrapping a page puts around it in ``<title>`` and og:title.

    ``sites``: the names the site goes by (declared names, the host); ``sections``: the sections
    the page says it belongs to (meta tags, JSON-LD, breadcrumbs, the URL path); ``others``: the
    page's other headlines (its ``<h1>`` elements, the other declared titles), which confirm the
    part of a wrapped title that is the headline.
    """

    sites: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    others: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, site_names: Sequence[str] = (), host: str = "", sections: Sequence[str] = (), others: Sequence[str] = ()
    ) -> TitleHints:
        host = host.removeprefix("www.")
        sites = [*site_names, host, host.split(".")[0]] if host else list(site_names)
        return cls(_distinct(sites), _distinct(sections), _distinct(others))

    def names_site(self, part: str) -> bool:
        """The segment is the site's name, maybe with a word or two ("Metro News", "NDR.de", "Globalnews.ca")."""
        part = fold(part)
        flat, words = part.replace(" ", ""), len(part.split())
        for site in filter(None, map(fold, self.sites)):
            if f" {site} " in f" {part} " and words <= len(site.split()) + SITE_EXTRA_WORDS:
                return True
            if len(flat) >= SITE_MIN_CHARS and flat in site.replace(" ", ""):
                return True
        return False

    def names_section(self, part: str) -> bool:
        """Every word of a short segment is a word of a declared section ("World News" in section News > World)."""
        words = fold(part).split()
        known = {w for section in self.sections for w in fold(section).split()}
        return 0 < len(words) <= SECTION_MAX_WORDS and all(w in known for w in words)


def _distinct(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(v.split()) for v in values if v and v.strip()))


def clean_title(
    title: str, site_name: str = "", h1: str = "", host: str = "", *, hints: TitleHints | None = None
) -> str:
    """A headline without the site name, section or date a page wraps it in.

    A run of the title's segments that another headline of the page repeats (its ``<h1>``, its
    JSON-LD headline) is the headline. Otherwise segments naming the site are dropped from either
    end, with the declared sections beside them and a date at the end; then a site name (and a
    section) glued on without spaces.
    """
    if hints is None:
        hints = TitleHints.of((site_name,), host, others=(h1,))
    # zero-width spaces and soft hyphens are not text
    title = " ".join(_INVISIBLE.sub("", html.unescape(title)).split())
    parts = _SEPARATOR.split(title)  # segment, separator, segment, ...
    if 1 < len(parts) < 2 * MAX_TITLE_SEGMENTS:  # more is not a title but a list: runs are tried pairwise
        agreed = _agreed_run(parts, hints)
        if agreed:
            return agreed
        title = "".join(_unwrap(parts, hints))
    return _unglue(_drop_comma_tail(title, hints), hints)


def headline(meta: PageMetadata, host: str = "", fallback: str = "") -> str:
    """The page's headline: the first title it declares, freed of what wraps it, else ``fallback``."""
    declared = meta.headlines() or [fallback]
    visible = meta.visible_headlines()
    others = [*visible, *declared[1:]]
    # a page can fill a site-name tag (application-name) with its headline: that names no site, and
    # would make every segment of the headline look like the site's name
    titles = {norm(t) for t in declared}
    sites = [s for s in meta.site_names() if norm(s) not in titles]
    title = clean_title(declared[0], hints=TitleHints.of(sites, host, meta.sections(), others))
    return _without_disputed_kicker(title, visible)


def _without_disputed_kicker(title: str, visible: Sequence[str]) -> str:
    """The headline without its kicker when the visible headline puts another kicker before the same words.

    ("Storm season: Harbour closes for a week" declared, "Coast - Harbour closes for a week"
    shown): the kicker is a label that changes between places; the words both repeat are the headline.
    """
    kicker, rest = _split_kicker(title)
    if not kicker:
        return title
    for shown in visible:
        other, shown_rest = _split_kicker(shown)
        # two kickers without a word in common: not one kicker written twice (nor glued to the headline)
        if other and not set(norm(other).split()) & set(norm(kicker).split()) and norm(shown_rest) == norm(rest):
            return rest
    return title


def _split_kicker(title: str) -> tuple[str, str]:
    """``(kicker, headline)`` of "Kicker: Headline" or "Kicker - Headline", the headline of several words."""
    match = _KICKER.match(title)
    if match is None or len(match.group(2).split()) < KICKED_HEADLINE_MIN_WORDS:
        return "", title
    return match.group(1), match.group(2)


def _agreed_run(parts: list[str], hints: TitleHints) -> str:
    """The longest run of segments, short of the whole, that another headline of the page repeats."""
    others = {norm(o) for o in hints.others} - {""}
    if not others or (norm("".join(parts)) in others and _unwrap(parts, hints) == parts):
        return ""  # the whole title is a headline the page repeats, and nothing wraps it
    count = len(parts) // 2 + 1
    best = ""
    for start in range(count):
        for end in range(start + 1, count + 1):
            run = "".join(parts[2 * start : 2 * end - 1])
            whole = end - start == count
            if not whole and len(run) > len(best) and norm(run) in others and not hints.names_site(run):
                best = run
    return best


def _unwrap(parts: list[str], hints: TitleHints) -> list[str]:
    """The segments left once the site name, what follows or precedes it, the sections beside it and a date go."""
    segments, separators = parts[0::2], parts[1::2]
    at_end = at_start = False
    # the site name at the end, with what follows it ("Headline | Site - Section - Region")
    for i in range(1, len(segments)):
        if hints.names_site(segments[i]) and all(_is_label(s) for s in segments[i + 1 :]):
            segments, separators, at_end = segments[:i], separators[: i - 1], True
            break
    # ...or at the start, with what precedes it ("Section | Site: Headline")
    for i in range(len(segments) - 2, -1, -1):
        if hints.names_site(segments[i]) and all(_is_label(s) for s in segments[:i]):
            segments, separators, at_start = segments[i + 1 :], separators[i + 1 :], True
            break
    while len(segments) > 1:
        if _DATE_SEGMENT.match(segments[-1]) or (at_end and _wraps(segments[-1], segments[:-1], hints)):
            segments, separators = segments[:-1], separators[:-1]
        elif at_start and _wraps(segments[0], segments[1:], hints):
            segments, separators = segments[1:], separators[1:]
        else:
            break
    out = [segments[0]]
    for separator, segment in zip(separators, segments[1:], strict=True):
        out += [separator, segment]
    return out


def _wraps(segment: str, rest: Sequence[str], hints: TitleHints) -> bool:
    """A segment between the headline and the site name is a section: declared, or a label beside a headline.

    ("Headline | Spain | Site", "Site | Tennis | Headline"): a few words beside a headline of
    several; beside a short one they may be the headline's own second half.
    """
    return hints.names_section(segment) or (
        _is_label(segment) and sum(len(s.split()) for s in rest) >= HEADLINE_BESIDE_LABEL_MIN_WORDS
    )


def _is_label(segment: str) -> bool:
    """A section, region or date: a few words, never a headline."""
    return len(segment.split()) <= SECTION_MAX_WORDS


def _drop_comma_tail(title: str, hints: TitleHints) -> str:
    """The site name and a date after the last commas ("Headline, Site Name, 26.04.2024")."""
    head = title
    while ", " in head:
        rest, _, last = head.rpartition(", ")
        if not (_DATE_SEGMENT.match(last) or hints.names_site(last)):
            break
        head = rest
    return head if head != title and any(hints.names_site(p) for p in title[len(head) :].split(", ")) else title


def _unglue(title: str, hints: TitleHints) -> str:
    """A site name glued on without spaces ("Headline|Site", "Headline (Site)"), then a declared section
    glued before it; else a site name leading the title ("Site: Headline", "[Site] Headline")."""
    head = _cut_glued(title, hints.sites)
    # without a site name glued on, a word at the end is the headline's even when it names a section
    return _cut_glued(head, hints.sections) if head != title else _cut_leading(title, hints.sites)


def _cut_glued(title: str, names: Sequence[str]) -> str:
    # string tests, not a pattern per name: compiling patterns for every page's names costs more than the rest
    title = title.rstrip()
    for name in sorted(names, key=len, reverse=True):
        if len(name) < 2:
            continue
        head = _before(title, name)
        if head is None and title.endswith(_CLOSING):
            opening = max(title.rfind(ch) for ch in _OPENING)
            inside = title[opening + 1 : -1].strip()
            head = title[:opening] if opening > 0 and inside.casefold() == name.casefold() else None
        if head is not None and head.strip(_TAIL_SEPARATORS + " "):
            return head.rstrip(_TAIL_SEPARATORS + " ")
    return title


def _before(title: str, name: str) -> str | None:
    """What precedes ``name`` at the end of the title when a separator sits between them ("Headline |Site")."""
    if len(title) <= len(name) or title[-len(name) :].casefold() != name.casefold():
        return None
    head = title[: -len(name)].rstrip()
    return head[:-1] if head and head[-1] in _TAIL_SEPARATORS else None


def _cut_leading(title: str, names: Sequence[str]) -> str:
    title = title.lstrip()
    for name in sorted(names, key=len, reverse=True):
        if len(name) < 2:
            continue
        rest = None
        if title[: len(name)].casefold() == name.casefold():
            after = title[len(name) :].lstrip()
            rest = after[1:] if after and after[0] in _LEAD_SEPARATORS else None
        elif title.startswith(_OPENING):
            closing = min((i for i in map(title.find, _CLOSING) if i > 0), default=-1)
            if closing > 0 and title[1:closing].strip().casefold() == name.casefold():
                rest = title[closing + 1 :]
        # what follows must be a headline, not the rest of a sentence about the outlet ("Ledger: Yes")
        if rest is not None and len(rest.strip()) >= LEADING_SITE_REST_MIN_CHARS:
            return rest.strip()
    return title


def fold(text: str) -> str:
    """Words only, case and accents folded ("Público" names the site publico.es)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return norm("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


# -- authors -------------------------------------------------------------------------------------


def split_names(text: str) -> list[str]:
    return [n for n in _AUTHOR_SEPARATORS.split(text) if n and n.strip()]


def looks_like_name(name: str) -> bool:
    """A person's or an outlet's name as bylines write it: a few capitalised words, no digits."""
    words = name.split()
    if not 1 <= len(words) <= NAME_MAX_WORDS or any(ch.isdigit() for ch in name):
        return False
    if any(w.lower() in _RELATED_WORDS for w in words):
        return False
    cased = [w for w in words if w[0].isalpha() and w[0].lower() != w[0].upper()]
    if not cased:
        # scripts without case (CJK, Arabic...) cannot be checked this way: a name is short
        return len(name) <= (UNCASED_NAME_MAX_CHARS if len(words) == 1 else BYLINE_MAX_CHARS // 2)
    return all(_NAME_TOKEN.match(w) for w in words) and all(w[0].isupper() or w in _PARTICLES for w in cased)


def page_authors(meta: PageMetadata, page: RawPage, text: str) -> tuple[tuple[str, ...], str]:
    """The article's authors, and a signed paragraph of the text to drop (the byline inside the text).

    Declared authors (JSON-LD, meta tags, the feed) first; the outlet is the author only when
    no person signs the byline markup or the text.
    """
    site, url = meta.site_name(), page.final_url
    names = meta.jsonld_authors() or [
        n for n in meta.all("author", "article:author", "byl", "dc.creator", "sailthru.author") if "://" not in n
    ]
    if len(names) == 1:
        names = split_names(names[0])
    declared = clean_authors(names or list(page.feed_authors), site, url)
    if declared and not is_outlet(declared, site, url):
        editors = meta.edited_by(declared) if len(declared) <= EDITOR_CHECK_MAX_NAMES else set()
        if editors and all(norm(a) in editors for a in declared):
            # the declared "author" is the person the page calls its editor: the byline names the writer
            byline = clean_authors(meta.byline(editors), site, url)
            if byline and not is_outlet(byline, site, url):
                return byline, ""
        signed, found = _signature(meta, text, site, url)
        # the same names signed in the text: a byline inside the body, not a paragraph of the story
        same = bool(found) and {norm(a) for a in found} <= {norm(a) for a in declared}
        return declared, signed if same else ""
    byline = clean_authors(meta.byline(), site, url)
    if byline and not is_outlet(byline, site, url):
        return byline, ""
    signed, found = _signature(meta, text, site, url)
    if found and not is_outlet(found, site, url):
        return found, signed
    return declared or byline or found, ""


def _signature(meta: PageMetadata, text: str, site: str, url: str) -> tuple[str, tuple[str, ...]]:
    """A bold names-only paragraph at the top or the foot of the text: the byline or the signature."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if not paragraphs:
        return "", ()
    bold = {norm(p) for p in meta.signed_paragraphs()}
    # under the headline, a kicker or a standfirst can come before the byline
    for para in (*paragraphs[:SIGNATURE_TOP_PARAGRAPHS], paragraphs[-1]):
        if norm(para) in bold:
            names = split_names(_BYLINE_PREFIX.sub("", para))
            if names and all(looks_like_name(n) for n in names):
                return para, clean_authors(names, site, url)
    return "", ()


def is_outlet(authors: Sequence[str], site_name: str, url: str) -> bool:
    outlet = _outlet_names(site_name, url)
    return all(norm(a) in outlet or norm(a).replace(" ", "") in outlet for a in authors)


def _outlet_names(site_name: str, url: str) -> set[str]:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return {norm(site_name), norm(host), norm(host.split(".")[0])} - {""}


def clean_authors(names: Sequence[str], site_name: str = "", url: str = "") -> tuple[str, ...]:
    """Person names only: no "By", no role or outlet after the name, no duplicates, no URLs.

    A name that carries the outlet's name ("MDR Thüringen" beside "Jane Doe") is the desk, not
    an author, unless no person is named.
    """
    out: list[str] = []
    outlet = _outlet_names(site_name, url)
    for raw in names:
        name = _BYLINE_PREFIX.sub("", " ".join(str(raw).split()))
        name = _CJK_ROLE.sub("", _ROLE_TAIL.sub("", name))
        name = _name_only(name).strip(" ,;|·-–—:")
        if not name or name.lower() in _ROLE_ONLY or "://" in name or "@" in name or _CREDIT.search(name):
            continue
        if name.lower() not in (n.lower() for n in out):
            out.append(name)
    people = [n for n in out if not (set(norm(n).split()) & outlet or norm(n) in outlet)]
    return tuple(people) if people else tuple(out)


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


# -- dates ---------------------------------------------------------------------------------------


def published_date(meta: PageMetadata, page: RawPage, tree: lxml.html.HtmlElement) -> DateFound | None:
    """The publication date and where it came from; dates in the future are rejected.

    What the page declares (JSON-LD, meta tags, microdata, ``<time>``), then the feed or sitemap,
    then htmldate's search of the page (a day), then a date in the URL (a day). A declaration far
    from the date in the URL gives way to another declaration that agrees with the URL.
    """
    url_day = url_date(page.final_url)
    declared = (found for source, raw in meta.published_candidates() if raw and (found := _read(raw, source, meta)))
    first = next(declared, None)
    if first is not None:
        if url_day is None or _near(first, url_day):
            return first
        # read the other declarations only when the first one disagrees with the URL
        return next((d for d in declared if _near(d, url_day)), first)
    if page.feed_published is not None and not is_future(page.feed_published):
        return DateFound(page.feed_published, "feed", True)
    searched = htmldate.find_date(tree, extensive_search=False, original_date=True, url=page.final_url)
    value = parse_datetime(searched)
    if value is not None and not is_future(value):
        return DateFound(value, "htmldate", False)
    if url_day is not None:
        return DateFound(url_day, "url", False)
    return None


def _near(found: DateFound, day: datetime) -> bool:
    return abs((found.value.date() - day.date()).days) <= URL_DATE_TOLERANCE_DAYS


def modified_date(meta: PageMetadata, published: DateFound | None) -> DateFound | None:
    """The last-modified date the page declares; never before publication, never in the future."""
    for source, raw in meta.modified_candidates():
        found = _read(raw, source, meta)
        if found is not None and (published is None or found.value >= published.value):
            return found
    return None


def _read(raw: str, source: str, meta: PageMetadata) -> DateFound | None:
    value = parse_datetime(raw)
    if value is None or is_future(value):
        return None
    if has_time_of_day(raw) and not declares_offset(raw):
        # a time without an offset: another declaration of the same moment may carry one
        for other in meta.date_strings():
            aware = parse_datetime(other) if declares_offset(other) else None
            if aware is not None and same_wall_clock(value, aware):
                return DateFound(aware, source, True)
    return DateFound(value, source, has_time_of_day(raw))


def url_date(url: str) -> datetime | None:
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    value = parse_datetime(f"{year:04d}-{month:02d}-{day:02d}")
    return value if value is not None and not is_future(value) else None
