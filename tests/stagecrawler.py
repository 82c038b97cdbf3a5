"""The two things a crawl stage (crawler.item_pipelines) takes from Scrapy's crawler: its settings and
its stats. Stage tests run the stage itself on real pages; only the Scrapy object around it is this."""

from __future__ import annotations

from pipelines.config import Config


class StageStats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


class StageCrawler:
    def __init__(self, config: Config) -> None:
        self.settings = {"NEWSWATCH_CONFIG": config}
        self.stats = StageStats()
