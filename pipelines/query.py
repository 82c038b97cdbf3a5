"""The watch query language, and its translation for each store.

A query is terms and "quoted phrases"; terms side by side must all match, ``OR`` offers
alternatives, ``-term`` or ``NOT term`` excludes, parentheses group, a trailing ``*`` matches a
prefix. Examples: ``ceasefire OR truce``, ``"grand bargain" Netanyahu``, ``gaza -football``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r'\s*(?:(?P<phrase>"[^"]*")|(?P<paren>[()])|(?P<word>-?[^\s()"]+))')
_OPERATORS = {"OR", "AND", "NOT"}


class QueryError(ValueError):
    """A watch or search query cannot be parsed; the message says where."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # term, phrase, op, open, close
    value: str


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    pos, text = 0, query.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise QueryError(f"cannot read query {query!r} at position {pos}")
        pos = match.end()
        if match["phrase"]:
            words = match["phrase"].strip('"').split()
            if not words:
                raise QueryError(f"empty phrase in query {query!r}")
            tokens.append(Token("phrase", " ".join(words)))
        elif match["paren"]:
            tokens.append(Token("open" if match["paren"] == "(" else "close", match["paren"]))
        else:
            word = match["word"]
            if not re.search(r"\w", word):
                continue  # punctuation alone ("--", ";") carries nothing to search for
            if word in _OPERATORS:
                tokens.append(Token("op", word))
            elif word.startswith("-") and len(word) > 1:
                tokens += [Token("op", "NOT"), Token("term", word[1:])]
            else:
                tokens.append(Token("term", word))
    _check(tokens, query)
    return tokens


def _check(tokens: list[Token], query: str) -> None:
    if not tokens:
        raise QueryError("empty query")
    depth = 0
    for i, token in enumerate(tokens):
        depth += token.kind == "open"
        depth -= token.kind == "close"
        if depth < 0:
            raise QueryError(f"unbalanced ')' in query {query!r}")
        if token.kind == "op" and token.value != "NOT" and (i == 0 or i == len(tokens) - 1):
            raise QueryError(f"{token.value} needs something on both sides in query {query!r}")
    if depth:
        raise QueryError(f"unbalanced '(' in query {query!r}")


def to_fts5(query: str) -> str:
    """The query as an SQLite FTS5 MATCH expression (every term quoted, so no FTS5 syntax leaks)."""
    out: list[str] = []
    tokens = tokenize(query)
    for i, token in enumerate(tokens):
        if token.kind in ("term", "phrase"):
            value = token.value
            prefix = value.endswith("*") and token.kind == "term"
            words = re.findall(r"\w+", value.rstrip("*"))
            if not words:
                continue
            out.append('"' + " ".join(words) + '"' + ("*" if prefix else ""))
        elif token.kind == "op" and token.value == "NOT":
            # FTS5's NOT is binary: a leading exclusion applies to everything before it
            if i == 0:
                raise QueryError(f"a query cannot start with an exclusion: {query!r}")
            out.append("NOT")
        else:
            out.append(token.value)
    return " ".join(out)


def positive_terms(query: str) -> list[Token]:
    """The terms and phrases of a query that are not excluded (what a match must contain some of)."""
    tokens = tokenize(query)
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "op" and token.value == "NOT":
            i += 1
            depth = 0
            while i < len(tokens):  # skip the excluded term or the whole excluded group
                depth += tokens[i].kind == "open"
                depth -= tokens[i].kind == "close"
                i += 1
                if depth <= 0:
                    break
            continue
        if token.kind in ("term", "phrase"):
            out.append(token)
        i += 1
    return out


def could_match(query: str, text: str) -> bool:
    """Whether ``text`` (a feed title and summary) contains any term the query needs.

    A necessary, not sufficient, condition: an article whose feed text shares no term with a
    watch can still mention it in its body, so this is used only to skip candidates when the
    config asks for it (``crawl.skip_unmatched``).
    """
    words = re.findall(r"\w+", text.casefold())
    joined = " " + " ".join(words) + " "
    vocabulary = set(words)
    for token in positive_terms(query):
        value = token.value.casefold()
        parts = re.findall(r"\w+", value.rstrip("*"))
        if not parts:
            continue
        if token.kind == "term" and value.endswith("*"):
            if any(word.startswith(parts[0]) for word in vocabulary):
                return True
        elif (len(parts) == 1 and parts[0] in vocabulary) or (len(parts) > 1 and f" {' '.join(parts)} " in joined):
            return True
    return False
