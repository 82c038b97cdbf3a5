"""URL identity: canonical form and the article id derived from it.

courlan (trafilatura's URL library) normalises scheme, host, port and IDNA and removes
tracking parameters from the list it maintains; w3lib (Scrapy's own) then sorts query
arguments and normalises percent-encoding the way Scrapy's request fingerprints do. On top:
a few more tracking parameters news sites use, no fragment, no trailing slash.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url
from w3lib.url import canonicalize_url

TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "_hs")
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "cmpid", "ocid", "ref", "smid"})


# the crawl asks for the same URL's form several times (when a feed lists it, for its request, when it is
# recorded): each asks courlan and w3lib once
@functools.lru_cache(maxsize=8192)
def canonical_url(url: str) -> str:
    """The canonical form of an article URL, used for identity and deduplication."""
    url = url.strip()
    # courlan refuses some odd but fetchable URLs: w3lib's canonical form is enough for those
    with contextlib.suppress(ValueError, UnicodeError):
        url = normalize_url(url)
    parts = urlsplit(canonicalize_url(url))
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path.rstrip("/") or "/"
    host = (parts.hostname or "").lower()
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))


def article_id(url: str) -> str:
    """A stable id from the canonical URL (re-crawls upsert instead of duplicating)."""
    return hashlib.sha1(canonical_url(url).encode(), usedforsecurity=False).hexdigest()[:20]
