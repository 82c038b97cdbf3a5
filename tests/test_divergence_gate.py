"""Quality gate: the engine on the demo newsroom's planted divergences stays above the floors in the repo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.divergence import DEMO, analyse, load, score

ROOT = Path(__file__).resolve().parent.parent
FLOORS = json.loads((Path(__file__).parent / "divergence_floors.json").read_text(encoding="utf-8"))


def test_the_demo_divergences_are_found_above_the_floors() -> None:
    figures = score(analyse(load(DEMO)))
    assert figures["precision"] >= FLOORS["precision"]
    assert figures["recall"] >= FLOORS["recall"]
    assert figures["controls_flagged"] <= FLOORS["controls_flagged"]
    assert figures["syndication_recall"] >= FLOORS["syndication_recall"]
    for kind in FLOORS["found_types"]:
        assert figures["per_type"][kind]["recall"] == 1.0, kind


def test_the_bench_runs_on_any_folder_of_the_layout_and_ends_with_one_json_line(tmp_path: Path) -> None:
    text = "The storm damaged about {} homes along the Porthaven coast, Mayor Ana Ruiz said on Tuesday."
    story = {
        "story_id": "s1",
        "articles": [
            {"id": f"s1-{n}", "outlet": f"Outlet {n}", "url": f"https://o{n}.example/a",
             "published_at": f"2025-03-04T0{n}:00:00Z", "title": "Storm", "text": text.format(v)}
            for n, v in enumerate(["140", "nearly 300", "nearly 300"])
        ],
        "divergences": [{"type": "numeric_conflict", "articles": ["s1-0", "s1-1"],
                         "evidence": {"s1-0": "about 140 homes", "s1-1": "nearly 300 homes"}}],
        "controls": [],
        "relations": [],
    }  # fmt: skip
    (tmp_path / "stories.jsonl").write_text(json.dumps(story) + "\n", encoding="utf-8")
    predictions = tmp_path / "predictions.jsonl"
    run = subprocess.run(
        [sys.executable, "bench/divergence.py", "--data", str(tmp_path), "--predictions", str(predictions),
         "--sizes", "10"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    last = json.loads(run.stdout.strip().splitlines()[-1])
    assert last[tmp_path.name]["recall"] == 1.0
    assert last["seconds_by_articles"]["10"] is not None
    (written,) = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert written["story_id"] == "s1"
    assert any(d["type"] == "numeric_conflict" for d in written["divergences"])


def _storm_story(story_id: str, **labels: object) -> dict:
    text = "The storm damaged about {} homes along the Porthaven coast, Mayor Ana Ruiz said on Tuesday."
    return {
        "story_id": story_id,
        "articles": [
            {"id": f"{story_id}-{n}", "outlet": f"Outlet {n}", "url": f"https://o{n}.example/{story_id}",
             "published_at": f"2025-03-04T0{n}:00:00Z", "title": "Storm", "text": text.format(v)}
            for n, v in enumerate(["140", "nearly 300", "nearly 300"])
        ],
        "divergences": [], "controls": [], "relations": [], **labels,
    }  # fmt: skip


def test_a_story_counts_its_findings_as_false_unless_its_file_says_they_were_never_labelled() -> None:
    labelled = _storm_story(
        "s1",
        divergences=[{"type": "numeric_conflict", "articles": ["s1-0", "s1-1"],
                      "evidence": {"s1-0": "about 140 homes", "s1-1": "nearly 300 homes"}}],
    )  # fmt: skip
    copies = {"relations": [{"type": "syndicated", "articles": ["s2-1", "s2-2"]}]}
    strict = score(analyse([labelled, _storm_story("s2", **copies)]))
    marked = score(analyse([labelled, _storm_story("s2", **copies, divergences_labelled=False)]))
    # the same conflict in a story labelled only for its copies: a false finding, unless marked as never labelled
    assert strict["per_type"]["numeric_conflict"]["precision"] < 1.0
    assert marked["per_type"]["numeric_conflict"]["precision"] == 1.0
    assert marked["unscored_predictions"] > strict["unscored_predictions"]
    assert strict["syndication_recall"] == marked["syndication_recall"] == 1.0


def test_a_control_is_flagged_only_by_a_finding_that_sets_its_two_statements_against_each_other() -> None:
    # three outlets: "140" is wrong; "nearly 300" twice is the control (compatible); the finding is right
    story = _storm_story(
        "s3",
        divergences=[{"type": "numeric_conflict", "articles": ["s3-0", "s3-1", "s3-2"],
                      "evidence": {"s3-0": "about 140 homes", "s3-1": "nearly 300 homes"}}],
        controls=[{"type": "compatible_numbers", "articles": ["s3-1", "s3-2"],
                   "evidence": {"s3-1": "nearly 300 homes", "s3-2": "nearly 300 homes"}}],
    )  # fmt: skip
    assert score(analyse([story]))["controls_flagged"] == 0
    # the same control between the wrong figure and a right one is flagged by that finding
    story["controls"] = [{"type": "compatible_numbers", "articles": ["s3-0", "s3-1"],
                          "evidence": {"s3-0": "about 140 homes", "s3-1": "nearly 300 homes"}}]  # fmt: skip
    assert score(analyse([story]))["controls_flagged"] == 1


def test_the_planted_sets_are_well_formed_and_scored_with_no_control_flagged() -> None:
    from bench.divergence import PLANTED

    files = sorted(PLANTED.glob("*/stories.jsonl"))
    assert len(files) >= 6
    for path in files:
        stories = load(path)
        for story in stories:
            texts = {a["id"]: a["text"] for a in story["articles"]}
            for item in story["divergences"] + story.get("controls", []):
                assert set(item["articles"]) <= texts.keys(), (path, item)
                for article, evidence in item["evidence"].items():
                    assert evidence in texts[article], (path, article, evidence)
            for relation in story.get("relations", []):
                assert set(relation["articles"]) <= texts.keys()
        assert score(analyse(stories))["controls_flagged"] == 0, path
