from __future__ import annotations

import pytest

from pipelines.query import QueryError, to_fts5


@pytest.mark.parametrize(
    ("query", "fts5"),
    [
        ("ceasefire", '"ceasefire"'),
        ('ceasefire OR truce OR "grand bargain"', '"ceasefire" OR "truce" OR "grand bargain"'),
        ("gaza -football", '"gaza" NOT "football"'),
        ("(truce OR ceasefire) Netanyahu", '( "truce" OR "ceasefire" ) "Netanyahu"'),
        ("hostage*", '"hostage"*'),
        ("Israel-Hamas", '"Israel Hamas"'),
    ],
)
def test_watch_queries_translate_to_fts5_with_every_term_quoted(query: str, fts5: str) -> None:
    assert to_fts5(query) == fts5


@pytest.mark.parametrize("query", ["", "   ", "(gaza", "gaza)", "OR gaza", "gaza OR", '""', "-gaza"])
def test_malformed_queries_are_refused_with_a_message(query: str) -> None:
    with pytest.raises(QueryError):
        to_fts5(query)
