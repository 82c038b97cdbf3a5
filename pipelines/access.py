"""Whether a fetched page shows the whole article: full, paywall, consent wall, bot block, soft 404, truncated.

A page that could not be read whole is still stored, tagged with its state, so that later
stages never count it as an outlet "omitting" a fact. The state is judged from the HTTP status,
what the page declares (``isAccessibleForFree``, ``article:content_tier``, a JSON-LD word count)
and the words such pages use in the languages newswatch meets most, never from rules for
particular sites.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipelines.cleaning import SENTENCE_END
from pipelines.models import AccessState, RawPage, count_words
from pipelines.patterns import GuardedPattern

if TYPE_CHECKING:
    import lxml.html

    from pipelines.metadata import PageMetadata

_BOT_BLOCK = re.compile(
    r"\b(captcha|are you a robot|not a robot|verify (that )?you are (a )?human|access denied|unusual traffic"
    r"|automated (access|requests|queries)|just a moment|checking your browser|enable javascript and cookies"
    r"|request (was )?blocked|bot detection|zugriff verweigert|accès refusé)\b",
    re.IGNORECASE,
)
_CONSENT = GuardedPattern(
    re.compile(
        r"\b(cookies?|consent|accept all|reject all|manage (your )?(choices|preferences|options)|our partners"
        r"|privacy (policy|settings|preferences)|personali[sz]ed (ads|advertising)|einwilligung|zustimmen"
        r"|alle akzeptieren|accepter|tout accepter|aceptar|consentimiento)\b",
        re.IGNORECASE,
    ),
    ("cookie", "consent", "accept", "reject all", "manage", "our partners", "privacy", "personali", "einwilligung",
     "zustimmen", "akzeptieren", "aceptar"),
)  # fmt: skip
_PAYWALL = GuardedPattern(
    re.compile(
        r"(subscribe (now )?to (continue|keep) reading|subscribers? only|for subscribers|to read the (full|whole|rest"
        r" of the) (article|story)|already a subscriber|start your (free )?trial|this (article|content) is for"
        r" (paying )?subscribers|become a (member|subscriber)|register to continue|weiterlesen mit|jetzt abonnieren"
        r"|abonnez-vous|réservé aux abonnés|suscríbete|exclusivo para suscriptores)",
        re.IGNORECASE,
    ),
    ("subscribe", "to read the", "start your", "become a", "register to continue", "weiterlesen", "abonnieren",
     "abonnez", "aux abonn", "suscr"),
)  # fmt: skip
_NOT_FOUND = re.compile(
    r"(\b404\b|page not found|not be found|cannot be found|can'?t be found|no longer available|does ?n[o']t exist"
    r"|seite nicht gefunden|page introuvable|página no encontrada)",
    re.IGNORECASE,
)
WALL_MAX_WORDS = 150  # a consent wall or block page is short; an article that mentions cookies is not
CONSENT_MIN_HITS = 3
CONSENT_TEXT_MAX_WORDS = 400  # a consent notice that main-text extraction took for the article
CONSENT_TEXT_MIN_HITS = 4
TRUNCATED_SHARE = 0.6  # less than this share of the declared word count extracted: truncated
TAIL_CHARS = 4096  # where a whole page has its closing tags


def access_state(page: RawPage, meta: PageMetadata, tree: lxml.html.HtmlElement, text: str) -> AccessState:
    """The state of the page whose main text is ``text``."""
    words = count_words(text)
    # the whole page's text only for short extractions: walls and block pages are short
    visible = " ".join(tree.text_content().split()) if words < WALL_MAX_WORDS else ""
    heading = f"{meta.title()} {meta.h1()}"
    if page.status in (401, 402):
        return AccessState.PAYWALL
    if page.status in (403, 429, 503) or (words < WALL_MAX_WORDS and _BOT_BLOCK.search(f"{heading} {visible}")):
        return AccessState.BOT_BLOCK
    if _consent_wall(words, visible, text):
        return AccessState.CONSENT_WALL
    if page.status in (404, 410) or _NOT_FOUND.search(heading):
        return AccessState.SOFT_404
    if _PAYWALL.search(visible or text[-600:]) or meta.access_state(text) is AccessState.PAYWALL:
        return AccessState.PAYWALL
    if _declared_words(meta) and words < _declared_words(meta) * TRUNCATED_SHARE:
        return AccessState.TRUNCATED
    if _cut_short(page.html, text):
        return AccessState.TRUNCATED
    return AccessState.FULL


def _consent_wall(words: int, visible: str, text: str) -> bool:
    """A short page about cookies and consent, or an extracted text that is mostly a consent notice."""
    if words < WALL_MAX_WORDS and len(_CONSENT.findall(visible)) >= CONSENT_MIN_HITS and not _PAYWALL.search(visible):
        return True
    return words <= CONSENT_TEXT_MAX_WORDS and len(_CONSENT.findall(text)) >= CONSENT_TEXT_MIN_HITS


def _declared_words(meta: PageMetadata) -> int:
    declared = meta.jsonld.get("wordCount")
    try:
        return int(str(declared).replace(",", "")) if declared else 0
    except ValueError:
        return 0


def _cut_short(html: str, text: str) -> bool:
    """The page ends before its closing tags and the text in mid-sentence: it was not read whole."""
    tail = html[-TAIL_CHARS:].lower()
    return bool(text) and "</html" not in tail and "</body" not in tail and not text.rstrip().endswith(SENTENCE_END)
