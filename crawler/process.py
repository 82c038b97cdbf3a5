"""Child-process entry point of one crawl: ``python -m crawler.process CONFIG``.

Runs the news spider over every outlet of the config with Scrapy's CrawlerProcess, writes
progress as JSON lines on stdout and, at the end, one ``{"event": "finished", "stats": ...}``.
Scrapy's own log goes to ``<data_dir>/logs/crawl.log``; warnings also to stderr.

Every extraction worker imports this module again (multiprocessing re-imports the parent's main
module, as ``__mp_main__``, in each child): so it imports only the standard library at the top,
and Scrapy, the config and the stores inside :func:`main`. A worker stays the size of the
extraction code (tens of MB less each).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from datetime import UTC, datetime
from typing import Any


def main(argv: list[str] | None = None) -> int:
    from scrapy.crawler import CrawlerProcess

    from crawler.item_pipelines import emit
    from crawler.runstats import record_run
    from crawler.settings import build_settings
    from crawler.spiders.news import NewsSpider
    from crawler.state import open_state
    from pipelines.config import load_config
    from pipelines.errors import NewswatchError
    from pipelines.secrets import RedactingFormatter, known_secrets
    from pipelines.store import open_store

    parser = argparse.ArgumentParser(prog="python -m crawler.process")
    parser.add_argument("config")
    parser.add_argument("--outlets", default="", help="comma-separated outlet ids (default: every outlet)")
    parser.add_argument("--parent-pid", type=int, default=0, help="die with this process (the one that started us)")
    args = parser.parse_args(argv)
    if args.parent_pid:
        _die_with_parent(args.parent_pid)
    try:
        config = load_config(args.config)
        if args.outlets:
            wanted = args.outlets.split(",")
            for outlet in wanted:
                config.outlet(outlet)  # an unknown id is an error, not a silently empty crawl
            config = config.model_copy(update={"outlets": tuple(o for o in config.outlets if o.id in wanted)})
    except NewswatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"error: no outlet {exc} in {args.config}", file=sys.stderr)
        return 2
    log_dir = config.resolve(config.data_dir) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        state = open_state(config)
    except NewswatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings: dict[str, Any] = {
        **build_settings(config),
        "NEWSWATCH_CONFIG": config,
        "NEWSWATCH_STATE": state,
        "LOG_FILE": str(log_dir / "crawl.log"),
        "LOG_FILE_APPEND": True,
        "LOG_INSTALL_ROOT_HANDLER": True,
    }
    started = datetime.now(UTC)
    process = CrawlerProcess(settings)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(stderr)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, config=config, state=state)
    # Scrapy logs request URLs, and a URL may carry a password: every line goes through the redactor.
    # (Only now: Scrapy replaces its root handler when the crawl applies its settings.)
    secrets = known_secrets(config)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(secrets=secrets, inner=handler.formatter))
    # Scrapy leaves the root logger at NOTSET and filters in its handler: every debug line of every
    # request ("Crawled (200) ...") would be made into a record and then thrown away
    logging.getLogger().setLevel(settings["LOG_LEVEL"])
    process.start()
    stats = dict((crawler.stats.get_stats() if crawler.stats else {}).items())
    try:
        outlets = record_run(state, config, stats, started, datetime.now(UTC))
    finally:
        state.close()
    store = open_store(config)
    try:
        store.record_run("crawl", started, stats)
    finally:
        store.close()
    emit("finished", stats=stats, outlets=outlets)
    return 0


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this crawl when the process that started it dies.

    A daemon killed with ``kill -9`` must not leave its crawl writing beside the crawl of the daemon
    that replaces it. Each write is one SQLite transaction, so a crawl killed midway leaves no half
    record; what it had not stored yet the next crawl fetches.
    """
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request above took effect
        os._exit(1)


if __name__ == "__main__":
    sys.exit(main())
