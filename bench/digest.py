"""Digest rendering speed: a digest of 20 stories with 200 divergences, built, charted and rendered.

    python bench/digest.py [--stories 20] [--divergences 200] [--outlets 8] [--repeat 5]

The watch is synthetic (made here, no data folder): each story has its outlets' articles over two
days, shared claim sentences, and its share of the divergences (every type the engine emits),
half of them already told in a previous digest so the new/changed/resolved marking runs too.
Times one full digest: select and mark (build_digest, with one timeline chart per story), the
HTML (Jinja2 + css-inline) and the text; the MIME message (which renders both again) and the
story grouping (pipeline work, done once per run) are timed apart. The goal is under 0.5 s. The peer
is matplotlib drawing the same timeline charts, when it is installed (it is not a dependency:
it is the library the charts would otherwise be drawn with). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import finish, peak_rss_mb
from pipelines.compare import ClaimMatrix, Comparison, compare, matrix_of
from pipelines.compare.align import AlignedStory
from pipelines.config import WatchConfig
from pipelines.models import Article, Divergence, OutboxMessage
from pipelines.stories import assign_stories
from reports.digest import Digest, build_digest
from reports.mail import build_message
from reports.render import render_html, render_text

GOAL_S = 0.5
T0 = datetime(2025, 7, 7, 6, 0, tzinfo=UTC)
TYPES = ["numeric_conflict", "quote_wording", "quote_attribution", "date_conflict", "role_title",
         "omission", "uncorroborated", "stealth_edit", "framing", "numeric_conflict"]  # fmt: skip
PLACES = ["Harbourton", "Millbrook", "Eastvale", "Kingsport", "Northfield", "Ashdown", "Westmere", "Redcliff",
          "Stonebridge", "Lakeshore", "Brightwater", "Oakridge", "Fairhaven", "Glenmoor", "Riverton",
          "Summerset", "Highgate", "Elmstead", "Coldharbour", "Thornbury"]  # fmt: skip


def synthetic(stories: int, divergences: int, outlets: int) -> tuple[Comparison, list[Divergence], dict[str, str]]:
    """A watch of ``stories`` stories, ``outlets`` outlets each, and ``divergences`` findings among them."""
    names = {f"outlet-{i}": f"The {PLACES[i % len(PLACES)]} Gazette {i}" for i in range(outlets)}
    articles: list[Article] = []
    found: list[Divergence] = []
    per_story = max(1, divergences // stories)
    for s in range(stories):
        rng = random.Random(s)
        w = [_pseudo_word(rng) for _ in range(12)]  # each story its own vocabulary, as real events have
        place = PLACES[s % len(PLACES)] + w[11].title()
        sentences = [
            f"The {w[0]} {w[1]} in {place} has {w[2]} {1200 + s * 10} {w[3]}, the regional council said on Monday.",
            f"“We will {w[4]} every {w[5]} in {place}, one by one,” Mayor Elena {w[6].title()} told reporters.",
            f"Engineers expect the {place} {w[7]} to {w[8]} within {3 + s % 4} days.",
            f"Relief agencies in {place} delivered {40 + s} tonnes of {w[9]} by Tuesday evening.",
            f"Residents of {place} criticised the slow {w[10]}, officials said, and asked for an inquiry.",
        ]
        story_articles = []
        for o, outlet in enumerate(names):
            text = " ".join(sentences[: 3 + (o % 3)])
            story_articles.append(Article(
                id=f"s{s}-o{o}", outlet=outlet, url=f"https://{outlet}.example/news/{place.lower()}-{s}-{o}",
                canonical_url=f"https://{outlet}.example/news/{place.lower()}-{s}-{o}",
                title=f"{w[0].title()} {w[1]} in {place}: {w[3]} {w[2]}", text=text,
                fetched_at=T0, published_at=T0 + timedelta(hours=s % 5 + o * 3, minutes=7 * o),
                revision=2 if o == 1 else 1,
            ))  # fmt: skip
        articles += story_articles
        for k in range(per_story if s < stories - 1 else divergences - per_story * (stories - 1)):
            kind = TYPES[k % len(TYPES)]
            odd, rest = story_articles[k % outlets], [a for a in story_articles if a is not story_articles[k % outlets]]
            base = sentences[k % 3]
            evidence = {odd.id: base.replace(" will ", " shall ").replace("Monday", "Sunday").replace("1", "7", 1)}
            evidence |= {a.id: base for a in rest[:4]}
            if kind == "uncorroborated":
                evidence = {odd.id: sentences[4]}
            if kind == "stealth_edit":
                evidence = {odd.id: base}
            note = {"framing": "'criticised' (z=2.6)", "stealth_edit": f"{base!r} -> {base!r}"}.get(kind, f"case {k}")
            found.append(Divergence(
                id=f"d{s}-{k}", type=kind, articles=tuple(evidence) if kind != "omission" else (odd.id, *evidence),
                evidence=evidence if kind != "omission" else {a: base for a in evidence if a != odd.id},
                spans={}, severity=0.5 + (k % 5) / 10, note=note,
                before={odd.id: base.replace("Monday", "Friday")} if kind == "stealth_edit" else {},
                watch="bench",
            ))  # fmt: skip
    return compare("bench", articles), found, names


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))


def one_digest(comparison: Comparison, found: list[Divergence], names: dict[str, str], previous: OutboxMessage,
               stories: dict[str, str], matrices: dict[str, ClaimMatrix]
               ) -> tuple[Digest, dict[str, float]]:  # fmt: skip
    watch = WatchConfig(name="bench", query="flood", timezone="Europe/Berlin", recipients=("desk@example.org",))
    now = T0 + timedelta(days=2)
    times: dict[str, float] = {}
    t = time.perf_counter()
    digest = build_digest(comparison, found, watch, names, now=now, previous=previous, known=found, stories=stories,
                          matrices=matrices)  # fmt: skip
    times["build_s"] = time.perf_counter() - t
    t = time.perf_counter()
    render_html(digest)
    times["html_s"] = time.perf_counter() - t
    t = time.perf_counter()
    render_text(digest)
    times["text_s"] = time.perf_counter() - t
    t = time.perf_counter()
    build_message(digest, sender="newswatch@example.org", recipients=watch.recipients, now=now).as_bytes()
    times["message_s"] = time.perf_counter() - t  # renders both bodies again, inside the message
    return digest, times


def story_matrices(comparison: Comparison, found: list[Divergence], stories: dict[str, str]) -> dict[str, ClaimMatrix]:
    """Each story's claim x outlet matrix, marked with its findings (the pipeline's work, not the digest's)."""
    members: dict[str, list[Article]] = defaultdict(list)
    for a in comparison.articles:
        members[stories.get(a.id, "")].append(a)
    out = {}
    for story_id, articles in members.items():
        ids = {a.id for a in articles}
        about = [d for d in found if ids.intersection(d.articles)]
        copies = {a.id: a.duplicate_of for a in articles if a.duplicate_of}
        out[story_id] = matrix_of(AlignedStory([a for a in articles if not a.duplicate_of]), about, copies, articles)
    return out


def matplotlib_peer(digest: Digest, repeat: int) -> float | None:
    """Seconds for matplotlib (Agg) to draw the digest's timelines as PNGs, or None when not installed."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return None
    import io

    def draw() -> None:
        for chart in digest.charts:
            lanes = max(1, (chart.height - 34) // 22)
            fig = Figure(figsize=(chart.width / 100, chart.height / 100), dpi=200)
            FigureCanvasAgg(fig)
            ax = fig.add_axes((0.24, 0.2, 0.74, 0.78))
            for lane in range(lanes):
                ax.plot([T0 + timedelta(hours=lane * 3 + h) for h in range(3)], [lane] * 3, "o", ms=4)
            ax.set_yticks(range(lanes), [f"Outlet {i}" for i in range(lanes)])
            fig.savefig(io.BytesIO(), format="png")

    draw()  # warm-up (fonts, caches)
    return min(_timed(draw) for _ in range(repeat))


def _timed(fn: Any) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--divergences", type=int, default=200)
    parser.add_argument("--outlets", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    comparison, found, names = synthetic(args.stories, args.divergences, args.outlets)
    # half of the findings were told before, a tenth of those in other words, and 5 are gone
    told = {d.id: (d.fingerprint if i % 10 else "older") for i, d in enumerate(found[: len(found) // 2])}
    told |= {f"gone-{i}": "x" for i in range(5)}
    previous = OutboxMessage(id="prev", watch="bench", created_at=T0 + timedelta(days=1), subject="",
                             recipients=("desk@example.org",), message=b"", divergences=told)  # fmt: skip
    # story grouping is the pipeline's work (jobs.analyse_watch does it once per run), timed apart
    t = time.perf_counter()
    stories = assign_stories(list(comparison.articles))
    grouping_s = time.perf_counter() - t
    # so is each story's claim x outlet matrix (jobs.report_watch takes it from the story's analysis)
    t = time.perf_counter()
    matrices = story_matrices(comparison, found, stories)
    matrix_s = time.perf_counter() - t
    one_digest(comparison, found, names, previous, stories, matrices)  # warm-up: templates compiled, fonts loaded
    runs = [one_digest(comparison, found, names, previous, stories, matrices) for _ in range(args.repeat)]
    digest = runs[0][0]
    totals = [sum(t for k, t in times.items() if k != "message_s") for _, times in runs]
    best = min(range(len(runs)), key=lambda i: totals[i])
    parts = runs[best][1]
    total = totals[best]
    html_kb = len(render_html(digest).encode()) / 1024
    c = digest.counts
    marks = f"{c['new']} new / {c['changed']} changed / {c['unchanged']} unchanged / {c['resolved']} resolved"
    print(f"{len(digest.stories)} stories, {digest.divergence_count} divergences, {len(digest.charts)} charts, {marks}")
    median_ms = statistics.median(totals) * 1000
    print(f"digest (build + charts + HTML + text): best {total * 1000:.0f} ms, median {median_ms:.0f} ms "
          f"over {args.repeat} runs (goal < {GOAL_S * 1000:.0f} ms)")  # fmt: skip
    print("  " + ", ".join(f"{k[:-2]} {v * 1000:.0f} ms" for k, v in parts.items()) + f"; HTML {html_kb:.0f} KiB")
    print(f"  (story grouping, done once per run by the pipeline: {grouping_s * 1000:.0f} ms; "
          f"claim matrices, from the stories' analyses: {matrix_s * 1000:.0f} ms)")  # fmt: skip
    peer = matplotlib_peer(digest, max(1, args.repeat // 2))
    figures: dict[str, Any] = {
        "stories": len(digest.stories), "divergences": digest.divergence_count,
        "digest_s": round(total, 4), "digest_median_s": round(statistics.median(totals), 4),
        "goal_s": GOAL_S, "within_goal": total < GOAL_S, "html_kib": round(html_kb, 1),
        "story_grouping_s": round(grouping_s, 4),
        "claim_matrices_s": round(matrix_s, 4),
        **{k: round(v, 4) for k, v in parts.items()}, "peak_rss_mb": round(peak_rss_mb(), 1),
    }  # fmt: skip
    if peer is None:
        print("peer: matplotlib is not installed, so the charts are not compared")
    else:
        print(f"peer: matplotlib draws the same {len(digest.charts)} charts in {peer * 1000:.0f} ms "
              f"({peer / max(parts['build_s'], 1e-9):.1f}x our whole build step)")  # fmt: skip
        figures |= {"matplotlib_charts_s": round(peer, 4),
                    "ratio_matplotlib_charts_to_build": round(peer / parts["build_s"], 1)}  # fmt: skip
    finish(figures)


if __name__ == "__main__":
    main()
