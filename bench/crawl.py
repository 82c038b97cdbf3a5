"""Whole-job crawl throughput: our crawler vs news-please on the same scaled newsroom, same run.

Usage: ``python -m bench.crawl [--copies 80] [--skip-newsplease] [--repeat N]``

The demo newsroom's 64 articles are repeated (each copy with its own URL and a sentence of its
own, so no two texts are equal) into at least 5,000 article pages on 8 loopback ports, served
pre-rendered from a separate process; robots.txt allows everything and sets no Crawl-delay, and
each outlet lists its articles in a sitemap. Then, one after the other:

- newswatch: ``python -m crawler.process`` with throttling off (discovery, fetch, extraction in
  worker processes, SQLite store, crawl state), as ``newswatch crawl`` runs it;
- news-please (in its own virtual environment under ``.cache/``, installed on first use):
  its SitemapCrawler on each outlet, ``fetch_images`` off, its extractors and JSON file storage,
  the page heuristics off so that every page is extracted as ours are; run like its command
  line does, several sites in parallel (its default of 5).

For each: pages/s for the whole job, CPU seconds per page (every process of the job), peak RSS
(the sum over the job's processes, sampled). ``--repeat N`` crawls N times with each, alternating,
and reports each crawler's fastest run (on a shared virtual machine a busy host slows a run by up
to a quarter; every run is printed and listed). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the repository root

from bench._common import ROOT, finish

NEWSPLEASE_VENV = ROOT / ".cache" / "newsplease-venv"
NEWSPLEASE_PARALLEL = 5  # news-please's own default number_of_parallel_crawlers


# -- the scaled newsroom ------------------------------------------------------------------------
def build_site(copies: int) -> dict[str, dict[str, tuple[str, bytes]]]:
    """``{outlet: {path: (content type, body)}}`` for every outlet of the scaled newsroom."""
    from examples.newsroom import load_newsroom
    from examples.newsroom.content import LAST_DAY, day_end

    newsroom = load_newsroom()
    now = day_end(LAST_DAY)
    site: dict[str, dict[str, tuple[str, bytes]]] = {slug: {} for slug in newsroom.outlets}
    for article in newsroom.articles:
        for k in range(copies):
            body = f"This is edition {k + 1} of the story, kept for the benchmark.\n\n{article.final_body}"
            copy = replace(article, slug=f"{article.slug}-{k + 1}", body=body, revisions=())
            html = newsroom.render_article(copy, now).encode()
            site[article.outlet.slug][copy.path] = ("text/html; charset=utf-8", html)
    return site


def _sitemap(origin: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{origin}{p}</loc></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def serve(copies: int) -> None:
    """Serve the scaled newsroom until stdin closes; print ``{outlet: origin}`` once listening."""
    site = build_site(copies)
    origins: dict[str, str] = {}
    servers = []
    for index, (slug, pages) in enumerate(site.items()):
        server = _bind(index, _handler(pages))
        server.daemon_threads = True
        host, port = server.server_address[:2]
        origin = f"http://{host}" if port == 80 else f"http://{host}:{port}"
        origins[slug] = origin
        pages["/robots.txt"] = ("text/plain", f"User-agent: *\nDisallow:\nSitemap: {origin}/sitemap.xml\n".encode())
        pages["/sitemap.xml"] = ("application/xml", _sitemap(origin, [p for p in pages if p.count("/") >= 4]))
        pages["/"] = ("text/html; charset=utf-8", b"<html><body><h1>Home</h1></body></html>")
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    print(json.dumps(origins), flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    for server in servers:
        server.shutdown()


def _bind(index: int, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Each outlet on port 80 of its own loopback address (127.88.0.N), as on the web: news-please
    takes an outlet's allowed domain from its URL with the port, which Scrapy's offsite filter then
    rejects. Without the right to bind port 80, a free port on 127.0.0.1."""
    try:
        return ThreadingHTTPServer((f"127.88.0.{index + 1}", 80), handler)
    except OSError:
        return ThreadingHTTPServer(("127.0.0.1", 0), handler)


def _handler(pages: dict[str, tuple[str, bytes]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            found = pages.get(self.path.split("?")[0])
            status, (kind, body) = (200, found) if found else (404, ("text/html", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    return Handler


# -- measuring a process tree -------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") / 1024


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        stack += _children(current)
    return pids


def _cpu_and_rss(pid: int) -> tuple[float, float] | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rss_kb = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK, rss_kb / 1024


class TreeSampler:
    """CPU seconds (per process, the last seen) and the peak of the summed RSS of a process tree."""

    def __init__(self, pid: int, interval_s: float = 0.1) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.cpu: dict[int, float] = {}
        self.peak_rss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            total_rss = 0.0
            for pid in _tree(self.pid):
                sample = _cpu_and_rss(pid)
                if sample is not None:
                    self.cpu[pid] = max(self.cpu.get(pid, 0.0), sample[0])
                    total_rss += sample[1]
            self.peak_rss_mb = max(self.peak_rss_mb, total_rss)
            self._stop.wait(self.interval_s)

    @property
    def cpu_s(self) -> float:
        return sum(self.cpu.values())


def _measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    with (
        subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as child,
        TreeSampler(child.pid) as sampler,
    ):
        out, _ = child.communicate()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": sampler.cpu_s,
        "peak_rss_mb": sampler.peak_rss_mb,
        "stdout": out.decode("utf-8", "replace"),
        "code": child.returncode,
    }


# -- the two crawlers ---------------------------------------------------------------------------
def run_newswatch(origins: dict[str, str], workdir: Path) -> dict[str, Any]:
    lines = [
        'data_dir = "state"',
        "[crawl]",
        "download_delay_s = 0",
        "autothrottle = false",
        "concurrent_requests = 32",
        "concurrent_requests_per_domain = 8",
        "max_pages_per_outlet = 100000",
        'revisit = "never"',
    ]
    for slug, origin in origins.items():
        lines += [
            "[[outlet]]",
            f'name = "{slug}"',
            f'homepage = "{origin}/"',
            f'sitemaps = ["{origin}/sitemap.xml"]',
            "allow_private_network = true",
        ]
    config = workdir / "newswatch.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _measure([sys.executable, "-m", "crawler.process", str(config)], cwd=ROOT)
    stored = sum(1 for line in result["stdout"].splitlines() if '"event": "stored"' in line)
    result["pages"] = stored
    return result


def ensure_newsplease() -> Path:
    python = NEWSPLEASE_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(NEWSPLEASE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "news-please"], check=True)
    return python


def run_newsplease(origins: dict[str, str], workdir: Path) -> dict[str, Any]:
    python = ensure_newsplease()
    package = Path(
        subprocess.run(
            [str(python), "-c", "import newsplease, os; print(os.path.dirname(newsplease.__file__))"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    config = (package / "config" / "config.cfg").read_text(encoding="utf-8")
    data = workdir / "newsplease"
    replacements = {
        "working_path = ~/news-please-repo/": f"working_path = {data}/",
        # every page extracted, as ours are: news-please's article heuristics would skip some templates
        'pass_heuristics_condition = "og_type and (linked_headlines or self_linked_headlines)"': (
            'pass_heuristics_condition = "True"'
        ),
        "LOG_LEVEL = INFO": "LOG_LEVEL = WARNING",
        # fetch_images off: the newspaper extractor variant that downloads no images
        "extractors = ['newspaper_extractor',": "extractors = ['newspaper_extractor_no_images',",
    }
    for old, new in replacements.items():
        if old not in config:
            raise SystemExit(f"news-please's default config changed: {old!r} not found")
        config = config.replace(old, new)
    (workdir / "config.cfg").write_text(config, encoding="utf-8")
    sites = {"base_urls": [{"url": origin + "/", "crawler": "SitemapCrawler"} for origin in origins.values()]}
    (workdir / "sitelist.hjson").write_text(json.dumps(sites), encoding="utf-8")
    driver = workdir / "drive_newsplease.py"
    driver.write_text(_DRIVER, encoding="utf-8")
    result = _measure(
        [str(python), str(driver), str(workdir / "config.cfg"), str(workdir / "sitelist.hjson"),
         str(len(origins)), str(NEWSPLEASE_PARALLEL)],
        cwd=workdir,
    )  # fmt: skip
    # one JSON file per extracted page; the outlets' homepages it also stores are not articles
    result["pages"] = sum(
        1
        for path in data.rglob("*.json")
        if urlsplit(json.loads(path.read_bytes()).get("url", "")).path.count("/") >= 4
    )
    return result


# what news-please's command line does for each site (one SingleCrawler process per site, a few
# at a time), without its interactive prompts and daemon loop
_DRIVER = """
import subprocess, sys
from concurrent.futures import ThreadPoolExecutor
config, sitelist, sites, parallel = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def crawl(index):
    return subprocess.run([sys.executable, "-m", "newsplease.single_crawler", config, sitelist, str(index),
                           "False", "False"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
with ThreadPoolExecutor(parallel) as pool:
    codes = list(pool.map(crawl, range(sites)))
print(codes)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl")
    parser.add_argument("--copies", type=int, default=80, help="copies of each demo article (80: 5,120 pages)")
    parser.add_argument("--skip-newsplease", action="store_true", help="only our crawler (for quick checks)")
    parser.add_argument(
        "--repeat", type=int, default=1,
        help="crawl N times with each crawler, alternating, and report each one's fastest run (host noise)",
    )  # fmt: skip
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.copies)
        return 0
    with (
        tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp,
        subprocess.Popen(
            [sys.executable, "-m", "bench.crawl", "--serve", "--copies", str(args.copies)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        ) as server,
    ):  # fmt: skip
        assert server.stdout is not None
        assert server.stdin is not None
        origins = json.loads(server.stdout.readline())
        pages = args.copies * 64
        print(f"scaled newsroom: {pages} article pages on {len(origins)} loopback ports")
        # alternating, each run in a fresh folder (a second crawl with the same state would find nothing new);
        # the fastest run of each is reported: a busy host only ever slows a run down
        our_runs, their_runs = [], []
        for n in range(max(1, args.repeat)):
            (Path(tmp) / f"ours-{n}").mkdir()
            our_runs.append(run_newswatch(origins, Path(tmp) / f"ours-{n}"))
            print(_line("newswatch", our_runs[-1]))
            if not args.skip_newsplease:
                (Path(tmp) / f"np-{n}").mkdir()
                their_runs.append(run_newsplease(origins, Path(tmp) / f"np-{n}"))
                print(_line("news-please", their_runs[-1]))
        ours = min(our_runs, key=lambda r: r["seconds"])
        theirs = min(their_runs, key=lambda r: r["seconds"]) if their_runs else None
        if args.repeat > 1:
            print(f"fastest of {args.repeat} runs each: newswatch {ours['seconds']:.1f} s"
                  + (f", news-please {theirs['seconds']:.1f} s" if theirs else ""))  # fmt: skip
        server.stdin.close()
        server.wait(timeout=30)
    figures: dict[str, Any] = {
        "article_pages": pages,
        "pages": ours["pages"],
        "pages_per_s": round(ours["pages"] / ours["seconds"], 1),
        "cpu_s_per_page": round(ours["cpu_s"] / max(ours["pages"], 1), 4),
        "peak_rss_mb": round(ours["peak_rss_mb"], 1),
        "seconds": round(ours["seconds"], 1),
        "repeat": max(1, args.repeat),
        "pages_per_s_runs": [round(r["pages"] / r["seconds"], 1) for r in our_runs],
    }
    if theirs is not None:
        figures |= {
            "newsplease_pages": theirs["pages"],
            "newsplease_pages_per_s": round(theirs["pages"] / theirs["seconds"], 1),
            "newsplease_cpu_s_per_page": round(theirs["cpu_s"] / max(theirs["pages"], 1), 4),
            "newsplease_peak_rss_mb": round(theirs["peak_rss_mb"], 1),
            "newsplease_seconds": round(theirs["seconds"], 1),
            "newsplease_pages_per_s_runs": [round(r["pages"] / r["seconds"], 1) for r in their_runs],
        }
        if theirs["pages"]:
            figures["speedup"] = round(figures["pages_per_s"] / figures["newsplease_pages_per_s"], 2)
    finish(figures)
    return 0


def _line(name: str, r: dict[str, Any]) -> str:
    return (
        f"{name}: {r['pages']} pages in {r['seconds']:.1f} s = {r['pages'] / r['seconds']:.1f} pages/s, "
        f"{r['cpu_s'] / max(r['pages'], 1):.4f} CPU s/page, peak RSS {r['peak_rss_mb']:.0f} MB (exit {r['code']})"
    )


if __name__ == "__main__":
    raise SystemExit(main())
