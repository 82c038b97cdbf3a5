"""Parse every saved feed and sitemap of a folder through our discovery code.

Usage: ``python -m bench.feeds [--data DIR]`` (default: ``../shared/data/feeds``, any folder of
feed/sitemap files works, sub-folders included). Prints items (and nested sitemaps) found per
file and the failures; beside it, the peer: plain feedparser on the same files. The last line
is one JSON object.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the repository root

from bench._common import SHARED_DATA, finish, peak_rss_mb
from crawler.discovery import parse_any

SKIP = {"LICENSE", "README.txt", "README.md", "robots.txt"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.feeds")
    parser.add_argument("--data", type=Path, default=SHARED_DATA / "feeds")
    args = parser.parse_args(argv)
    files = sorted(p for p in args.data.rglob("*") if p.is_file() and p.name not in SKIP)
    if not files:
        parser.error(f"no files under {args.data}")
    items = sitemaps = peer_items = 0
    failures: list[str] = []
    seconds = 0.0
    for path in files:
        body = path.read_bytes()
        url = f"https://{path.parent.name}.example/{path.name}"
        started = time.perf_counter()
        try:
            found = parse_any(body, url)
        except Exception as exc:  # a crash of our parser is exactly what this bench must show
            failures.append(f"{path.relative_to(args.data)}: crashed: {exc!r}")
            print(f"{path.relative_to(args.data)}: CRASH {exc!r}")
            continue
        seconds += time.perf_counter() - started
        peer = len(feedparser.parse(body).entries)
        peer_items += peer
        items += len(found.candidates)
        sitemaps += len(found.sitemaps)
        note = f"  ({found.problem})" if found.problem else ""
        nested = f", {len(found.sitemaps)} sitemaps" if found.sitemaps else ""
        print(f"{path.relative_to(args.data)}: {len(found.candidates)} items{nested}; feedparser {peer}{note}")
        if not found.candidates and not found.sitemaps:
            failures.append(f"{path.relative_to(args.data)}: {found.problem or 'nothing found'}")
    print(f"\n{len(files)} files, {items} items, {sitemaps} nested sitemaps, {len(failures)} without any:")
    for failure in failures:
        print(f"  {failure}")
    finish(
        {
            "files": len(files),
            "items": items,
            "sitemaps": sitemaps,
            "failures": len(failures),
            "feedparser_items": peer_items,
            "items_vs_feedparser": round(items / peer_items, 3) if peer_items else None,
            "parse_s": round(seconds, 3),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
