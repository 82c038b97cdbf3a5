"""Find copies: the same story text published by several outlets (wire copy, syndication).

Two kinds of evidence, used together:

* **Text.** Each article carries a near-duplicate *signature*: a MinHash of its word 5-shingles
  (datasketch: a maintained, well-known implementation), computed once at extraction and stored.
  Locality-sensitive hashing proposes only likely pairs; a pair is a copy when the texts share
  most of their shingles (Jaccard), or when the shorter one is mostly contained in the longer (a
  copy with paragraphs trimmed). Independent reporting of one event shares few 5-word runs.
* **Wire markers.** A dateline crediting an agency (``WASHINGTON (AP) —``), a credit line
  (``The Associated Press contributed to this report``) or an agency named as author. Two texts
  credited to the same agency are copies at a lower text similarity (a headline and several
  paragraphs edited), and every copy of a group inherits the group's agency.

Only articles published within a time window of each other are compared, so the cost stays
linear in a long-running store. The earliest text of a group is its original; the others are
``duplicate_of`` it, so later stages count independent sources, not copies.
"""

from __future__ import annotations

import base64
import functools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from pipelines.models import Article
from pipelines.patterns import GuardedPattern

NUM_PERM = 128
SHINGLE_WORDS = 5
THRESHOLD = 0.6  # Jaccard of two copies of one text
CONTAINMENT = 0.75  # share of the shorter text found in the longer: a trimmed copy
WIRE_THRESHOLD = 0.3  # Jaccard enough for two texts credited to the same agency
CANDIDATE_THRESHOLD = 0.25  # what LSH proposes for checking (below every acceptance rule)
MIN_SHINGLES = 25  # too short a text to call a copy by containment
WINDOW = timedelta(days=7)
DATELINE_PARAGRAPHS = 3
_WORD = re.compile(r"\w+")
_SIGNATURE_VERSION = "m1"
_SCHEME = "affine32"  # how datasketch's LSH is told these are 32-bit affine-permutation MinHash values

# the wire agencies news pages credit most, as they are written, and the name each stands for
AGENCIES = {
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "dpa": "dpa",
    "deutsche presse-agentur": "dpa",
    "ansa": "ANSA",
    "efe": "EFE",
    "europa press": "Europa Press",
    "kyodo": "Kyodo",
    "kyodo news": "Kyodo",
    "xinhua": "Xinhua",
    "yonhap": "Yonhap",
    "pa": "PA Media",
    "pa media": "PA Media",
    "press association": "PA Media",
    "aap": "AAP",
    "australian associated press": "AAP",
    "the canadian press": "The Canadian Press",
    "cp": "The Canadian Press",
    "upi": "UPI",
    "united press international": "UPI",
    "bloomberg": "Bloomberg",
    "pti": "PTI",
    "press trust of india": "PTI",
    "ians": "IANS",
    "ani": "ANI",
    "tass": "TASS",
    "anadolu": "Anadolu",
    "anadolu agency": "Anadolu",
    "apa": "APA",
    "sda": "Keystone-SDA",
    "keystone-sda": "Keystone-SDA",
    "tt": "TT",
    "ntb": "NTB",
    "ritzau": "Ritzau",
    "anp": "ANP",
    "belga": "Belga",
    "ctk": "ČTK",
    "pap": "PAP",
    "ap news": "Associated Press",
}
# "ANTOFAGASTA, Chile (APW) —": a dateline in capitals, then an agency in parentheses, then a dash
_DATELINE = re.compile(
    r"^\s*[A-ZÀ-Þ][A-ZÀ-Þ .'’-]{1,40}(?:,\s*[\w .'’-]{2,40})?\s*\((?P<agency>[A-Za-z][\w .&-]{0,40}?)\)\s*[-—–:]"
)
_NAMES = "|".join(sorted((re.escape(k) for k in AGENCIES if len(k) > 3 or k in ("ap", "afp", "dpa", "efe")), key=len))
_SIGNED_LINE = rf"^\s*[-—–(]*\s*(?P<sign>{_NAMES})\s*\)?\s*$"  # a line that is an agency's name
_CREDIT = re.compile(
    rf"\b(?P<agency>{_NAMES})\b[^.\n]{{0,40}}\bcontributed\b"
    rf"|\b(copyright|©)\s*(\d{{4}}\s*)?(?P<owner>{_NAMES})\b"
    rf"|{_SIGNED_LINE}",
    re.IGNORECASE | re.MULTILINE,
)
# _CREDIT's first two branches need their word ("contributed", "copyright" or ©); without one, only
# the signed line can match, and that branch alone is twenty times cheaper than the three
_CREDIT_WORDS = GuardedPattern(_CREDIT, ("contributed", "copyright"))
_SIGNED = re.compile(_SIGNED_LINE, re.IGNORECASE | re.MULTILINE)


def wire_agency(text: str, authors: Sequence[str] = ()) -> str:
    """The wire agency a text is credited to (a dateline, a credit line, the author), or ``""``."""
    # the dateline opens the story, which can sit under a headline and a standfirst in the raw text
    for line in [p for p in text.split("\n") if p.strip()][:DATELINE_PARAGRAPHS]:
        match = _DATELINE.match(line)
        if match:
            agency = match.group("agency").strip()
            return AGENCIES.get(agency.lower(), agency)
    for author in authors:
        if author.lower().strip() in AGENCIES:
            return AGENCIES[author.lower().strip()]
    tail = text[-600:]
    pattern = _CREDIT if _CREDIT_WORDS.may_match(tail) or "©" in tail else _SIGNED
    match = pattern.search(tail)
    if match is None:
        return ""
    groups = match.groupdict()
    agency = groups.get("agency") or groups.get("owner") or groups["sign"]
    return AGENCIES.get(agency.lower(), agency)


# -- signatures -----------------------------------------------------------------------------------
# The signature is made at extraction, in every crawl process, so it is computed here with numpy
# (a few lines of standard MinHash: one affine permutation per slot of a mixed 32-bit hash)
# rather than with datasketch, whose import pulls in SciPy (about 1.5 s and 50 MB per process).
# datasketch's LSH index, used when copies are detected, takes these values as they are.

_ROLL = np.uint64(0x01000193)  # FNV prime: mixes the word hashes of a shingle in order
_MASK32 = np.uint64(0xFFFFFFFF)
_PERMUTATION_SEED = 1  # fixed: a stored signature must compare with one made later, in another process


def _shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of a text's distinct word 5-shingles, from one crc32 per word (no shingle strings)."""
    words = np.array([zlib.crc32(w.encode()) for w in _WORD.findall(text.lower())], dtype=np.uint64)
    if len(words) == 0:
        return words
    n = max(1, len(words) - SHINGLE_WORDS + 1)
    width = min(SHINGLE_WORDS, len(words))
    hashes = np.zeros(n, dtype=np.uint64)
    for k in range(width):
        # uint64 arithmetic wraps around, which is what a hash wants
        hashes = (hashes * _ROLL + words[k : k + n]) & _MASK32
    return np.unique(hashes)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser: spreads the bits of nearby hashes before the affine permutations."""
    h = h ^ (h >> np.uint64(16))
    h = (h * np.uint64(0x85EBCA6B)) & _MASK32
    h = h ^ (h >> np.uint64(13))
    h = (h * np.uint64(0xC2B2AE35)) & _MASK32
    return h ^ (h >> np.uint64(16))


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """``h -> a*h + b mod 2**32`` with ``a`` odd: a bijection of 32-bit values, one per signature slot."""
    rng = np.random.RandomState(_PERMUTATION_SEED)
    a = rng.randint(1, 1 << 32, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
    b = rng.randint(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)
    # uint32 arithmetic wraps modulo 2**32 by itself (and is ten times faster than masking uint64)
    return a.astype(np.uint32), b.astype(np.uint32)


def minhash_values(text: str) -> tuple[np.ndarray, int]:
    """The MinHash values (uint32, one per permutation) of a text's shingles and how many shingles it has."""
    hashes = _shingle_hashes(text)
    if len(hashes) == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32), 0
    a, b = _permutations()
    slots = np.multiply.outer(_fmix32(hashes).astype(np.uint32), a)
    slots += b
    return slots.min(axis=0), len(hashes)


def signature(text: str) -> str:
    """The near-duplicate signature of a text as stored on the article (``m1:<shingles>:<base64>``)."""
    values, size = minhash_values(text)
    packed = base64.b64encode(values.astype("<u4").tobytes()).decode("ascii")
    return f"{_SIGNATURE_VERSION}:{size}:{packed}"


def decode_signature(value: str) -> tuple[np.ndarray, int] | None:
    """A stored signature's MinHash values and shingle count, or None when missing or of another version."""
    try:
        version, size, packed = value.split(":", 2)
        if version != _SIGNATURE_VERSION:
            return None
        values = np.frombuffer(base64.b64decode(packed, validate=True), dtype="<u4").astype(np.uint32)
        count = int(size)
    except ValueError:
        return None
    return (values, count) if len(values) == NUM_PERM else None


def _signature_of(article: Article) -> tuple[np.ndarray, int]:
    return (decode_signature(article.signature) if article.signature else None) or minhash_values(article.text)


def similarity(a: tuple[np.ndarray, int], b: tuple[np.ndarray, int]) -> tuple[float, float]:
    """Estimated Jaccard of two texts and the share of the shorter one contained in the longer."""
    if min(a[1], b[1]) == 0:
        return 0.0, 0.0
    jaccard = float(np.count_nonzero(a[0] == b[0])) / NUM_PERM
    shared = jaccard / (1 + jaccard) * (a[1] + b[1])
    containment = shared / min(a[1], b[1]) if min(a[1], b[1]) >= MIN_SHINGLES else 0.0
    return jaccard, min(1.0, containment)


# -- groups ---------------------------------------------------------------------------------------


@dataclass
class Copies:
    """The copies found among some articles.

    ``original`` maps a copy's id to the id of the earliest article of its group; ``agency``
    maps an article id to the wire agency its group is credited to (its own marker or a copy's).
    """

    original: dict[str, str] = field(default_factory=dict)
    agency: dict[str, str] = field(default_factory=dict)

    def groups(self) -> dict[str, list[str]]:
        """``{original id: [copy ids]}`` for every group with at least one copy."""
        out: dict[str, list[str]] = {}
        for copy, original in self.original.items():
            out.setdefault(original, []).append(copy)
        return out


def _when(article: Article) -> datetime:
    return article.published_at or article.fetched_at or datetime.max.replace(tzinfo=UTC)


def detect_copies(articles: Iterable[Article], window: timedelta = WINDOW) -> Copies:
    """Group copies of one text across outlets, comparing only articles within ``window`` of each other."""
    # imported here: datasketch pulls in SciPy, which extraction (every crawl process) does not need
    from datasketch import MinHash, MinHashLSH

    ordered = sorted(articles, key=lambda a: (_when(a), a.id))
    lsh = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=NUM_PERM)
    signatures: dict[str, tuple[np.ndarray, int]] = {}
    by_id = {a.id: a for a in ordered}
    agencies = {a.id: a.syndicated_from or wire_agency(a.text, a.authors) for a in ordered}
    result = Copies()
    live: list[Article] = []  # in the LSH index, oldest first
    for article in ordered:
        if article.id in signatures:
            continue
        while live and _when(article) - _when(live[0]) > window:
            lsh.remove(live.pop(0).id)
        sig = _signature_of(article)
        sketch = MinHash(num_perm=NUM_PERM, hashvalues=sig[0], scheme=_SCHEME)
        best, best_score = None, 0.0
        for candidate in lsh.query(sketch):
            other = by_id[candidate]
            if other.outlet == article.outlet:
                continue  # one outlet's own reposts are not syndication
            jaccard, containment = similarity(sig, signatures[candidate])
            same_agency = bool(agencies[article.id]) and agencies[article.id] == agencies[candidate]
            if jaccard >= THRESHOLD or containment >= CONTAINMENT or (same_agency and jaccard >= WIRE_THRESHOLD):
                score = max(jaccard, containment)
                if score > best_score:
                    best, best_score = candidate, score
        if best is not None:
            result.original[article.id] = result.original.get(best, best)
        lsh.insert(article.id, sketch)
        signatures[article.id] = sig
        live.append(article)
    for original, copies in result.groups().items():
        members = [original, *copies]
        agency = next((agencies[m] for m in members if agencies[m]), "")
        if agency:
            result.agency.update(dict.fromkeys(members, agency))
    result.agency.update({a: g for a, g in agencies.items() if g and a not in result.agency})
    return result


def find_copies(articles: Iterable[Article]) -> dict[str, str]:
    """``{copy id: original id}`` for texts another outlet published earlier (see :func:`detect_copies`)."""
    return detect_copies(articles).original
