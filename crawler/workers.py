"""The extraction worker processes beside the crawl loop, and what they run.

Extraction is CPU work (5 ms a page, ten times the crawl loop's share), so it runs in a pool of
worker processes and the crawl loop only hands pages over and awaits the results. Memory is the
other half of the job: this module imports neither Scrapy nor the extraction code, so the crawl
process never loads trafilatura and the workers never load Scrapy. The workers come from a
forkserver that has imported the extraction code once (they share those pages with it);
multiprocessing would also re-import the crawl's main module in each worker, which is why
:mod:`crawler.process` imports Scrapy only inside its ``main``.
"""

from __future__ import annotations

import multiprocessing
import traceback
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pipelines.models import Extraction, RawPage

EXTRACTION_MODULE = "pipelines.extract"


def start_pool(processes: int) -> ProcessPoolExecutor:
    """A pool of ``processes`` extraction workers, started now (while robots.txt and the feeds are fetched)."""
    # forkserver: workers start from a clean process, not a fork of the running reactor
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([EXTRACTION_MODULE])
    pool = ProcessPoolExecutor(processes, mp_context=context)
    for _ in range(processes):
        pool.submit(int)
    return pool


def extract_article(page: RawPage, *, language: str = "") -> Extraction:
    """:func:`pipelines.extract.extract_article`, imported on first call (in a worker: already imported)."""
    from pipelines.extract import extract_article as extract

    return extract(page, language=language)


class WorkerError(Exception):
    """Extraction raised in a worker: the exception's repr and the worker's traceback.

    Sent back in its place, because an exception does not always pickle and never keeps its
    traceback when it does.
    """

    def __init__(self, error: str, traceback: str) -> None:
        super().__init__(error, traceback)
        self.error = error
        self.traceback = traceback


def extract_articles(batch: Sequence[tuple[RawPage, str]]) -> list[Extraction | WorkerError]:
    """:func:`extract_article` for each ``(page, language)``, in a worker: a list of pages per call
    costs the crawl process one task, one pickle and one wake-up for all of them (20 us a page in
    eights, 150 us one at a time); a page whose extraction raises gets a :class:`WorkerError` as its
    result, and the others go on."""
    results: list[Extraction | WorkerError] = []
    for page, language in batch:
        try:
            results.append(extract_article(page, language=language))
        except Exception as exc:
            results.append(WorkerError(repr(exc), traceback.format_exc()))
    return results
