"""Copies across outlets: signatures, wire markers, edited copies, the time window."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import syndication
from pipelines.models import Article
from pipelines.syndication import (
    decode_signature,
    detect_copies,
    minhash_values,
    signature,
    similarity,
    wire_agency,
)
from pipelines.urls import article_id

T0 = datetime(2025, 7, 8, 13, 0, tzinfo=UTC)

STORY = [
    "A magnitude 6.4 earthquake struck off the coast of northern Chile early Tuesday, killing two people, "
    "injuring at least 37 and damaging more than 400 homes across the Antofagasta region, officials said.",
    "The quake hit at 6:12 a.m. local time about 48 kilometers west of the port city of Antofagasta at a depth of "
    "35 kilometers, according to the national seismological center.",
    "A 71-year-old woman died in Antofagasta when an adobe wall collapsed on her home, and a 64-year-old man in "
    "Tocopilla suffered a fatal heart attack while walking to higher ground, the regional delegate told reporters.",
    "The navy's oceanographic service said the earthquake did not meet the conditions for a tsunami but ordered a "
    "precautionary two-hour evacuation of low-lying coastal areas, and about 9,000 people left their homes.",
    "The director of the national disaster agency said 23 homes had been declared uninhabitable and that 61,000 "
    "customers lost power, most of whom had electricity back by midday. Seismologists recorded 14 aftershocks.",
    "The port of Antofagasta suspended loading for six hours while cranes and docks were checked, and two copper "
    "mines in the region halted work as a precaution, but no significant damage had been found.",
]
# the same event reported independently: the same facts, other words
INDEPENDENT = (
    "Port operators in northern Chile spent Tuesday inspecting cracked wharves and idle cranes after a strong "
    "earthquake struck before dawn, killing two people and briefly halting copper exports.\n"
    "Authorities reported 37 people injured and more than 400 homes damaged, most of them older adobe buildings, "
    "while the navy quickly ruled out a tsunami and residents of low-lying streets returned after two hours.\n"
    "The worst damage was at Mejillones, where a section of concrete wharf used by bulk carriers cracked and sank."
)


def art(outlet: str, text: str, hours: float = 0, **kw: object) -> Article:
    url = f"https://{outlet}.example/{hours}/{abs(hash(text)) % 100_000}"
    return Article(
        id=article_id(url),
        outlet=outlet,
        url=url,
        canonical_url=url,
        title=f"{outlet} story",
        text=text,
        fetched_at=T0 + timedelta(hours=hours, minutes=5),
        published_at=T0 + timedelta(hours=hours),
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("text", "authors", "agency"),
    [
        ("ANTOFAGASTA, Chile (AP) — A quake struck.", (), "Associated Press"),
        ("WASHINGTON (Reuters) - The Senate voted.", (), "Reuters"),
        ("PARIS (AFP) – Le gouvernement a annoncé.", (), "AFP"),
        ("SANTIAGO (APW) — A quake struck.", (), "APW"),
        ("The Senate voted on Tuesday.\nThe Associated Press contributed to this report.", (), "Associated Press"),
        ("The Senate voted on Tuesday.\nCopyright 2025 Reuters.", (), "Reuters"),
        ("The Senate voted on Tuesday.", ("Agence France-Presse",), "AFP"),
        ("Headline\nA standfirst.\nKYIV, Ukraine (AP) — Drones hit the city.", (), "Associated Press"),
        ("The Senate voted on Tuesday, an AP review of the records shows.", (), ""),
        ("Reuters reported that the Senate voted on Tuesday.\nThe vote was close.\nMore follows.", (), ""),
        ("WASHINGTON — The Senate voted on Tuesday.", ("Jane Doe",), ""),
    ],
)
def test_wire_markers_name_the_agency(text: str, authors: tuple[str, ...], agency: str) -> None:
    assert wire_agency(text, authors) == agency


def test_a_stored_signature_compares_like_the_text_it_was_made_from() -> None:
    text = "\n".join(STORY)
    stored = decode_signature(signature(text))
    assert stored is not None
    assert similarity(stored, minhash_values(text)) == (1.0, 1.0)
    # a trimmed copy shares about half its shingles with the whole but is contained in it
    jaccard, containment = similarity(minhash_values("\n".join(STORY[:3])), stored)
    assert jaccard < 0.7 < containment
    assert decode_signature("m0:1:AAAA") is None
    assert decode_signature("garbage") is None


def test_edited_copies_are_found_and_same_event_reporting_is_not() -> None:
    original = art("west", "\n".join(STORY), hours=1)
    verbatim = art("south", "\n".join(STORY), hours=2)
    retitled_and_trimmed = replace(art("north", "\n".join(STORY[:4]), hours=3), title="Deadly quake hits Chile")
    reworded = art(
        "central",
        "\n".join([*STORY[:2], "Our correspondent in Santiago reports the capital felt nothing.", *STORY[3:5]]),
        hours=4,
    )
    independent = art("east", INDEPENDENT, hours=5)
    copies = detect_copies([independent, reworded, retitled_and_trimmed, verbatim, original])
    assert copies.original == {verbatim.id: original.id, retitled_and_trimmed.id: original.id, reworded.id: original.id}


def test_two_texts_credited_to_one_agency_are_copies_at_a_lower_similarity() -> None:
    # half of each text is the agency's, half the outlet's own: too little in common for an unmarked copy
    own = INDEPENDENT.split("\n")
    west = [STORY[0], STORY[1], STORY[2], *own]
    south = [STORY[0], STORY[1], STORY[2], *STORY[3:]]
    unmarked = detect_copies([art("west", "\n".join(west), hours=1), art("south", "\n".join(south), hours=2)])
    assert unmarked.original == {}
    a = art("west", "\n".join(["LIMA, Peru (AP) — " + west[0], *west[1:]]), hours=1)
    b = art("south", "\n".join(["LIMA, Peru (AP) — " + south[0], *south[1:]]), hours=2)
    assert detect_copies([a, b]).original == {b.id: a.id}


def test_a_copy_inherits_the_agency_of_its_group() -> None:
    marked = art("west", "SANTIAGO, Chile (Reuters) - " + "\n".join(STORY), hours=1)
    unmarked = art("south", "\n".join(STORY), hours=2)
    copies = detect_copies([marked, unmarked])
    assert copies.original == {unmarked.id: marked.id}
    assert copies.agency == {marked.id: "Reuters", unmarked.id: "Reuters"}


def test_copies_are_only_looked_for_within_the_time_window() -> None:
    first = art("west", "\n".join(STORY), hours=0)
    much_later = art("south", "\n".join(STORY), hours=24 * 30)
    assert detect_copies([first, much_later], window=timedelta(days=7)).original == {}
    assert detect_copies([first, much_later], window=timedelta(days=60)).original == {much_later.id: first.id}


def test_an_outlet_reposting_its_own_text_is_not_syndication() -> None:
    a = art("west", "\n".join(STORY), hours=1)
    b = art("west", "\n".join(STORY), hours=2)
    assert detect_copies([a, b]).original == {}


def test_stored_signatures_are_used_instead_of_the_text() -> None:
    a = art("west", "\n".join(STORY), hours=1)
    # a copy whose stored text was lost but whose signature was kept is still recognised
    b = art("south", "", hours=2, signature=signature("\n".join(STORY)))
    assert detect_copies([a, b]).original == {b.id: a.id}


FOOT_LINES = [
    "The council met on Tuesday.", "AP", "(Reuters)", "- AFP", "dpa contributed to this report.",
    "Copyright 2024 Reuters", "© AP", "Reporting by Jane Doe", "The Associated Press contributed.", "CONTRIBUTED",
    "copyright", "Kyodo News", "  ", "ap news and more", "x" * 120,
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FOOT_LINES), max_size=12))
def test_the_credit_at_the_foot_is_the_one_the_whole_credit_pattern_finds_first(lines: list[str]) -> None:
    # three plain paragraphs first: no dateline, no author, the foot decides
    text = "\n".join(["The vote.", "The budget.", "The harbour.", *lines])
    first = next(syndication._CREDIT.finditer(text[-600:]), None)  # the reference: the whole pattern
    expected = ""
    if first is not None:
        agency = first.group("agency") or first.group("owner") or first.group("sign")
        expected = syndication.AGENCIES.get(agency.lower(), agency)
    assert wire_agency(text, ()) == expected
