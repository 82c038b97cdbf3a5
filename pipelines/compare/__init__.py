"""Comparison of a story's coverage across outlets.

The data model, from story to divergence::

    Story        the articles of one event (a watch selects them; syndicated copies count once)
     └ Article   one outlet's text at one revision (pipelines.models.Article)
        └ Claim  a sentence with a figure, a date or a quotation, with its character offsets
           └ Alignment   the same claim in other outlets' articles (sentence pairs that say the same thing)
              └ Divergence  where aligned claims disagree, or where a claim is missing or alone

``claims`` reads quantities, dates, quotes, titles and ages out of sentences; ``align`` reads a
story's articles once and links the sentences that say the same thing; ``divergence`` names the
disagreements (``analyse_story``), with ``framing`` for an outlet's distinctive wording;
``matrix`` builds the claim x outlet matrix of an analysed story (``claim_matrix``: states /
contradicts / omits / unique), the one the report shows; ``coverage`` lists a watch's claim
sentences for the store.
"""

from __future__ import annotations

from pipelines.compare.coverage import Comparison, compare, numbers_in
from pipelines.compare.divergence import Options, StoryAnalysis, analyse_story
from pipelines.compare.matrix import CellState, ClaimMatrix, claim_matrix, matrix_of

__all__ = [
    "CellState",
    "ClaimMatrix",
    "Comparison",
    "Options",
    "StoryAnalysis",
    "analyse_story",
    "claim_matrix",
    "compare",
    "matrix_of",
    "numbers_in",
]
