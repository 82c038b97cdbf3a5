"""Case-insensitive word patterns that skip the texts they cannot match.

Python's ``re`` tries every alternative of a long ``IGNORECASE`` alternation at every position
of the text: the paywall and consent patterns of :mod:`pipelines.access` cost 70 us each on an
article's text, almost always to find nothing. A :class:`GuardedPattern` carries words one of
which every match holds; a text holding none of them (in lower case) is not searched.

That shortcut is exact: under ``IGNORECASE`` the characters that match an ASCII letter are the
letter in either case and four others (dotted and dotless i, the long s, the Kelvin sign), and
``str.lower`` turns the first into the lower-case letter in place. A text with one of the four is
always searched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_FOLDED_INTO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


class GuardedPattern:
    """``pattern`` (``search`` and ``findall``), searched only in texts that hold one of ``words``.

    Every match of ``pattern`` must hold one of ``words`` (lower-case ASCII); ``tests/test_patterns.py``
    checks that with texts generated from the pattern.
    """

    def __init__(self, pattern: re.Pattern[str], words: Sequence[str]) -> None:
        if not all(word.isascii() and word == word.lower() for word in words):
            raise ValueError(f"guard words must be lower-case ASCII: {words!r}")
        self.pattern = pattern
        self.words = tuple(words)

    def may_match(self, text: str) -> bool:
        if any(ch in text for ch in _FOLDED_INTO_ASCII):
            return True
        lowered = text.lower()
        return any(word in lowered for word in self.words)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.may_match(text) else None

    def findall(self, text: str) -> list[str]:
        return self.pattern.findall(text) if self.may_match(text) else []
