"""The first comparison: claim sentences aligned across outlets, copies counted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipelines.compare import compare, numbers_in
from pipelines.models import Article
from pipelines.sentences import sentences
from pipelines.syndication import find_copies
from pipelines.urls import article_id

T0 = datetime(2025, 7, 7, 12, 0, tzinfo=UTC)


def art(outlet: str, text: str, hours: int = 0, **kw) -> Article:
    url = f"https://{outlet}.example/{hours}/{abs(hash(text)) % 10_000}"
    return Article(
        id=article_id(url),
        outlet=outlet,
        url=url,
        canonical_url=url,
        title=f"{outlet} story",
        text=text,
        fetched_at=T0,
        published_at=T0 + timedelta(hours=hours),
        **kw,
    )


def test_sentences_keep_abbreviations_initials_and_closing_quotes_together() -> None:
    text = (
        "WASHINGTON — U.S. envoy Steve Witkoff met Gen. Halevi on Sunday. “We are not there yet,” he said. "
        "The talks resume in Doha.\nA new paragraph starts here."
    )
    got = [s for _, _, s in sentences(text)]
    assert got == [
        "WASHINGTON — U.S. envoy Steve Witkoff met Gen. Halevi on Sunday.",
        "“We are not there yet,” he said.",
        "The talks resume in Doha.",
        "A new paragraph starts here.",
    ]
    for start, end, sentence in sentences(text):
        assert text[start:end] == sentence


def test_a_quoted_question_keeps_the_attribution_that_follows_it() -> None:
    text = '"What are they trying to gain?" Lee Seong-yun said. "Why?" Park asked. "Go!" The crowd cheered.'
    assert [s for _, _, s in sentences(text)] == [
        '"What are they trying to gain?" Lee Seong-yun said.',
        '"Why?" Park asked.',
        '"Go!"',
        "The crowd cheered.",
    ]


@pytest.mark.parametrize(
    ("sentence", "numbers"),
    [
        ("more than 57,000 people were killed", {"57000"}),
        ("the sixty-day truce", {"60"}),
        ("about 1.9 million displaced", {"1.9", "1000000"}),
        ("no figures here", set()),
    ],
)
def test_numbers_are_normalised(sentence: str, numbers: set[str]) -> None:
    assert numbers_in(sentence) == numbers


def test_the_same_quote_in_different_marks_and_words_around_it_is_one_claim() -> None:
    a = art("north", 'Trump said: "The time has come for peace, not for more war." He left.')
    b = art("south", "‘The time has come for peace, not for more war,’ the president told reporters.", hours=2)
    c = art("east", "“The time has come for peace, not for more war,” Trump said in an interview.", hours=3)
    result = compare("w", [a, b, c])
    quote = next(c for c in result.claims if c.kind == "quote")
    assert set(quote.outlets) == {"north", "south", "east"}
    assert quote.mentions[0].outlet == "north"  # the earliest first


def test_figures_align_only_with_shared_context() -> None:
    a = art("north", "The Gaza Health Ministry says 57,575 people have been killed since October.")
    b = art("south", "According to the Gaza Health Ministry, 57,575 people have been killed.", hours=1)
    c = art("east", "The port handled 57,575 containers in June, the authority said.", hours=2)
    result = compare("w", [a, b, c])
    toll = next(c for c in result.claims if "Health" in c.text)
    assert set(toll.outlets) == {"north", "south"}
    assert any(c.outlets == ("east",) for c in result.claims)


def test_sentences_without_figures_or_quotes_are_not_claims() -> None:
    result = compare("w", [art("north", "Talks went on late into the night. Nobody spoke to reporters afterwards.")])
    assert result.claims == ()


def test_evidence_offsets_point_at_the_exact_sentence() -> None:
    a = art("north", "First line.\nThe truce has held for 60 days, officials said.")
    mention = compare("w", [a]).claims[0].mentions[0]
    assert a.text[mention.start : mention.end] == mention.sentence
    assert mention.revision == a.revision


WIRE = (
    "ANTOFAGASTA, Chile (APW) — A magnitude 6.4 earthquake struck off the coast of northern Chile early Tuesday, "
    "killing two people and damaging more than 400 homes, officials said.\n"
    "The quake hit at 6:12 a.m. local time about 48 kilometers west of the port city at a depth of 35 kilometers.\n"
    "The navy said the earthquake did not meet the conditions for a tsunami but ordered a precautionary evacuation "
    "of low-lying coastal areas, and about 9,000 people left their homes.\n"
    "Seismologists recorded 14 aftershocks, the strongest of magnitude 4.8, and two copper mines halted work."
)


def test_wire_copies_are_found_even_trimmed_and_the_earliest_is_the_original() -> None:
    original = art("west", WIRE, hours=1)
    verbatim = art("south", WIRE, hours=2)
    trimmed = art("north", WIRE.rsplit("\n", 1)[0] + "\nOur reporter added local reaction.", hours=3)
    independent = art(
        "east",
        "A strong earthquake shook northern Chile on Tuesday. Port operators inspected cranes "
        "and wharves for damage while residents returned home after a precautionary evacuation.",
        hours=4,
    )
    copies = find_copies([verbatim, trimmed, independent, original])
    assert copies == {verbatim.id: original.id, trimmed.id: original.id}


def test_a_copy_counts_once_in_the_comparison() -> None:
    original = art("west", WIRE, hours=1)
    copy = art("south", WIRE, hours=2, duplicate_of=original.id)
    result = compare("w", [original, copy])
    assert all(c.outlets == ("west",) for c in result.claims)
    assert result.copies == {copy.id: original.id}
