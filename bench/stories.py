"""Story grouping quality: B-cubed precision, recall and F1 against gold same-event groups.

    python bench/stories.py [--data DIR] [--predictions FILE]

DIR is either a folder in the extraction benchmark layout (``html/<id>.html.gz`` and
``ground-truth.json``; default ../shared/data/extraction-dev, gold groups from a
``clusters*.json`` beside it or in ../real-stories-dev), whose pages are extracted with our
extraction first, or a folder holding ``stories.jsonl`` (articles given as text; each line's
story_id is the gold group), such as ../shared/data/basil-dev. Articles are added in
publication order, as a crawl would. Writes ``{"<id>": "<story id>"}`` to FILE when asked.
Prints the figures and the all-singletons baseline; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import SHARED_DATA, finish, peak_rss_mb, require
from bench.scoring import half_of
from pipelines.extract import extract_article
from pipelines.models import RawPage
from pipelines.stories import StoryIndex


def bcubed(
    predicted: dict[str, str], gold: dict[str, str], scored: set[str] | None = None
) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1, averaged over the ``scored`` articles (default: all). The
    groups stay the whole run's, so a half's score still counts a merge with the other half's pages."""
    ids = [i for i in gold if i in predicted]
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for i in ids:
        by_pred.setdefault(predicted[i], set()).add(i)
        by_gold.setdefault(gold[i], set()).add(i)
    ids = [i for i in ids if scored is None or i in scored]
    p = sum(len(by_pred[predicted[i]] & by_gold[gold[i]]) / len(by_pred[predicted[i]]) for i in ids) / len(ids)
    r = sum(len(by_pred[predicted[i]] & by_gold[gold[i]]) / len(by_gold[gold[i]]) for i in ids) / len(ids)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def show_errors(predicted: dict[str, str], gold: dict[str, str], docs: list[dict[str, Any]]) -> None:
    """The predicted stories that mix gold groups, and the gold groups split over stories, with titles."""
    by_id = {d["id"]: d for d in docs}
    by_pred: dict[str, list[str]] = {}
    by_gold: dict[str, list[str]] = {}
    for i in sorted(gold, key=lambda i: (by_id[i]["published_at"] or datetime.max.replace(tzinfo=UTC), i)):
        if i in predicted:
            by_pred.setdefault(predicted[i], []).append(i)
            by_gold.setdefault(gold[i], []).append(i)
    for label, groups, other in (("merged", by_pred, gold), ("split", by_gold, predicted)):
        for key, ids in groups.items():
            if len({other[i] for i in ids}) > 1:
                print(f"{label} {key}:")
                for i in ids:
                    print(f"  {other[i][:40]:40} {by_id[i]['published_at']}  {by_id[i]['title'][:70]}")


def load_pages(folder: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    gold_file = next(iter(sorted(folder.glob("clusters*.json"))), None) or next(
        iter(sorted((folder.parent / "real-stories-dev").glob("clusters*.json"))), None
    )
    gold = json.loads(gold_file.read_text()) if gold_file else {}
    truth = json.loads((folder / "ground-truth.json").read_text())
    docs = []
    for page_id in sorted(truth):
        path = folder / "html" / f"{page_id}.html.gz"
        if not path.exists():
            continue
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        url = truth[page_id].get("url", f"https://example.invalid/{page_id}")
        page = RawPage(url=url, final_url=url, status=200, html=html, outlet="", fetched_at=datetime.now(UTC))
        result = extract_article(page)
        article = result.article
        docs.append({"id": page_id, "title": article.title if article else "", "text": article.text if article else "",
                     "published_at": article.published_at if article else None})  # fmt: skip
    return docs, gold


def load_stories(folder: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    docs, gold = [], {}
    for line in (folder / "stories.jsonl").read_text(encoding="utf-8").splitlines():
        story = json.loads(line)
        for a in story["articles"]:
            when = a.get("published_at")
            published = datetime.fromisoformat(when.replace("Z", "+00:00")) if when else None
            if published and published.tzinfo is None:
                published = published.replace(tzinfo=UTC)
            docs.append({"id": a["id"], "title": a.get("title", ""), "text": a["text"], "published_at": published})
            gold[a["id"]] = story["story_id"]
    return docs, gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED_DATA / "extraction-dev")
    parser.add_argument("--predictions", type=Path)
    parser.add_argument("--show-errors", action="store_true", help="list wrongly merged and split gold groups")
    args = parser.parse_args()
    given_as_text = (args.data / "stories.jsonl").exists()
    if not given_as_text:
        require(parser, args.data, "ground-truth.json", "html")
    docs, gold = load_stories(args.data) if given_as_text else load_pages(args.data)
    started = time.perf_counter()
    index = StoryIndex()
    order = sorted(docs, key=lambda d: (d["published_at"] or datetime.max.replace(tzinfo=UTC), d["id"]))
    predicted = {d["id"]: index.add(d["id"], d["title"], d["text"], d["published_at"]) for d in order}
    seconds = time.perf_counter() - started
    if args.predictions:
        args.predictions.write_text(json.dumps(predicted, indent=1), encoding="utf-8")
    figures: dict[str, Any] = {"articles": len(docs), "stories": len(set(predicted.values())),
                               "group_seconds": round(seconds, 3), "peak_rss_mb": round(peak_rss_mb(), 1)}  # fmt: skip
    print(f"{len(docs)} articles -> {figures['stories']} stories in {seconds:.2f} s")
    if gold:
        p, r, f = bcubed(predicted, gold)
        singles = bcubed({i: i for i in gold}, gold)
        print(f"B-cubed precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}   (every article alone: F1 {singles[2]:.3f})")
        figures |= {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                    "singletons_f1": round(singles[2], 3)}  # fmt: skip
        # gold groups split in two by a hash of their id: develop on one half, check on the other
        for half in "ab":
            part = {i for i, g in gold.items() if half_of(g) == half and i in predicted}
            if part:
                hp, hr, hf = bcubed(predicted, gold, part)
                print(f"  half {half} ({len(part)} articles): precision {hp:.3f} recall {hr:.3f} F1 {hf:.3f}")
                figures[f"half_{half}_f1"] = round(hf, 3)
        if args.show_errors:
            show_errors(predicted, gold, docs)
    finish(figures)


if __name__ == "__main__":
    main()
