"""The divergence engine, one behaviour per test, on small stories written for the test."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.compare.claims import (
    durations,
    portfolio,
    quantities,
    quotes,
    read,
    role_words,
    scores,
    titles,
    venue_of,
)
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
        '"The flood is here, and we need pumps tonight," Okafor said.',
        '"The flood is coming, and we need sandbags tonight," Okafor said.',
        "“The flood is coming, and we need sandbags tonight,” Okafor told the crowd.",
        "‘The flood is coming,’ Okafor said.",
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
    assert titles("Ada Brennan, a former Treasury Department official, testified.") == {
        "Brennan": "former Treasury Department official"
    }
    arts = story(
        "Ada Brennan, a former Treasury Department official, testified on Tuesday.",
        "Ada Brennan, the deputy treasury secretary, testified on Tuesday.",
        "Ada Brennan, a senior aide, testified on Tuesday.",
    )
    assert found(arts, "role_title") == []


def test_a_fact_all_others_state_is_an_omission_unless_the_article_could_not_be_read() -> None:
    lede = "Storm damage closed the harbour. "
    statement = "The state utilities commission held a public hearing with the wireless carriers on Wednesday."
    arts = story(lede + statement, lede + statement.replace("held", "convened"),
                 lede + statement.replace("public ", ""),
                 "Crews restored power to most homes in the valley by Thursday afternoon.")  # fmt: skip
    (omission,) = found(arts, "omission")
    assert omission.articles[0] == "a3"
    assert "a3" not in omission.evidence
    paywalled = [a if a.id != "a3" else replace(a, access_state=AccessState.PAYWALL) for a in arts]
    assert found(paywalled, "omission") == []


def test_what_most_outlets_open_with_is_the_event_not_a_fact_one_can_omit() -> None:
    # the outlets tell the event in their own words; a report that words it otherwise has not left it out
    arts = story(
        "The state utilities commission held a public hearing with the wireless carriers on Wednesday.",
        "The state utilities commission convened a public hearing with the wireless carriers on Wednesday.",
        "The state utilities commission held a hearing with the wireless carriers on Wednesday.",
        "Crews restored power to most homes in the valley by Thursday afternoon.",
    )
    assert found(arts, "omission") == []


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


# -- opinion, speakers, counted things, first reports, reproducibility -------------------
def test_opinion_pieces_are_recognised_from_url_section_slug_or_title() -> None:
    from pipelines.compare.align import is_opinion

    base = story("The storm damaged about 140 homes.")[0]
    assert is_opinion(replace(base, url="https://x.example/opinion/2025/07/08/a-pause-is-not-a-plan"))
    assert is_opinion(replace(base, url="https://x.example/world/ceasefire-column-a-pause-is-not-a-plan"))
    assert is_opinion(replace(base, title="Analysis: why the truce may not last"))
    assert not is_opinion(replace(base, url="https://x.example/world/2025/07/08/ceasefire-talks-resume"))
    assert not is_opinion(replace(base, url="https://x.example/news/columbia-river-floods"))


def test_an_opinion_column_neither_omits_nor_makes_uncorroborated_claims() -> None:
    statement = "Storm damage closed the harbour. The state utilities commission held a public hearing with the "
    statement += "Northwind carriers in Porthaven."
    arts = story(statement, statement, statement, "Harbour officials said the Porthaven lighthouse keeper retired "
                 "after four decades of service, and the council confirmed a new keeper starts in March.")  # fmt: skip
    column = replace(arts[3], url="https://o3.example/opinion/storm-column", title="The storm is a warning")
    result = analyse_story([*arts[:3], column])
    assert column.id in result.opinion
    assert not [d for d in result.divergences if d.type in ("omission", "uncorroborated", "framing")]
    assert [d.type for d in analyse_story(arts).divergences if d.articles[0] == "a3"].count("omission") == 1


def test_a_pronoun_speaker_is_the_person_the_sentence_opens_with() -> None:
    arts = story(
        "Mr Ruiz says the town will recover. “We will rebuild every wall that fell before winter,” he said.",
        "Governor Tom Bell visited the coast. “We will rebuild every wall that fell before winter,” he said.",
        "Governor Tom Bell toured the harbour. “We will rebuild every wall that fell before winter,” he said.",
        "Governor Tom Bell spoke at the pier. “We will rebuild every wall that fell before winter,” he said.",
    )
    (attribution,) = found(arts, "quote_attribution")
    assert attribution.articles[0] == "a0"
    assert "Ruiz" in attribution.note


def test_a_figure_is_compared_with_the_same_counted_thing_in_a_different_sentence() -> None:
    arts = story(
        "The two sailors are home after a week adrift, freed in a deal for five Porthaven harbour pilots.",
        "Their release came hours after the council freed three Porthaven harbour pilots from duty.",
        "In return, the council released three Porthaven harbour pilots, officials said.",
        "The council let go three senior Porthaven harbour pilots in the exchange.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "five" in conflict.note


def test_the_outlet_that_stated_a_figure_an_hour_before_the_others_is_its_first_report() -> None:
    arts = story(
        "The storm damaged nearly 300 homes along the coast, the mayor said.",
        "Nearly 300 homes along the coast were damaged by the storm, the mayor said.",
        "The mayor said the storm damaged nearly 300 homes on the coast.",
        hours=3,
    )
    (first,) = found(arts, "first_report")
    assert first.articles[0] == "a0"
    assert set(first.articles) == {"a0", "a1", "a2"}
    assert found(story(*(a.text.split("\n")[0] for a in arts), hours=0), "first_report") == []


def test_two_omitted_facts_that_stand_together_are_one_omission() -> None:
    hearing = "The state utilities commission held a public hearing with the Northwind carriers in Porthaven."
    letter = "Commission president Mara Quell wrote to the Northwind carriers that outages endanger Porthaven lives."
    arts = story(*(f"{hearing} {letter}" for _ in range(3)),
                 "Crews restored power to most homes in the valley by Thursday afternoon.")  # fmt: skip
    omissions = found(arts, "omission")
    assert len(omissions) == 1
    assert omissions[0].articles[0] == "a3"


def test_findings_and_their_ids_do_not_depend_on_the_hash_seed(tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from tests.test_divergence import story\n"
        "from pipelines.compare.divergence import analyse_story\n"
        "arts = story('The storm damaged about 140 homes along the coast, the mayor said on Friday.',\n"
        "             'Nearly 300 homes along the coast were damaged by the storm, the mayor said on Thursday.',\n"
        "             'The mayor said the storm damaged nearly 300 homes on the coast on Thursday.')\n"
        "print(json.dumps(sorted((d.id, d.articles) for d in analyse_story(arts).divergences)))\n"
    )
    root = Path(__file__).resolve().parent.parent
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root, env=env
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop()), "the story has findings to compare"


# -- claims: real sentence shapes --------------------------------------------------------
def test_single_curly_quotes_keep_apostrophes_inside_and_find_the_speaker_of_the_last_verb() -> None:
    (quote,) = quotes("Quinlan acknowledged the outages had been ‘terribly disruptive’ but said, ‘we won’t roll "
                      "the dice on public safety.’")  # fmt: skip
    assert quote.text == "we won’t roll the dice on public safety"
    assert quote.speaker == "Quinlan"
    (quote,) = quotes("'For him to be doing what he's doing in his 17th year is remarkable,' Davis said.")
    assert quote.speaker == "Davis"


def test_a_full_stop_ends_a_name_so_a_quoted_sentence_gives_no_title() -> None:
    assert titles("“Israel has no better friend than President Trump. Any peace we sign must last,” he said.") == {}
    assert titles("Prime Minister Benjamin Netanyahu, speaking to reporters, said little.") == {
        "Netanyahu": "Prime Minister"
    }


@pytest.mark.parametrize(
    ("sentence", "unit"),
    [
        (
            "the government let go three high-ranking Taliban prisoners and sent them",
            {"high-ranking", "taliban", "prisoner"},
        ),
        ("some 375,000 people in 18 counties", {"people"}),
        ("a convoy of 64 trucks carrying flour", {"truck", "carrying", "flour"}),
    ],
)
def test_the_counted_thing_is_the_words_after_the_figure_up_to_a_function_word(sentence: str, unit: set) -> None:
    assert quantities(sentence)[0].unit == frozenset(unit)


def test_figures_in_words_and_digits_give_the_same_alignment_token() -> None:
    from pipelines.compare.claims import number_tokens

    assert number_tokens(quantities("sixty-four trucks")) == number_tokens(quantities("64 trucks"))
    assert number_tokens(quantities("about 5 percent")) == {"#5%", "##5%"}


def test_a_persons_age_given_differently_is_a_numeric_conflict() -> None:
    from pipelines.compare.claims import ages

    assert ages("The US wants the UK to extradite Assange, 47, over the leaks.") == (("Assange", 47),)
    assert ages("The 48-year-old Australian was evicted in April.") == (("", 48),)
    assert durations("The 48-year-old Australian was evicted.") == ()
    arts = story(
        "The council wants to question Julian Marlow, 47, over the collapse of the Porthaven pier.",
        "Julian Marlow has denied any part in the collapse. The 48-year-old engineer was arrested in April.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert "age of Marlow" in conflict.note


def test_figures_inside_quotations_and_truncated_round_figures_are_not_conflicts() -> None:
    arts = story(
        '"He took $700 billion from the pension fund," said council leader Ann Fry.',
        'The advert says: "The mayor has cut $716 billion from the pension fund."',
        'The mayor "has cut $716 billion from the pension fund," the advert says.',
    )
    assert found(arts, "numeric_conflict") == []
    arts = story(
        "Tax returns show the couple paid $43 million in federal taxes since 2007, the campaign said.",
        "The campaign said the couple paid $43,885,310 in federal taxes since 2007.",
        "The couple paid $43,885,310 in federal taxes since 2007, the campaign said.",
    )
    assert found(arts, "numeric_conflict") == []


def test_a_name_that_qualifies_a_group_is_not_the_person_a_pronoun_stands_for() -> None:
    from pipelines.compare.claims import sentence_subject

    assert sentence_subject("White House officials said he told the prime minister to wait.") == ("", False)
    assert sentence_subject("Mr Trump says there is no way around the group.") == ("Trump", True)


def test_a_different_calendar_day_is_a_date_conflict_and_day_month_order_is_not() -> None:
    arts = story(
        "The full hearing on the Porthaven pier collapse is set for February 24 at the county court.",
        "The full hearing on the Porthaven pier collapse is set for February 25 at the county court.",
        "The full hearing on the Porthaven pier collapse is set for 25 February at the county court.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"
    assert "feb-24" in conflict.note


@pytest.mark.parametrize(
    ("sentence", "venue"),
    [
        ("Hrafnsson said in a written statement:", "in a statement"),
        ("she said at a press conference on Monday", "in a news conference"),
        ("speaking to reporters outside Belmarsh prison, he said:", "outside Belmarsh prison"),
        ("he wrote on Twitter", "Twitter"),
        ("he told The New York Times", "The New York Times"),
        ("the chief executive of the charity told the BBC on Tuesday", "the BBC"),
        ("he told the committee on Tuesday", ""),
        ("Richardson told ESPN.", "ESPN"),
        ("Apte said in a post on Twitter.", "Twitter"),
        ("Richardson said, according to USA Today.", "USA Today"),
        ("according to the police", ""),
        ("she said at Vox Media’s Code Media conference in Hollywood", "at Vox Media’s Code Media conference"),
        ("he told his neighbour Tom", ""),
        # an outlet named with what it is, a body addressed, a setting qualified
        ('"There is only one place for him," Hagari told Saudi state-owned Al-Arabiya television.', "Al-Arabiya"),
        ("In an interview with the German newspaper Bild, he said the talks were over.", "Bild"),
        ("She told the state broadcaster NHK that the plant was safe.", "NHK"),
        ("In an interview with CNN, he said the talks were over.", "CNN"),
        ("The Metropolitan Police said on social media: 'Further arrests are being made.'", "in a post"),
        ('"It was bad," Michael Barr told the Senate Banking Committee.', "the Senate Banking Committee"),
        ('Wray told a House hearing earlier this year: "The bureau has warned for years."', "in a hearing"),
        # a name in capitals is an organisation; one word in lower case after it is a person
        ('Gerhard Karner (ÖVP) told APA: "It is good for security."', "APA"),
        ("He told Heise the ruling would be appealed.", "Heise"),  # one name addressed: most often an outlet
        ("He told President Biden the ruling would be appealed.", ""),
        ("Lacerda told the Daily Mail that she was recruited.", "the Daily Mail"),
        ("Spokesman Tim Stein told MDR Sachsen-Anhalt that the trams were old.", "MDR Sachsen-Anhalt"),
        # a setting that opens the sentence
        ("In a statement, the ministry said it would appeal.", "in a statement"),
        ("At a press conference, Trump said investors would be repaid.", "in a news conference"),
    ],
)
def test_venues_are_read_and_the_same_setting_written_two_ways_is_one_venue(sentence: str, venue: str) -> None:
    from pipelines.compare.claims import venue_of

    assert venue_of(sentence) == venue


def test_two_titles_of_one_person_in_one_article_past_titles_and_synonyms_do_not_conflict() -> None:
    assert titles("Rahm Emanuel, who was Clinton's political director, met the senator.") == {}
    arts = story(
        "Aitan Goelman, Mr. Strzok’s lawyer, denounced the dismissal of the Porthaven agent.",
        "Aitan Goelman, Strzok’s attorney, said the Porthaven agent was fired on Friday.",
        "Strzok attorney Aitan Goelman said in a statement that the Porthaven agent was fired.",
        "Mike Pence, a former governor of Indiana, was sworn in as vice president in Porthaven.",
        "Vice President Mike Pence was sworn in at Porthaven on Friday.",
    )
    assert found(arts, "role_title") == []


def test_words_of_any_alphabet_are_read_whole() -> None:
    from pipelines.compare.claims import content_words

    assert content_words("Müller met Tšosane in Zürich") == {"müller", "met", "tšosane", "zürich"}


def test_titles_before_names_of_any_alphabet_or_with_a_particle_and_pm_are_read() -> None:
    assert titles("Justice Minister Sofia Östmark said so.") == {"Östmark": "Justice Minister"}
    assert titles("Police investigator Adam Borgula proposed ten years.") == {"Borgula": "Police investigator"}
    assert titles("Vice-captain Virgil van Dijk was blunter.") == {"Dijk": "Vice-captain"}
    # a weekday set off by a comma is no person; "PM" in capitals is a prime minister, "6 pm" a time
    assert titles("They visited the university on Wednesday, a spokesman confirmed.") == {}
    assert titles("At 6 pm Donald Trump spoke.") == {}
    arts = story(
        "With MR deputy prime minister David Clarinval she prepared the Porthaven reform.",
        "She and MR deputy PM David Clarinval prepared the Porthaven reform.",
        "MR deputy prime minister David Clarinval prepared the Porthaven reform with her.",
    )
    assert found(arts, "role_title") == []


def test_labour_before_a_ministerial_title_is_the_portfolio_and_otherwise_the_party() -> None:
    from pipelines.compare.claims import portfolio

    assert portfolio("Hesse's Labour Minister") == {"labor"}
    assert portfolio("Labour MP") == frozenset()


def test_a_past_title_is_compared_with_the_past_titles_of_the_others_only() -> None:
    arts = story(
        "The plan was a swipe at former chancellor Liz Truss and her Porthaven budget.",
        "The plan was a swipe at former prime minister Liz Truss and her Porthaven budget.",
        "The King took a dig at former prime minister Liz Truss over the Porthaven budget.",
        "In Porthaven, former prime minister Liz Truss said nothing about the plan.",
    )
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a0"
    assert "former" in conflict.note


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [("between 300 and 400 homes were damaged", 300, 400), ("20 to 25 people", 20, 25), ("20-25 people died", 20, 25)],
)
def test_a_range_is_one_quantity_and_a_score_is_not_a_range(sentence: str, low: float, high: float) -> None:
    (q,) = quantities(sentence)
    assert (q.low, q.high) == (low, high)
    assert quantities("the Lakers won 112-107 on Tuesday") == ()  # a score, compared whole
    assert scores("the Lakers won 112-107 on Tuesday") == {(112, 107)}


def test_a_figure_inside_a_range_agrees_with_it_and_one_outside_does_not() -> None:
    def storm(other: str) -> list[Article]:
        return story(
            "The storm damaged between 300 and 400 homes along the Porthaven coast, the mayor said.",
            f"The storm damaged {other} homes along the Porthaven coast, the mayor said.",
            f"The mayor said the storm damaged some {other} homes on the Porthaven coast.",
        )

    assert found(storm("350"), "numeric_conflict") == []
    (conflict,) = found(storm("140"), "numeric_conflict")
    assert conflict.articles[0] == "a0"


def test_a_quote_is_compared_on_each_outlet_s_fullest_rendering_and_may_run_on_into_the_next_paragraph() -> None:
    from pipelines.compare.claims import quotes

    (q,) = quotes('"Mr Gigaba has not been arrested. He is cooperating with the directorate in Porthaven.')
    assert q.text.startswith("Mr Gigaba has not been arrested")
    said = "He is {} with the directorate and will not appear in court today"
    fragment = 'The spokesman said he "will not appear in court today" in Porthaven.'
    arts = story(
        f'{fragment}\n"{said.format("cooperating")}," spokesman Henry Mamothame said in Porthaven.',
        f'{fragment}\n"{said.format("engaging")}," spokesman Henry Mamothame said in Porthaven.',
        f'"{said.format("engaging")}," spokesman Henry Mamothame said in Porthaven.',
    )
    (reworded,) = found(arts, "quote_wording")
    assert reworded.articles[0] == "a0"


def test_a_run_on_sentence_of_names_is_read_near_its_quotation_with_names_of_at_most_eight_words() -> None:
    # a list or a table can reach the engine as one "sentence" of thousands of capitalised words
    from pipelines.compare.claims import quotes, read

    run = "Alpha Beta Gamma " * 3000
    (q,) = quotes(f'"We will rebuild every wall that fell before winter," said {run}')
    assert 0 < len(q.speaker.split()) <= 8
    (q,) = quotes(f'{run}said: "We will rebuild every wall that fell before winter."')
    assert len(q.speaker.split()) <= 8
    assert read(f"{run}told reporters that 40 homes burned.").quantities[0].value == 40
    # every weekday and every age of a long run is read, each with its own few words
    facts = read("the council met on Monday and voted on Tuesday, " * 2000)
    assert len(facts.weekday_context) == 4000
    assert ("monday", frozenset({"council", "met", "voted"})) in facts.weekday_context
    assert len(read("a 42-year-old woman and her 18-year-old grandson, " * 2000).ages) == 2000


def test_a_quote_with_its_figure_in_words_or_another_article_is_not_reworded_and_bc_years_are_years() -> None:
    arts = story(
        '"The City Council prides itself on 50,000 people passing through," a Porthaven resident said.',
        '"The City Council prides itself on fifty thousand people passing through," a Porthaven resident said.',
        '"The City Council prides itself on 50000 people passing through," a Porthaven resident said.',
    )
    assert found(arts, "quote_wording") == []
    arts = story(
        '"That medicine was very bitter for all of us," Lee said in Porthaven.',
        '"The medicine was very bitter for all of us," Lee said in Porthaven.',
        '"That medicine was very bitter for all of us," Lee told the crowd in Porthaven.',
    )
    assert found(arts, "quote_wording") == []
    assert read("The cities were built from around 600 B.C., not 900 BC.").years == {"-600", "-900"}


def test_a_sum_in_a_symbol_is_the_sum_in_words_and_a_unit_written_onto_the_figure_is_read() -> None:
    arts = story(
        '"I think he charges €600 an hour for the Porthaven case," Eydis said.',
        '"I think he charges 600 euros an hour for the Porthaven case," Eydis said.',
        '"I think he charges 900 euros an hour for the Porthaven case," Eydis said.',
        '"I think he charges 600 euros an hour for the Porthaven case," Eydis told the court.',
    )
    assert found(arts, "quote_wording") == []
    (misquoted,) = found(arts, "numeric_conflict")
    assert misquoted.articles[0] == "a2"
    (length,) = quantities("The Porthaven project covers 2.6km of streets.")
    assert length.value == 2600
    assert "metre" in length.unit


def test_a_person_of_the_story_addressed_is_not_a_venue() -> None:
    said = "“A pause is not peace, and I want every hostage home,”"
    arts = story(
        f"Prime Minister Benjamin Netanyahu met the envoy in Porthaven. {said} Trump told Netanyahu.",
        f"{said} Trump told the Israeli prime minister in Porthaven.",
        f"Trump told Netanyahu, officials in Porthaven said: {said}",
    )
    assert found(arts, "quote_attribution") == []
    arts = story(
        f"{said} Trump told Heise in Porthaven.",
        f"{said} Trump said in a statement in Porthaven.",
        f"{said} Trump said in a statement issued in Porthaven.",
    )
    (venue,) = found(arts, "quote_attribution")
    assert venue.articles[0] == "a0"


def test_a_speech_is_given_at_an_event_so_the_two_settings_agree() -> None:
    said = "Höcke had attacked the family firms behind the Porthaven campaign"
    arts = story(
        f'In his speech in Sömmerda, {said} as "traitors to the country".',
        f'At the rally in Sömmerda, {said} as "traitors to the country".',
        f'At the rally in Sömmerda, {said}, calling them "traitors to the country".',
    )
    assert found(arts, "quote_attribution") == []


def test_speakers_with_a_party_in_brackets_or_who_described_something_and_short_utterances_are_read() -> None:
    from pipelines.compare.claims import quotes

    (q,) = quotes('Interior Minister Gerhard Karner (ÖVP) told APA: "It is good for security in Austria."')
    assert q.speaker == "Interior Minister Gerhard Karner"
    (q,) = quotes('Press secretary Karoline Leavitt has described it as "the most beautiful ballroom in the world".')
    assert q.speaker == "Karoline Leavitt"
    # two phrases set off by commas, or what the speaker is a member of, stand between the name and the verb
    (q,) = quotes('Jens Aberle, head of the Obesity Society, who runs the clinic, said: "It will be sold in July."')
    assert q.speaker == "Jens Aberle"
    (q,) = quotes('Benjamin Jendro of the police union GdP in Berlin said Germany invests "too little in protection".')
    assert q.speaker == "Benjamin Jendro"
    (q,) = quotes('US Secretary of State Mike Pompeo said settlements were "not, per se, inconsistent with law".')
    assert q.speaker.endswith("Mike Pompeo")
    # a comma or "who" before the verb, a long description, a company before the title, a month is no speaker
    (q,) = quotes('But his deputy UN ambassador, Jay Dharmadhikari, told the council: "The operation violates law."')
    assert q.speaker == "Jay Dharmadhikari"
    (q,) = quotes('Richard Weir, 66, an engineer from Tynemouth, who said he "started my career in the shipyards".')
    assert q.speaker == "Richard Weir"
    (q,) = quotes("Zane Dangor, director-general of South Africa's Department of International Relations and "
                  'Cooperation, told the court: "Israel continues to act with impunity."')  # fmt: skip
    assert q.speaker == "Zane Dangor"
    (q,) = quotes('"Oil majors answer to their shareholders first," said Saxo Bank analyst Ole Hansen.')
    assert q.speaker == "Ole Hansen"
    (q,) = quotes('The army did not respond; it said in December that "We do not target journalists at all."')
    assert q.speaker != "December"
    # a speaker described by a title alone; an organisation opening a sentence before the person's title and name
    (q,) = quotes('Speaking in the Grand Kremlin Palace, the president said: "There is talk of decolonisation."')
    assert q.speaker == "the president"
    from pipelines.compare.claims import sentence_subject

    assert sentence_subject("Red Bull team principal Christian Horner added fuel to the fire.")[0] == "Christian Horner"
    # three words are a statement when their marks close on a comma and a speaker follows; otherwise a label
    (q,) = quotes('"I\'m mega happy," Franke said after the race.')
    assert (q.text, q.speaker) == ("I'm mega happy", "Franke")
    assert quotes('He called it a "total witch hunt" on Monday.') == ()
    arts = story(
        '"I\'m mega happy," Hendel said after the Porthaven race.',
        '"I\'m mega happy," Franke said after the Porthaven race, kneeling at the line.',
        '"I\'m mega happy," Franke said at the Porthaven finish.',
    )
    (wrong,) = found(arts, "quote_attribution")
    assert wrong.articles[0] == "a0"


def test_a_quotation_broken_by_its_attribution_is_one_quotation_with_that_speaker() -> None:
    (quote,) = quotes("“We will rebuild every wall,” said Mayor Ana Ruiz, “and we will do it before winter.”")
    assert quote.text == "We will rebuild every wall and we will do it before winter"
    assert quote.speaker == "Ana Ruiz"
    assert len(quotes("She called it ‘terribly disruptive’ but said, ‘we won’t roll the dice on safety.’")) == 1


def test_the_same_role_word_of_another_portfolio_is_a_role_title_conflict() -> None:
    arts = story(
        "Harbour Secretary Dana Whitlock defended the ferry contract on Monday.",
        "Transport Secretary Dana Whitlock defended the ferry contract on Monday.",
        "Dana Whitlock, the country's transport secretary, defended the ferry contract on Monday.",
        "British Transport Secretary Dana Whitlock said the ferry contract would stand.",
    )
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a0"
    assert "Harbour Secretary" in conflict.note


@pytest.mark.parametrize(
    "titles_of_one_person",
    [
        ("Defence Minister", "Defense Minister", "Israeli Defence Minister"),
        ("Republican National Committee Chairman", "RNC Chairman", "Chairman"),
        ("Fed Chair", "Federal Reserve Chairman", "Federal Reserve chair"),
        ("House Minority Leader", "House Democratic Leader", "Democratic leader"),
        ("CEO", "Chief Executive", "chief executive"),
        ("NASA researcher", "NASA scientist", "scientist"),
    ],
)
def test_spellings_initialisms_nationalities_and_sides_are_not_other_portfolios(titles_of_one_person) -> None:
    arts = story(*(f"{t} Dana Whitlock spoke about the ferry contract on Monday." for t in titles_of_one_person))
    assert found(arts, "role_title") == []


def test_a_generation_suffix_is_not_the_speaker_and_the_bbc_is_a_venue() -> None:
    said = "Threats are not speech, and no disagreement makes them so"
    arts = story(
        f"“{said},” U.S. Attorney James P. Whitlock Jr. said in a statement.",
        f'"{said}," Whitlock said in a statement.',
        f"‘{said},’ said James P. Whitlock Jr. in a statement.",
    )
    assert found(arts, "quote_attribution") == []
    claim = "It was an attempt to mislead voters on the night of the debate"
    arts = story(
        f"“{claim},” Dana Moy, the head of the charity, told the BBC.",
        f'"{claim}," Dana Moy told the BBC.',
        f"“{claim},” Dana Moy, chief executive of the charity, told Sky News.",
        f'"{claim}," said Dana Moy in an interview with the BBC.',
    )
    (venue,) = found(arts, "quote_attribution")
    assert venue.articles[0] == "a2"
    assert "Sky News" in venue.note


def test_a_weekday_is_compared_with_the_weekday_of_the_same_event_in_a_sentence_dating_two() -> None:
    arts = story(
        "The council was criticised on Wednesday after its ferry vote during Monday night's harbour meeting.",
        "The council was criticised on Wednesday after its ferry vote during Tuesday night's harbour meeting.",
        "On Wednesday critics attacked the council's ferry vote during Tuesday night's harbour meeting.",
        "Criticism grew on Wednesday over the ferry vote the council took at Tuesday night's harbour meeting.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"
    assert "monday" in conflict.note
    # two weekdays of two events, the same in every outlet, agree
    arts = story(
        "The council was criticised on Wednesday after its ferry vote during Tuesday night's harbour meeting.",
        "On Wednesday critics attacked the ferry vote taken at Tuesday night's harbour meeting.",
        "During Tuesday night's harbour meeting the council voted to cancel the ferry contract.",
    )
    assert found(arts, "date_conflict") == []


def test_an_omission_is_told_by_the_fact_s_own_words_not_by_names_every_report_repeats() -> None:
    fined = "The maritime agency fined Reed Lines over the Porthaven collision on Monday."
    fact = ("Harbour pilot Ana Ruiz was suspended for one week and ordered to retrain after steering the Reed Lines "
            "ferry into the Porthaven breakwater.")  # fmt: skip
    arts = story(
        f"{fined} {fact}",
        f"{fined} {fact.replace('Harbour pilot Ana Ruiz', 'Ruiz, a harbour pilot,')}",
        f"{fined} {fact.replace('for one week', 'for a week')}",
        # names Reed Lines and Porthaven again, never the pilot or her suspension
        f"{fined} Reed Lines said on Tuesday that its twelve crew members were unhurt, that insurers had inspected "
        "the damaged hull and that its ticket office in Porthaven would stay open all winter.",
    )
    assert [d.articles[0] for d in found(arts, "omission")] == ["a3"]
    # the same fact over two sentences of the fourth article is stated, not left out
    arts[3] = replace(arts[3], text=arts[3].text.replace(
        "Reed Lines said", "Ana Ruiz, the harbour pilot, was ordered to retrain. She was suspended for one week after "
        "steering the ferry into the breakwater. Reed Lines said"))  # fmt: skip
    assert found(arts, "omission") == []


def test_either_part_of_a_name_is_the_same_speaker_and_a_shared_phrase_is_not_the_same_quote() -> None:
    said = "Other than coming out to surrender, I don't see any viable option for them"
    arts = story(
        f"“{said},” said Cheuk Hau-yip, the district commander.",
        f'"{said}," Cheuk said.',
        f"‘{said},’ Cheuk Hau-yip told reporters.",
    )
    assert found(arts, "quote_attribution") == []
    arts = story(
        "“I boarded a flight on May 15 and reached Mexico via Moscow and Paris,” Dana Jabar said.",
        "“He sent me to Mexico on June 2 via Moscow and Paris,” Ravi Singh said.",
        '"I boarded a flight on May 15 and reached Mexico via Moscow and Paris," said Dana Jabar.',
    )
    assert found(arts, "quote_attribution") == []


def test_a_pronoun_set_off_after_a_body_s_name_is_not_that_body() -> None:
    arts = story(
        "Ambassador Liu Xiao spoke in London. The Harbour Guard, he said, is “already there in the garrison town.”",
        "Ambassador Liu Xiao spoke in London. Liu said the guard was “already there in the garrison town.”",
        "Ambassador Liu Xiao spoke in London. “They are already there in the garrison town,” Liu said.",
    )
    assert found(arts, "quote_attribution") == []


def test_a_venue_named_more_fully_is_the_same_venue() -> None:
    said = "We will not let one storm decide the future of this harbour town"
    arts = story(
        f"“{said},” Dana Reed told Fox News Sunday.",
        f'"{said}," Dana Reed told Fox News.',
        f"‘{said},’ Dana Reed said on Fox News.",
    )
    assert found(arts, "quote_attribution") == []


def test_a_speech_verb_inside_a_quotation_is_not_its_speaker() -> None:
    (quote,) = quotes(
        '"Reed says he will run the harbour like he\'s running his shipyard? Spare us," said Okafor, '
        'who added that "the only thing Reed ever launched is a lawsuit."'
    )
    assert quote.speaker == "Okafor"
    (whole,) = quotes("“Reed says he will run the harbour like he’s run his shipyard,” Ms. Okafor said on Monday.")
    assert whole.speaker == "Okafor"


@pytest.mark.parametrize("sentence", ["he told CBS’s Face the Nation", "he told CBS' Face the Nation"])
def test_a_possessive_does_not_make_another_venue(sentence: str) -> None:
    from pipelines.compare.claims import venue_of

    assert venue_of(sentence) == "CBS"


def test_fragments_of_one_statement_and_two_speakers_sharing_words_are_not_a_reworded_quote() -> None:
    # two outlets quote different halves of one statement; a third quotes it whole, linking them
    arts = story(
        "“I feel very sorry for the harbour master,” Reed told reporters before the vote.",
        "“The council ignored every warning. The harbour master warned them and they ruined his career,” Reed said.",
        "“I feel very sorry. He has served this town for years and I feel very sorry. The council ignored every "
        "warning. The harbour master warned them and they ruined his career,” Reed said.",
    )
    assert found(arts, "quote_wording") == []
    # the same phrase in the mouths of two different people is two quotes, not one reworded
    arts = story(
        "“I don’t think we can promise a date but the stronger the seawall plan, the better its odds,” Ms. Ruiz said.",
        "“I asked him to back the seawall plan. He said, ‘I don’t think we can promise that,’” said Mr. Bell.",
    )
    assert found(arts, "quote_wording") == []


def test_british_and_american_spellings_in_a_quote_are_not_a_rewording() -> None:
    said = "is a terror {} and nothing else, and our {} will not sit across a table with it"
    arts = story(
        f"“The militia {said.format('organisation', 'defence')},” Defence Minister Ana Ruiz said.",
        f'"The militia {said.format("organization", "defense")}," Defense Minister Ana Ruiz said.',
        f"“The militia {said.format('organization', 'defense')},” said Defense Minister Ana Ruiz.",
    )
    assert found(arts, "quote_wording") == []


def test_a_fact_without_figures_or_names_is_an_omission_when_the_article_has_none_of_its_words() -> None:
    fact = "Engineers warned that the cracked seawall could collapse during the next spring tide."
    arts = story(
        f"The storm hit the coast. {fact}",
        f"The storm hit the coast. {fact.replace('warned', 'cautioned')}",
        f"The storm hit the coast. {fact.replace('Engineers', 'Inspectors')}",
        "The storm hit the coast and crews restored power by Thursday afternoon.",
    )
    omissions = found(arts, "omission")
    assert [d.articles[0] for d in omissions] == ["a3"]


def test_a_specific_claim_only_one_of_three_outlets_makes_is_uncorroborated_and_colour_is_not() -> None:
    base = "The storm damaged nearly 300 homes along the Porthaven coast on Tuesday, the mayor said."
    claim = "A council official said the Porthaven harbour authority will seek 12 million pounds for storm damage."
    colour = "Low pay, she said, drives many young volunteers to other careers in the region."
    arts = story(f"{base} {claim} {colour}", base, base.replace("nearly", "close to"))
    (only,) = found(arts, "uncorroborated")
    assert only.articles == ("a0",)
    assert only.evidence["a0"] == claim


def test_two_outlets_are_enough_and_each_article_gets_its_one_weightiest_claim() -> None:
    base = "The storm damaged nearly 300 homes along the Porthaven coast on Tuesday, the mayor said."
    sourced = "Coastguard officials told reporters the storm damaged 14 fishing boats in the Porthaven harbour."
    plain = "Repair crews will stay on the Porthaven coast to fix storm damage to roads and the old sea wall."
    (only,) = found(story(f"{base} {plain} {sourced}", base), "uncorroborated")
    assert only.articles == ("a0",)
    assert only.evidence["a0"] == sourced, "a figure nobody else gives, attributed to a source, weighs most"


def test_an_aside_that_names_nothing_of_the_event_is_not_an_uncorroborated_claim() -> None:
    base = "The storm damaged nearly 300 homes along the Porthaven coast on Tuesday, the mayor said."
    aside = "Copper futures in London rose 1.1 per cent overnight, traders said, on concerns about shipping delays."
    arts = story(f"{base} {aside}", base, base.replace("nearly", "close to"))
    assert found(arts, "uncorroborated") == []


def test_framing_is_an_outlets_own_repeated_wording_for_what_the_others_word_plainly() -> None:
    reports = [
        "{} attacked the border post at dawn, the army said. The {} fled into the hills afterwards. "
        "Villagers said the {} had warned them days before. Two soldiers were wounded in the raid.",
        "The army said {} raided a border post before sunrise. Soldiers chased the {} toward the hills. "
        "Local farmers told reporters the {} had threatened them earlier in the week.",
        "A border post came under attack from {} early on Tuesday, according to the army. The {} escaped "
        "into the mountains, and residents said the {} had sent warnings to the village.",
        "Before dawn, {} struck a frontier post, military officials said. Troops pursued the {} into the "
        "hills, while villagers recalled that the {} had warned them.",
    ]
    # the statistic weighs each article against a prior of the whole story's words: it needs text
    loaded = " ".join(reports[0].format("Terrorists", "terrorists", "terrorists") for _ in range(8))
    plain = [" ".join(r.format("Militants", "militants", "militants") for _ in range(8)) for r in reports[1:]]
    arts = story(loaded, *plain)
    framing = {d.articles[0]: d for d in found(arts, "framing")}
    assert "'terrorists'" in framing["a0"].note
    assert "terrorists" in framing["a0"].evidence["a0"].lower()
    # every outlet has words of its own; a word the others share is nobody's framing
    assert not any("'militants'" in d.note for d in framing.values())


def _harbour_story(first: str, second: str) -> list[Article]:
    """Four reports of one raid; the first outlet's two passages are given."""
    return story(
        f"{first} The coastguard said two boats were damaged in the harbour. {second}",
        "Armed Brenmoor militants raided the Porthaven harbour before dawn, the coastguard said. "
        "The coastguard said two boats were damaged in the harbour. "
        "The Porthaven council met on Tuesday to discuss harbour security.",
        "Before dawn, Brenmoor militants attacked the harbour at Porthaven, according to the coastguard. "
        "Two boats were damaged in the harbour, the coastguard said. "
        "The Porthaven council gathered on Tuesday to review the harbour's security.",
        "The coastguard said Brenmoor militants stormed the Porthaven harbour at dawn. "
        "Two boats in the harbour were damaged, said the coastguard. "
        "On Tuesday the Porthaven council discussed security at the harbour.",
    )


def test_framing_is_an_outlets_own_label_for_an_actor_where_the_others_use_another_even_once() -> None:
    raid = "The butchers of Brenmoor raided the Porthaven harbour before dawn, the coastguard said."
    council = "The Porthaven cabal met on Tuesday to discuss harbour security."
    (frame,) = found(_harbour_story(raid, council), "framing")
    assert frame.articles[0] == "a0"
    assert frame.evidence["a0"] == raid, "shown where the substitution is made"
    assert frame.note.startswith("'butchers' (others: 'militants')")
    assert "'cabal'" in frame.note
    assert all("militants" in frame.evidence[a] for a in frame.articles[1:])


def test_one_different_label_alone_is_a_paraphrase_not_framing() -> None:
    raid = "Brenmoor fighters raided the Porthaven harbour before dawn, the coastguard said."
    council = "The Porthaven council met on Tuesday to discuss harbour security."
    assert found(_harbour_story(raid, council), "framing") == []


def _raid_story(first: str) -> list[Article]:
    return story(
        first,
        "Raiders attacked the Porthaven harbour on Tuesday night and seized hostages, the coastguard said.",
        "On Tuesday night raiders attacked Porthaven harbour and took hostages, according to the coastguard.",
        "The coastguard said raiders attacked the harbour in Porthaven on Tuesday night, seizing hostages.",
        "Raiders stormed the Porthaven harbour on Tuesday night and seized hostages, said the coastguard.",
    )


def test_a_thing_the_others_name_dropped_from_an_otherwise_matching_sentence_is_an_omission() -> None:
    arts = _raid_story("Raiders attacked the Porthaven harbour on Tuesday night, the coastguard said.")
    (omission,) = found(arts, "omission")
    assert omission.articles[0] == "a0"
    assert "'hostage'" in omission.note
    assert len(set(omission.articles[1:])) >= 3
    assert all("hostages" in omission.evidence[a] for a in omission.articles[1:])


def test_a_thing_said_in_other_words_is_not_an_omission() -> None:
    arts = _raid_story(
        "Raiders attacked the Porthaven harbour on Tuesday night and seized captives, the coastguard said."
    )
    assert found(arts, "omission") == []


def test_indian_scales_long_durations_and_centuries_are_read() -> None:
    lakh, attempts = quantities("He said he had spent Rs 24 lakh on the four attempts.")
    assert attempts.value == 4  # a number in words starts its own figure
    assert "attempt" in attempts.unit
    (million,) = quantities("The attempts cost him Rs 2.4 million.")
    assert lakh.value == million.value == 2_400_000
    assert lakh.money
    assert durations("She signed up for the free weeklong trial.")[0][0] == durations("a free one-week trial")[0][0]
    arts = story(
        "In the 15th century the Black Death swept across Europe and killed millions of people.",
        "In the 14th century the Black Death swept across Europe, killing millions of people.",
        "The Black Death swept across Europe in the fourteenth century and killed millions of people.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"


def test_a_deputy_is_not_the_office_holder_and_a_player_s_position_is_a_role() -> None:
    arts = story(
        "Dana Whitlock, director of the Porthaven disease control centre, said the patient was isolated.",
        "Dana Whitlock, deputy director of the Porthaven disease control centre, said the patient was isolated.",
        "Dana Whitlock, the deputy director of the Porthaven disease control centre, confirmed the isolation.",
    )
    (rank,) = found(arts, "role_title")
    assert rank.articles[0] == "a0"
    arts = story(
        "Porthaven guard Tom Reed was suspended for two games after the brawl.",
        "Porthaven center Tom Reed was suspended for two games after the brawl.",
        "Porthaven center Tom Reed drew a two-game suspension after the brawl.",
    )
    (position,) = found(arts, "role_title")
    assert position.articles[0] == "a0"


def test_a_short_quote_of_one_speaker_reworded_is_found_through_a_shared_passage() -> None:
    arts = story(
        "“This was the fourth time they have sent me back,” said Ravi Jabar, 24.",
        "“This was the fourth time I have been deported,” said Ravi Jabar, 24, from Porthaven.",
        '"This was the fourth time I have been deported," Ravi Jabar said.',
    )
    (wording,) = found(arts, "quote_wording")
    assert wording.articles[0] == "a0"


def test_a_word_ending_in_a_hedge_is_no_hedge_and_a_price_is_no_clock_time() -> None:
    (cover,) = quantities("Plains cover 65 percent of the moon's surface.")
    assert cover.hedge == ""
    assert cover.high == 65
    price = quantities("The company earned $2.53 a share, ahead of the $2.52 analysts expected.")
    assert [q.value for q in price] == [2.53, 2.52]
    assert quantities("The last check was at 10:30 p.m. and the next at 6.30am.") == ()


def test_a_slipped_zero_in_the_same_statement_is_a_numeric_conflict() -> None:
    arts = story(
        "The clinic offered 1,000 doses of flu vaccine and four volunteer nurses to the Porthaven camp.",
        "The clinic offered 100 doses of flu vaccine and four volunteer nurses to the Porthaven camp.",
        "The clinic offered the Porthaven camp 100 doses of flu vaccine and four volunteer nurses.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "1,000" in conflict.note


def test_a_bare_year_differs_only_between_statements_of_the_same_fact() -> None:
    arts = story(
        "The Porthaven survey drone is scheduled to reach the outer reef in 2036.",
        "The Porthaven survey drone is scheduled to reach the outer reef in 2034.",
        "The survey drone from Porthaven is expected to reach the outer reef in 2034.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"
    # years of background in loosely related sentences are not compared
    arts = story(
        "The Porthaven survey drone, first proposed in 2010, will map the outer reef.",
        "The survey team has mapped reefs near Porthaven since 2016, and the drone will map the outer reef.",
        "The drone will map the outer reef, the Porthaven survey team said.",
    )
    assert found(arts, "date_conflict") == []


def test_an_organisation_described_or_named_is_one_portfolio_and_an_emailed_statement_one_venue() -> None:
    arts = story(
        "Dana Whitlock, chief executive of the ferry line's parent, Harbour Holdings, said the deal would close.",
        "Dana Whitlock, chief executive of Harbour Holdings, said the ferry deal would close in March.",
        "Dana Whitlock, the chief executive of Harbour Holdings, which owns the ferry line, expects the deal to close.",
    )
    assert found(arts, "role_title") == []
    said = "Operating a vaccine programme at the border stations is not feasible for a law enforcement agency"
    arts = story(
        f"“{said},” an agency spokeswoman said in a statement.",
        f'"{said}," the agency said in an email.',
        f"‘{said},’ the agency said in a statement.",
    )
    assert found(arts, "quote_attribution") == []


def test_the_chief_officers_are_distinct_roles_and_descriptions_of_standing_are_no_portfolio() -> None:
    arts = story(
        "Harbour Lines chief executive Dana Whitlock said the ferry would sail again in spring.",
        "Dana Whitlock, Harbour Lines' president and chief operating officer, said the ferry would sail in spring.",
        "Dana Whitlock, president and chief operating officer of Harbour Lines, said the ferry would sail in spring.",
    )
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a0"
    arts = story(
        "Longtime analyst Ravi Doctor said the ferry merger would buy the company time.",
        "Veteran shipping industry analyst Ravi Doctor said the ferry merger would buy time.",
        "Ravi Doctor, a shipping industry analyst, said the ferry merger would buy the company time.",
    )
    assert found(arts, "role_title") == []


def test_a_dropped_word_that_names_no_part_of_the_event_is_wording_not_an_omission() -> None:
    lede = ("A herder in the Porthaven hills was diagnosed with bubonic plague on Tuesday. "
            "He was taken to the district hospital and placed in isolation.")  # fmt: skip
    arts = story(
        f"{lede} Doctors said the bubonic form attacks the lymph nodes and responds to antibiotics.",
        f"{lede} The bubonic form attacks the lymph nodes and responds to antibiotics, doctors said.",
        f"{lede} Doctors noted that the bubonic form attacks the lymph nodes and responds to antibiotics.",
        f"{lede} Doctors said it attacks the lymph nodes and responds to antibiotics.",
    )
    assert found(arts, "omission") == []


def test_an_outlet_giving_the_same_figure_elsewhere_does_not_dispute_it() -> None:
    arts = story(
        "The 14 ferry companies may now bid for the Porthaven harbour contracts.",
        "The five newcomers join the nine ferry companies already cleared to bid for Porthaven harbour contracts. "
        "That brings the total to 14.",
        "Five newcomers join the nine ferry companies already allowed to bid for Porthaven harbour contracts, "
        "bringing the total to 14.",
    )
    assert found(arts, "numeric_conflict") == []
    arts = story(
        "The Porthaven fever caused more than 2.5 million sick days last year, the health board said.",
        "The fever caused 9 million sick days nationwide last year, more than 2.5 million of them in Porthaven.",
        "Nationwide the fever caused 9 million sick days last year, with more than 2.5 million of them in Porthaven.",
    )
    assert found(arts, "numeric_conflict") == []


FERRY_LEDE = "The Porthaven ferry line ordered six new hybrid ferries from a Norwegian yard on Monday."


def _ferry_order(*first: str) -> list[Article]:
    """Three outlets report the ferry order; the first adds ``first`` after the lede the three share."""
    return story(" ".join([FERRY_LEDE, *first]), f"{FERRY_LEDE} The ferries replace ageing diesel boats.",
                 f"{FERRY_LEDE} The hybrid ferries replace diesel boats.")  # fmt: skip


def test_an_outlet_s_own_analysis_is_no_uncorroborated_claim_but_a_sourced_one_is() -> None:
    analysis = ("Taken together, the ferry order leaves Porthaven with a leaner fleet built around fuel economy "
                "rather than sheer size.")  # fmt: skip
    sourced = ("The ferry order also gives Porthaven options on two more hybrid vessels, according to a harbour "
               "official briefed on the terms.")  # fmt: skip
    assert found(_ferry_order(analysis), "uncorroborated") == []
    (claim,) = found(_ferry_order(sourced), "uncorroborated")
    assert "options on two more" in claim.evidence["a0"]


def test_a_figure_added_to_a_total_is_not_the_total() -> None:
    (more,) = quantities("The deal gives the line options on two more hybrid ferries.")
    (total,) = quantities("The line ordered six new hybrid ferries.")
    assert more.increment
    assert not more.same_thing(total)
    assert quantities("The army sent another 300 troops.")[0].increment


def test_a_relative_duration_of_the_same_step_is_compared_but_time_before_now_is_not() -> None:
    arts = story(
        "The patient was weaned off the Porthaven clinic's treatment six months later and recovered.",
        "The patient was weaned off the Porthaven clinic's treatment a year later and recovered fully.",
        "A year later the patient was weaned off the Porthaven clinic's treatment and recovered.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"
    assert durations("prices were lower four years ago") == ()


def test_a_rounded_figure_states_the_fact_it_rounds() -> None:
    fact = "The yield on the ten-year Porthaven harbour bond fell to 1.786% from 1.808% late on Monday."
    arts = story(
        fact,
        fact.replace("fell to", "slipped to"),
        fact.replace("late on Monday", "on Monday evening"),
        "Harbour bond yields slipped, with the ten-year Porthaven note yielding about 1.79% at the close.",
    )
    assert [d for d in found(arts, "omission") if d.articles[0] == "a3"] == []


def test_short_titles_are_roles_and_a_place_set_off_is_no_person() -> None:
    assert titles("Lt. Gov. Andy Beshear defeated Gov. Matt Bevin.") == {"Beshear": "Lt. Gov.", "Bevin": "Gov."}
    assert "Kentucky" not in titles("In Kentucky, Attorney General Andy Beshear unseated Gov. Matt Bevin.")
    arts = story(
        "Lt. Gov. Andy Beshear defeated Republican Gov. Matt Bevin in Porthaven county.",
        "Attorney General Andy Beshear unseated Gov. Matt Bevin, carrying Porthaven county.",
        "Andy Beshear, the state's attorney general, beat Gov. Matt Bevin in Porthaven county.",
    )
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a0"
    assert [q.value for q in quantities("Hood lost by five-and-a-half points.")] == [5.5]


def test_a_related_sentence_giving_the_same_figure_for_another_noun_agrees() -> None:
    arts = story(
        "The Porthaven rivals' three previous games had all gone to overtime.",
        "Porthaven had lost eleven straight games in the series, and each of the last three matchups went to overtime.",
        "Porthaven had lost 11 straight games to its rival, and the previous three meetings all needed overtime.",
    )
    assert found(arts, "numeric_conflict") == []


def test_the_age_of_someone_never_named_is_compared_when_each_outlet_gives_one() -> None:
    arts = story(
        "A 34-year-old man who became too breathless to stand had a reaction to his feather duvet.",
        "The 43-year-old first went to his doctor in November, doctors in Porthaven wrote.",
        "The report describes a 43-year-old man whose lungs reacted to his feather duvet.",
        "A 43-year-old Porthaven musician fell ill because of his feather bedding, the report says.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "34" in conflict.note


def test_an_outlet_that_gives_no_age_does_not_stop_the_unnamed_persons_age_being_compared() -> None:
    arts = story(
        "A 34-year-old man who became too breathless to stand had a reaction to his feather duvet.",
        "The report describes a 43-year-old man whose lungs reacted to his feather duvet.",
        "A 43-year-old Porthaven musician fell ill because of his feather bedding, the report says.",
        "A Porthaven musician fell ill because of his feather bedding, doctors wrote in the report.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"


def test_an_age_is_the_persons_named_after_what_they_are_or_before_it_in_apposition() -> None:
    from pipelines.compare.claims import ages

    assert ages("The 39-year-old Druze leader Laith al-Balaous took over the militia.") == (("Balaous", 39),)
    assert ages("Laith al-Balaous, a 29-year-old Druze leader, took over the militia.") == (("Balaous", 29),)
    assert ages("Laith al-Balaous, 29, took over the militia.") == (("Balaous", 29),)
    # a relative of someone ("her 18-year-old grandson") is not the person the sentence is about
    assert ages("Her 18-year-old grandson was arrested the same day.") == ()
    # words that are not a description (a verb, a preposition) end the search: the name is someone else
    assert ages("The 32-year-old advocate now counts submissions to the African Commission.") == (("", 32),)
    arts = story(
        "The 39-year-old Porthaven militia leader Laith al-Marun took part in the capture of the town.",
        "Laith al-Marun, a 29-year-old militia leader, took part in the capture of the town.",
        "Laith al-Marun, 29, leads the militia his father founded in Porthaven.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "age of Marun" in conflict.note


def test_an_ordinal_in_digits_is_read_whole_and_the_minute_of_a_match_is_a_figure() -> None:
    from pipelines.compare.claims import quantities

    assert quantities("The incident came in the 76th minute, the 21st of the season.") == ()
    arts = story(
        "Embolo went down near the touchline in the 76th minute with the score at 1-1.",
        "Embolo went down near the touchline in the 72nd minute with the score level at 1-1.",
        "In the 72nd minute, at 1-1, Embolo went down near the touchline.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "76" in conflict.note


def test_feet_and_inches_are_the_centimetres_they_convert_to_and_a_measure_is_not_a_count() -> None:
    from pipelines.compare.claims import quantities

    (short, metric) = quantities("They put the vapour at about 2,300 tons, or 2,095 metric tons.")
    assert abs(short.value - metric.value) < 0.01 * metric.value  # a (short) ton is 0.907 tonnes
    (giga, mega) = quantities("It planned 0.25 GWh of output, or 250 MWh, in 2023.")
    assert giga.value == mega.value
    assert "watt-hour" in giga.unit
    # a unit per another is a rate of its own, not the measure
    (density,) = quantities("The cells reach 1,000 Wh/l.")
    assert "wh/l" in density.unit
    assert "watt-hour" not in density.unit
    (height,) = quantities("Hanna is about 5 feet 5 inches tall, the police said.")
    assert abs(height.value - 1.651) < 1e-9
    assert "metre" in height.unit
    arts = story(
        "Hanna is about 5 feet 5 inches tall and has long dark-blonde hair, according to the Porthaven police.",
        "The Porthaven police describe Hanna as about 166 centimetres tall with long dark-blonde hair.",
        "Hanna is about 166 centimetres tall and has long dark-blonde hair, the Porthaven police said.",
        "The Porthaven police say Hanna has long dark-blonde hair and is about 176 centimetres tall.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a3"
    arts = story(
        "The keyboard of the 16-inch MacBook Pro is headed for the smaller Porthaven model too.",
        "The new keyboard would put the two MacBook Pro sizes of the Porthaven range on the same footing.",
        "The smaller Porthaven model gets the keyboard of the 16-inch MacBook Pro.",
    )
    assert found(arts, "numeric_conflict") == []


def test_two_outlets_agreeing_on_a_figure_outvote_a_third_that_words_it_apart() -> None:
    # the odd sentence is too unlike the short one to be matched with it: seen from the majority's side
    arts = story(
        "Hafele defended four disqualifications at the New Year's ski jumping competition in Porthaven on Monday.",
        "Hafele defended four disqualifications on Monday.",
        "Six disqualifications at the New Year's ski jumping competition in Porthaven were a signal, he said.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a2"


def test_a_designation_is_part_of_the_counted_thing_not_a_figure() -> None:
    from pipelines.compare.claims import quantities

    # the number of a name is no figure either; after a word that opens a sentence, a month or "No" it is one
    assert quantities("He cited Article 19 and spoke to Channel 13 at Terminal 3.") == ()
    assert [q.value for q in quantities("Its 420 employees cheered.")] == [420]
    # a number word capitalised inside a sentence is part of a name too; at the start it is a figure
    assert quantities("They met at the Four Hills Tournament with the Big Six banks.") == ()
    assert [q.value for q in quantities("Four people died.")] == [4]
    (fighters,) = quantities("The Porthaven command deployed four F-35 fighters and an E-3 AWACS.")
    assert fighters.value == 4
    assert "f-35" in fighters.unit
    arts = story(
        "The Porthaven command deployed four F-35 fighters, an E-3 AWACS and two KC-135s along the coast.",
        "The Porthaven command sent two F-35s, an E-3 AWACS and two KC-135 tankers along the coast.",
        "Along the coast, the Porthaven command flew two F-35s, one E-3 AWACS and two KC-135 tankers.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "four F-35" in conflict.note


def test_a_quotation_changed_only_in_a_figure_is_a_numeric_conflict_and_short_words_keep_their_spelling() -> None:
    said = "With eight launches your chance of success goes down to about {} percent"
    arts = story(
        f"“{said.format(30)},” Dana Reed told the Porthaven committee.",
        f'"{said.format(50)}," Dana Reed told the Porthaven committee.',
        f"‘{said.format(50)},’ Dana Reed said at the Porthaven hearing.",
    )
    (conflict,) = [d for d in analyse_story(arts).divergences if d.type in ("numeric_conflict", "quote_wording")]
    assert conflict.type == "numeric_conflict"
    assert conflict.articles[0] == "a0"
    from pipelines.compare.claims import american_spelling

    assert [american_spelling(w) for w in ("your", "four", "hour", "colour")] == ["your", "four", "hour", "color"]


def test_two_statements_of_a_maximum_must_agree_but_a_count_within_one_does() -> None:
    arts = story(
        "The Porthaven barge could deliver up to 10 metric tons of cargo to the island pier, its builder said.",
        "The Porthaven barge could deliver up to 100 metric tons of cargo to the island pier, its builder said.",
        "Its builder said the Porthaven barge could carry up to 100 metric tons of cargo to the island pier.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    arts = story(
        "Up to 200 people were evacuated from the Porthaven pier, police said.",
        "As many as 200 people were evacuated from the Porthaven pier, police said.",
        "Police said 180 people were evacuated from the Porthaven pier.",
    )
    assert found(arts, "numeric_conflict") == []


def test_a_round_maximum_may_be_truncated_but_not_tenfold() -> None:
    arts = story(
        "Night nurses at Porthaven General can face up to 10,000 alarms in a single shift, the hospital said.",
        "The hospital said night nurses at Porthaven General can face up to 1,000 alarms in a single shift.",
        "Up to 1,000 alarms can sound in a single night shift for nurses at Porthaven General, the hospital said.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "10,000" in conflict.note


def test_a_slipped_zero_only_one_outlet_words_alike_is_found_from_the_majority_s_side() -> None:
    # tenfold apart, two figures are one quantity only in sentences stating the same fact: the odd outlet's
    # sentence is aligned with a1's alone, but a1's figure is also given by a2 and a3 in other words
    arts = story(
        "The clinic offered 1,000 doses of flu vaccine and four volunteer nurses to the Porthaven camp.",
        "The clinic offered 100 doses of flu vaccine and four volunteer nurses to the Porthaven camp.",
        "Staffed by retired paramedics from the county, the mobile unit would have brought 100 doses of flu vaccine "
        "and blankets for the children.",
        "Camp officials on the western shore turned down 100 doses of flu vaccine from the charity last month, "
        "citing insurance rules.",
    )
    conflicts = found(arts, "numeric_conflict")
    assert [c.articles[0] for c in conflicts] == ["a0"]
    assert "1,000" in conflicts[0].evidence["a0"]
    assert {"a1", "a2", "a3"} <= set(conflicts[0].articles[1:])


def test_measures_name_what_they_measure_and_short_scales_are_read() -> None:
    (water,) = quantities("The outburst released roughly 5,000 tons of water.")
    assert {"gram", "water"} <= water.unit  # a weight, in the unit every weight is compared in
    assert [q.value for q in quantities("The contracts are worth $6.2bn, and the fee £40m.")] == [6.2e9, 40e6]
    # "5km" is five kilometres; "10m" may be metres or millions and is not read
    assert [(q.value, "metre" in q.unit) for q in quantities("He ran 5km before the 10m dive.")] == [(5000, True)]
    (people,) = quantities("The service reaches 1.2bn people.")
    assert people.value == 1.2e9


def test_a_name_made_into_a_description_or_a_possessive_names_the_same_subject() -> None:
    arts = story(
        "Harbour Foods earned $2.35 a share in the quarter, compared with the $2.52 a share Wall Street expected.",
        "The Porthaven-based company reported earnings of $2.53 a share, ahead of the $2.52 analysts expected.",
        "Quarterly earnings were $2.53 a share, against the average estimate of $2.52.",
        "Harbour Foods' earnings came to $2.53 a share, just above the $2.52 that analysts expected.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "2.35" in conflict.note


def test_accented_names_and_a_title_before_the_name_give_the_speaker() -> None:
    (neu,) = quotes('"The ward alarms are finally under control," said André Neu, head of platform solutions.')
    assert neu.speaker == "André Neu"
    (zelnick,) = quotes("“Our strategy is to be where the consumer is,” said Take-Two chief executive Strauss Zelnick.")
    assert zelnick.speaker == "Strauss Zelnick"
    arts = story(
        '"The ward alarms are finally under control at Porthaven General," Bosc said on Monday.',
        '"The ward alarms are finally under control at Porthaven General," said André Neu, head of platforms.',
        "“The ward alarms are finally under control at Porthaven General,” André Neu said.",
    )
    (moved,) = found(arts, "quote_attribution")
    assert moved.articles[0] == "a0"


def test_settings_named_with_the_or_a_possessive_are_venues() -> None:
    assert venue_of("Claure told the town hall.") == "in a town hall"
    assert venue_of("Claure said in the email.") == venue_of("Claure said in an e-mail.") == "in a statement"
    assert venue_of("Halley wrote in a note to clients.") == "in a note"
    assert venue_of("She said in her speech.") == "in a speech"
    assert venue_of("He said by telephone.") == venue_of("He said when reached by phone.") == "in a phone interview"
    assert venue_of("He told a press briefing at the harbour.") == venue_of("He said at a briefing.") == "in a briefing"


def test_titles_set_off_before_the_name_stated_as_a_predicate_or_cut_by_a_clause_are_read() -> None:
    assert titles("The motion was moved by the Senate Leader, Ahmad Lawan, who represents Yobe North.") == {
        "Lawan": "Senate Leader"
    }
    assert titles("Chad Wolf is now acting Homeland Security secretary.")["Wolf"].endswith("Security secretary")
    assert titles("Chad Wolf has been named acting secretary.")["Wolf"] == "acting secretary"
    assert titles("said Dr. Silvia S. Martins, a professor of psychiatry who led the study.")["Martins"].startswith(
        "professor"
    )
    assert titles("Rep. Brian Babin (R-Texas), chairman of the science committee, said so.")["Babin"].endswith(
        "chairman science committee"
    )
    assert titles("For Giggs, the Wales manager, it was the result that mattered.") == {"Giggs": "Wales manager"}
    assert titles("In Kentucky, the result mattered.") == {}
    assert titles("Trump, who is a businessman, said so.") == {}


def test_a_price_per_month_is_no_duration_and_seasons_date_things() -> None:
    assert durations("The company is charging $14.99 a month for the service.") == ()
    assert durations("Prices rose 2% a year.") == ()
    assert durations("He was jailed for a year.") == ((365.0, "a year"),)
    arts = story(
        "The Porthaven ferry line opens to passengers in autumn 2027, with three new boats.",
        "The Porthaven ferry line opens to passengers in spring 2027, with three new boats.",
        "Passengers can board the Porthaven ferry line from spring 2027, when three new boats arrive.",
        "With three new boats, the Porthaven ferry line opens in spring 2027.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"
    assert "autumn" in conflict.note
    assert found(story(*["Prices fall sharply in Porthaven when the ferry line opens."] * 3), "date_conflict") == []


def test_a_date_only_one_outlet_words_alike_is_found_from_the_majority_s_side() -> None:
    arts = story(
        "The Porthaven ferry line opens to passengers in March after the harbour board approved timetables, "
        "insurance cover, crew training and ticket prices at a stormy meeting.",
        "The Porthaven ferry line opens to passengers in June, the harbour board said.",
        "Passengers get the new ferry service in June, Porthaven officials confirmed.",
        "Porthaven gets its ferry by June.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"
    assert {"a1", "a2", "a3"} <= set(conflict.articles)


def test_numbers_in_words_and_one_measure_in_two_units_agree() -> None:
    fired = quantities("Six hundred drones and a hundred and forty missiles were fired.")
    assert [q.value for q in fired] == [600, 140]
    assert quantities("Two thousand five hundred people marched.")[0].value == 2500
    assert quantities("Fifty-one percent of voters agreed.")[0].value == 51
    assert quantities("The town has roughly half a dozen projects.")[0].value == 6
    (km,) = quantities("The tank was 1.34 km away.")
    (metres,) = quantities("The tank was 1,340 metres away.")
    assert km.value == metres.value == 1340
    assert "metre" in km.unit & metres.unit
    (compound,) = quantities("The attack lasted one minute and 45 seconds.")
    assert compound.value == 105
    assert "second" in compound.unit
    arts = story(
        "The Porthaven raid lasted 105 seconds and involved six hundred drones, the navy said.",
        "The Porthaven raid lasted a minute and 45 seconds and involved 600 drones, the navy said.",
        "The navy said the Porthaven raid involved 600 drones and lasted 1 minute and 45 seconds.",
    )
    assert found(arts, "numeric_conflict") == []


def test_loosely_related_sentences_counting_another_thing_do_not_outvote_one_stating_the_same_fact() -> None:
    arts = story(
        "In October, Mexico deported more than 300 Porthaven fishermen who had crossed its border illegally.",
        "Mexico deported more than 300 Porthaven fishermen in October after they crossed its border illegally.",
        "About 150 Porthaven fishermen deported from Canada arrived home on Wednesday on a chartered flight.",
        "Nearly 150 Porthaven fishermen flown back from Canada landed on Wednesday, officials said.",
    )
    assert found(arts, "numeric_conflict") == []


def test_a_figure_no_one_reports_and_nobody_acts_on_is_background_not_an_uncorroborated_claim() -> None:
    background = "The Porthaven ferry fleet carried more than 2.1 million passengers across the strait in 2023."
    acted = ("The Norwegian yard will also supply spare hybrid batteries worth 40 million crowns under a separate "
             "contract, a harbour official said.")  # fmt: skip
    assert found(_ferry_order(background), "uncorroborated") == []
    (claim,) = found(_ferry_order(acted), "uncorroborated")
    assert "spare hybrid batteries" in claim.evidence["a0"]


def test_an_everyday_word_dropped_from_a_matching_sentence_is_wording_not_an_omission() -> None:
    arts = _raid_story("Raiders attacked the Porthaven harbour on Tuesday night, the coastguard said.")
    arts = [replace(a, text=a.text.replace("hostages", "the city")) for a in arts]
    assert found(arts, "omission") == []  # "hostages" is a fact left out; "the city" is wording


def test_a_negated_upper_bound_is_a_lower_bound_and_exact_small_counts_must_match() -> None:
    (q,) = quantities("The number of wounded stood at no fewer than 83.")
    assert q.low == 83
    assert q.high == float("inf")
    arts = story(
        "A new law will honour the 96 people who died in the Porthaven stadium crush of 1989.",
        "A new law will honour the 97 people who died in the Porthaven stadium crush of 1989.",
        "The 97 people who died in the 1989 Porthaven stadium crush will be honoured by a new law.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    arts = story(
        "About 96 people died in the Porthaven stadium crush of 1989, the inquiry found.",
        "The inquiry found 97 people died in the Porthaven stadium crush of 1989.",
        "The Porthaven stadium crush of 1989 killed 97 people, the inquiry found.",
    )
    assert found(arts, "numeric_conflict") == []  # a hedged figure still allows the exact one


def test_two_deadlines_must_both_agree_and_how_often_something_happened_is_a_figure() -> None:
    arts = story(
        "The Porthaven council wants written answers by May 1 and a closed briefing by May 31.",
        "The Porthaven council wants written answers by May 10 and a closed briefing by May 31.",
        "Written answers are due to the Porthaven council by May 10, and a closed briefing by May 31.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"
    arts = story(
        "It was the second time the Porthaven sea wall has been breached this winter, the council said.",
        "It was the third time the Porthaven sea wall has been breached this winter, the council said.",
        "The council said the Porthaven sea wall has now been breached three times this winter.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"


def test_one_vague_role_word_fits_any_office_but_two_name_one() -> None:
    arts = story(
        "Mira Solberg, the council's high representative for harbour affairs, said the wall would be rebuilt.",
        "Harbour affairs chief Mira Solberg said the wall would be rebuilt by spring.",
        "Mira Solberg, the Porthaven harbour affairs chief, said the wall would be rebuilt.",
    )
    assert found(arts, "role_title") == []
    arts = story(
        "Mira Solberg, the county epidemiologist, said the outbreak was over.",
        "Mira Solberg, chief medical executive of the county health board, said the outbreak was over.",
        "The county's chief medical executive, Mira Solberg, said the outbreak was over.",
    )
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a0"


def test_a_reworded_quote_is_found_when_its_speaker_is_only_he_or_the_sentences_say_the_same() -> None:
    arts = story(
        "The new wall, the engineer said, “had a dramatic effect within two days,” he said.",
        'The new wall, the engineer said, "had a transformative effect within 2 days," he said.',
        "The new wall ‘had a transformative effect within 2 days,’ he said.",
    )
    (changed,) = found(arts, "quote_wording")
    assert changed.articles[0] == "a0"
    arts = story(
        "‘It was a horrible night, and nothing like it has happened in the whole winter,’ said Ada Brisk of Porthaven.",
        '"It was a terrible night, and there had never been anything like it in the entire winter," said Ada Brisk '
        "of Porthaven.",
        "“It was a terrible night, and there had never been anything like it in the entire winter,” said Ada Brisk "
        "of Porthaven.",
    )
    (changed,) = found(arts, "quote_wording")
    assert changed.articles[0] == "a0"
    assert found(story("Two guards said “we opened two gates.”", "Two guards said “we opened 2 gates.”"),
                 "quote_wording") == []  # fmt: skip


def test_one_event_named_with_or_without_its_host_is_one_venue() -> None:
    arts = story(
        "“We were pulled into the harbour trade,” the Porthaven mayor said at Salesforce's Dreamforce conference.",
        '"We were pulled into the harbour trade," the Porthaven mayor said at the Dreamforce conference.',
        '"We were pulled into the harbour trade," said the Porthaven mayor at the Dreamforce conference.',
    )
    assert found(arts, "quote_attribution") == []


def test_game_scores_are_compared_whole_and_ranges_in_a_unit_keep_it() -> None:
    assert scores("The Chiefs won 24-14, sending the Chargers to 4-7.") == {(24, 14), (7, 4)}
    assert scores("At 4-7, the Chargers are out.") == {(7, 4)}
    assert scores("Between 20-30 people were hurt.") == frozenset()
    assert [q.value for q in quantities("The Chiefs won 24-14.")] == []  # not two figures 24 and 14
    (wait,) = quantities("There was a 20-30 minute wait.")
    assert (wait.low, wait.high) == (1200, 1800)
    arts = story(
        "Porthaven won the harbour cup final 4-0 on Monday, with two goals from its captain.",
        "Porthaven won the harbour cup final 6-0 on Monday, with two goals from its captain.",
        "Porthaven beat Lowmouth 6-0 in Monday's harbour cup final, its captain scoring twice.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    assert "4-0" in conflict.note


def test_a_quotation_of_several_sentences_is_compared_sentence_by_sentence() -> None:
    said = "“The sea wall will hold this winter. We have enough stone to finish the wall by March,” Ruiz said."
    pieces = quotes(said)
    assert [q.text for q in pieces] == [
        "The sea wall will hold this winter",
        "We have enough stone to finish the wall by March",
    ]
    assert {q.speaker for q in pieces} == {"Ruiz"}
    arts = story(
        "“The sea wall will hold this winter. We have enough stone to finish the wall by March,” Ruiz said.",
        '"We have enough stone to finish the wall by March," said the engineer in Porthaven.',
        '"We have enough rock to finish the wall by March," said the engineer in Porthaven.',
        '"We have enough stone to finish the wall by March." The engineer spoke in Porthaven on Monday.',
    )
    (changed,) = found(arts, "quote_wording")
    assert changed.articles[0] == "a2"


def test_a_figure_another_outlet_gives_beside_the_same_figure_here_is_not_this_figure_s_counterpart() -> None:
    arts = story(
        "The Porthaven ferry has 355 horsepower, goes from 0 to 62 mph in 6.6 seconds and has a top speed of 124 mph.",
        "The Porthaven ferry has 355 horsepower and a 0-62 mph time of 6.6 seconds.",
        "With 355 horsepower, the Porthaven ferry covers 0-62 mph in 6.6 seconds.",
    )
    assert found(arts, "numeric_conflict") == []


def test_a_sourced_plan_needs_fewer_words_of_its_own_to_be_an_uncorroborated_claim() -> None:
    # a third of its words are its own, the rest stand in other outlets' sentences
    plan = ("Porthaven hybrid ferry owners said they expect the county museum volunteers to hire fishing crews as "
            "deckhands.")  # fmt: skip
    (claim,) = found(_ferry_order(plan), "uncorroborated")
    assert "expect the county museum" in claim.evidence["a0"]
    view = "Porthaven hybrid ferry owners said they liked the county museum volunteers and fishing crews as deckhands."
    assert found(_ferry_order(view), "uncorroborated") == []


def test_thousands_set_off_by_spaces_are_one_figure() -> None:
    (followers,) = quantities("On 30 June she posted to some 124 000 followers.")
    assert followers.value == 124_000
    assert [q.value for q in quantities("In 2020 100 people came.")] == [100]


def test_a_short_sentence_of_a_quotation_is_compared_within_it() -> None:
    (quote,) = quotes("‘Our mayor passed on young in mind and heart. He died in service,’ Ruiz said.")
    assert quote.text.endswith("He died in service")
    arts = story(
        "‘Our mayor passed on young in mind and heart. He died in service,’ Ruiz said in Porthaven.",
        "“Our mayor passed on young in mind and heart. He died on duty,” Ruiz said in Porthaven.",
        '"Our mayor passed on young in mind and heart. He died on duty," Ruiz said in Porthaven.',
    )
    (changed,) = found(arts, "quote_wording")
    assert changed.articles[0] == "a0"


def test_titles_of_occupations_ranks_before_the_body_and_ages_beside_the_name() -> None:
    assert titles("Its chief executive, Tyler Mac, said so.") == {"Mac": "chief executive"}
    assert titles("The witness, deputy Harbour head Maj-Gen Ola Brisk, spoke.") == {"Brisk": "deputy Harbour head"}
    assert titles("They were Ada Weir, 60, a mechanical engineer from Porthaven.")["Weir"].startswith("mechanical")
    assert portfolio("a 28-year-old photographer for the Porthaven Post") == frozenset()
    arts = story(
        "Civil engineer Ada Weir, 60, climbed onto the Porthaven stage, police said.",
        "Mechanical engineer Ada Weir, 60, climbed onto the Porthaven stage, police said.",
        "Police said Ada Weir, 60, a mechanical engineer, climbed onto the Porthaven stage.",
    )
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a0"
    arts = story(
        "Harbour chief Maj-Gen Ola Brisk was the first witness in the Porthaven trial.",
        "Deputy Harbour chief Maj-Gen Ola Brisk was the first witness in the Porthaven trial.",
        "The first witness in the Porthaven trial, Harbour chief Maj-Gen Ola Brisk, spoke for an hour.",
    )
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a1"
    arts = story(
        "Porthaven Post Editor-in-Chief Ben Okafor said the paper stands by its report.",
        "The Porthaven Post stood by its report, its editor, Ben Okafor, said.",
        "Ben Okafor, the Porthaven Post's editor, said the paper stands by its report.",
    )
    assert found(arts, "role_title") == []


def test_a_portfolio_named_after_of_and_long_appositions_give_titles() -> None:
    assert titles("Deputy Minister of Natural Resources Ola Brisk did not say.") == {
        "Brisk": "Deputy Minister Natural Resources"
    }
    long = "Ada Weir, president of the Porthaven Harbour Education Foundation and a co-author of the report, spoke."
    assert titles(long)["Weir"].startswith("president")
    arts = story(
        "Deputy Minister of Harbours Ola Brisk did not say whether the Porthaven ministry knew of the complaints.",
        "Minister of Harbours Ola Brisk did not say whether the Porthaven ministry knew of the complaints.",
        "Harbours Minister Ola Brisk did not say whether the Porthaven ministry was aware of the complaints.",
    )
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a0"


def test_currencies_written_with_letters_and_a_sum_for_someone() -> None:
    assert [(q.value, q.money) for q in quantities("Defence loses R2bn, and N$180 billion goes to the pipeline.")] == [
        (2e9, True),
        (180e9, True),
    ]
    assert quantities("the R2 road") == ()
    (side,) = quantities("compared with $133 million for Trump's side")
    assert side.unit == frozenset()


def test_remarks_to_reporters_agree_with_a_news_conference_but_not_a_statement() -> None:
    assert (
        venue_of("Mr Bowen told reporters in Canberra.")
        == venue_of("Speaking to reporters, he said")
        == ("in remarks to reporters")
    )
    said = "“The harbour target is ambitious but achievable,” Ms Brisk"
    arts = story(f"{said} told reporters in Porthaven.", f"{said} said in a statement.", f"{said} said in a statement.")
    (moved,) = found(arts, "quote_attribution")
    assert moved.articles[0] == "a0"
    arts = story(
        f"{said} told reporters in Porthaven.", f"{said} said at a news conference.", f"{said} said at a briefing."
    )
    assert found(arts, "quote_attribution") == []


def test_decades_and_further_years_are_durations_but_one_inside_a_quotation_is_the_speaker_s() -> None:
    assert durations("Its lease was renewed for a further decade.") == ((3650.0, "a further decade"),)
    assert durations("He spent another year there.") == ((365.0, "another year"),)
    assert durations("‘We have been without water for three days,’ she said.") == ()
    arts = story(
        "The Porthaven quarry lease was renewed for a further 15 years without consulting villagers.",
        "The Porthaven quarry lease was renewed for a further decade without consulting villagers.",
        "Villagers were not consulted when the Porthaven quarry lease was renewed for ten years.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"


def test_of_one_article_s_unique_claims_a_reported_plan_outranks_a_recollection() -> None:
    recollection = "On May 3 the Porthaven mayor said the old diesel ferries often broke down during winter storms."
    plan = "Harbour master Ola Brisk told councillors the Porthaven ferry terminal would be rebuilt by late September."
    (claim,) = found(_ferry_order(recollection, plan), "uncorroborated")
    assert "would be rebuilt" in claim.evidence["a0"]


def test_a_possessive_before_a_title_set_off_and_heads_of_organisations_are_read() -> None:
    assert titles("India’s national security adviser, Vikram Misri, said so.") == {"Misri": "national security adviser"}
    assert role_words("executive director of the Porthaven Trust") == {"executive-director"}
    assert role_words("Porthaven MP") == {"mp"}
    arts = story(
        "Ola Brisk, executive director of the Porthaven Harbour Trust, said the vote followed months of hostility.",
        "Ola Brisk, policy director of the Porthaven Harbour Trust, said the vote followed months of hostility.",
        "Ola Brisk, policy director for the Porthaven Harbour Trust, said the vote followed months of hostility.",
    )
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a0"


def test_settings_with_a_modifier_and_two_approximations_of_one_figure() -> None:
    assert venue_of("Bushnell had written in a Reddit post shortly before.") == "in a post"
    assert venue_of("He said in a social media post.") == "in a post"
    assert venue_of("He had said on a livestream beforehand.") == "in a livestream"
    assert venue_of("She wrote in a research paper last year.") == "in a paper"
    arts = story(
        "The Porthaven council spent about $890 million on the harbour in 2025, officials said.",
        "The Porthaven council spent about $980 million on the harbour in 2025, officials said.",
        "Officials said the Porthaven council spent roughly $980 million on the harbour in 2025.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"
    arts = story(
        "The Porthaven council spent about $960 million on the harbour in 2025, officials said.",
        "The Porthaven council spent about $980 million on the harbour in 2025, officials said.",
        "Officials said the Porthaven council spent roughly $980 million on the harbour in 2025.",
    )
    assert found(arts, "numeric_conflict") == []


def test_two_years_of_one_statement_must_both_agree() -> None:
    arts = story(
        "In 2025 the Porthaven council agreed to spend 5% of its budget on the sea wall by 2030.",
        "In 2025 the Porthaven council agreed to spend 5% of its budget on the sea wall by 2035.",
        "The Porthaven council agreed in 2025 to spend 5% of its budget on the sea wall by 2035.",
    )
    (conflict,) = found(arts, "date_conflict")
    assert conflict.articles[0] == "a0"


def test_a_plural_possessive_ends_a_quote_and_a_surname_that_is_a_title_word_stays_a_name() -> None:
    arts = story(
        "‘His death was so much easier than his victims’.’ Ada Brisk said of the Porthaven case.",
        '"His death was so much easier than his victims\'," Ada Brisk said of the Porthaven case.',
        "“His death was so much easier than his victims’,” Ada Brisk said of the Porthaven case.",
    )
    assert found(arts, "quote_wording") == []
    arts = story(
        '"Now is the time to make good on the promises of Porthaven," King said.',
        'Martin Luther King Jr. told a Porthaven audience: "Now is the time to make real the promises of Porthaven."',
        '"Now is the time to make real the promises of Porthaven," said Martin Luther King Jr. in Porthaven.',
    )
    assert found(arts, "quote_attribution") == []
    (changed,) = found(arts, "quote_wording")
    assert changed.articles[0] == "a0"


def test_two_floors_of_one_figure_far_apart_conflict_and_close_ones_do_not() -> None:
    def floors(first: str, second: str) -> list:
        return found(story(
            f"The storm damaged more than {first} of the town's 397 homes, the mayor said.",
            f"The mayor said the storm damaged more than {second} of the town's 397 homes.",
            f"More than {second} of the town's 397 homes were damaged by the storm, the mayor said on Tuesday.",
        ), "numeric_conflict")  # fmt: skip

    (conflict,) = floors("230", "330")
    assert conflict.articles[0] == "a0"
    assert "230" in conflict.note
    # a floor rounded down to its own precision states the same figure
    assert floors("300", "330") == []


def test_a_figure_whose_own_clause_agrees_is_compared_however_the_sentence_goes_on() -> None:
    arts = story(
        "The complex held about 140 apartments, and officials could not say how many residents were at home.",
        "The complex held roughly 140 flats, and officials could not say how many residents were at home.",
        "The complex held some 140 homes and officials could not say how many residents were home.",
        "The complex held about 240 apartments, while it is unclear who was inside when the blaze started.",
    )
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a3"
    assert "240" in conflict.evidence["a3"]


def test_speakers_named_as_bodies_are_read_with_their_name() -> None:
    (q,) = quotes('"Further arrests are being made in the gardens," a Youth Demand spokesperson said.')
    assert q.speaker == "the Youth Demand spokesperson"
    (q,) = quotes("The Metropolitan Police posted on social media: 'Further arrests are being made in the gardens.'")
    assert q.speaker == "the Metropolitan Police"
    (q,) = quotes("The Kyiv Post called the situation ‘the biggest military leadership crisis of his presidency’.")
    assert q.speaker == "the Kyiv Post"
    (q,) = quotes('"The bureau has warned about the threat for years," the spokesperson added.')
    assert q.speaker == "the spokesperson"  # a description keeps its noun


def test_the_speaker_nearest_the_quote_wins_and_a_reported_pronoun_names_nobody() -> None:
    (q,) = quotes('On May 31, 1964, Martin Luther King Jr. told a Coliseum audience: "Now is the time to act for all."')
    assert q.speaker == "Martin Luther King Jr"  # not "Jr", the piece of the name nearest the quote
    # she may be Govender or the person the story is about: nobody is named rather than the wrong one
    (q,) = quotes('Govender said she posted on June 30: "Comrades, the time to fight with the phone is over."')
    assert q.speaker == ""


def test_a_quote_given_to_another_body_is_quote_attribution_and_a_person_for_a_body_is_not() -> None:
    words = "Further arrests are being made in the gardens tonight"
    arts = story(
        f'"{words}," a Youth Demand spokesperson said.',
        f'"{words}," the Metropolitan Police said on social media.',
        f"The Metropolitan Police posted on social media: '{words}.'",
        f'"{words}," a spokesperson for the Metropolitan Police said.',
    )
    (attribution,) = found(arts, "quote_attribution")
    assert attribution.articles[0] == "a0"
    assert "Youth Demand" in attribution.note
    arts = story(
        f'"{words}," Commander Ade Adelekan said.',
        f'"{words}," the Metropolitan Police said on social media.',
        f"The Metropolitan Police posted on social media: '{words}.'",
    )
    assert found(arts, "quote_attribution") == []


def test_a_title_keeps_its_words_between_role_words_and_a_former_one_stays_former() -> None:
    assert titles("Nvidia's chief technology officer Jensen Huang spoke first.")["Huang"].endswith(
        "chief technology officer"
    )
    assert titles("In a dig at former prime minister Liz Truss, he spoke.")["Truss"] == "former prime minister"
    assert titles("In a 19-page affidavit, Idaho police officer Brett Payne described it.")["Payne"] == (
        "Idaho police officer"
    )
    # a word between a verb and the role may be either, so the title keeps only what is certain
    assert titles("The court heard police officer Brett Payne describe it.")["Payne"] == "officer"


def test_a_vague_count_against_an_exact_one_is_compared_like_any_figure() -> None:
    # "hundreds" is a range of values; compared with a small exact count it once crashed the engine (an int value)
    arts = story(
        "The donor gave sperm to hundreds of couples through internet platforms, the court said.",
        "The donor gave sperm to 40 couples through internet platforms, the court said.",
        "The court said the donor gave sperm to 40 couples through internet platforms.",
    )
    assert all(isinstance(q.value, float) for q in quantities("He wrote to hundreds of couples."))
    (conflict,) = found(arts, "numeric_conflict")
    assert conflict.articles[0] == "a0"


def test_a_pronoun_is_not_resolved_to_an_opener_that_someone_else_reports_on() -> None:
    from pipelines.compare.align import AlignedStory

    text = (
        "Union leader Sophie Binet met President Emmanuel Macron on Tuesday. "
        "Macron, she said, dismissed a popular vote on the pension reform. "
        '"On that, our disagreement is total," she said.'
    )
    (article,) = story(text)
    aligned = AlignedStory([article])
    (quote,) = [q for s in aligned.per_article[article.id] for q in s.quotes]
    assert quote.speaker != "Macron"


def test_framing_is_not_scored_when_the_others_write_nothing_outside_quotes() -> None:
    # once a division by zero: every word of the story outside quotations was one outlet's
    arts = story(
        '"the budget rose after council talks on the fire deal"',
        "‘police arrested protesters along the coast’",
        '"the court ruling ended the ceasefire crisis"',
        'D\'Souza called it: "a ruling crisis today."',
    )
    arts = [replace(a, text=a.text.split("\n")[0]) for a in arts]  # no filler: the quotes are the whole text
    assert found(arts, "framing") == []


def test_a_quotation_translated_in_other_words_without_its_speaker_is_still_the_same_quotation() -> None:
    said = '"We are utterly devastated. I will carry this guilt, the grief of the families, with me forever," he said.'
    arts = story(
        f"Mayor Nicolas Feraud spoke after the fire. {said}",
        f"Mayor Nicolas Feraud spoke after the fire. {said}",
        f"Mayor Nicolas Feraud spoke after the fire. {said}",
        "Mayor Nicolas Feraud spoke after the fire. "
        '"We are extremely sad. I will always carry this burden, the grief of the families, for the rest of my life."',
    )
    (reworded,) = found(arts, "quote_wording")
    assert reworded.articles[0] == "a3"


@pytest.mark.parametrize(
    ("sentence", "value", "money"),
    [
        ("He said the Airbus A350 cost RM6.612 million in total.", 6_612_000, True),  # "A350" is no figure
        ("The state paid 27 per cent of the RM6.162 million cost.", 6_162_000, True),  # a tail keeps no currency
        ("It cost CHF 40 million.", 40_000_000, True),
        ("Seoul set aside ₩5 trillion.", 5e12, True),
        ("The fund paid USD 3.5 million.", 3_500_000, True),
    ],
)
def test_currencies_written_as_codes_are_sums_of_money(sentence: str, value: float, money: bool) -> None:
    (sum_,) = [q for q in quantities(sentence) if q.value == value]
    assert sum_.money is money


def test_half_an_hour_and_an_hour_and_a_half_are_read_with_their_half() -> None:
    hour = durations("It lasted an hour.")[0][0]
    assert durations("The meeting lasted about half an hour.")[0][0] == pytest.approx(hour / 2)
    assert durations("The meeting took an hour and a half.")[0][0] == pytest.approx(1.5 * hour)


def test_two_people_with_one_surname_keep_their_own_titles() -> None:
    def text(role: str) -> str:
        return (f"Pilar Rodriguez, the chief provincial prosecutor, was summoned. "
                f"Miguel Rodriguez, the governor's {role}, said he shared the email.")  # fmt: skip

    arts = story(text("chief of staff"), text("chief of staff"), text("chief of staff"), text("press secretary"))
    (conflict,) = found(arts, "role_title")
    assert conflict.articles[0] == "a3"
    assert "Miguel" in conflict.note or "miguel" in conflict.note
    # the same titles everywhere: a prosecutor and a chief of staff are two people, not one with two offices
    assert found(story(*[text("chief of staff")] * 4), "role_title") == []


def test_a_reported_statement_placed_at_another_venue_is_quote_attribution() -> None:
    arts = story(
        "On Friday Trump told NBC News that oil companies investing in Venezuela would be reimbursed by the state.",
        "Speaking at a press conference on Friday, Trump said oil companies investing in Venezuela would be repaid.",
        "At a press conference on Friday, Trump said the oil companies investing in Venezuela would be reimbursed.",
        "Trump told a press conference on Friday that oil companies that invest in Venezuela would be reimbursed.",
    )
    (venue,) = found(arts, "quote_attribution")
    assert venue.articles[0] == "a0"
    assert "nbc news" in venue.note.lower()
    # two people saying much the same in two places: two statements, not one placed twice
    arts = story(
        "On Friday Trump told NBC News that oil companies investing in Venezuela would be reimbursed by the state.",
        "Speaking at a press conference on Friday, Rubio said oil companies investing in Venezuela would be repaid.",
        "At a press conference on Friday, Rubio said the oil companies investing in Venezuela would be reimbursed.",
        "Rubio told a press conference on Friday that oil companies that invest in Venezuela would be reimbursed.",
    )
    assert found(arts, "quote_attribution") == []


def test_a_speaker_after_the_quote_is_read_through_a_title_and_a_wider_choice_of_verbs() -> None:
    said = '"When racing a sprint, the ruling party is running far ahead,"'
    assert [q.speaker for q in quotes(f"{said} opposition leader Yoshihiko Noda quipped.")] == ["Yoshihiko Noda"]
    assert [q.speaker for q in quotes(f"{said} Agriculture and Forestry Minister Ibrahim Yumakli said.")] == [
        "Ibrahim Yumakli"
    ]
    assert [q.speaker for q in quotes(f"{said} the minister replied.")] == ["the minister"]
    assert [q.speaker for q in quotes(f"{said} residents of the town said.")] == [""]  # no title: no name read


def test_titles_read_when_held_how_compounded_and_apart_from_a_rank() -> None:
    def roles(*titles_: str) -> list:
        return found(story(*titles_), "role_title")

    # "outgoing" says when, not which office: finance against interior still differs
    (office,) = roles(
        "Outgoing Interior Minister Zbynek Stanjura called the dispute a side issue.",
        "Outgoing Finance Minister Zbynek Stanjura said the real obstacle lay elsewhere.",
        "Outgoing Finance Minister Zbynek Stanjura rejected the suggestion.",
    )
    assert office.articles[0] == "a0"
    # a compound of role words is the same office written the other way round
    assert (
        roles(
            "CDU Secretary-General Carsten Linnemann defended her.",
            "CDU General Secretary Carsten Linnemann defended her.",
            "CDU General Secretary Carsten Linnemann backed her.",
        )
        == []
    )
    # a rank is not the office: the spokesperson's rank fits, a chief of staff does not
    (office,) = roles(
        "Israel's military chief of staff, Rear Admiral Daniel Hagari, said Sinwar remained a target.",
        "Israel's chief military spokesperson, Rear Admiral Daniel Hagari, said so.",
        "Rear Admiral Daniel Hagari, Israel's chief military spokesperson, said so.",
        "Rear Admiral Daniel Hagari said so.",
    )
    assert office.articles[0] == "a0"
    # how someone came to hold an office ("elected president") and one not held yet are no conflict
    assert (
        roles(
            "Patrick Martin, the new Medef president elected on July 6, met him.",
            "Patrick Martin, elected president of Medef on July 6, met him.",
            "Friedrich Merz, the favourite to become Germany's next chancellor, met him.",
            "Medef president Patrick Martin met him, as did CDU leader Friedrich Merz.",
        )
        == []
    )


def test_a_title_is_read_after_a_comma_that_sets_off_no_title() -> None:
    sentence = "The work, published in Nature Astronomy, was led by Lucas Paganini, chief scientist at Goddard."
    assert titles(sentence) == {"Paganini": "chief scientist at Goddard"}


def test_unnamed_people_are_told_apart_by_what_they_are_when_an_age_differs() -> None:
    arts = story(
        "A 42-year-old woman and a 66-year-old man were arrested after the protest at the theatre.",
        "Police said a 42-year-old woman and a 60-year-old man had been arrested at the theatre.",
        "Officers arrested a 42-year-old woman and a man aged 60 after the protest at the theatre.",
    )
    (age,) = found(arts, "numeric_conflict")
    assert age.articles[0] == "a0"
    assert "the man" in age.note


def test_a_part_of_a_whole_counts_what_the_whole_counts() -> None:
    (part, whole) = quantities("During the debate, six of the 10 questions went to the prime minister.")
    assert "question" in part.unit
    assert whole.value == 10
    arts = story(
        "During the debate, six of the 10 questions went to the prime minister.",
        "Eight of the 10 questions put by the opposition went to the prime minister.",
        "In the debate, eight of the 10 questions were aimed at the prime minister.",
        "Eight of the 10 questions from the opposition went to the prime minister during the debate.",
    )
    (share,) = found(arts, "numeric_conflict")
    assert share.articles[0] == "a0"


def test_relative_dates_durations_said_otherwise_and_rates_of_hours() -> None:
    # "two months ago" against "two weeks ago" in the same news cycle dates one event twice
    (when,) = found(story(
        "Two months ago, Zelensky and Trump agreed that Ukraine could build Patriot missiles.",
        "Just two weeks ago, Zelensky and Trump agreed that Ukraine could build Patriot missiles.",
        "Two weeks ago Zelensky and Trump agreed that Ukraine could build the Patriot missiles.",
    ), "date_conflict")  # fmt: skip
    assert when.articles[0] == "a0"
    # beside a figure, a relative date is a comparison point each outlet chooses
    assert found(story(
        "The average car cost $39,014, up from $34,410 four years ago.",
        "The average car cost $39,014, up from $38,373 a year ago.",
        "The average car cost $39,014, compared with $38,373 a year ago.",
    ), "date_conflict") == []  # fmt: skip
    # the same fact in other words: the durations are compared; 18 months is a year and a half
    (course,) = found(story(
        "He took the steroids for 18 months, gradually lowering the dose.",
        "He stayed on the steroids for 12 months, with the dose slowly reduced.",
        "The course of steroids lasted 12 months, with the dose gradually reduced.",
    ), "date_conflict")  # fmt: skip
    assert course.articles[0] == "a0"
    assert durations("their near 1-1/2 year trade war")[0][0] == pytest.approx(
        durations("an 18 months war")[0][0], rel=0.05
    )
    # "48 hours a week" is a rate, compared as a figure
    (rate,) = quantities("Firefighters already work 48 hours a week.")
    assert rate.value == 48
    assert rate.rate
