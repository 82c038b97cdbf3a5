from __future__ import annotations

import pytest

from pipelines.query import QueryError, to_fts5


@pytest.mark.parametrize(
    ("query", "fts5"),
    [
        ("ceasefire", '"ceasefire"'),
        ('ceasefire OR truce OR "grand bargain"', '"ceasefire" OR "truce" OR "grand bargain"'),
        ("gaza -football", '"gaza" NOT "football"'),
        ("(truce OR ceasefire) Netanyahu", '( "truce" OR "ceasefire" ) AND "Netanyahu"'),
        ("(truce OR ceasefire) (Gaza OR Hamas)", '( "truce" OR "ceasefire" ) AND ( "Gaza" OR "Hamas" )'),
        ("Netanyahu (truce OR ceasefire) -football", '"Netanyahu" AND ( "truce" OR "ceasefire" ) NOT "football"'),
        ("hostage*", '"hostage"*'),
        ("Israel-Hamas", '"Israel Hamas"'),
        ("停戦 ガザ", '"停 戦" AND "ガ ザ"'),  # CJK: a phrase of single characters (the index splits them too)
    ],
)
def test_watch_queries_translate_to_fts5_with_every_term_quoted(query: str, fts5: str) -> None:
    assert to_fts5(query) == fts5


@pytest.mark.parametrize("query", ["", "   ", "(gaza", "gaza)", "OR gaza", "gaza OR", '""', "-gaza"])
def test_malformed_queries_are_refused_with_a_message(query: str) -> None:
    with pytest.raises(QueryError):
        to_fts5(query)


@pytest.mark.parametrize(
    ("query", "text", "possible"),
    [
        ("(ceasefire OR truce) (Gaza OR Hamas)", "Truce talks resume", True),
        ("(ceasefire OR truce) (Gaza OR Hamas)", "Football: cup final tonight", False),
        ('"grand bargain" Netanyahu', "The Grand Bargain, explained", True),
        ('"grand bargain"', "a grand new bargain", False),
        ("hostage*", "Hostages freed", True),
        ("gaza -football", "Football in the park", False),
        ("Waffenruhe", "WAFFENRUHE in Gaza", True),
        ("停戦 OR 休戦", "イスラエルとハマスが停戦合意", True),
        ("停戦 OR 休戦", "ガザで戦闘が停止", False),
    ],
)
def test_a_feed_text_could_match_a_watch_only_if_it_shares_a_needed_term(query: str, text: str, possible: bool) -> None:
    from pipelines.query import could_match

    assert could_match(query, text) is possible
