"""Find copies: the same story text published by several outlets (wire copy, syndication).

Articles are compared by MinHash over word 5-shingles, with locality-sensitive hashing so
that only likely pairs are ever compared (datasketch: a maintained, well-known
implementation). A copy keeps most of its shingles even with a new headline, a trimmed last
paragraph or a small edit; independent reporting of the same event shares few 5-word runs.
The earliest published text of a group is the original; the others are ``duplicate_of`` it,
so later stages count independent sources, not copies.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from datasketch import MinHash, MinHashLSH

from pipelines.models import Article

NUM_PERM = 128
THRESHOLD = 0.6
SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+")


def signature(text: str) -> MinHash:
    """The near-duplicate signature of a text."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    minhash = MinHash(num_perm=NUM_PERM)
    minhash.update_batch([s.encode() for s in shingles])
    return minhash


def find_copies(articles: list[Article], threshold: float = THRESHOLD) -> dict[str, str]:
    """``{copy id: original id}`` for texts another outlet published earlier."""
    ordered = sorted(articles, key=lambda a: (a.published_at or a.fetched_at or datetime.max.replace(tzinfo=UTC), a.id))
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    signatures: dict[str, MinHash] = {}
    outlets = {a.id: a.outlet for a in ordered}
    copies: dict[str, str] = {}
    for article in ordered:
        sig = signature(article.text)
        candidates = [c for c in lsh.query(sig) if outlets[c] != article.outlet]
        best = max(candidates, key=lambda c: sig.jaccard(signatures[c]), default=None)
        if best is not None and sig.jaccard(signatures[best]) >= threshold:
            copies[article.id] = copies.get(best, best)
        else:
            lsh.insert(article.id, sig)
            signatures[article.id] = sig
    return copies
