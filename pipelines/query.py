"""The watch query language, and its translation for each store.

A query is terms and "quoted phrases"; terms side by side must all match, ``OR`` offers
alternatives, ``-term`` or ``NOT term`` excludes, parentheses group, a trailing ``*`` matches a
prefix. Examples: ``ceasefire OR truce``, ``"grand bargain" Netanyahu``, ``gaza -football``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.wordlists import CJK

_TOKEN = re.compile(r'\s*(?:(?P<phrase>"[^"]*")|(?P<paren>[()])|(?P<word>-?[^\s()"]+))')
_OPERATORS = {"OR", "AND", "NOT"}

# Chinese and Japanese put no spaces between words, so a word tokenizer sees a whole clause as one token and
# "停戦" would never match "停戦合意". Every Han or kana character is its own token instead (as Elasticsearch's
# standard tokenizer does for Han), and a term written in them becomes the phrase of its characters: it matches
# wherever those characters stand in a row.
_WORDS = re.compile(rf"[{CJK}]|(?:(?![{CJK}])\w)+")
_CJK_CHAR = re.compile(f"([{CJK}])")
# what the SQLite index puts around each CJK character: FTS5's unicode61 tokenizer splits on it, and it is
# invisible, so a snippet reads as the original once it is removed (a space would change the text)
_CJK_SEPARATOR = "\u2060"  # WORD JOINER, a format character: not a token character for unicode61


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


def words(text: str) -> list[str]:
    """The words of ``text`` as the stores' tokenizers see them: runs of letters and digits, and each Han or
    kana character alone."""
    return _WORDS.findall(text)


def fts5_text(text: str) -> str:
    """``text`` as the SQLite full-text index stores it: each Han or kana character set apart."""
    if text.isascii():  # most text, and a regular expression scan costs a fifth of indexing an article
        return text
    return _CJK_CHAR.sub(_CJK_SEPARATOR + r"\1" + _CJK_SEPARATOR, text)


def from_fts5_text(text: str) -> str:
    """A snippet of the index's text with the original spacing back."""
    return text.replace(_CJK_SEPARATOR, "")


def to_fts5(query: str) -> str:
    """The query as an SQLite FTS5 MATCH expression (every term quoted, so no FTS5 syntax leaks)."""
    out: list[str] = []
    tokens = tokenize(query)
    for i, token in enumerate(tokens):
        if token.kind in ("term", "phrase"):
            value = token.value
            prefix = value.endswith("*") and token.kind == "term"
            parts = words(value.rstrip("*"))
            if not parts:
                continue
            _and_if_adjacent(out)
            out.append('"' + " ".join(parts) + '"' + ("*" if prefix else ""))
        elif token.kind == "op" and token.value == "NOT":
            # FTS5's NOT is binary: a leading exclusion applies to everything before it
            if i == 0:
                raise QueryError(f"a query cannot start with an exclusion: {query!r}")
            out.append("NOT")
        else:
            if token.kind == "open":
                _and_if_adjacent(out)
            out.append(token.value)
    return " ".join(out)


def _and_if_adjacent(out: list[str]) -> None:
    """An explicit AND between two operands side by side: FTS5 reads two phrases in a row as AND, but
    not a phrase beside a parenthesised group (``"a" ("b" OR "c")`` is a syntax error there)."""
    if out and (out[-1] == ")" or out[-1].endswith(('"', '"*'))):
        out.append("AND")


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
    tokens = words(text.casefold())
    joined = " " + " ".join(tokens) + " "
    vocabulary = set(tokens)
    for token in positive_terms(query):
        value = token.value.casefold()
        parts = words(value.rstrip("*"))
        if not parts:
            continue
        if token.kind == "term" and value.endswith("*"):
            if any(word.startswith(parts[0]) for word in vocabulary):
                return True
        elif (len(parts) == 1 and parts[0] in vocabulary) or (len(parts) > 1 and f" {' '.join(parts)} " in joined):
            return True
    return False


# -- Elasticsearch -------------------------------------------------------------------------
# The same precedence as FTS5: NOT binds tightest, then AND (written or implied), then OR.
SEARCH_FIELDS = ("title", "text")


def to_es(query: str, fields: tuple[str, ...] = SEARCH_FIELDS) -> dict[str, object]:
    """The query as Elasticsearch query DSL: every term a phrase match over ``fields``, never query_string
    syntax, so user text cannot reach Lucene's parser."""
    parser = _Parser(tokenize(query), query, fields)
    tree = parser.parse_or()
    if parser.pos != len(parser.tokens):
        raise QueryError(f"cannot read query {query!r} after {parser.tokens[parser.pos - 1].value!r}")
    return tree


class _Parser:
    def __init__(self, tokens: list[Token], query: str, fields: tuple[str, ...]) -> None:
        self.tokens, self.query, self.fields, self.pos = tokens, query, list(fields), 0

    def _peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse_or(self) -> dict[str, object]:
        parts = [self.parse_and()]
        while (t := self._peek()) is not None and t.kind == "op" and t.value == "OR":
            self.pos += 1
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else {"bool": {"should": parts, "minimum_should_match": 1}}

    def parse_and(self) -> dict[str, object]:
        parts = [self.parse_not()]
        while (t := self._peek()) is not None and t.kind != "close" and not (t.kind == "op" and t.value == "OR"):
            if t.kind == "op" and t.value == "AND":
                self.pos += 1
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else {"bool": {"must": parts}}

    def parse_not(self) -> dict[str, object]:
        positive = self.parse_primary()
        excluded = []
        while (t := self._peek()) is not None and t.kind == "op" and t.value == "NOT":
            self.pos += 1
            excluded.append(self.parse_primary())
        return {"bool": {"must": [positive], "must_not": excluded}} if excluded else positive

    def parse_primary(self) -> dict[str, object]:
        token = self._peek()
        if token is None:
            raise QueryError(f"query {self.query!r} ends where a term is expected")
        self.pos += 1
        if token.kind == "open":
            inner = self.parse_or()
            if (t := self._peek()) is None or t.kind != "close":
                raise QueryError(f"unbalanced '(' in query {self.query!r}")
            self.pos += 1
            return inner
        if token.kind in ("term", "phrase"):
            prefix = token.kind == "term" and token.value.endswith("*")
            # the field analyzer splits Han characters itself (a phrase of them), so the words stay as written
            parts = re.findall(r"\w+", token.value.rstrip("*"))
            if not parts:
                raise QueryError(f"{token.value!r} in query {self.query!r} has nothing to search for")
            return {
                "multi_match": {
                    "query": " ".join(parts),
                    "fields": self.fields,
                    "type": "phrase_prefix" if prefix else "phrase",
                    **({"max_expansions": 200} if prefix else {}),
                }
            }
        if token.kind == "op" and token.value == "NOT":
            raise QueryError(f"a query cannot start with an exclusion: {self.query!r}")
        raise QueryError(f"{token.value} needs something on both sides in query {self.query!r}")
