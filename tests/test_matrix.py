"""The claim x outlet matrix: states, contradicts, omits and unique, with copies counted once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pipelines.compare.divergence import analyse_story
from pipelines.compare.matrix import CellState, claim_matrix
from pipelines.models import AccessState, Article

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
FILLER = [
    "Gulls circled the empty car park behind the ferry terminal.",
    "A bakery on Mill Lane handed out bread to neighbours without power.",
    "Volunteers stacked sandbags outside the lifeboat station at dawn.",
    "The county museum postponed its exhibition of maritime maps.",
    "Fishing crews kept their boats tied up inside the inner basin.",
    "A choir rehearsal at the chapel went ahead by candlelight.",
    "Bus services to the airport ran on a reduced timetable.",
    "The cricket club's pavilion lost part of its roof overnight.",
]
TOLL = "The storm damaged nearly 300 homes along the coast, the mayor said on Tuesday."
HEARING = "The state utilities commission held a public hearing with the Northwind Telecom carriers in Porthaven."


def article(n: int, *sentences: str, hours: float = 0, **kw) -> Article:
    text = "\n".join([*sentences, FILLER[n % len(FILLER)]])
    return Article(id=f"a{n}", outlet=f"Outlet {n}", url=f"https://o{n}.example/news/storm", canonical_url="",
                   title="Storm", text=text, fetched_at=T0, published_at=T0 + timedelta(hours=hours), **kw)  # fmt: skip


def test_cells_say_who_states_contradicts_omits_and_who_alone_states() -> None:
    arts = [
        article(0, TOLL.replace("nearly 300", "about 140"), HEARING),
        article(1, TOLL, HEARING, hours=1),
        article(2, TOLL.replace("The storm damaged", "Officials said the storm damaged"), HEARING, hours=2),
        article(
            3, TOLL, "Harbour officials confirmed the Porthaven lighthouse keeper retired after 41 years.", hours=3
        ),
        article(4, TOLL, HEARING, hours=4),
    ]
    matrix = claim_matrix(analyse_story(arts), arts)
    toll = next(c for c in matrix.claims if "homes" in c.text)
    assert toll.cells["Outlet 0"].state is CellState.CONTRADICTS
    assert toll.cells["Outlet 1"].state is CellState.STATES
    assert toll.first_outlet == "Outlet 0"
    hearing = next(c for c in matrix.claims if "hearing" in c.text)
    assert hearing.cells["Outlet 3"].state is CellState.OMITS
    assert hearing.sources == 4
    unique = next(c for c in matrix.claims if "lighthouse" in c.text)
    assert unique.cells == {"Outlet 3": unique.cells["Outlet 3"]}
    assert unique.cells["Outlet 3"].state is CellState.UNIQUE


def test_an_article_not_fully_read_never_omits() -> None:
    arts = [article(n, TOLL, HEARING, hours=n) for n in range(4)]
    arts.append(article(4, TOLL, "Harbour officials confirmed the lighthouse keeper retired.", hours=4))
    paywalled = [replace(a, access_state=AccessState.PAYWALL) if a.id == "a4" else a for a in arts]
    hearing = next(c for c in claim_matrix(analyse_story(paywalled), paywalled).claims if "hearing" in c.text)
    assert "Outlet 4" not in hearing.cells
    hearing = next(c for c in claim_matrix(analyse_story(arts), arts).claims if "hearing" in c.text)
    assert hearing.cells["Outlet 4"].state is CellState.OMITS


def test_a_syndicated_copy_is_shown_but_counts_as_one_source() -> None:
    wire = (
        "PORT TOWN (Wire) — The storm damaged about 140 homes along the coast, the mayor said, and the harbour "
        "stayed closed for a second day while engineers checked the piers and cranes for damage.\n"
        "The coastguard said two fishing boats had broken their moorings and drifted onto the shingle, where "
        "salvage teams hoped to refloat them at high tide on Thursday evening if the wind dropped."
    )
    arts = [article(0, wire), article(1, wire, hours=2), article(2, TOLL.replace("nearly 300", "about 140"))]
    analysis = analyse_story(arts)
    assert analysis.copies == {"a1": "a0"}
    matrix = claim_matrix(analysis, arts)
    row = next(c for c in matrix.claims if "Outlet 1" in c.cells)
    assert row.cells["Outlet 1"].copy_of == "a0"
    assert row.sources == sum(1 for o, c in row.cells.items() if o != "Outlet 1")
    assert matrix.to_json()["claims"][0]["cells"]
