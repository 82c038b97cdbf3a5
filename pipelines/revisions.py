"""What changed between two revisions of an article, sentence by sentence.

The store calls :func:`diff_texts` when a revisited article's text differs from the stored one.
Sentences are compared after folding case, whitespace and punctuation-free runs, so a re-flowed
paragraph or a changed quotation mark style is no change at all. Lines that are page furniture
rather than story (a newsletter or share prompt, a credit, an "Updated 11:05" stamp: the rules of
:mod:`pipelines.cleaning`) are left out, so a changed prompt or time stamp is no revision either. What
is left is listed as
sentences added, removed and changed (old and new side by side), which is what a reader of a
report needs to see a stealth edit. difflib (standard library) aligns the two sentence lists.
"""

from __future__ import annotations

import difflib
import re

from pipelines.cleaning import is_boilerplate
from pipelines.models import RevisionDiff, SentenceChange, count_words
from pipelines.sentences import sentences

# a replaced sentence this similar to its old self is "changed"; below, it is a removal plus an addition
CHANGED_MIN_RATIO = 0.5
_WORD = re.compile(r"\w+")
# a time stamp line: "Updated 11:05 a.m.", "Last updated: July 10, 2025", "Published 3 hours ago"
_STAMP = re.compile(r"^\(?\s*(last )?(updated|modified|published|posted|stand|aktualisiert|mis à jour)\b.*\d", re.I)
STAMP_MAX_WORDS = 12


def _story(text: str) -> str:
    """The text without page furniture: prompts, credits and time stamps."""
    return "\n".join(
        line
        for line in text.split("\n")
        if not is_boilerplate(line) and not (count_words(line) <= STAMP_MAX_WORDS and _STAMP.match(line.strip()))
    )


def _key(sentence: str) -> str:
    return " ".join(_WORD.findall(sentence.casefold()))


def diff_texts(old: str, new: str) -> RevisionDiff:
    """Sentences added, removed and changed from ``old`` to ``new`` (empty when only form changed)."""
    before = [s for _, _, s in sentences(_story(old)) if _key(s)]
    after = [s for _, _, s in sentences(_story(new)) if _key(s)]
    matcher = difflib.SequenceMatcher(a=[_key(s) for s in before], b=[_key(s) for s in after], autojunk=False)
    added: list[str] = []
    removed: list[str] = []
    changed: list[SentenceChange] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = before[i1:i2], after[j1:j2]
        if op == "replace":
            # pair each old sentence with its most similar new one, in order
            unpaired = list(range(len(news)))
            for sentence in olds:
                scored = [
                    (difflib.SequenceMatcher(a=_key(sentence), b=_key(news[j]), autojunk=False).ratio(), j)
                    for j in unpaired
                ]
                ratio, best = max(scored, default=(0.0, -1))
                if ratio >= CHANGED_MIN_RATIO:
                    changed.append(SentenceChange(sentence, news[best]))
                    unpaired.remove(best)
                else:
                    removed.append(sentence)
            added.extend(news[j] for j in unpaired)
        else:
            removed.extend(olds)
            added.extend(news)
    return RevisionDiff(tuple(added), tuple(removed), tuple(changed))
