"""``newswatch daemon``, ``newswatch run-once`` and the job side of ``newswatch status``.

The daemon runs the jobs with APScheduler 3 and a persistent SQLAlchemy job store (an SQLite file in
the data folder by default, PostgreSQL if configured). At start it:

1. validates the config and freezes it into a snapshot (``<data_dir>/daemon/config.snapshot.json``)
   that every job, and every crawl process a job starts, reads instead of the file;
2. takes the data folder's lock (one daemon or cron run per folder);
3. reconciles the stored jobs with the config: added, changed, removed, never duplicated; an unchanged
   job keeps its next run time, so a run that fell due while the daemon was down still happens;
4. marks runs a dead predecessor left ``running`` as ``interrupted`` and runs those jobs again, once.

Jobs (ids): ``crawl:<group>``, ``revisit``, ``analyse``, ``deliver`` and ``housekeeping`` on intervals,
``digest:<watch>`` on the watch's cron line in its time zone. Every job is the importable
:func:`run_job` with picklable arguments (snapshot path, job id). ``max_instances=1`` and ``coalesce``:
a slow crawl never overlaps itself, and runs missed during downtime run once (within the misfire
grace time), not once per missed interval.

Signals: SIGTERM or SIGINT stop taking jobs and give running ones ``shutdown_grace_s`` to finish; then
their crawls are asked to stop (Scrapy closes cleanly; every article write is one transaction) and the
run is recorded ``interrupted``, to be redone at the next start; the daemon exits 0. SIGHUP, or a change
of the file (checked every ``reload_check_s``), reloads the config; an invalid one is logged and the
daemon goes on with the last good one.

``run-once`` (cron mode) runs the jobs that are due by the same schedule, judged from the run history.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import select
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING, STATE_STOPPED, BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import ref_to_obj
from prometheus_client import disable_created_metrics

from crawler.run import STOP_GRACE_S, CrawlResult
from newswatch.history import (
    FAILED,
    INTERRUPTED,
    JOBS_TABLE,
    OK,
    SKIPPED,
    TIMEOUT,
    JobHistory,
    RunRecord,
    job_engine,
    scheduled_next_runs,
)
from newswatch.jobs import (
    analyse_watches,
    crawl_outlets,
    crawl_summary,
    deliver,
    digest_watch,
    housekeeping,
    revisit_outlets,
)
from newswatch.lock import instance_lock
from newswatch.metrics import Metrics, MetricsServer
from pipelines.config import Config, crontab_fields, load_config, snapshot_config
from pipelines.errors import AlreadyRunningError, ConfigError, CrawlError
from pipelines.secrets import RedactingFormatter, known_secrets, redact
from pipelines.store import Store, open_store

logger = logging.getLogger(__name__)

SNAPSHOT_NAME = "config.snapshot.json"
STATE_NAME = "state.json"
EXIT_LOCKED = 75  # EX_TEMPFAIL from sysexits.h: another run holds the lock, try again later
RUN_JOB = "newswatch.daemon:run_job"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JOB_ORDER = ("crawl", "revisit", "analyse", "digest", "deliver", "housekeeping")


def daemon_dir(config: Config) -> Path:
    return config.data_path / "daemon"


# -- the jobs the config asks for ------------------------------------------------------------
@dataclass(frozen=True)
class JobSpec:
    """One job as the config wants it; :func:`reconcile` makes the job store match a list of these."""

    id: str
    kind: str
    trigger: BaseTrigger
    schedule: str  # the schedule in words, for `newswatch status`
    args: tuple[Any, ...]
    func: str = RUN_JOB
    misfire_grace_s: float = 3600.0
    run_at_start: bool = False  # a new job runs at once (a fresh daemon crawls now, not in an hour)

    @property
    def grace_s(self) -> int:
        return max(math.ceil(self.misfire_grace_s), 1)  # APScheduler wants whole seconds

    def signature(self) -> tuple[Any, ...]:
        return (self.func, tuple(self.args), trigger_signature(self.trigger), self.grace_s, True, 1)


def desired_jobs(config: Config, config_ref: str) -> list[JobSpec]:
    """The jobs ``config`` asks for, in data-flow order; ``config_ref`` is the file the jobs will read."""
    schedule = config.schedule
    specs: list[JobSpec] = []

    def every(job_id: str, kind: str, seconds: float, *, run_at_start: bool = False) -> None:
        if seconds > 0:
            specs.append(
                JobSpec(
                    id=job_id,
                    kind=kind,
                    trigger=IntervalTrigger(seconds=seconds, timezone=UTC),
                    schedule=f"every {_span(seconds)}",
                    args=(config_ref, job_id),
                    # a missed interval run always gets its one catch-up, however short the interval
                    misfire_grace_s=max(schedule.misfire_grace_s, seconds),
                    run_at_start=run_at_start,
                )
            )

    for group in config.crawl_groups():
        every(f"crawl:{group.name}", "crawl", group.interval_s, run_at_start=True)
    every("revisit", "revisit", schedule.revisit_interval_s)
    every("analyse", "analyse", schedule.analyse_interval_s)
    for watch in config.watches:
        job_id = f"digest:{watch.name}"
        specs.append(
            JobSpec(
                id=job_id,
                kind="digest",
                trigger=CronTrigger(**crontab_fields(watch.schedule), timezone=watch.timezone),
                schedule=f"cron '{watch.schedule}' {watch.timezone}",
                args=(config_ref, job_id),
                misfire_grace_s=schedule.misfire_grace_s,
            )
        )
    every("deliver", "deliver", schedule.deliver_interval_s)
    every("housekeeping", "housekeeping", schedule.housekeeping_interval_s)
    return specs


def trigger_signature(trigger: BaseTrigger) -> tuple[Any, ...]:
    """What makes two triggers the same schedule (an interval's start date does not)."""
    if isinstance(trigger, IntervalTrigger):
        return ("interval", trigger.interval.total_seconds(), str(trigger.timezone), trigger.jitter)
    if isinstance(trigger, CronTrigger):
        return ("cron", str(trigger), str(trigger.timezone), trigger.jitter)
    return (type(trigger).__name__, repr(trigger))


def job_signature(job: Job) -> tuple[Any, ...]:
    return (
        job.func_ref,
        tuple(job.args),
        trigger_signature(job.trigger),
        job.misfire_grace_time,
        job.coalesce,
        job.max_instances,
    )


@dataclass
class Reconciliation:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{k} {', '.join(v)}" for k, v in vars(self).items() if v and k != "kept"]
        return "; ".join(parts) + f" ({len(self.kept)} unchanged)" if parts else f"{len(self.kept)} jobs unchanged"


def reconcile(scheduler: BaseScheduler, specs: Sequence[JobSpec], now: datetime) -> Reconciliation:
    """Make the scheduler's jobs exactly ``specs``: add the new, replace the changed, remove the rest.

    An unchanged job is left alone, so its stored next run time survives a restart.
    """
    existing = {job.id: job for job in scheduler.get_jobs()}
    result = Reconciliation()
    for spec in specs:
        job = existing.pop(spec.id, None)
        if job is not None and job_signature(job) == spec.signature():
            result.kept.append(spec.id)
            continue
        options: dict[str, Any] = {}
        if job is None and spec.run_at_start:
            options["next_run_time"] = now
        scheduler.add_job(
            spec.func,
            spec.trigger,
            args=spec.args,
            id=spec.id,
            name=spec.id,
            replace_existing=True,
            misfire_grace_time=spec.grace_s,
            coalesce=True,
            max_instances=1,
            **options,
        )
        (result.added if job is None else result.changed).append(spec.id)
    for job_id in existing:
        scheduler.remove_job(job_id)
        result.removed.append(job_id)
    return result


def catch_up(scheduler: BaseScheduler, history: JobHistory, now: datetime) -> list[str]:
    """Run again, once and now, every job whose last run was cut short (``interrupted``)."""
    history.mark_interrupted()
    latest = history.latest()
    redo = []
    for job in scheduler.get_jobs():
        last = latest.get(job.id)
        if last is not None and last.outcome == INTERRUPTED:
            if job.next_run_time is None or job.next_run_time > now:
                job.modify(next_run_time=now)
            redo.append(job.id)
    return redo


# -- one job run -----------------------------------------------------------------------------
JobBody = Callable[..., tuple[str, dict[str, Any]]]


def run_job(config_ref: str, job_id: str, body: str = "", *params: Any) -> dict[str, Any]:
    """Run one job and record it in the history; what every scheduled job calls.

    ``config_ref`` is the config file (or the daemon's snapshot of it). The job's kind is the part of
    ``job_id`` before ``:`` (``crawl:wires`` crawls the group ``wires``). ``body`` names another function
    (``module:function``) to run instead, called as ``body(config, config_ref, name, *params)``.
    Returns a JSON-able summary (outcome, duration, stats) that the daemon turns into metrics.
    """
    config = load_config(config_ref)
    kind, _, name = job_id.partition(":")
    secrets = known_secrets(config)
    function: JobBody = ref_to_obj(body) if body else _body(kind)
    started = datetime.now(UTC)
    clock = time.monotonic()
    error = ""
    with JobHistory.open(config) as history:
        run_id = history.start(job_id, kind, started)
        try:
            outcome, stats = function(config, config_ref, name, *params)
        except AlreadyRunningError as exc:  # an outlet lock still held by another crawl after the timeout
            outcome, stats, error = SKIPPED, {}, str(exc)
        except CrawlError as exc:
            # killed by a signal (a shutdown that could not wait, the OOM killer): redone at the next start
            killed = exc.returncode is not None and exc.returncode < 0
            outcome, stats, error = (INTERRUPTED if killed else FAILED), {}, str(exc)
        except Exception as exc:  # a job's failure is recorded and counted; the daemon goes on
            outcome, stats, error = FAILED, {}, f"{type(exc).__name__}: {exc}"
            logger.exception("job %s failed", job_id)
        duration = time.monotonic() - clock
        finished = datetime.now(UTC)
        error = redact(error, secrets)[-4000:]
        stats = _redact_tree(stats, secrets)
        if kind == "housekeeping" and outcome == OK and config.schedule.history_retention_days:
            stats["history_pruned"] = history.prune(finished - timedelta(days=config.schedule.history_retention_days))
        history.finish(run_id, outcome, finished, duration, stats, error)
    logger.log(
        logging.INFO if outcome == OK else logging.WARNING,
        "job %s: %s in %.1f s%s",
        job_id,
        outcome,
        duration,
        f": {error}" if error else "",
    )
    return {
        "job_id": job_id,
        "kind": kind,
        "outcome": outcome,
        "started_at": started.isoformat(),
        "finished_at_ts": finished.timestamp(),
        "duration_s": duration,
        "error": error,
        "stats": stats,
    }


def _body(kind: str) -> JobBody:
    bodies: dict[str, JobBody] = {
        "crawl": _crawl,
        "revisit": _revisit,
        "analyse": _analyse,
        "digest": _digest,
        "deliver": _deliver,
        "housekeeping": _housekeeping,
    }
    if kind not in bodies:
        raise ValueError(f"unknown job kind {kind!r} (known: {', '.join(bodies)})")
    return bodies[kind]


def _crawl_outcome(result: CrawlResult) -> str:
    if result.timed_out:
        return TIMEOUT
    # Scrapy's finish reason after SIGTERM: the daemon stopped it, so the run is redone at the next start
    return INTERRUPTED if result.stats.get("finish_reason") == "shutdown" else OK


def _crawl(config: Config, config_ref: str, group: str) -> tuple[str, dict[str, Any]]:
    groups = {g.name: g for g in config.crawl_groups()}
    if group not in groups:
        raise KeyError(f"no crawl group {group!r} in the config")
    outlets = groups[group].outlets
    result = crawl_outlets(config, config_ref, outlets, timeout_s=config.schedule.crawl_timeout_s)
    return _crawl_outcome(result), crawl_summary(result, outlets)


def _revisit(config: Config, config_ref: str, _name: str) -> tuple[str, dict[str, Any]]:
    result = revisit_outlets(config, config_ref, timeout_s=config.schedule.crawl_timeout_s)
    return _crawl_outcome(result), crawl_summary(result, [o.id for o in config.outlets])


@contextmanager
def _store(config: Config) -> Iterator[Store]:
    with closing(open_store(config)) as store:
        yield store


def _analyse(config: Config, _ref: str, _name: str) -> tuple[str, dict[str, Any]]:
    with _store(config) as store:
        return OK, analyse_watches(config, store)


def _digest(config: Config, _ref: str, watch: str) -> tuple[str, dict[str, Any]]:
    with _store(config) as store:
        return OK, digest_watch(config, store, config.watch(watch))


def _deliver(config: Config, _ref: str, _name: str) -> tuple[str, dict[str, Any]]:
    with _store(config) as store:
        return OK, deliver(config, store)


def _housekeeping(config: Config, _ref: str, _name: str) -> tuple[str, dict[str, Any]]:
    with _store(config) as store:
        return OK, housekeeping(config, store, datetime.now(UTC))


def _redact_tree(value: Any, secrets: frozenset[str]) -> Any:
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {redact(str(k), secrets): _redact_tree(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_tree(v, secrets) for v in value]
    return value


# -- logging ---------------------------------------------------------------------------------
def setup_logging(level: int = logging.INFO) -> RedactingFormatter:
    """Log to stderr (journald and docker keep it) through a redacting formatter; returns the formatter,
    whose ``secrets`` the caller fills once it knows the config."""
    formatter = RedactingFormatter(LOG_FORMAT)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # run_job logs one line per run with its outcome; APScheduler's two lines per run would only repeat it
    logging.getLogger("apscheduler.executors").setLevel(max(level, logging.WARNING))
    return formatter


# -- the daemon ------------------------------------------------------------------------------
class Daemon:
    """The long-running scheduler; :meth:`run` returns the exit code."""

    def __init__(
        self,
        config_path: Path,
        *,
        extra_jobs: Callable[[Config, str], Sequence[JobSpec]] | None = None,
        formatter: RedactingFormatter | None = None,
    ) -> None:
        self.config_path = config_path
        self.extra_jobs = extra_jobs
        self.formatter = formatter
        self.metrics = Metrics()
        self.scheduler: BackgroundScheduler | None = None
        self.server: MetricsServer | None = None
        self.reload_error = ""
        self.loaded_at = datetime.now(UTC)
        self._running: Counter[str] = Counter()
        self._running_lock = threading.Lock()
        self._stopping = False
        self._file_digest: str | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def run(self) -> int:
        # the *_created series would double /metrics, and no dashboard needs them (process-wide switch,
        # flipped here in the process's entry point)
        disable_created_metrics()
        config = load_config(self.config_path)
        with instance_lock(config.data_path, "daemon"):
            return self._run(config)

    def _run(self, first: Config) -> int:
        self.snapshot = daemon_dir(first) / SNAPSHOT_NAME
        self.config = snapshot_config(self.config_path, self.snapshot, check=lambda new: _same_restart_keys(first, new))
        self._file_digest = self._digest()
        self._use_secrets(self.config)
        engine = job_engine(self.config)
        history = JobHistory(engine)
        if self.config.daemon.metrics_enabled:
            host, port = self.config.daemon.metrics_host, self.config.daemon.metrics_port
            try:
                self.server = MetricsServer(self.metrics, self.health, host, port).start()
            except OSError as exc:
                raise ConfigError(
                    str(self.config.path), "daemon.metrics_port", f"cannot serve /metrics on {host}:{port}: {exc}"
                ) from None
        self.scheduler = scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
            executors={"default": ThreadPoolExecutor(self.config.daemon.max_workers)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=UTC,
        )
        scheduler.add_listener(
            self._on_event,
            EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES,
        )
        wakeup = self._install_signals()
        try:
            scheduler.start(paused=True)
            now = datetime.now(UTC)
            specs = self._specs(self.config)
            change = reconcile(scheduler, specs, now)
            self.metrics.expect_jobs(spec.id for spec in specs)
            redo = catch_up(scheduler, history, now)
            logger.info(
                "daemon started (pid %d, config %s, job store %s): %s%s",
                os.getpid(),
                self.config.path,
                redact(self.config.job_store_url, known_secrets(self.config)),
                change,
                f"; running again, once, what was interrupted: {', '.join(redo)}" if redo else "",
            )
            self._write_state()
            scheduler.resume()
            self._serve(wakeup)
            return self._shutdown(wakeup)
        finally:
            engine.dispose()
            (daemon_dir(self.config) / STATE_NAME).unlink(missing_ok=True)

    def _specs(self, config: Config) -> list[JobSpec]:
        specs = desired_jobs(config, str(self.snapshot))
        if self.extra_jobs is not None:
            specs += self.extra_jobs(config, str(self.snapshot))
        return specs

    def _install_signals(self) -> int:
        """Signals arrive as bytes on a pipe the main loop selects on (no work, no locks in a handler)."""
        read, write = os.pipe()
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        signal.set_wakeup_fd(write)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, lambda *_: None)
        return read

    @staticmethod
    def _signals(wakeup: int, timeout_s: float | None) -> list[int]:
        ready, _, _ = select.select([wakeup], [], [], timeout_s)
        return list(os.read(wakeup, 64)) if ready else []

    def _serve(self, wakeup: int) -> None:
        check = self.config.daemon.reload_check_s or None
        while True:
            received = self._signals(wakeup, check)
            stop = [signal.Signals(n).name for n in received if n in (signal.SIGTERM, signal.SIGINT)]
            if stop:
                logger.info("%s received: stopping", stop[0])
                return
            if signal.SIGHUP in received:
                self.reload("SIGHUP")
            elif self._digest() != self._file_digest:
                self.reload("the file changed")

    def _shutdown(self, wakeup: int) -> int:
        assert self.scheduler is not None
        self._stopping = True
        self.scheduler.pause()  # no new job starts from here on
        grace = self.config.daemon.shutdown_grace_s
        if self._busy():
            logger.info("waiting up to %.0f s for running jobs to finish: %s", grace, ", ".join(self._busy()))
        if not self._drain(wakeup, grace):
            logger.warning(
                "jobs still running after %.0f s (%s): asking their crawls to stop", grace, ", ".join(self._busy())
            )
            self._signal_crawls(signal.SIGTERM)
            if not self._drain(wakeup, STOP_GRACE_S):
                self._signal_crawls(signal.SIGKILL)
                logger.error(
                    "jobs %s did not stop; exiting anyway: they run again at the next start", ", ".join(self._busy())
                )
                if self.server is not None:
                    self.server.close()
                logging.shutdown()
                os._exit(0)  # a hung job thread must not keep the process alive; its run is marked interrupted
        # No scheduler.shutdown(): APScheduler 3 wakes a paused scheduler once more when shut down and would
        # advance (without running) every job due at that moment; paused, it just ends with the process.
        if self.server is not None:
            self.server.close()
        logger.info("daemon stopped")
        return 0

    def _drain(self, wakeup: int, timeout_s: float) -> bool:
        """Wait until no job runs, up to ``timeout_s``; a second SIGTERM/SIGINT cuts the wait short."""
        deadline = time.monotonic() + timeout_s
        while self._busy():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if {signal.SIGTERM, signal.SIGINT} & set(self._signals(wakeup, min(left, 0.2))):
                logger.warning("second signal: not waiting any longer")
                return False
        return True

    def _busy(self) -> list[str]:
        with self._running_lock:
            return sorted(job for job, n in self._running.items() if n > 0)

    @staticmethod
    def _signal_crawls(signum: int) -> None:
        for child in psutil.Process().children():
            try:
                if "crawler.process" in " ".join(child.cmdline()):
                    child.send_signal(signum)
            except psutil.Error:
                continue  # it ended meanwhile

    # -- config reload ---------------------------------------------------------------------
    def _digest(self) -> str | None:
        try:
            return hashlib.sha256(self.config_path.read_bytes()).hexdigest()
        except OSError:
            return None

    def reload(self, why: str) -> bool:
        """Load the config again; on any error keep the last good one and say why."""
        assert self.scheduler is not None
        self._file_digest = self._digest()
        current = self.config
        try:
            config = snapshot_config(
                self.config_path, self.snapshot, check=lambda new: _same_restart_keys(current, new)
            )
        except ConfigError as exc:
            self.reload_error = str(exc)
            self.metrics.config_reloads.labels("failed").inc()
            self.metrics.config_ok.set(0)
            logger.error(
                "config reload (%s) failed; still running on the config loaded at %s: %s",
                why,
                self.loaded_at.isoformat(timespec="seconds"),
                exc,
            )
            return False
        self.config = config
        self.loaded_at = datetime.now(UTC)
        self._use_secrets(config)
        try:
            specs = self._specs(config)
            change = reconcile(self.scheduler, specs, datetime.now(UTC))
            self.metrics.expect_jobs(spec.id for spec in specs)
        except Exception as exc:  # the job store unreachable, say: the jobs stay as they were, retried next reload
            self.reload_error = f"the config is good but the jobs could not be updated: {exc}"
            self.metrics.config_reloads.labels("failed").inc()
            logger.exception("config reload (%s): %s", why, self.reload_error)
            return False
        # cleared only now: /healthz says the reload is done when the jobs match the new config
        self.reload_error = ""
        self.metrics.config_reloads.labels("ok").inc()
        self.metrics.config_ok.set(1)
        logger.info("config reloaded (%s): %s", why, change)
        return True

    def _use_secrets(self, config: Config) -> None:
        if self.formatter is not None:
            self.formatter.secrets = known_secrets(config)

    # -- events, health, state --------------------------------------------------------------
    def _on_event(self, event: JobEvent) -> None:
        with self._running_lock:
            if event.code == EVENT_JOB_SUBMITTED:
                self._running[event.job_id] += 1
            elif event.code in (EVENT_JOB_EXECUTED, EVENT_JOB_ERROR, EVENT_JOB_MISSED):
                self._running[event.job_id] -= 1
            self.metrics.jobs_running.set(sum(n for n in self._running.values() if n > 0))
        if event.code == EVENT_JOB_EXECUTED and isinstance(event, JobExecutionEvent):
            if isinstance(event.retval, dict) and "outcome" in event.retval:
                self.metrics.observe(event.retval)
        elif event.code == EVENT_JOB_ERROR:  # run_job itself failed (its snapshot unreadable, say)
            self.metrics.job_runs.labels(event.job_id, FAILED).inc()
            self.metrics.job_failures.labels(event.job_id).inc()
        elif event.code == EVENT_JOB_MISSED:
            self.metrics.job_missed.labels(event.job_id).inc()
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            self.metrics.job_skipped.labels(event.job_id).inc()

    def health(self) -> tuple[bool, dict[str, Any]]:
        scheduler = self.scheduler
        state = scheduler.state if scheduler is not None else STATE_STOPPED
        names = {STATE_RUNNING: "running", STATE_PAUSED: "paused", STATE_STOPPED: "stopped"}
        healthy = state == STATE_RUNNING and not self._stopping
        return healthy, {
            "scheduler": "stopping" if self._stopping else names[state],
            "pid": os.getpid(),
            "running_jobs": self._busy(),
            "config_loaded_at": self.loaded_at.isoformat(timespec="seconds"),
            "config_reload_error": self.reload_error,
        }

    def _write_state(self) -> None:
        state = {
            "pid": os.getpid(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": str(self.config.path),
            "metrics_url": self.server.url if self.server is not None else "",
        }
        path = daemon_dir(self.config) / STATE_NAME
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        tmp.replace(path)


def _same_restart_keys(old: Config, new: Config) -> None:
    """Keys a running daemon cannot change (where its state lives, its endpoint): a reload that changes
    them is refused like an invalid file, so the daemon never half-applies a config."""
    before = old.daemon.model_dump(exclude={"shutdown_grace_s", "reload_check_s"})
    after = new.daemon.model_dump(exclude={"shutdown_grace_s", "reload_check_s"})
    for key, problem in (
        ("data_dir", old.data_path != new.data_path),
        ("daemon", before != after),
    ):
        if problem:
            raise ConfigError(str(new.path), key, "changed; restart the daemon to apply this change")


# -- cron mode -------------------------------------------------------------------------------
@dataclass
class OnceResult:
    ran: list[dict[str, Any]] = field(default_factory=list)
    waiting: list[tuple[str, datetime | None]] = field(default_factory=list)  # job id, when it is due

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.ran if r["outcome"] not in (OK, SKIPPED)]


def next_due(spec: JobSpec, last: RunRecord | None, now: datetime) -> datetime | None:
    """When a job is next due, judged from its last run (never run: now, or a cron time within grace)."""
    if last is None:
        if isinstance(spec.trigger, CronTrigger):
            return spec.trigger.get_next_fire_time(None, now - timedelta(seconds=spec.misfire_grace_s))
        return now
    return spec.trigger.get_next_fire_time(last.started_at, now)


def run_once(config_path: Path, *, run_all: bool = False) -> OnceResult:
    """One cron-mode cycle: run, in data-flow order, every job that is due (or every job with ``run_all``).

    Holds the data folder's lock: a second overlapping invocation, or a running daemon, makes it raise
    :class:`~pipelines.errors.AlreadyRunningError` (exit code :data:`EXIT_LOCKED`).
    """
    config = load_config(config_path)
    result = OnceResult()
    with instance_lock(config.data_path, "run-once"):
        now = datetime.now(UTC)
        with JobHistory.open(config) as history:
            history.mark_interrupted()  # we hold the lock: whatever is still 'running' died
            latest = history.latest()
        for spec in desired_jobs(config, str(config.path)):
            last = latest.get(spec.id)
            due = next_due(spec, last, now)
            if run_all or (last is not None and last.outcome == INTERRUPTED) or (due is not None and due <= now):
                result.ran.append(run_job(*spec.args))
            else:
                result.waiting.append((spec.id, due))
    return result


# -- status ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class JobStatus:
    id: str
    schedule: str
    last: RunRecord | None
    next_run: datetime | None


@dataclass(frozen=True)
class OutletErrors:
    outlet: str
    errors: dict[str, int]
    last_seen: datetime
    samples: tuple[str, ...]


@dataclass(frozen=True)
class StatusReport:
    daemon: dict[str, Any] | None  # the running daemon's state file, None when none runs
    jobs: list[JobStatus]
    outlet_errors: list[OutletErrors]
    recent_failures: list[RunRecord]


def job_status(config: Config, *, error_window: timedelta = timedelta(days=7)) -> StatusReport:
    """Jobs with last run, outcome, duration and next run; recent errors per outlet; failed runs."""
    now = datetime.now(UTC)
    engine = job_engine(config)
    try:
        history = JobHistory(engine)
        latest = history.latest()
        scheduled = scheduled_next_runs(engine)
        daemon = _daemon_state(config)
        jobs = []
        specs = desired_jobs(config, str(config.path))
        for spec in specs:
            last = latest.get(spec.id)
            if daemon is not None or spec.id in scheduled:
                next_run = scheduled.get(spec.id)
            else:
                next_run = next_due(spec, last, now)
            jobs.append(JobStatus(spec.id, spec.schedule, last, next_run))
        for job_id in sorted(set(latest) - {s.id for s in specs}):  # e.g. the demo's clock
            jobs.append(JobStatus(job_id, "", latest[job_id], scheduled.get(job_id)))
        crawls = [r for r in history.recent(limit=200) if r.kind in ("crawl", "revisit")]
        failures = [r for r in history.recent(limit=50) if r.outcome in (FAILED, TIMEOUT)][:5]
    finally:
        engine.dispose()
    return StatusReport(daemon, jobs, _outlet_errors(crawls, now - error_window), failures)


def _outlet_errors(runs: Sequence[RunRecord], since: datetime) -> list[OutletErrors]:
    errors: dict[str, Counter[str]] = {}
    last_seen: dict[str, datetime] = {}
    samples: dict[str, list[str]] = {}
    for run in runs:  # newest first
        if run.started_at < since:
            continue
        per_outlet: dict[str, dict[str, int]] = {}
        for source in ("errors", "extraction_failures"):
            for outlet, kinds in run.stats.get(source, {}).items():
                for kind, n in kinds.items():
                    per_outlet.setdefault(outlet, {})[kind] = per_outlet.get(outlet, {}).get(kind, 0) + n
        if run.outcome in (FAILED, TIMEOUT):
            for outlet in run.stats.get("outlets", []) or ["(whole crawl)"]:
                per_outlet.setdefault(outlet, {})[f"crawl {run.outcome}"] = 1
                samples.setdefault(outlet, []).append(run.error[:300])
        for outlet, kinds in per_outlet.items():
            errors.setdefault(outlet, Counter()).update(kinds)
            last_seen[outlet] = max(last_seen.get(outlet, run.started_at), run.started_at)
        for outlet, lines in run.stats.get("error_samples", {}).items():
            samples.setdefault(outlet, []).extend(lines)
    return [
        OutletErrors(o, dict(errors[o].most_common()), last_seen[o], tuple(dict.fromkeys(samples.get(o, [])))[:3])
        for o in sorted(errors, key=lambda o: -sum(errors[o].values()))
    ]


def _daemon_state(config: Config) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads((daemon_dir(config) / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if psutil.pid_exists(int(state.get("pid", 0))) else None


def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"
