"""Comparison of a story's coverage across outlets.

The data model, from story to divergence::

    Story        the articles of one event (a watch selects them; syndicated copies count once)
     └ Article   one outlet's text at one revision (pipelines.models.Article)
        └ Claim  a sentence with a figure, a date or a quotation, with its character offsets
           └ Alignment   the same claim in other outlets' articles (sentence pairs that say the same thing)
              └ Divergence  where aligned claims disagree, or where a claim is missing or alone

``coverage`` builds the claim x outlet table for reports; ``claims`` reads quantities, dates,
quotes and titles out of sentences; ``divergence`` aligns sentences across articles and names
the disagreements.
"""

from __future__ import annotations

from pipelines.compare.coverage import Comparison, compare, numbers_in

__all__ = ["Comparison", "compare", "numbers_in"]
