"""The benches' metric and their command lines, on small folders the tests write themselves."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.metadata import date_matches, datetime_matches, norm_title
from bench.scoring import decode_html, half_of, page_counts, score
from bench.stories import bcubed

ROOT = Path(__file__).resolve().parent.parent
BODY = (
    "The city council approved the new budget on Tuesday after a long debate about school funding. "
    "Officials said the plan would add forty teachers and repair two libraries before the winter. "
    "Critics argued that the increase in property taxes would hurt families on fixed incomes."
)
PAGE = f"""<html lang="en"><head><title>Council passes budget | Example Times</title>
<meta property="og:site_name" content="Example Times">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
<meta name="author" content="By Jane Doe, Staff Writer"></head>
<body><nav>Home News Sport</nav><article><h1>Council passes budget</h1>
{"".join(f"<p>{s.strip()}.</p>" for s in BODY.split(". "))}
<p>Share this article</p></article><footer>Copyright 2024 Example Times</footer></body></html>"""


def test_identical_texts_score_one_and_disjoint_texts_zero() -> None:
    assert score([(BODY, BODY)]).f1 == 1.0
    assert score([(BODY, "completely different words that share no four word run at all")]).f1 == 0.0


def test_both_texts_empty_counts_one_for_precision_and_recall() -> None:
    s = score([("", ""), (BODY, BODY)])
    assert (s.precision, s.recall) == (1.0, 1.0)


def test_page_counts_are_normalised_so_long_pages_do_not_weigh_more() -> None:
    tp, fp, fn = page_counts(BODY, BODY + " " + BODY)
    assert tp + fp + fn == pytest.approx(1.0)
    assert 0.4 < tp < 0.6  # the repeat adds as many extra shingles as the text has, plus its seams
    assert fn == 0


def test_an_empty_prediction_counts_for_recall_only() -> None:
    s = score([(BODY, ""), (BODY, BODY)])
    assert s.precision == 1.0
    assert s.recall == 0.5


def test_halves_are_stable_and_both_used() -> None:
    keys = [f"page-{i}" for i in range(40)]
    assert {half_of(k) for k in keys} == {"a", "b"}
    assert [half_of(k) for k in keys] == [half_of(k) for k in keys]


def test_a_stories_half_score_counts_a_merge_with_the_other_half() -> None:
    gold = {"a1": "A", "a2": "A", "b1": "B"}
    merged = {"a1": "s", "a2": "s", "b1": "s"}
    assert bcubed(merged, gold, {"a1", "a2"})[0] == pytest.approx(2 / 3)  # b1 sits in their story
    assert bcubed({"a1": "s", "a2": "s", "b1": "t"}, gold, {"a1", "a2"}) == (1.0, 1.0, 1.0)
    assert bcubed(merged, gold)[1] == 1.0


def test_saved_pages_decode_from_their_declared_charset() -> None:
    raw = '<meta charset="windows-1252"><p>café – naïve</p>'.encode("cp1252")
    assert "café – naïve" in decode_html(raw)
    assert decode_html("<p>日本語</p>".encode()) == "<p>日本語</p>"


def test_metadata_dates_match_within_a_minute_or_by_day() -> None:
    assert date_matches("2024-03-05 09:30:00+01:00", "2024-03-05T08:30:30+00:00")
    assert not date_matches("2024-03-05 09:30:00+01:00", "2024-03-05T09:30:00+00:00")
    assert date_matches("2024-03-05 09:30:00+01:00", "2024-03-05")
    assert datetime_matches("2024-03-05 09:30:00+01:00", "2024-03-05T08:30:00+00:00")
    assert not datetime_matches("2024-03-05 09:30:00+01:00", "2024-03-05")
    assert norm_title("“Quoted”  Title") == norm_title('"quoted" title')


def _write_extraction_folder(root: Path) -> None:
    (root / "html").mkdir(parents=True)
    truth = {}
    for i in range(3):
        (root / "html" / f"p{i}.html.gz").write_bytes(gzip.compress(PAGE.encode()))
        truth[f"p{i}"] = {"url": f"https://example.org/2024/03/05/budget-{i}", "articleBody": BODY}
    (root / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")


def test_extraction_bench_runs_on_any_folder_and_ends_with_one_json_line(tmp_path: Path) -> None:
    _write_extraction_folder(tmp_path / "data")
    predictions = tmp_path / "predictions.json"
    command = [sys.executable, str(ROOT / "bench" / "extraction.py"), "--data", str(tmp_path / "data")]
    done = subprocess.run(
        [*command, "--repeat", "1", "--no-newspaper", "--predictions", str(predictions)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("f1", "precision", "recall", "pages_per_s", "trafilatura_f1", "trafilatura_pages_per_s", "speed_ratio"):
        assert key in figures
    assert figures["f1"] > 0.9
    assert set(json.loads(predictions.read_text(encoding="utf-8"))) == {"p0", "p1", "p2"}


def test_metadata_bench_runs_on_any_folder_and_ends_with_one_json_line(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "xx_Example_2024_03_05.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    expected = {
        "xx_Example_2024_03_05": {
            "url": "https://example.org/2024/03/05/budget",
            "title": "Council passes budget",
            "authors": ["Jane Doe"],
            "publishing_date": "2024-03-05 09:30:00+01:00",
            "body": BODY,
        }
    }
    (tmp_path / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "metadata.py"), "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figures["title"], figures["date"], figures["datetime"], figures["authors"]) == (1.0, 1.0, 1.0, 1.0)


def test_syndication_bench_runs_on_any_folder_and_ends_with_one_json_line(tmp_path: Path) -> None:
    story = " ".join(
        f"Sentence {i} of a story about the harbour vote, which the council took on Tuesday." for i in range(12)
    )
    truth = {f"s{i}": {"url": f"https://x.example/{i}", "articleBody": f"Story {i}. {story}"} for i in range(3)}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "syndication.py"), "--data", str(tmp_path), "--clusters", "none"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    # the demo's wire story is found, credited to its agency, and nothing else is called a copy
    assert (figures["demo_precision"], figures["demo_recall"], figures["demo_agency_credited"]) == (1.0, 1.0, 2)
    for key in (
        "precision",
        "recall",
        "articles_per_s",
        "exact_recall",
        "all_pairs_recall",
        "speed_ratio_vs_all_pairs",
    ):
        assert key in figures


def test_stories_bench_scores_a_stories_folder_and_lists_the_wrong_merges(tmp_path: Path) -> None:
    def article(i: str, title: str, text: str) -> dict[str, str]:
        return {"id": i, "title": title, "text": text, "published_at": "2024-03-05T09:00:00Z"}

    harbour = "The harbour council voted on Tuesday to close the north pier for repairs costing 2 million."
    rail = "Rail workers at the Denholm depot began a two-day strike over night-shift pay on Monday."
    lines = [
        {"story_id": "harbour", "articles": [article("h1", "Harbour pier to close", harbour),
                                             article("h2", "North pier closes for repairs", harbour)]},
        {"story_id": "rail", "articles": [article("r1", "Denholm rail strike begins", rail)]},
        # labelled as another event, but worded like the harbour reports: grouping merges it with them
        {"story_id": "pier-2", "articles": [article("p1", "Harbour pier to close", harbour)]},
    ]  # fmt: skip
    (tmp_path / "stories.jsonl").write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "stories.py"), "--data", str(tmp_path), "--show-errors"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figures["articles"], figures["stories"], figures["recall"]) == (4, 2, 1.0)
    assert figures["precision"] < 1.0
    listed = done.stdout.split("merged ", 1)[1]
    assert "pier-2" in listed
    assert "harbour" in listed
    assert "Denholm" not in listed


def test_index_bench_measures_both_stores_and_ends_with_one_json_line(es_node) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "index.py"), "--docs", "400", "--batch", "200", "--queries", "5"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ES_URL": es_node.url},
        timeout=600,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["docs"] == 400
    for key in ("es_docs_per_s", "sqlite_docs_per_s", "es_search_p95_ms", "sqlite_story_p50_ms", "es_size_mb"):
        assert figures[key] > 0
    assert figures["es_to_sqlite_ratio"] == round(figures["es_docs_per_s"] / figures["sqlite_docs_per_s"], 2)


@pytest.mark.parametrize(
    ("bench", "needed"),
    [("extraction.py", "ground-truth.json"), ("metadata.py", "expected.json"), ("stories.py", "ground-truth.json"),
     ("divergence.py", "stories.jsonl"), ("syndication.py", "ground-truth.json")],
)  # fmt: skip
def test_a_bench_given_a_folder_of_another_layout_names_what_is_missing(
    tmp_path: Path, bench: str, needed: str
) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / bench), "--data", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 2  # argparse's usage error, not a traceback
    assert needed in done.stderr
    assert "Traceback" not in done.stderr
