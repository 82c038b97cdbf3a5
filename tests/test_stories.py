"""Story grouping on the demo newsroom's own gold groups."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from examples.newsroom.groundtruth import GROUND_TRUTH
from pipelines.stories import StoryIndex, time_weight


def bcubed_f1(predicted: dict[str, str], gold: dict[str, str]) -> float:
    def score(a: dict[str, str], b: dict[str, str]) -> float:
        return sum(
            len({j for j in a if a[j] == a[i]} & {j for j in b if b[j] == b[i]}) / len({j for j in a if a[j] == a[i]})
            for i in a
        ) / len(a)

    p, r = score(predicted, gold), score(gold, predicted)
    return 2 * p * r / (p + r)


def demo_articles() -> list[tuple[str, dict]]:
    out = []
    for line in GROUND_TRUTH.read_text(encoding="utf-8").splitlines():
        story = json.loads(line)
        out += [(story["story_id"], a) for a in story["articles"]]
    return sorted(out, key=lambda pair: pair[1]["published_at"])


def test_the_demo_stories_are_found_with_high_b_cubed_f1() -> None:
    index = StoryIndex()
    predicted, gold = {}, {}
    for story_id, a in demo_articles():
        when = datetime.fromisoformat(a["published_at"].replace("Z", "+00:00"))
        predicted[a["id"]] = index.add(a["id"], a["title"], a["text"], when)
        gold[a["id"]] = story_id
    assert bcubed_f1(predicted, gold) >= 0.95  # floor; bench/stories.py measures real pages
    central = {predicted[i] for i, s in gold.items() if s == "demo-ceasefire"}
    assert len(central) == 1


def test_an_article_outside_the_time_window_starts_a_new_story() -> None:
    index = StoryIndex()
    text = "Engineers reopened the Harbour Bridge after repairs to its northern span, the city council said."
    first = index.add(
        "a", "Harbour Bridge reopens after repairs", text, datetime.fromisoformat("2025-07-01T10:00+00:00")
    )
    same = index.add("b", "Harbour Bridge reopens", text, datetime.fromisoformat("2025-07-02T10:00+00:00"))
    later = index.add("c", "Harbour Bridge reopens", text, datetime.fromisoformat("2025-08-20T10:00+00:00"))
    assert first == same
    assert later != first


# Invented reports: the second shares the event's names but reads differently, so it resembles the first
# only moderately. Hours apart that is a follow-up of the same event; three days apart it is not.
STRIKE_TITLE = "Glassworks union votes to strike at Kellmore plant"
STRIKE_TEXT = (
    "Workers at the Kellmore glassworks voted on Tuesday to walk out next month after talks over night-shift pay"
    " collapsed, the Brenholt Workers Union said. The plant employs about 900 people and supplies bottles to"
    " breweries across the region. Managers said they were disappointed and would return to the table."
)
OFFER_TITLE = "Kellmore glassworks managers offer new pay deal"
OFFER_TEXT = (
    "Managers at the Kellmore glassworks offered a revised pay deal to staff on Thursday, after the Brenholt"
    " Workers Union voted for a walkout. The company said its order book is full until spring and that it hoped"
    " to avoid any disruption, adding that night-shift rates and holiday cover would be reviewed by an outside"
    " mediator."
)


def _strike_then_offer(hours_later: float) -> tuple[str, str]:
    index = StoryIndex()
    start = datetime.fromisoformat("2025-03-10T09:00+00:00")
    first = index.add("strike", STRIKE_TITLE, STRIKE_TEXT, start)
    second = index.add("offer", OFFER_TITLE, OFFER_TEXT, start + timedelta(hours=hours_later))
    return first, second


def test_a_moderate_resemblance_joins_hours_later_but_not_days_later() -> None:
    soon = _strike_then_offer(2)
    later = _strike_then_offer(70)  # inside the window: only the fading of the resemblance keeps them apart
    assert soon[0] == soon[1]
    assert later[0] != later[1]


def test_time_weight_falls_with_the_gap_and_forgives_a_bare_date_its_day() -> None:
    precise = datetime.fromisoformat("2025-03-10T06:00+00:00")
    bare = datetime.fromisoformat("2025-03-10T00:00+00:00")
    evening = datetime.fromisoformat("2025-03-10T18:00+00:00")
    assert time_weight(precise, precise) == 1.0
    assert time_weight(evening, precise) < 1.0
    assert time_weight(evening + timedelta(days=1), precise) < time_weight(evening, precise)
    # a bare date may mean any hour of that day: the same day counts as no gap, either way round
    assert time_weight(evening, bare, other_date_only=True) == 1.0
    assert time_weight(bare, evening) == 1.0
    assert time_weight(bare + timedelta(days=3), evening) < 1.0


# Invented pieces an hour apart on one topic (one laptop maker's machines) but two events: a review of a
# model on sale and a rumour about the next one. They share the topic's words, not its phrases.
REVIEW = (
    "Orchid Pro 16 review: the best laptop Orchid has made",
    "The Orchid Pro 16 is fast, quiet and has a keyboard that finally feels right. Battery life reached"
    " eleven hours in our video test, and the display is bright enough for a sunny train carriage. Orchid"
    " still charges too much for storage, and the webcam is mediocre. The laptop starts at 2,399 dollars.",
)
RUMOUR = (
    "Orchid laptop rumour: a brighter display and a cheaper model next spring",
    "Suppliers say Orchid will give its next laptop a display with more brightness and a battery that lasts"
    " longer. Orchid could also double the storage of its cheaper laptop, analysts who track orders say, and a"
    " keyboard redesign and a better webcam are in testing. Orchid declined to comment on the laptop plans.",
)
FOLLOW_UP = (
    "Orchid Pro 16 tested: battery life reached eleven hours",
    "In our tests the Orchid Pro 16 reached eleven hours of battery life in the video test, and the display"
    " proved bright enough outdoors. The laptop starts at 2,399 dollars with 512 GB of storage.",
)


def test_pieces_sharing_a_topic_but_no_phrases_stay_apart_and_a_report_that_does_joins() -> None:
    index = StoryIndex()
    t0 = datetime.fromisoformat("2025-11-20T09:00+00:00")
    review = index.add("review", *REVIEW, t0)
    rumour = index.add("rumour", *RUMOUR, t0 + timedelta(hours=1))
    follow_up = index.add("follow-up", *FOLLOW_UP, t0 + timedelta(hours=2))
    assert rumour != review
    assert follow_up == review


# Invented reports in Japanese (no spaces between words) and German (umlauts): two of one event and one of
# another, in each language.
JAPANESE = [
    (
        "jp-1",
        "台風10号が沖縄本島に上陸、那覇で最大風速40メートル",
        "気象庁によると、台風10号は28日午前、沖縄本島に上陸した。那覇市では最大風速40メートルを観測し、"
        "約3万戸が停電した。県は全域に避難指示を出している。",
    ),
    (
        "jp-2",
        "沖縄本島に台風10号上陸　3万戸停電",
        "台風10号は28日午前に沖縄本島へ上陸し、那覇市で最大風速40メートルを記録した。沖縄電力によると"
        "約3万戸が停電している。気象庁は引き続き警戒を呼びかけた。",
    ),
    (
        "jp-3",
        "日銀、政策金利を据え置き　物価見通しを上方修正",
        "日本銀行は28日の金融政策決定会合で、政策金利を据え置くことを決めた。物価見通しは上方修正した。",
    ),
]
GERMAN = [
    ("de-1", "Brückeneinsturz in Großwörth: Verkehr über die Mühlbach-Brücke gesperrt",
     "Nach dem Einsturz eines Teils der Mühlbach-Brücke in Großwörth bleibt die Straße gesperrt, teilte die"
     " Stadtverwaltung am Montag mit. Verletzt wurde niemand; Gutachter prüfen die übrigen Pfeiler."),
    ("de-2", "Großwörth: Mühlbach-Brücke nach Teileinsturz gesperrt",
     "Die Mühlbach-Brücke in Großwörth ist nach einem Teileinsturz gesperrt. Laut Stadtverwaltung wurde"
     " niemand verletzt, Gutachter untersuchen nun die übrigen Pfeiler der Brücke."),
    ("de-3", "Ärztestreik in Süddeutschland: Praxen bleiben geschlossen",
     "Tausende Ärztinnen und Ärzte in Süddeutschland streiken am Montag für höhere Honorare; viele Praxen"
     " bleiben geschlossen, teilte der Verband mit."),
]  # fmt: skip


def test_articles_in_languages_without_spaces_or_with_accents_group_by_their_own_words() -> None:
    t0 = datetime.fromisoformat("2025-08-28T03:00+00:00")
    for reports in (JAPANESE, GERMAN):
        index = StoryIndex()
        first, second, other = (
            index.add(aid, title, text, t0 + timedelta(hours=n)) for n, (aid, title, text) in enumerate(reports)
        )
        assert first == second, reports[0][0]
        assert other != first, reports[2][0]
