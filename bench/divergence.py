"""Divergence engine quality and speed.

    python bench/divergence.py [--data PATH ...] [--predictions FILE] [--no-speed] [--show-errors]

PATH is a folder holding ``stories.jsonl`` or a ``.jsonl`` file in that format (the shared
divergence-dev and real-stories-dev sets, the demo newsroom's ground truth). Without --data it
runs on the demo ground truth, ../shared/data/divergence-dev and real-stories-dev when present,
and the planted sets of bench/planted (written blind, see its README), then pools those. For
each set it prints precision and recall per divergence type (a prediction
matches a label of the same type sharing at least two articles, or the one article a
single-article label has, with overlapping evidence), syndication precision/recall and how many
negative controls were flagged. Stories with no labels, controls or relations at all are not
scored (the demo labels only its central story), and a story marked ``"divergences_labelled": false``
(the demo's side stories, labelled for their syndicated copies) is scored on syndication alone;
their predictions are counted and shown.
Then the analysis time of one story of 10, 100, 1,000 and 5,000
synthetic articles, each timed in a fresh process after a small warm-up story. The last line is one
JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, SHARED_DATA, finish, peak_rss_mb
from bench.scoring import half_of
from pipelines.compare.claims import NUMBER_WORDS
from pipelines.compare.divergence import Divergence, analyse_story
from pipelines.models import Article

DEMO = ROOT / "examples" / "newsroom" / "ground-truth.jsonl"
PLANTED = ROOT / "bench" / "planted"  # planted-divergence sets written blind (bench/planted/README.md)
BUDGET_S = 60.0  # once one size takes longer than this, larger sizes are skipped (reported as null)


def stories_file(path: Path) -> Path:
    """The stories of ``path``: the file itself, or the ``stories.jsonl`` of a folder."""
    return path / "stories.jsonl" if path.is_dir() else path


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stories_file(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def to_articles(story: dict[str, Any]) -> tuple[list[Article], dict[str, list[str]]]:
    articles, revisions = [], {}
    for a in story["articles"]:
        published = a.get("published_at")
        articles.append(Article(
            id=a["id"], outlet=a.get("outlet", a["id"]), url=a.get("url", ""), canonical_url=a.get("url", ""),
            title=a.get("title", ""), text=a["text"], fetched_at=datetime.now(UTC),
            published_at=datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None,
        ))  # fmt: skip
        if a.get("revisions"):
            revisions[a["id"]] = [r["text"] for r in a["revisions"]]
    return articles, revisions


def _overlap(pred: Divergence, label: dict[str, Any]) -> bool:
    if label["type"] == "omission":
        # the omitting article must be the same; the stating articles may quote any sentence of the fact
        others = set(pred.articles[1:]) & set(label["articles"][1:])
        return pred.articles[0] == label["articles"][0] and bool(others) and _evidence_meets(pred, label)
    shared = set(pred.articles) & set(label["articles"])
    need = min(2, len(label["articles"]), len(pred.articles))
    if len(shared) < need:
        return False
    for article in shared & set(label.get("evidence", {})):
        gold, got = label["evidence"][article], pred.evidence.get(article, "")
        if gold in got or got in gold or (_words(gold) & _words(got) and len(_words(gold) & _words(got)) >= 4):
            return True
    return not (shared & set(label.get("evidence", {})))  # omissions: the omitting article has no evidence


def _flags_control(pred: Divergence, control: dict[str, Any]) -> bool:
    """A finding contradicts a control (two compatible statements) when it sets one against the other.

    Its evidence must hold both statements, one of them in the divergent article (named first),
    and its note must name the control's figures: a finding about another figure of the same
    sentences ("five prisoners" next to the control's "more than three years"), or one naming a
    third outlet divergent with both control statements on the majority side, does not call the
    control's two statements incompatible.
    """
    hits = 0
    for article, gold in control.get("evidence", {}).items():
        got = pred.evidence.get(article, "")
        if got and (gold in got or got in gold or len(_words(gold) & _words(got)) >= 4):
            hits += 1
    if hits < 2 or pred.articles[0] not in control.get("evidence", {}):
        return False  # both compatible statements on the majority side: the finding is about another outlet
    # both statements stand in the finding's sentences; it flags them only if it is about their figures (a
    # finding on "400,000 settlers" in a sentence that also gives the control's "3 million Palestinians" is not)
    figures = {f for gold in control.get("evidence", {}).values() for f in _figures(gold)}
    return not figures or bool(figures & _figures(pred.note))


_FIGURE = re.compile(r"\d[\d,.]*|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _figures(text: str) -> set[str]:
    return {m.group().lower().rstrip(".,").replace(",", "") for m in _FIGURE.finditer(text)}


def _evidence_meets(pred: Divergence, label: dict[str, Any]) -> bool:
    """Some stating sentence of the prediction shares words with some labelled evidence."""
    gold = set().union(*(_words(e) for e in label.get("evidence", {}).values())) if label.get("evidence") else set()
    return any(len(_words(e) & gold) >= 3 for e in pred.evidence.values()) if gold else True


def _words(text: str) -> set[str]:
    return {w.lower().strip(".,;:\"'“”‘’") for w in text.split() if len(w) > 3}


# the types the labelled sets label (their READMEs): a prediction of another type (first_report, framing
# where a set has no framing labels) cannot be judged against them and is counted apart
LABELLED_TYPES = frozenset(
    {"numeric_conflict", "quote_wording", "quote_attribution", "role_title", "date_conflict", "uncorroborated",
     "omission"}
)  # fmt: skip


def analyse(stories: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    """Each story with the engine's result (run once, scored as often as needed)."""
    out = []
    for story in stories:
        articles, revisions = to_articles(story)
        out.append((story, analyse_story(articles, revisions)))
    return out


def score(results: list[tuple[dict[str, Any], Any]], predictions: list[dict[str, Any]] | None = None,
          errors: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """Precision and recall per type; ``errors`` (when given) collects a line per false finding and per miss."""
    tp_p, fp, tp_r, fn = Counter(), Counter(), Counter(), Counter()
    syn = Counter()
    controls_flagged = 0
    unlabelled = 0
    unjudged: Counter[str] = Counter()
    labelled = {lab["type"] for story, _ in results for lab in story.get("divergences", [])}
    # a set that labels any of the seven fact types labels all of them (its README); one that labels
    # only framing (basil-dev) is scored on framing alone
    scored_types = labelled | (LABELLED_TYPES if labelled & LABELLED_TYPES else frozenset())
    for story, result in results:
        labels = story.get("divergences", [])
        if predictions is not None:
            predictions.append({
                "story_id": story["story_id"],
                "divergences": [{"type": d.type, "articles": list(d.articles), "evidence": d.evidence,
                                 "id": d.id, "note": d.note} for d in result.divergences],
                "relations": [{"type": "syndicated", "articles": [o, c]} for c, o in result.copies.items()],
            })  # fmt: skip
        if not labels and not story.get("controls") and not story.get("relations"):
            # a story nobody labelled (the demo labels only its central story) is not scored
            unlabelled += len(result.divergences)
            continue
        # a story whose file says its divergences were never labelled (the demo's side stories, in it for their
        # syndicated copies) is scored on syndication alone. Only an explicit false does that: in a labelled set a
        # story with no divergence labels means that nothing is to be found there.
        divergences_labelled = story.get("divergences_labelled", True) is not False
        if not divergences_labelled:
            unlabelled += len(result.divergences)
        for pred in result.divergences if divergences_labelled else ():
            if pred.type not in scored_types:
                unjudged[pred.type] += 1
            elif any(lab["type"] == pred.type and _overlap(pred, lab) for lab in labels):
                tp_p[pred.type] += 1
            else:
                fp[pred.type] += 1
                if errors is not None:
                    errors.append(_error_line("false", story["story_id"], pred.type, pred.evidence, pred.articles[0]))
        for label in labels:
            if any(p.type == label["type"] and _overlap(p, label) for p in result.divergences):
                tp_r[label["type"]] += 1
            else:
                fn[label["type"]] += 1
                if errors is not None:
                    errors.append(_error_line("missed", story["story_id"], label["type"], label["evidence"],
                                              label["articles"][0]))  # fmt: skip
        for control in story.get("controls", []):
            flagging = [p for p in result.divergences if p.type == "numeric_conflict" and _flags_control(p, control)]
            if flagging:
                controls_flagged += 1
                if errors is not None:
                    errors.append(_error_line("control flagged", story["story_id"], "numeric_conflict",
                                              flagging[0].evidence, flagging[0].articles[0]))  # fmt: skip
        gold_pairs = {frozenset(r["articles"]) for r in story.get("relations", [])}
        got_pairs = {frozenset((c, o)) for c, o in result.copies.items()}
        syn["tp"] += len(gold_pairs & got_pairs)
        syn["fp"] += len(got_pairs - gold_pairs)
        syn["fn"] += len(gold_pairs - got_pairs)
    types = sorted(set(tp_p) | set(fp) | set(tp_r) | set(fn))
    per_type = {}
    for t in types:
        p = tp_p[t] / (tp_p[t] + fp[t]) if tp_p[t] + fp[t] else None
        r = tp_r[t] / (tp_r[t] + fn[t]) if tp_r[t] + fn[t] else None
        per_type[t] = {"precision": p, "recall": r, "predicted": tp_p[t] + fp[t], "labelled": tp_r[t] + fn[t]}
    all_p = sum(tp_p.values()) / max(1, sum(tp_p.values()) + sum(fp.values()))
    all_r = sum(tp_r.values()) / max(1, sum(tp_r.values()) + sum(fn.values()))
    syn_p = syn["tp"] / (syn["tp"] + syn["fp"]) if syn["tp"] + syn["fp"] else None
    syn_r = syn["tp"] / (syn["tp"] + syn["fn"]) if syn["tp"] + syn["fn"] else None
    return {"per_type": per_type, "precision": all_p, "recall": all_r, "syndication_precision": syn_p,
            "syndication_recall": syn_r, "controls_flagged": controls_flagged,
            "unscored_predictions": unlabelled, "unjudged_types": dict(sorted(unjudged.items()))}  # fmt: skip


def _error_line(kind: str, story_id: str, type_: str, evidence: dict[str, str], first: str) -> str:
    """One finding or label: its type, the article it names first (the omitting one) and its evidence."""
    shown = "\n".join(f"      {a}: {text[:160]}" for a, text in evidence.items())
    return f"  {kind} {type_} in {story_id} (first: {first})\n{shown}"


def print_table(name: str, figures: dict[str, Any]) -> None:
    print(f"\n{name}")
    print(f"  {'type':20} {'precision':>9} {'recall':>7} {'predicted':>9} {'labelled':>8}")
    fmt = lambda v: "    -" if v is None else f"{v:.2f}"  # noqa: E731
    for t, f in figures["per_type"].items():
        print(f"  {t:20} {fmt(f['precision']):>9} {fmt(f['recall']):>7} {f['predicted']:>9} {f['labelled']:>8}")
    print(f"  {'ALL':20} {figures['precision']:>9.2f} {figures['recall']:>7.2f}")
    print(f"  syndication precision {fmt(figures['syndication_precision'])} recall "
          f"{fmt(figures['syndication_recall'])}; controls flagged: {figures['controls_flagged']}; "
          f"divergences in stories not labelled for them (not scored): {figures['unscored_predictions']}")  # fmt: skip
    if figures["unjudged_types"]:
        shown = ", ".join(f"{t} {n}" for t, n in figures["unjudged_types"].items())
        print(f"  predicted, of types this set does not label (not scored): {shown}")


def synthetic_story(base: list[dict[str, Any]], n: int, seed: int = 7, varied: bool = False) -> list[Article]:
    """n articles from n synthetic outlets, each a shuffled mix of paragraphs of the demo's texts.

    ``varied``: every copied paragraph loses one word and gains another, so hardly two sentences
    of the story are identical and nothing is saved by reading each distinct sentence once.
    """
    rng = random.Random(seed)
    paragraphs = [p for a in base for p in a["text"].split("\n") if len(p.split()) > 8]
    fillers = ["reportedly", "notably", "again", "meanwhile", "still", "also", "indeed", "now", "then", "today"]
    out = []
    for i in range(n):
        chosen = rng.sample(paragraphs, k=min(8, len(paragraphs)))
        if varied:
            chosen = [_vary(p, rng, fillers) for p in chosen]
        out.append(Article(id=f"syn-{i}", outlet=f"outlet-{i}", url=f"https://o{i}.example/a", canonical_url="",
                           title="t", text="\n".join(chosen), fetched_at=datetime.now(UTC)))  # fmt: skip
    return out


def _vary(paragraph: str, rng: random.Random, fillers: list[str]) -> str:
    words = paragraph.split()
    del words[rng.randrange(1, len(words))]
    words.insert(rng.randrange(1, len(words)), rng.choice(fillers))
    return " ".join(words)


def _time_one(n: int, varied: bool) -> tuple[float, float]:
    """CPU seconds to analyse one synthetic story of ``n`` articles, and this process's peak memory (MB).

    Run in a fresh process per story, after a small warm-up story (word lists and patterns are loaded on first
    use), so a figure depends neither on the stories timed before it nor on the quality runs' objects.
    """
    base = next(s for s in load(DEMO) if s["story_id"] == "demo-ceasefire")["articles"]
    analyse_story(synthetic_story(base, 5, seed=1, varied=varied))
    articles = synthetic_story(base, n, varied=varied)
    started = time.process_time()
    analyse_story(articles)
    return round(time.process_time() - started, 3), peak_rss_mb()


def speed(sizes: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"peak_rss_mb": 0.0}
    print("\nanalysis time of one story (CPU seconds, each in a fresh process after a warm-up; 'varied': no two")
    print("copied paragraphs alike)")
    print(f"  {'articles':>8} {'shuffled':>9} {'varied':>9}")
    spawn = multiprocessing.get_context("spawn")
    for variant in ("shuffled", "varied"):
        times: dict[str, float | None] = {}
        for n in sizes:
            if times and max(v or 0 for v in times.values()) > BUDGET_S:
                times[str(n)] = None  # a smaller story already took longer than the budget
                continue
            with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
                seconds, rss = pool.submit(_time_one, n, variant == "varied").result()
            times[str(n)] = seconds
            out["peak_rss_mb"] = max(out["peak_rss_mb"], rss)
        out[variant] = times
    for n in sizes:
        shown = [
            f"{out[v][str(n)]:9.2f}" if out[v][str(n)] is not None else "  skipped" for v in ("shuffled", "varied")
        ]
        print(f"  {n:>8} {shown[0]} {shown[1]}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, action="append", help="stories.jsonl folder or file (repeatable)")
    parser.add_argument("--predictions", type=Path, help="write one JSON object per story here")
    parser.add_argument("--no-speed", action="store_true", help="skip the timing of growing stories")
    parser.add_argument("--show-errors", action="store_true", help="list each false finding and each missed label")
    parser.add_argument("--sizes", default="10,100,1000,5000", help="story sizes for the timing")
    args = parser.parse_args()
    for path in args.data or ():
        if not (file := stories_file(path)).is_file():
            parser.error(f"--data {path}: no {file.name} there (a folder holding stories.jsonl, or such a file)")
    shared = [
        p for p in (SHARED_DATA / "divergence-dev", SHARED_DATA / "real-stories-dev") if (p / "stories.jsonl").exists()
    ]
    paths = args.data or [DEMO, *shared, *sorted(PLANTED.glob("*/stories.jsonl"))]
    figures: dict[str, Any] = {}
    predictions: list[dict[str, Any]] = []
    planted: list[tuple[dict[str, Any], Any]] = []
    for path in paths:
        name = path.parent.name if path.name == "stories.jsonl" else (path.name if path.is_dir() else path.stem)
        if path == DEMO:
            name = "demo"
        results = analyse(load(path))
        if PLANTED in path.resolve().parents:
            name = f"planted-{name}"
            planted += results
        errors: list[str] = []
        result = score(results, predictions, errors)
        print_table(name, result)
        if args.show_errors:
            print("\n".join(errors) or "  no errors")
        figures[name] = {"precision": round(result["precision"], 3), "recall": round(result["recall"], 3),
                         "controls_flagged": result["controls_flagged"],
                         "syndication_recall": result["syndication_recall"]}  # fmt: skip
        # stories split in two by a hash of their id: develop on one half, check on the other
        for half in "ab":
            chosen = [(story, r) for story, r in results if half_of(story["story_id"]) == half]
            if not any(story.get("divergences") for story, _ in chosen):
                print(f"  half {half}: no labelled stories")
                continue
            part = score(chosen)
            print(f"  half {half}: precision {part['precision']:.2f} recall {part['recall']:.2f} "
                  f"controls flagged {part['controls_flagged']}")  # fmt: skip
            figures[name][f"half_{half}"] = {"precision": round(part["precision"], 3),
                                             "recall": round(part["recall"], 3)}  # fmt: skip
    if planted:
        pooled = score(planted)
        print(f"\nplanted sets pooled ({len(planted)} stories): precision {pooled['precision']:.2f} "
              f"recall {pooled['recall']:.2f}, controls flagged {pooled['controls_flagged']}")  # fmt: skip
        figures["planted_pooled"] = {
            "precision": round(pooled["precision"], 3), "recall": round(pooled["recall"], 3),
            "controls_flagged": pooled["controls_flagged"], "stories": len(planted),
        }  # fmt: skip
    if args.predictions:
        args.predictions.write_text("".join(json.dumps(p) + "\n" for p in predictions), encoding="utf-8")
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    if not args.no_speed:
        timing = speed([int(s) for s in args.sizes.split(",")])
        figures["seconds_by_articles"] = timing["shuffled"]
        figures["seconds_by_articles_varied"] = timing["varied"]
        figures["peak_rss_mb_timing"] = round(timing["peak_rss_mb"], 1)
    finish(figures)


if __name__ == "__main__":
    main()
