"""Metadata accuracy on real pages: title, date, datetime with time zone, authors and body.

    python bench/metadata.py [--data DIR] [--predictions FILE] [--half a|b]

DIR holds ``pages/<id>.html.gz`` and ``expected.json`` (``{"<id>": {"url", "title", "authors",
"publishing_date", "body"}}``); default ``../shared/data/metadata-dev``. Our extraction and plain
``trafilatura.bare_extraction(with_metadata=True)`` run over the same pages in the same process.

Scoring (as the data's README describes it): title equal after case folding, whitespace folding
and dropping quotation marks; date the same instant within 60 s when both sides have a time
zone, else the same calendar day; datetime the share of pages whose expected date has a time
of day that we predict with a time zone within 60 s; authors equal as case-folded sets (pages
that expect authors); body the word 4-gram shingle F1 of ../extraction-dev.

``--half a`` / ``--half b`` keeps the pages of one fixed half of the publishers (a hash of the
publisher part of the id), to develop on one half and check the other. The last line is one JSON
object with our scores and trafilatura's (``trafilatura_`` prefix).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import require  # noqa: E402  (the repository root goes on the path first)
from bench.scoring import decode_html, half_of, score  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "metadata-dev"
_QUOTES = re.compile(r"[\"'“”„‘’«»‹›]")
_TIME_OF_DAY = re.compile(r"[T ]\d\d:\d\d")


def publisher_of(page_id: str) -> str:
    """The publisher part of an id like ``at_DerStandard_2024_05_03`` (country and name)."""
    parts = page_id.split("_")
    return "_".join(parts[:2]) if len(parts) > 2 else page_id


def norm_title(title: str) -> str:
    return " ".join(_QUOTES.sub("", title or "").casefold().split())


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def date_matches(expected: str | None, predicted: str | None) -> bool:
    """Same instant within 60 s when both have a time zone, else the same calendar day."""
    want, got = _parse(expected), _parse(predicted)
    if want is None or got is None:
        return False
    if want.tzinfo is not None and got.tzinfo is not None:
        if _TIME_OF_DAY.search(expected or "") and _TIME_OF_DAY.search(predicted or ""):
            return abs((want - got).total_seconds()) <= 60
        return want.date() == got.astimezone(want.tzinfo).date()
    return want.date() == got.date()


def datetime_matches(expected: str | None, predicted: str | None) -> bool:
    """A time of day, with a time zone, within 60 s of the expected instant."""
    want, got = _parse(expected), _parse(predicted)
    if want is None or got is None or got.tzinfo is None or not _TIME_OF_DAY.search(predicted or ""):
        return False
    if want.tzinfo is None:
        want = want.replace(tzinfo=UTC)
    return abs((want - got).total_seconds()) <= 60


def load_pages(data: Path, half: str | None) -> dict[str, dict[str, Any]]:
    expected = json.loads((data / "expected.json").read_text(encoding="utf-8"))
    pages = {}
    for page_id, entry in sorted(expected.items()):
        if half and half_of(publisher_of(page_id)) != half:
            continue
        path = data / "pages" / f"{page_id}.html.gz"
        raw = gzip.decompress(path.read_bytes()) if path.exists() else b""
        pages[page_id] = {**entry, "html": decode_html(raw)}
    return pages


def ours(page: dict[str, Any]) -> dict[str, Any]:
    from pipelines.extract import extract_article
    from pipelines.models import RawPage

    url = page.get("url") or "http://localhost/"
    raw = RawPage(url=url, final_url=url, status=200, html=page["html"], outlet="bench", fetched_at=datetime.now(UTC))
    article = extract_article(raw, min_words=0).article
    if article is None:
        return {"title": "", "authors": [], "published_at": None, "text": ""}
    published = None
    if article.published_at is not None:
        published = article.published_at.astimezone(_offset_zone(article.published_offset)).isoformat()
        if article.published_precision == "day":
            published = published[:10]  # the source gave a calendar day, no time of day
    return {"title": article.title, "authors": list(article.authors), "published_at": published, "text": article.text}


def _offset_zone(offset: str) -> Any:
    from datetime import timedelta, timezone

    if not offset:
        return UTC
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def plain_trafilatura(page: dict[str, Any]) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(page["html"], url=page.get("url"), with_metadata=True)
    if doc is None:
        return {"title": "", "authors": [], "published_at": None, "text": ""}
    authors = [a.strip() for a in re.split(r";", doc.author or "") if a.strip()]
    return {"title": doc.title or "", "authors": authors, "published_at": doc.date, "text": doc.text or ""}


def evaluate(pages: dict[str, dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> dict[str, float]:
    title = date = 0
    timed = timed_ok = 0
    author_pages = author_ok = 0
    for page_id, page in pages.items():
        got = predictions[page_id]
        title += norm_title(page.get("title", "")) == norm_title(got["title"])
        date += date_matches(page.get("publishing_date"), got["published_at"])
        if _TIME_OF_DAY.search(page.get("publishing_date") or ""):
            timed += 1
            timed_ok += datetime_matches(page.get("publishing_date"), got["published_at"])
        if page.get("authors"):
            author_pages += 1
            author_ok += {a.casefold() for a in page["authors"]} == {a.casefold() for a in got["authors"]}
    body = score((page.get("body", ""), predictions[page_id]["text"]) for page_id, page in pages.items())
    n = len(pages) or 1
    return {
        "title": title / n,
        "date": date / n,
        "datetime": timed_ok / timed if timed else 0.0,
        "authors": author_ok / author_pages if author_pages else 0.0,
        "body_f1": body.f1,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with pages/ and expected.json")
    parser.add_argument("--predictions", type=Path, help="write our predictions here")
    parser.add_argument("--half", choices=("a", "b"), help="only one fixed half of the publishers")
    args = parser.parse_args(argv)

    require(parser, args.data, "expected.json", "pages")
    pages = load_pages(args.data, args.half)
    results = {}
    for name, extractor in (("ours", ours), ("trafilatura", plain_trafilatura)):
        predictions = {page_id: extractor(page) for page_id, page in pages.items()}
        results[name] = (predictions, evaluate(pages, predictions))
    if args.predictions:
        args.predictions.write_text(json.dumps(results["ours"][0], ensure_ascii=False, indent=1), encoding="utf-8")

    publishers = len({publisher_of(p) for p in pages})
    where = f"{args.data}" + (f" (half {args.half})" if args.half else "")
    print(f"{len(pages)} pages, {publishers} publishers from {where}")
    print(f"{'extractor':<14}{'title':>8}{'date':>8}{'datetime':>10}{'authors':>9}{'body F1':>9}")
    for name, (_, s) in results.items():
        print(
            f"{name:<14}{s['title']:>8.3f}{s['date']:>8.3f}{s['datetime']:>10.3f}{s['authors']:>9.3f}{s['body_f1']:>9.3f}"
        )
    summary: dict[str, Any] = {"pages": len(pages), "publishers": publishers, "half": args.half or "all"}
    summary.update({k: round(v, 4) for k, v in results["ours"][1].items()})
    summary.update({f"trafilatura_{k}": round(v, 4) for k, v in results["trafilatura"][1].items()})
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
