"""Child-process entry point of one crawl: ``python -m crawler.process CONFIG``.

Runs the news spider over every outlet of the config with Scrapy's CrawlerProcess, writes
progress as JSON lines on stdout and, at the end, one ``{"event": "finished", "stats": ...}``.
Scrapy's own log goes to ``<data_dir>/logs/crawl.log``; warnings also to stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.item_pipelines import emit
from crawler.runstats import record_run
from crawler.settings import build_settings
from crawler.spiders.news import NewsSpider
from crawler.state import open_state
from pipelines.config import load_config
from pipelines.errors import NewswatchError
from pipelines.store import open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.process")
    parser.add_argument("config")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except NewswatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
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


if __name__ == "__main__":
    sys.exit(main())
