"""Remove what main-text extraction lets through around the article body on news pages.

Part of the extract stage: :mod:`pipelines.extract` runs trafilatura, then :func:`clean_text`
on its text. Each rule is a generic convention of news pages (a newsletter box, a "Read more"
lead-in, a photo credit, a reprint notice, a wire agency's reporting credits), kept only
because it measurably improves ``bench/extraction.py`` on pages it was not developed on.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from pipelines.models import count_words

# newsletter and sign-up prompts
_PROMPT = re.compile(r"\b(sign(ing)?[ -]up|newsletters?|unsubscribe|subscribe|subscription|inbox)\b", re.IGNORECASE)
PROMPT_MAX_WORDS = 30
# share and follow prompts, comment-section leftovers, a "click here" teaser
_SHARE = re.compile(
    r"^(share (this|on|it)|like this (story|article)|follow (us|@?\w+ on)|tell us what you think|leave a comment"
    r"|post a comment|\d+ comments?$|comments?$)\b|\bclick here\b",
    re.IGNORECASE,
)
# lead-ins to another article inside the text ("READ MORE: ...", "(Leggi anche: ...)"), in several languages
_LEAD_IN = re.compile(
    r"^\(?\s*(read more|see more|read also|also read|related|watch|also on|more:|more from|leggi anche"
    r"|lesen sie (auch|mehr)|mehr zum thema|lire aussi|à lire aussi|lea también|leia também|lees ook|läs också"
    r"|les også|læs også|czytaj (też|także))\b\W",
    re.IGNORECASE,
)
LEAD_IN_MAX_WORDS = 25
# headings of a related-articles block whose list follows
_RELATED = re.compile(
    r"^(don'?t miss|related( (posts?|articles?|stories|content|coverage))?|you (may|might) also like"
    r"|recommended( for you)?|more (on this|stories|from)|most (read|popular)|trending|read next|see also)\W*$",
    re.IGNORECASE,
)
HEADLINE_MAX_WORDS = 20
# photo credits, copyright and reprint notices, print and e-mail tools, a bare link or address
_CREDIT = re.compile(
    r"^\(?(photo|image|picture|pictured|credit|foto|bild)s?( credit)?\s*[:/|]|getty images\W*$|\((photo|image): ",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"(^copyright\b|©|\ball rights reserved\b|^order reprints$|^print article$|for your personal,? non-commercial use"
    r"|^this (article|story) has been sent to\b)",
    re.IGNORECASE,
)
_BARE = re.compile(r"^(\S+@\S+\.\w+|write to .{2,60} at \S+@\S+)$", re.IGNORECASE)
CREDIT_MAX_WORDS = 15
# an affiliate disclosure ("If you buy something through this post, we may get a share of the sale")
_AFFILIATE = re.compile(
    r"\b(if|when) you (buy|purchase|click|shop)\b.{0,120}\b(commission|share of|earn|compensat|revenue)", re.IGNORECASE
)
AFFILIATE_MAX_WORDS = 45
# a wire agency's credits at the foot of the story ("Reporting by ...; Editing by ...")
_CREDITS = re.compile(
    r"^\(?\s*((additional )?reporting|writing|editing|compiled|translated|produced|graphics?)( and \w+)? by\b"
    r"|\bcontributed (reporting )?to this (report|story|article)\W*$",
    re.IGNORECASE,
)
CREDITS_MAX_WORDS = 60
# a metadata line: "05/10/2018 - Posted by: Jane Doe - Category: Health", "Tags: ..."
_POSTED = re.compile(
    r"\b(posted|published|publicado|publicada|publié|veröffentlicht|pubblicato|gepubliceerd) (by|por|par|von|da|door)"
    r"\s*:|^tags?\s*:",
    re.IGNORECASE,
)
POSTED_MAX_WORDS = 25
# a CMS shortcode left as text ("[button link=...]Send us your review[/button]")
_SHORTCODE = re.compile(r"^\[(\w+)\b[^\]]*\].*\[/\1\]$|^\[/?\w+( [^\]]*)?\]$")
TRAILING_LIST_MIN_ITEMS = 3
TEASER_MAX_WORDS = 12
HEADING_MAX_WORDS = 4
SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ")", "。", "！", "？", "」", "…")
_BULLET = "-•*·– "
_WORD = re.compile(r"\w+")


def norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def is_boilerplate(line: str) -> bool:
    """A prompt, a lead-in, a credit or a notice rather than a sentence of the story."""
    line = line.lstrip(_BULLET)
    words = count_words(line)
    if words <= PROMPT_MAX_WORDS and (_PROMPT.search(line) or _SHARE.search(line)):
        return True
    if words <= LEAD_IN_MAX_WORDS and _LEAD_IN.match(line):
        return True
    if words <= AFFILIATE_MAX_WORDS and _AFFILIATE.search(line):
        return True
    if words <= POSTED_MAX_WORDS and _POSTED.search(line):
        return True
    if _SHORTCODE.match(line):
        return True
    return bool(words <= CREDIT_MAX_WORDS and (_CREDIT.search(line) or _COPYRIGHT.search(line) or _BARE.match(line)))


def clean_text(
    text: str,
    titles: Sequence[str] = (),
    description: str = "",
    drop: Sequence[str] = (),
    links: Collection[str] = (),
) -> str:
    """The article body without the leftovers around it.

    Leading repeats of the headline and standfirst; newsletter, share and "read more" prompts
    with the short teaser lines just before them; photo credit, copyright and reprint lines; a
    "related" heading with the headline list under it; reporting credits at the foot; a lone
    heading left at the end; a list at the foot whose items are mostly ``links`` (normalised
    texts of list items that are links on the page: other stories); and any paragraph in
    ``drop`` (a byline found inside the text).
    """
    paragraphs = [" ".join(p.split()) for p in text.split("\n") if p.strip()]
    if drop:
        unwanted = {norm(d) for d in drop}
        paragraphs = [p for p in paragraphs if norm(p) not in unwanted]
    # the headline repeated on top; the standfirst under it only then: a page whose text starts
    # with its description (no headline above) uses the lede as description, and keeps it
    heads = {norm(title) for title in titles} - {""}
    if paragraphs and norm(paragraphs[0]) in heads:
        paragraphs.pop(0)
        if paragraphs and description and norm(paragraphs[0]) == norm(description):
            paragraphs.pop(0)
    dropped: set[int] = set()
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i]
        if _RELATED.match(para) and count_words(para) <= HEADING_MAX_WORDS + 2:
            # a "Related"/"Don't miss" heading and the headlines listed under it
            dropped.add(i)
            while i + 1 < len(paragraphs) and _is_headline(paragraphs[i + 1]):
                i += 1
                dropped.add(i)
        elif is_boilerplate(para):
            dropped.add(i)
            j = i - 1
            # only a newsletter box has a teaser before its prompt ("Go deeper", the newsletter's name)
            teaser = bool(_PROMPT.search(para))
            while (
                teaser and j >= 0 and j not in dropped and count_words(paragraphs[j]) <= TEASER_MAX_WORDS and i - j <= 3
            ):
                dropped.add(j)
                j -= 1
        elif i >= len(paragraphs) - 3 and count_words(para) <= CREDITS_MAX_WORDS and _CREDITS.search(para):
            dropped.add(i)
        i += 1
    kept = [p for i, p in enumerate(paragraphs) if i not in dropped]
    if links:
        _drop_trailing_links(kept, links)
    # a lone heading left at the end ("Go deeper", "More on this story") once its links are gone
    while kept and count_words(kept[-1]) <= HEADING_MAX_WORDS and not kept[-1].endswith(SENTENCE_END):
        kept.pop()
    return "\n".join(kept)


def trailing_list(text: str) -> list[str]:
    """The list items ("- ...") the text ends with."""
    items: list[str] = []
    for line in reversed([p for p in text.split("\n") if p.strip()]):
        if not line.lstrip().startswith("- "):
            break
        items.append(line.strip()[2:])
    return items[::-1]


def _drop_trailing_links(paragraphs: list[str], links: Collection[str]) -> None:
    """A list of links to other stories at the foot of the text: most of its items are links on the page."""
    items = trailing_list("\n".join(paragraphs))
    if len(items) >= TRAILING_LIST_MIN_ITEMS and sum(norm(i) in links for i in items) * 3 >= len(items) * 2:
        del paragraphs[len(paragraphs) - len(items) :]


def _is_headline(line: str) -> bool:
    return count_words(line) <= HEADLINE_MAX_WORDS and not line.rstrip("|").endswith((".", "!", "?", ":", "。"))
