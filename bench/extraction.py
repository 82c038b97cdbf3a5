"""Extraction quality and speed: our extraction beside plain trafilatura and newspaper4k.

    python bench/extraction.py [--data DIR] [--predictions FILE] [--half a|b] [--repeat N]

DIR has the article-extraction-benchmark layout (``html/<id>.html.gz`` and ``ground-truth.json``
with ``{"<id>": {"url", "articleBody"}}``); default ``../shared/data/extraction-dev``. Every
extractor runs over the same decoded pages in its own child process (so each has its own peak
RSS), the runs interleaved ``--repeat`` times; pages/s is the median over the repeats of the
extraction loop alone (reading and decoding the pages is outside the clock). newspaper4k runs
from its own virtual environment (``.cache/bench-venv``, created on first use; ``--no-newspaper``
skips it). The machine is shared, so absolute speeds are noisy: compare the ratio to trafilatura
measured in the same run (``speed_ratio``).

``--half a`` / ``--half b`` keeps one of two fixed halves of the pages (by a hash of the id):
develop on one, report the other as unseen.

The last line is one JSON object with ``f1``, ``precision``, ``recall``, ``pages_per_s``,
``peak_rss_mb``, the same with ``trafilatura_`` and ``newspaper4k_`` prefixes, and
``speed_ratio`` (ours / trafilatura's pages/s).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import require  # noqa: E402  (the repository root goes on the path first)
from bench.scoring import decode_html, half_of, score  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "extraction-dev"
BENCH_VENV = ROOT / ".cache" / "bench-venv"
NEWSPAPER_REQUIREMENTS = ["newspaper4k>=0.9.3,<0.10", "lxml_html_clean>=0.4", "tinysegmenter"]  # its Japanese tokenizer
EXTRACTORS = ("ours", "trafilatura", "newspaper4k")


def load_pages(data: Path, half: str | None) -> dict[str, dict[str, str]]:
    """``{id: {"url", "expected", "html"}}`` for every page of DIR (optionally one half)."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for page_id, entry in sorted(truth.items()):
        if half and half_of(page_id) != half:
            continue
        path = data / "html" / f"{page_id}.html.gz"
        raw = gzip.decompress(path.read_bytes()) if path.exists() else b""
        pages[page_id] = {
            "url": entry.get("url", ""),
            "expected": entry.get("articleBody", ""),
            "html": decode_html(raw),
        }
    return pages


# -- workers: one per extractor, each in a child process -------------------------------------


def _ours() -> Any:
    from datetime import UTC, datetime

    from pipelines.extract import extract_article
    from pipelines.models import RawPage

    now = datetime.now(UTC)

    def run(html: str, url: str) -> str:
        page = RawPage(url=url, final_url=url, status=200, html=html, outlet="bench", fetched_at=now)
        result = extract_article(page, min_words=0)
        return result.article.text if result.article is not None else ""

    return run


def _trafilatura() -> Any:
    import trafilatura

    def run(html: str, url: str) -> str:
        return trafilatura.extract(html, url=url) or ""

    return run


def _newspaper4k() -> Any:
    import newspaper

    config = newspaper.Config()
    config.fetch_images = False  # offline: never download the lead image
    config.memorize_articles = False

    def run(html: str, url: str) -> str:
        article = newspaper.Article(url or "http://localhost/", config=config)
        article.download(input_html=html)
        article.parse()
        return article.text or ""

    return run


def worker(name: str, data: Path, half: str | None, out: Path) -> None:
    """Extract every page with one extractor; write predictions, timing and peak RSS as JSON."""
    run = {"ours": _ours, "trafilatura": _trafilatura, "newspaper4k": _newspaper4k}[name]()
    pages = load_pages(data, half)
    predictions: dict[str, str] = {}
    errors = 0
    start = time.perf_counter()
    for page_id, page in pages.items():
        try:
            predictions[page_id] = run(page["html"], page["url"])
        except Exception:  # a crash on one page counts as an empty prediction, as in the benchmark
            predictions[page_id] = ""
            errors += 1
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write_text(
        json.dumps({"predictions": predictions, "seconds": elapsed, "peak_rss_mb": peak_kb / 1024, "errors": errors}),
        encoding="utf-8",
    )


# -- the driver --------------------------------------------------------------------------------


def newspaper_python(setup: bool) -> Path | None:
    """The Python of the newspaper4k virtual environment, created when missing and allowed."""
    python = BENCH_VENV / "bin" / "python"
    check = [str(python), "-c", "import newspaper, tinysegmenter"]
    if python.exists() and subprocess.run(check, capture_output=True, check=False).returncode == 0:
        return python
    if not setup:
        return None
    print(f"creating {BENCH_VENV} with {' '.join(NEWSPAPER_REQUIREMENTS)}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *NEWSPAPER_REQUIREMENTS], check=True)
    return python


def run_worker(python: Path, name: str, data: Path, half: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        command = [str(python), str(Path(__file__).resolve()), "--worker", name, "--data", str(data), "--out", str(out)]
        if half:
            command += ["--half", half]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env)
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder (html/, ground-truth.json)")
    parser.add_argument("--predictions", type=Path, help="write our predictions here as {id: {articleBody}}")
    parser.add_argument("--half", choices=("a", "b"), help="only one fixed half of the pages")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved timing runs per extractor (median)")
    parser.add_argument("--no-newspaper", action="store_true", help="skip newspaper4k")
    parser.add_argument("--no-setup", action="store_true", help="do not create the newspaper4k environment")
    parser.add_argument("--worker", choices=EXTRACTORS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        worker(args.worker, args.data, args.half, args.out)
        return 0

    pythons: dict[str, Path] = {"ours": Path(sys.executable), "trafilatura": Path(sys.executable)}
    if not args.no_newspaper:
        python = newspaper_python(setup=not args.no_setup)
        if python is None:
            print("newspaper4k environment missing: skipped (run without --no-setup to create it)", file=sys.stderr)
        else:
            pythons["newspaper4k"] = python

    require(parser, args.data, "ground-truth.json", "html")
    pages = load_pages(args.data, args.half)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in pythons}
    for _ in range(max(1, args.repeat)):
        for name, python in pythons.items():
            runs[name].append(run_worker(python, name, args.data, args.half))

    figures: dict[str, dict[str, float]] = {}
    for name, results in runs.items():
        predictions = results[0]["predictions"]
        s = score((page["expected"], predictions.get(page_id, "")) for page_id, page in pages.items())
        speed = statistics.median(len(pages) / r["seconds"] if r["seconds"] else 0.0 for r in results)
        figures[name] = {
            "f1": s.f1,
            "precision": s.precision,
            "recall": s.recall,
            "pages_per_s": speed,
            "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
            "errors": results[0]["errors"],
        }
    if args.predictions:
        ours = runs["ours"][0]["predictions"]
        args.predictions.write_text(
            json.dumps({k: {"articleBody": v} for k, v in ours.items()}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )

    print(f"{len(pages)} pages from {args.data}" + (f" (half {args.half})" if args.half else ""))
    print(f"{'extractor':<14}{'F1':>7}{'prec':>7}{'recall':>8}{'pages/s':>9}{'peak RSS MB':>13}{'errors':>8}")
    for name, f in figures.items():
        print(
            f"{name:<14}{f['f1']:>7.3f}{f['precision']:>7.3f}{f['recall']:>8.3f}"
            f"{f['pages_per_s']:>9.1f}{f['peak_rss_mb']:>13.0f}{int(f['errors']):>8}"
        )
    trafilatura_speed = figures["trafilatura"]["pages_per_s"]
    summary: dict[str, Any] = {"pages": len(pages), "half": args.half or "all", "repeat": max(1, args.repeat)}
    for name, f in figures.items():
        prefix = "" if name == "ours" else f"{name}_"
        summary.update({f"{prefix}{key}": round(value, 4) for key, value in f.items()})
    summary["speed_ratio"] = round(figures["ours"]["pages_per_s"] / trafilatura_speed, 3) if trafilatura_speed else 0.0
    print(f"speed ratio ours / trafilatura (same run, shared machine: noisy): {summary['speed_ratio']:.2f}")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
