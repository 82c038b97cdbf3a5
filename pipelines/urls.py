"""URL identity: canonical form and the article id derived from it.

w3lib (Scrapy's own URL library) sorts query arguments and normalises percent-encoding;
we add what news sites need on top: tracking parameters removed, host lower-cased, no
fragment, no trailing slash.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "_hs")
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "cmpid", "ocid", "ref", "smid"})


def canonical_url(url: str) -> str:
    """The canonical form of an article URL, used for identity and deduplication."""
    parts = urlsplit(canonicalize_url(url.strip()))
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
