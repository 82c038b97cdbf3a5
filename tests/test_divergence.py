"""The divergence engine, one behaviour per test, on small stories written for the test."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.compare.claims import durations, quantities, quotes, titles
from pipelines.compare.divergence import analyse_story
from pipelines.models import AccessState, Article

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
# background sentences, different in every article, so that no two test articles look like copies
FILLER = [
    "Gulls circled the empty car park behind the ferry terminal.",
    "A bakery on Mill Lane handed out bread to neighbours without power.",
    "Volunteers stacked sandbags outside the lifeboat station at dawn.",
    "The county museum postponed its exhibition of maritime maps.",
    "Fishing crews kept their boats tied up inside the inner basin.",
    "A choir rehearsal at the chapel went ahead by candlelight.",
    "Bus services to the airport ran on a reduced timetable.",
    "The cricket club's pavilion lost part of its roof overnight.",
    "Shoppers queued for batteries at the hardware store on the quay.",
    "A retired pilot described the waves as the tallest in decades.",
    "Librarians moved rare books from the basement to the upper floor.",
    "Farmers inland reported flattened barley across several fields.",
]


def story(*bodies: str, hours: int = 0, **kw) -> list[Article]:
    out = []
    for n, body in enumerate(bodies):
        text = "\n".join([body, *FILLER[2 * n % len(FILLER) : 2 * n % len(FILLER) + 2]])
        out.append(Article(id=f"a{n}", outlet=f"outlet{n}", url=f"https://o{n}.example/s", canonical_url="",
                           title="Storm", text=text, fetched_at=T0, published_at=T0 + timedelta(hours=hours * n),
                           **kw))  # fmt: skip
    return out


def found(articles: list[Article], kind: str, revisions: dict[str, list[str]] | None = None):
    return [d for d in analyse_story(articles, revisions).divergences if d.type == kind]


def test_a_figure_one_outlet_gets_wrong_is_a_numeric_conflict_naming_that_outlet_first() -> None:
    arts = story(
        "The storm damaged about 140 homes along the coast, the mayor said.",
        "Nearly 300 homes along the coast were damaged by the storm, the mayor said.",
        "The mayor said the storm damaged nearly 300 homes on the coast.",
        "Close to 300 homes on the coast were damaged in the storm, according to the mayor.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "140" in conflict.evidence["a0"]
    assert len(set(conflict.articles) & {"a1", "a2", "a3"}) >= 2
    assert arts[0].text[slice(*conflict.spans["a0"])] == conflict.evidence["a0"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("more than 30 homes", "31 homes"),
        ("upwards of 2,500 homes", "more than 2,500 homes"),
        ("forty homes", "40 homes"),
        ("about 1.9 million homes", "nearly two million homes"),
    ],
)
def test_compatible_figures_are_not_conflicts(first: str, second: str) -> None:
    arts = story(
        f"The storm damaged {first} along the coast, the mayor said.",
        f"The mayor said the storm damaged {second} along the coast.",
        f"The storm damaged {second} along the coast, the mayor said on Tuesday.",
    )
    assert found(arts, "numeric_conflict") == []


def test_a_lower_bound_far_below_the_others_is_flagged_as_understated() -> None:
    arts = story(
        "Over 30,000 people have died in the region since the fighting began, officials said.",
        "More than 57,000 people have died in the region since the fighting began, officials said.",
        "Officials said 57,575 people have died in the region since the fighting began.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "understated" in conflict.note


def test_a_different_weekday_and_a_different_duration_are_date_conflicts() -> None:
    arts = story(
        "The weather should ease by Friday morning, allowing crews to restore power under a 90-day repair plan.",
        "The weather should ease by Thursday morning, allowing crews to restore power under a 60-day repair plan.",
        "Forecasters said the weather should ease by Thursday morning, letting crews restore power under a "
        "60-day repair plan.",
    )
    conflicts = found(arts, "date_conflict")
    assert {d.note.split(":")[0] for d in conflicts} >= {"weekday", "duration"}
    assert all(d.articles[0] == "a0" for d in conflicts)


def test_weekdays_in_articles_of_different_days_are_not_compared() -> None:
    arts = story(
        "The weather should ease by Friday morning, allowing crews to restore power.",
        "The weather should ease by Thursday morning, allowing crews to restore power.",
        "Forecasters said the weather should ease by Thursday morning, letting crews restore power.",
        hours=30,
    )
    assert found(arts, "date_conflict") == []


def test_a_reworded_quote_is_quote_wording_and_a_shortened_one_is_not() -> None:
    arts = story(
        '"The crisis is here, and we need answers now," Gambill said.',
        '"The crisis is now, and we need action now," Gambill said.',
        "“The crisis is now, and we need action now,” Gambill told the crowd.",
        "‘The crisis is now,’ Gambill said.",
    )
    (wording,) = found(arts, "quote_wording")
    assert wording.articles[0] == "a0"
    assert "a3" not in wording.articles[:1]


def test_a_quote_given_to_another_speaker_or_venue_is_quote_attribution() -> None:
    arts = story(
        "“We will rebuild every wall that fell, and we will do it before winter,” said Mayor Ana Ruiz.",
        '"We will rebuild every wall that fell, and we will do it before winter," said Governor Tom Bell.',
        "“We will rebuild every wall that fell, and we will do it before winter,” Governor Tom Bell said.",
        "‘We will rebuild every wall that fell,’ he said in an interview with The Coastal Times.",
        '"We will rebuild every wall that fell," he said in an interview with Harbor Radio News.',
        "“We will rebuild every wall that fell,” he told Harbor Radio News.",
    )
    notes = [d.note for d in found(arts, "quote_attribution")]
    assert any("Ruiz" in n and "Bell" in n for n in notes)
    assert any("Coastal Times" in n for n in notes)


def test_quotes_in_curly_single_marks_and_over_two_sentences_keep_their_speaker() -> None:
    (quote,) = quotes("‘It was a bold move. I declined it,’ Trump said in a recent interview.")
    assert quote.text == "It was a bold move. I declined it"
    assert quote.speaker == "Trump"


def test_a_different_title_for_the_same_person_is_role_title() -> None:
    arts = story(
        "Senate President Pro Tem Brian Bosma told lawmakers the storm budget would grow.",
        "House Speaker Brian Bosma told lawmakers the storm budget would grow.",
        "Inside the building, House Speaker Brian Bosma defended the storm budget.",
    )
    (role,) = found(arts, "role_title")
    assert role.articles[0] == "a0"


def test_a_vague_role_does_not_contradict_a_specific_one() -> None:
    assert titles("Tim Morrison, a former National Security Council official, testified.") == {
        "Morrison": "former National Security Council official"
    }
    arts = story(
        "Tim Morrison, a former National Security Council official, testified on Tuesday.",
        "Tim Morrison, the deputy national security adviser, testified on Tuesday.",
        "Tim Morrison, a senior aide, testified on Tuesday.",
    )
    assert found(arts, "role_title") == []


def test_a_fact_all_others_state_is_an_omission_unless_the_article_could_not_be_read() -> None:
    statement = "The state utilities commission held a public hearing with the wireless carriers on Wednesday."
    arts = story(statement, statement.replace("held", "convened"), statement.replace("public ", ""),
                 "Crews restored power to most homes in the valley by Thursday afternoon.")  # fmt: skip
    (omission,) = found(arts, "omission")
    assert omission.articles[0] == "a3"
    assert "a3" not in omission.evidence
    paywalled = [a if a.id != "a3" else replace(a, access_state=AccessState.PAYWALL) for a in arts]
    assert found(paywalled, "omission") == []


def test_a_revision_that_changes_a_figure_is_a_stealth_edit_with_before_and_after() -> None:
    old = "Roughly 140 trucks crossed the border on Tuesday, officials said.\nThe talks continue."
    new = "Roughly 90 trucks crossed the border on Tuesday, officials said.\nThe talks continue."
    arts = story("Roughly 90 trucks crossed the border on Tuesday, officials said.")
    (edit,) = found(arts, "stealth_edit", {"a0": [old, new, new]})
    assert "90 trucks" in edit.evidence["a0"]
    assert "140 trucks" in edit.before["a0"]


def test_syndicated_copies_count_once() -> None:
    wire = ("PORT TOWN (Wire) — The storm damaged about 140 homes along the coast, the mayor said, and the harbour "
            "stayed closed for a second day while engineers checked the piers and cranes for damage.\n"
            "The coastguard said two fishing boats had broken their moorings and drifted onto the shingle, where "
            "salvage teams hoped to refloat them at high tide on Thursday evening if the wind dropped.\n"
            "Power was restored to most of the old town by midday, although several streets near the station "
            "remained dark and the council opened its sports hall as a warm space for residents.")  # fmt: skip
    arts = story(wire, wire, "Nearly 300 homes along the coast were damaged by the storm, the mayor said.")
    result = analyse_story(arts)
    assert result.copies == {"a1": "a0"}
    assert all("a1" not in d.articles for d in result.divergences)


def test_divergence_ids_are_stable_across_runs() -> None:
    arts = story(
        "The storm damaged about 140 homes along the coast, the mayor said.",
        "Nearly 300 homes along the coast were damaged by the storm, the mayor said.",
        "The mayor said the storm damaged nearly 300 homes on the coast.",
    )
    assert [d.id for d in analyse_story(arts).divergences] == [d.id for d in analyse_story(arts).divergences]


@pytest.mark.parametrize(
    ("sentence", "values"),
    [
        ("nearly 300 school districts closed", [(300, 255, 300)]),
        ("almost two and a half million people", [(2.5e6, 2.125e6, 2.5e6)]),
        ("at 6:12 a.m. on July 8, 2025, 14 aftershocks", [(14, 14, 14)]),
        ("dozens of homes", [(24, 24, 120)]),
    ],
)
def test_quantities_read_value_hedge_and_skip_times_and_dates(sentence: str, values: list[tuple]) -> None:
    got = [(q.value, round(q.low), round(q.high) if q.high != float("inf") else q.high) for q in quantities(sentence)]
    assert got == [(v, round(lo), round(hi)) for v, lo, hi in values]


def test_durations_are_normalised_to_days_and_relative_times_are_not_durations() -> None:
    assert [d for d, _ in durations("a 60-day truce, then six weeks of talks")] == [60, 42]
    assert durations("prices were lower four years ago") == ()
