"""Story grouping on the demo newsroom's own gold groups."""

from __future__ import annotations

import json
from datetime import datetime

from examples.newsroom.groundtruth import GROUND_TRUTH
from pipelines.stories import StoryIndex


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
