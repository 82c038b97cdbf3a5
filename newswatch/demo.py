"""``newswatch demo --daemon``: the demo newsroom served and watched by the daemon on an accelerated schedule.

The newsroom's simulated clock is moved forward by a scheduled job (``demo-clock``), so simulated
days pass in minutes while the daemon crawls, analyses and writes digests as it would for real. The
clock's position is kept in the data folder and the outlets keep fixed ports, so the demo survives
``kill -9`` and a restart: the same article URLs, the same store, the schedule where it was.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger

from examples.newsroom import NewsroomServer
from examples.newsroom.content import day_end
from newswatch.daemon import Daemon, JobSpec, setup_logging
from newswatch.history import OK
from pipelines.config import Config

logger = logging.getLogger(__name__)

CLOCK_STATE = "demo-clock.json"
TICKS_PER_DAY = 6  # the clock moves 4 simulated hours per tick


def demo_config_toml(server: NewsroomServer, *, metrics_port: int, day_every_s: float) -> str:
    """The newsroom's config with a schedule fitted to simulated days of ``day_every_s`` seconds."""
    tick_s = day_every_s / TICKS_PER_DAY
    crawl_s = max(round(tick_s), 2)
    return server.config_toml(watch_schedule="* * * * *") + "\n".join(
        [
            "",
            "[daemon]",
            f"metrics_port = {metrics_port}",
            "shutdown_grace_s = 20",
            "reload_check_s = 2",
            "",
            "[schedule]",
            f"crawl_interval_s = {crawl_s}",
            f"crawl_timeout_s = {max(10 * crawl_s, 120)}",
            "revisit_interval_s = 0  # every crawl re-reads the feeds, which is the revisit here",
            f"analyse_interval_s = {crawl_s}",
            f"deliver_interval_s = {crawl_s}",
            f"housekeeping_interval_s = {max(round(day_every_s), 10)}",
            "misfire_grace_s = 60",
            "",
        ]
    )


def run_demo_daemon(workdir: Path, *, port_base: int, metrics_port: int, day_every_s: float, first_day: int = 1) -> int:
    """Serve the newsroom and run the daemon against it until SIGTERM/SIGINT; returns the exit code."""
    formatter = setup_logging()
    data_dir = workdir / ".newswatch"
    state = data_dir / CLOCK_STATE
    start = _saved_clock(state) or day_end(first_day - 1) + timedelta(hours=6, seconds=1)
    with NewsroomServer(port_base=port_base) as server:
        server.set_time(start)
        config_path = workdir / "newswatch.toml"
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(
            demo_config_toml(server, metrics_port=metrics_port, day_every_s=day_every_s), encoding="utf-8"
        )
        first = next(iter(server.newsroom.outlets))
        clock_url = f"{server.origin(first)}/_newsroom/clock"
        logger.info(
            "demo newsroom: %d outlets from %s; simulated clock at %s; a simulated day every %g s",
            len(server.newsroom.outlets),
            server.origin(first),
            start.isoformat(),
            day_every_s,
        )
        tick_s = day_every_s / TICKS_PER_DAY

        def clock_job(config: Config, config_ref: str) -> list[JobSpec]:
            return [
                JobSpec(
                    id="demo-clock",
                    kind="demo-clock",
                    trigger=IntervalTrigger(seconds=tick_s, timezone=UTC),
                    schedule=f"every {tick_s:.3g} s: +{24 // TICKS_PER_DAY} simulated hours",
                    args=(config_ref, "demo-clock", "newswatch.demo:advance_clock", clock_url, 24 / TICKS_PER_DAY),
                    misfire_grace_s=max(tick_s, 60),
                )
            ]

        return Daemon(config_path, extra_jobs=clock_job, formatter=formatter).run()


def advance_clock(
    config: Config, _config_ref: str, _name: str, clock_url: str, hours: float
) -> tuple[str, dict[str, Any]]:
    """The demo-clock job: move the newsroom's clock forward and remember where it is."""
    with urllib.request.urlopen(clock_url, timeout=10) as response:
        now = datetime.fromisoformat(json.load(response)["now"])
    later = now + timedelta(hours=hours)
    request = urllib.request.Request(f"{clock_url}?at={later.isoformat().replace('+', '%2B')}", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        moved = datetime.fromisoformat(json.load(response)["now"])
    path = config.data_path / CLOCK_STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"now": moved.isoformat()}), encoding="utf-8")
    tmp.replace(path)  # whole or not at all, even under kill -9
    return OK, {"simulated_now": moved.isoformat()}


def _saved_clock(path: Path) -> datetime | None:
    try:
        return datetime.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["now"]).astimezone(UTC)
    except (OSError, ValueError, KeyError):
        return None
