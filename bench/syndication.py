"""Wire copy and near-duplicate detection: precision and recall of copies, and speed.

    python bench/syndication.py [--data DIR] [--clusters FILE] [--copies N] [--scale N] [--seed S]

Two sets, both scored on pairs of articles (two articles are a pair when they are copies of one
text, i.e. in one group):

* **demo**: the demo newsroom's 64 pages, rendered and extracted as a crawl would; the truth is
  the wire story two outlets republish (and nothing else).
* **scaled**: real article texts (``ground-truth.json`` of DIR, the extraction-benchmark layout,
  default ../shared/data/extraction-dev, plus the demo newsroom's texts) as originals, each
  republished ``--copies`` times by other outlets within two days, edited as outlets edit wire
  copy: verbatim, headline changed, last paragraphs trimmed, a paragraph of their own added, the
  lede rewritten, words changed here and there, a dateline or an agency credit added. Every other
  original is a negative, including texts another outlet wrote about the same event (``--clusters``,
  default ../shared/data/real-stories-dev/clusters-dev.json when present: the hardest negatives).
  ``--scale`` repeats the originals that many times (each repeat edited anew) to measure speed.

Peers in the same run: exact duplicates (same content hash) and all-pairs exact shingle Jaccard
(no LSH, no window, the quadratic reference). Speed is articles per second of detection with the
signatures already stored (as in a run), and signatures per second (paid once, at extraction).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import SHARED_DATA, finish, peak_rss_mb, require
from pipelines.models import Article
from pipelines.syndication import SHINGLE_WORDS, THRESHOLD, detect_copies, signature
from pipelines.urls import article_id

DEFAULT_DATA = SHARED_DATA / "extraction-dev"
DEFAULT_CLUSTERS = SHARED_DATA / "real-stories-dev" / "clusters-dev.json"
T0 = datetime(2025, 7, 1, tzinfo=UTC)
EDITS = ("verbatim", "retitled", "trimmed", "own_paragraph", "new_lede", "word_edits", "dateline", "credit")
_WORD = re.compile(r"\w+")
MIN_WORDS = 80  # a text shorter than this is a brief, not a story outlets republish


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    pairs_true: int
    pairs_found: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pairs(groups: dict[str, str]) -> set[frozenset[str]]:
    """Unordered pairs of article ids that share a group (``groups``: id -> group key)."""
    members: dict[str, list[str]] = {}
    for article, group in groups.items():
        members.setdefault(group, []).append(article)
    return {frozenset(p) for ids in members.values() for p in itertools.combinations(sorted(ids), 2)}


def score(found: set[frozenset[str]], truth: set[frozenset[str]]) -> Scores:
    hit = len(found & truth)
    return Scores(
        precision=hit / len(found) if found else 1.0,
        recall=hit / len(truth) if truth else 1.0,
        pairs_true=len(truth),
        pairs_found=len(found),
    )


def grouped(copies: dict[str, str], articles: list[Article]) -> dict[str, str]:
    return {a.id: copies.get(a.id, a.id) for a in articles}


# -- the peers ---------------------------------------------------------------------------------


def exact_duplicates(articles: list[Article]) -> dict[str, str]:
    first: dict[str, str] = {}
    return {a.id: first.setdefault(a.content_hash, a.id) for a in articles}


def all_pairs_jaccard(articles: list[Article], threshold: float = THRESHOLD) -> dict[str, str]:
    """Exact shingle Jaccard over every pair of outlets' articles: the quadratic reference."""
    shingles = {}
    for a in articles:
        words = _WORD.findall(a.text.lower())
        shingles[a.id] = {tuple(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    parent = {a.id: a.id for a in articles}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in itertools.combinations(articles, 2):
        if a.outlet == b.outlet:
            continue
        sa, sb = shingles[a.id], shingles[b.id]
        if sa and sb and len(sa & sb) / len(sa | sb) >= threshold:
            parent[root(b.id)] = root(a.id)
    return {a.id: root(a.id) for a in articles}


# -- the demo newsroom -------------------------------------------------------------------------


def demo_articles() -> tuple[list[Article], dict[str, str]]:
    """The demo newsroom's pages extracted, and the truth: the wire story's copies in one group."""
    from examples.newsroom.content import day_end, load_newsroom
    from pipelines.extract import extract_article
    from pipelines.models import RawPage

    newsroom = load_newsroom()
    now = day_end(4)
    articles, truth = [], {}
    for item in newsroom.articles:
        url = "http://127.0.0.1:9" + item.path
        page = RawPage(
            url=url,
            final_url=url,
            status=200,
            html=newsroom.render_article(item, now),
            outlet=item.outlet.slug,
            fetched_at=now,
        )
        result = extract_article(page)
        if result.article is None:
            continue
        articles.append(result.article)
        truth[result.article.id] = f"wire:{item.wire}" if item.wire else result.article.id
    return articles, truth


def demo_texts() -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The demo newsroom's distinct texts, and the story each reports (its articles on one story are one event)."""
    from examples.newsroom.content import day_end, load_newsroom

    newsroom = load_newsroom()
    seen: set[str] = set()
    texts, events = [], {}
    for item in newsroom.articles:
        body = item.body_at(day_end(4))[0]
        text = "\n".join(" ".join(p.split()) for p in body.split("\n\n") if p.strip())
        if text not in seen:
            seen.add(text)
            texts.append((f"demo:{item.id}", text))
            events[f"demo:{item.id}"] = f"demo-story:{item.story}"
    return texts, events


# -- the scaled set ----------------------------------------------------------------------------


def edit(text: str, kind: str, rng: random.Random) -> str:
    """A copy of ``text`` edited the way outlets edit wire copy."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if kind == "trimmed" and len(paragraphs) > 2:
        keep = max(2, (len(paragraphs) * rng.randint(35, 85)) // 100)
        paragraphs = paragraphs[:keep]
    elif kind == "own_paragraph":
        paragraphs.insert(
            rng.randint(1, len(paragraphs)),
            "Local officials said they were following the situation closely and would share more details soon.",
        )
    elif kind == "new_lede":
        paragraphs[0] = "Here is what we know so far about the story that readers have been asking us about."
    elif kind == "word_edits":
        words = "\n".join(paragraphs).split(" ")
        for i in rng.sample(range(len(words)), k=max(1, len(words) // 40)):
            words[i] = rng.choice(["reportedly", "also", "then", "now", "still"])
        paragraphs = " ".join(words).split("\n")
    elif kind == "dateline":
        paragraphs[0] = "SANTIAGO, Chile (AP) — " + paragraphs[0]
    elif kind == "credit":
        paragraphs.append("The Associated Press contributed to this report.")
    return "\n".join(paragraphs)


def _article(url: str, outlet: str, title: str, text: str, at: datetime) -> Article:
    art = Article(
        id=article_id(url),
        outlet=outlet,
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        fetched_at=at + timedelta(minutes=10),
        published_at=at,
    )
    return replace(art, signature=signature(text))  # made at extraction in a run: stored, not recomputed


def scaled_articles(
    texts: list[tuple[str, str]], copies: int, scale: int, rng: random.Random
) -> tuple[list[Article], dict[str, str]]:
    """Originals and their edited copies; the truth maps each article to ``"<repeat>:<text key>"``."""
    articles: list[Article] = []
    truth: dict[str, str] = {}
    outlets = [f"outlet{i}" for i in range(copies + 1)]
    for rep in range(scale):
        for n, (key, text) in enumerate(texts):
            when = T0 + timedelta(hours=rng.uniform(0, 24 * 28))
            original_outlet = rng.choice(outlets)
            base = text if rep == 0 else edit(text, "word_edits", rng)
            made = [_article(f"https://{original_outlet}.example/{rep}/{n}", original_outlet, f"Story {n}", base, when)]
            others = [o for o in outlets if o != original_outlet]
            for i in range(copies):
                # one to three edits at once, as a copy desk makes them
                kinds = rng.sample(EDITS, k=rng.randint(1, 3))
                body = base
                for kind in kinds:
                    body = edit(body, kind, rng)
                title = f"Another headline for story {n}" if "retitled" in kinds else f"Story {n}"
                outlet = others[i % len(others)]
                at = when + timedelta(hours=rng.uniform(0.5, 48))
                made.append(_article(f"https://{outlet}.example/{rep}/{n}/copy{i}", outlet, title, body, at))
            for art in made:
                articles.append(art)
                truth[art.id] = f"{rep}:{key}"
    return articles, truth


def load_texts(data: Path) -> list[tuple[str, str]]:
    truth_file = data / "ground-truth.json"
    if not truth_file.exists():
        return []
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    return [(k, v.get("articleBody", "")) for k, v in sorted(truth.items())]


def same_event_pairs(found: set[frozenset[str]], truth: dict[str, str], clusters: dict[str, str]) -> tuple[int, int]:
    """Pairs of different texts about one real event (the hardest negatives): how many exist, how many were taken
    for copies."""

    def event(article: str) -> str:
        key = truth[article].split(":", 1)[-1]
        return clusters.get(key, key)

    keys = {truth[a].split(":", 1)[-1] for a in truth}
    events: dict[str, int] = {}
    for key in keys:
        events[clusters.get(key, key)] = events.get(clusters.get(key, key), 0) + 1
    possible = sum(n * (n - 1) // 2 for n in events.values())
    wrong = sum(1 for p in found if len({truth[a] for a in p}) == 2 and len({event(a) for a in p}) == 1)
    return possible, wrong


def run(name: str, articles: list[Article], truth: dict[str, str], clusters: dict[str, str]) -> dict[str, Any]:
    true_pairs = pairs(truth)
    start = time.perf_counter()
    found = detect_copies(articles)
    seconds = time.perf_counter() - start
    found_pairs = pairs(grouped(found.original, articles))
    ours = score(found_pairs, true_pairs)
    same_event, same_event_wrong = same_event_pairs(found_pairs, truth, clusters)
    start = time.perf_counter()
    exact = score(pairs(exact_duplicates(articles)), true_pairs)
    start = time.perf_counter()
    brute = score(pairs(all_pairs_jaccard(articles)), true_pairs)
    brute_seconds = time.perf_counter() - start
    return {
        "set": name,
        "articles": len(articles),
        "true_pairs": ours.pairs_true,
        "ours": ours,
        "exact": exact,
        "all_pairs": brute,
        "articles_per_s": len(articles) / seconds if seconds else 0.0,
        "all_pairs_articles_per_s": len(articles) / brute_seconds if brute_seconds else 0.0,
        "agencies": sum(1 for a in articles if found.agency.get(a.id)),
        "same_event_text_pairs": same_event,
        "same_event_taken_for_copies": same_event_wrong,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with ground-truth.json (texts)")
    parser.add_argument("--clusters", type=Path, default=DEFAULT_CLUSTERS, help="same-event groups of DIR's pages")
    parser.add_argument("--copies", type=int, default=3, help="edited copies per original")
    parser.add_argument("--scale", type=int, default=1, help="repeat the originals (each edited anew) N times")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.data != DEFAULT_DATA:  # the default may be absent (no ../shared): the demo newsroom alone is measured then
        require(parser, args.data, "ground-truth.json")
    rng = random.Random(args.seed)

    detect_copies([])  # imports datasketch (and SciPy) before any clock starts
    results = [run("demo", *demo_articles(), {})]
    newsroom_texts, clusters = demo_texts()
    texts = [(k, t) for k, t in load_texts(args.data) + newsroom_texts if len(t.split()) >= MIN_WORDS]
    if args.clusters.exists():
        clusters.update(json.loads(args.clusters.read_text(encoding="utf-8")))
    start = time.perf_counter()
    scaled, truth = scaled_articles(texts, args.copies, args.scale, rng)
    signature_rate = len(scaled) / (time.perf_counter() - start)
    results.append(run("scaled", scaled, truth, clusters))

    print(f"{len(texts)} original texts ({args.data}, demo newsroom), {args.copies} edited copies each (1-3 edits)")
    print(
        f"{'set':<8}{'method':<11}{'articles':>9}{'pairs':>8}{'found':>8}{'prec':>7}{'recall':>8}{'F1':>7}{'art/s':>10}"
    )
    for r in results:
        for method in ("ours", "exact", "all_pairs"):
            s: Scores = r[method]
            speed = {"ours": r["articles_per_s"], "all_pairs": r["all_pairs_articles_per_s"]}.get(method)
            shown = f"{speed:>10.0f}" if speed else f"{'-':>10}"
            print(
                f"{r['set']:<8}{method:<11}{r['articles']:>9}{s.pairs_true:>8}{s.pairs_found:>8}"
                f"{s.precision:>7.3f}{s.recall:>8.3f}{s.f1:>7.3f}{shown}"
            )
    print(f"signatures: {signature_rate:.0f} texts/s (made once, at extraction); peak RSS {peak_rss_mb():.0f} MB")
    big = results[1]
    print(
        f"different texts about one event: {big['same_event_text_pairs']} pairs, "
        f"{big['same_event_taken_for_copies']} taken for copies"
    )
    demo = results[0]
    figures: dict[str, Any] = {
        "demo_precision": round(demo["ours"].precision, 4),
        "demo_recall": round(demo["ours"].recall, 4),
        "demo_agency_credited": demo["agencies"],
        "precision": round(big["ours"].precision, 4),
        "recall": round(big["ours"].recall, 4),
        "f1": round(big["ours"].f1, 4),
        "articles": big["articles"],
        "articles_per_s": round(big["articles_per_s"], 1),
        "signatures_per_s": round(signature_rate, 1),
        "exact_precision": round(big["exact"].precision, 4),
        "exact_recall": round(big["exact"].recall, 4),
        "all_pairs_precision": round(big["all_pairs"].precision, 4),
        "all_pairs_recall": round(big["all_pairs"].recall, 4),
        "all_pairs_articles_per_s": round(big["all_pairs_articles_per_s"], 1),
        "speed_ratio_vs_all_pairs": round(big["articles_per_s"] / big["all_pairs_articles_per_s"], 2)
        if big["all_pairs_articles_per_s"]
        else 0.0,
        "same_event_text_pairs": big["same_event_text_pairs"],
        "same_event_taken_for_copies": big["same_event_taken_for_copies"],
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    finish(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
