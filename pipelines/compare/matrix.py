"""The claim x outlet matrix of one story: which outlet states, contradicts, omits or alone states each claim.

Built from a finished analysis (:func:`pipelines.compare.divergence.analyse_story`), so the
matrix and the list of divergences always agree::

    analysis = analyse_story(articles, revisions)
    matrix = claim_matrix(analysis, articles)
    for claim in matrix.claims:
        for outlet in matrix.outlets:
            cell = claim.cells.get(outlet)   # None: the outlet does not carry the claim
            ...                              # cell.state: states / contradicts / omits / unique

A claim is a group of sentences that say the same thing (:func:`align.claim_groups`). Rows are
the claims stated by two or more independent outlets that carry a figure, a date or a quote, or
that three or more outlets state, plus every claim a divergence is about. Syndicated copies
count as one source: a copy's outlet gets the original's state with ``copy_of`` set, and is not
counted in ``sources``. An outlet is marked as omitting a claim only through an omission finding,
which is never made for an article that could not be fully read (access state) or for opinion.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipelines.compare.align import AlignedStory, Node, Sentence, claim_groups
from pipelines.compare.divergence import StoryAnalysis
from pipelines.models import Article, Divergence

CONFLICT_TYPES = frozenset({"numeric_conflict", "date_conflict", "quote_wording", "quote_attribution", "role_title"})


class CellState(enum.StrEnum):
    STATES = "states"
    CONTRADICTS = "contradicts"
    OMITS = "omits"
    UNIQUE = "unique"


@dataclass(frozen=True, slots=True)
class Cell:
    """One outlet's relation to one claim, with the sentence that shows it (none for an omission)."""

    state: CellState
    article: str
    sentence: str = ""
    published_at: datetime | None = None
    copy_of: str = ""  # the original article, when this outlet only republished it


@dataclass(frozen=True)
class MatrixClaim:
    id: str
    text: str  # the first statement of the claim, as written
    kind: str  # "figure", "date", "quote" or "statement"
    cells: dict[str, Cell]  # outlet -> cell; an outlet absent from it does not carry the claim
    first_outlet: str = ""  # the outlet that published it first ("" when no times are known)
    divergences: tuple[str, ...] = ()  # ids of the findings about this claim

    @property
    def sources(self) -> int:
        """Independent outlets stating the claim (copies and omissions not counted)."""
        return sum(1 for c in self.cells.values() if c.state is not CellState.OMITS and not c.copy_of)


@dataclass(frozen=True)
class ClaimMatrix:
    outlets: tuple[str, ...]
    claims: tuple[MatrixClaim, ...]
    copies: dict[str, str] = field(default_factory=dict)  # copy article id -> original article id

    def state(self, claim_id: str, outlet: str) -> CellState | None:
        claim = next((c for c in self.claims if c.id == claim_id), None)
        cell = claim.cells.get(outlet) if claim else None
        return cell.state if cell else None

    def to_json(self) -> dict[str, Any]:
        return {
            "outlets": list(self.outlets),
            "copies": self.copies,
            "claims": [
                {
                    "id": c.id,
                    "text": c.text,
                    "kind": c.kind,
                    "first_outlet": c.first_outlet,
                    "sources": c.sources,
                    "divergences": list(c.divergences),
                    "cells": {
                        outlet: {
                            "state": cell.state.value,
                            "article": cell.article,
                            "sentence": cell.sentence,
                            "published_at": cell.published_at.isoformat() if cell.published_at else None,
                            "copy_of": cell.copy_of,
                        }
                        for outlet, cell in c.cells.items()
                    },
                }
                for c in self.claims
            ],
        }


def claim_matrix(analysis: StoryAnalysis, articles: Sequence[Article] = ()) -> ClaimMatrix:
    """The claim x outlet matrix of an analysed story; ``articles`` (the same as analysed) adds the copies' outlets."""
    if analysis.story is None:
        return ClaimMatrix(outlets=(), claims=(), copies=dict(analysis.copies))
    return matrix_of(analysis.story, analysis.divergences, analysis.copies, articles)


def matrix_of(story: AlignedStory, divergences: Sequence[Divergence], copies: dict[str, str],
              articles: Sequence[Article] = ()) -> ClaimMatrix:  # fmt: skip
    """The matrix of an aligned story marked with ``divergences`` (found by the engine, or read back from a store).

    A divergence marks the claims its evidence sentences belong to: the departing outlet of a
    conflict contradicts them, the omitting article of an omission omits them.
    """
    by_id = {a.id: a for a in articles}
    by_sentence: dict[tuple[str, str], int] = {}
    groups = claim_groups(story)
    for g, nodes in enumerate(groups):
        for node in nodes:
            for s in node.members:
                by_sentence[(s.article, s.text)] = g
    about: dict[int, list[str]] = {}
    contradicting: dict[int, set[str]] = {}
    omitting: dict[int, set[str]] = {}
    for d in divergences:
        touched = {by_sentence[(a, t)] for a, t in d.evidence.items() if (a, t) in by_sentence}
        for g in touched:
            about.setdefault(g, []).append(d.id)
        if d.type in CONFLICT_TYPES and d.articles and d.articles[0] in d.evidence:
            odd_text = d.evidence[d.articles[0]]
            odd = {a for a, t in d.evidence.items() if t == odd_text}
            for g in touched:
                contradicting.setdefault(g, set()).update(odd)
        if d.type == "omission" and d.articles:
            for g in touched:
                omitting.setdefault(g, set()).add(d.articles[0])
    outlets = sorted(set(story.outlet.values()) | {a.outlet for a in articles})
    claims = []
    for g, nodes in enumerate(groups):
        statements = _first_per_outlet(story.published, [s for node in nodes for s in node.members])
        if not _is_row(nodes, statements, g in about):
            continue
        cells: dict[str, Cell] = {}
        for outlet, s in statements.items():
            state = CellState.CONTRADICTS if s.article in contradicting.get(g, ()) else CellState.STATES
            if len(statements) == 1 and state is CellState.STATES:
                state = CellState.UNIQUE
            cells[outlet] = Cell(state, s.article, s.text, story.published.get(s.article))
        for article in sorted(omitting.get(g, ())):
            cells.setdefault(story.outlet[article], Cell(CellState.OMITS, article))
        for copy, original in sorted(copies.items()):
            source = next((c for c in cells.values() if c.article == original), None)
            if source is not None and copy in by_id and by_id[copy].outlet not in cells:
                cells[by_id[copy].outlet] = Cell(source.state, copy, source.sentence,
                                                 by_id[copy].published_at, copy_of=original)  # fmt: skip
        timed = sorted((c.published_at, o) for o, c in cells.items() if c.published_at and c.state != CellState.OMITS)
        first = next(iter(statements.values()))
        claims.append(
            MatrixClaim(
                id=hashlib.sha1(first.node.text.encode(), usedforsecurity=False).hexdigest()[:16],
                text=first.text,
                kind=_kind(nodes),
                cells=dict(sorted(cells.items())),
                first_outlet=timed[0][1] if timed else "",
                divergences=tuple(dict.fromkeys(about.get(g, []))),
            )
        )
    claims.sort(key=lambda c: (-c.sources, c.first_outlet == "", c.id))
    return ClaimMatrix(outlets=tuple(outlets), claims=tuple(claims), copies=dict(copies))


def _first_per_outlet(published: dict[str, datetime | None], sentences: list[Sentence]) -> dict[str, Sentence]:
    """Each outlet's earliest statement of the claim (story order when times are unknown)."""
    out: dict[str, Sentence] = {}
    for s in sentences:
        current = out.get(s.outlet)
        when, best = published.get(s.article), published.get(current.article) if current else None
        if current is None or (when is not None and (best is None or when < best)):
            out[s.outlet] = s
    return out


def _is_row(nodes: list[Node], statements: dict[str, Sentence], flagged: bool) -> bool:
    if flagged:
        return True
    checkable = any(n.facts.quantities or n.facts.quotes or n.facts.months or n.facts.weekdays for n in nodes)
    return len(statements) >= 3 or (len(statements) >= 2 and checkable)


def _kind(nodes: list[Node]) -> str:
    if any(n.facts.quotes for n in nodes):
        return "quote"
    if any(n.facts.quantities for n in nodes):
        return "figure"
    if any(n.facts.months or n.facts.weekdays or n.facts.durations for n in nodes):
        return "date"
    return "statement"
