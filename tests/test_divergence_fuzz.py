"""The divergence engine never raises on odd stories, and every finding's evidence is its article's own words.

Stories are built from fragments of news sentences (figures with hedges, vague counts, dates, quotes in
every mark, speakers, titles) mixed with junk. A longer random run of the same kind (thousands of stories)
found two crashes that once stopped a whole watch's report, a vague count with an int value and a framing
score dividing by zero; each has its own regression test in test_divergence.py. This test keeps the
invariants on a smaller sample every run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.compare.divergence import analyse_story
from pipelines.models import Article

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
FIGURES = ["12", "140", "1,400", "2.5", "0", "half a dozen", "a hundred and forty", "fifty-one", "$3.2 million",
           "£40m", "124 000", "1.5%", "37 per cent", "13.5-inch", "160-metre-high", "20-30 minutes", "24-17",
           "2:30 a.m.", "Sept. 16", "June 2, 1923", "Friday", "two weeks", "三", "½"]  # fmt: skip
HEDGES = ["", "about ", "more than ", "at least ", "nearly ", "up to ", "hundreds of ", "dozens of ", "several ",
          "no fewer than ", "an estimated ", "another "]  # fmt: skip
UNITS = ["homes", "people", "dead", "years", "cases", "barrels a day", "per week", "of them", "more", ""]
SPEAKERS = ["Mayor Ana Ruiz", "he", "she", "the spokesperson", "a Youth Demand spokesperson", "The Metropolitan Police",
            "Martin Luther King Jr.", "Nvidia's chief technology officer Jensen Huang", "the 38-year-old", "Zoë Müller",
            ""]  # fmt: skip
VERBS = ["said", "told CNN", "said in a statement", "told Saudi state-owned Al-Arabiya television", "added",
         "called it", "posted on social media", "told reporters at a briefing"]  # fmt: skip
MARKS = [('"', '"'), ("“", "”"), ("‘", "’"), ("'", "'")]
WORDS = ["storm", "damaged", "coast", "officials", "council", "budget", "fire", "court", "police", "minister",
         "vote", "ceasefire", "hostages", "the", "and"]  # fmt: skip

words = st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join)
figure = st.builds(lambda h, f, u: f"{h}{f} {u}".strip(), st.sampled_from(HEDGES), st.sampled_from(FIGURES),
                   st.sampled_from(UNITS))  # fmt: skip
quote = st.builds(lambda m, w, f, who, verb: f"{m[0]}{w} {f}.{m[1]} {who} {verb}.".strip(),
                  st.sampled_from(MARKS), words, figure, st.sampled_from(SPEAKERS), st.sampled_from(VERBS))  # fmt: skip
claim = st.builds(lambda who, verb, f, w: f"{who} {verb} {f} {w}.".strip(), st.sampled_from(SPEAKERS),
                  st.sampled_from(VERBS), figure, words)  # fmt: skip
junk = st.one_of(st.text(max_size=60), st.sampled_from(["", ".", "“”", "(((", "Mr. Dr. Jr. U.S. No. 5.", "a" * 400]))
sentence = st.one_of(quote, claim, junk)


@st.composite
def stories(draw: st.DrawFn) -> list[Article]:
    base = draw(st.lists(sentence, min_size=1, max_size=8))
    out = []
    for n in range(draw(st.integers(1, 5))):
        kept = [s for s in base if draw(st.booleans()) or not s]
        text = " ".join(kept + draw(st.lists(sentence, max_size=3)))
        hours = draw(st.one_of(st.none(), st.integers(-48, 48)))
        out.append(Article(id=f"a{n}", outlet=f"o{draw(st.integers(0, 3))}", url=f"https://o{n}.example/s",
                           canonical_url="", title=draw(st.sampled_from(["", "Storm"])), text=text, fetched_at=T0,
                           published_at=None if hours is None else T0 + timedelta(hours=hours)))  # fmt: skip
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stories())
def test_the_engine_never_raises_and_its_evidence_is_the_articles_own_text(articles: list[Article]) -> None:
    texts = {a.id: a.text for a in articles}
    for finding in analyse_story(articles).divergences:
        for article, (start, end) in finding.spans.items():
            assert texts[article][start:end] == finding.evidence[article]
