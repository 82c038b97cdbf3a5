"""What the jobs did: one row per run (job, start, outcome, duration, error, stats), for ``newswatch status``.

The history lives in the job store's database (an SQLite file in the data folder by default,
PostgreSQL if configured), beside APScheduler's table of jobs: it works whichever backend holds the
articles, and a store that is down does not blind the status. A run is written when it starts
(``running``) and again when it ends, so a run cut short by ``kill -9`` is still there at the next
start, is marked ``interrupted``, and is run again once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from pipelines.config import Config
from pipelines.errors import JobStoreError
from pipelines.secrets import read_secret

JOBS_TABLE = "newswatch_jobs"  # APScheduler's table (its SQLAlchemyJobStore)
RUNS_TABLE = "newswatch_job_runs"

RUNNING = "running"
OK = "ok"
FAILED = "failed"
TIMEOUT = "timeout"
INTERRUPTED = "interrupted"
SKIPPED = "skipped"
OUTCOMES = (RUNNING, OK, FAILED, TIMEOUT, INTERRUPTED, SKIPPED)


@dataclass(frozen=True)
class RunRecord:
    """One run of one job."""

    id: int
    job_id: str
    kind: str
    started_at: datetime
    outcome: str
    finished_at: datetime | None = None
    duration_s: float | None = None
    error: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    pid: int = 0


def job_engine(config: Config) -> Engine:
    """An engine on the job store's database (created on first use for SQLite)."""
    url = make_url(config.job_store_url)
    if url.get_backend_name() != "sqlite":
        if config.daemon.job_store_password_env:
            url = url.set(password=read_secret(config.daemon.job_store_password_env))
        return _server_engine(url)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(connection: Any, _record: Any) -> None:
        # WAL: `newswatch status` reads while the daemon writes
        connection.execute("PRAGMA journal_mode = WAL")

    return engine


def _server_engine(url: URL) -> Engine:
    """An engine on a database server, tried once now: a wrong password or a server that is down stops the
    command at once with the reason, instead of a traceback from deep inside the scheduler later."""
    where = url.render_as_string(hide_password=True)
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except ImportError as exc:
        raise JobStoreError(
            f"job store {where}: the driver is not installed ({exc}); install newswatch with the postgres "
            "extra: pip install 'newswatch[postgres]'"
        ) from None
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        reason = " ".join(str(exc.orig or exc).split())  # the driver's own words, on one line
        if url.password:
            reason = reason.replace(str(url.password), "***")
        raise JobStoreError(f"job store {where}: cannot connect: {reason}") from None
    return engine


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class JobHistory:
    """The runs table on an engine (see :func:`job_engine`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.runs = Table(
            RUNS_TABLE,
            MetaData(),
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("job_id", String(191), nullable=False, index=True),
            Column("kind", String(64), nullable=False),
            Column("started_at", String(40), nullable=False, index=True),
            Column("finished_at", String(40)),
            Column("outcome", String(32), nullable=False),
            Column("duration_s", Float),
            Column("error", Text, nullable=False, default=""),
            Column("stats", Text, nullable=False, default="{}"),
            Column("pid", Integer, nullable=False, default=0),
        )
        self.runs.metadata.create_all(engine)

    @classmethod
    def open(cls, config: Config) -> JobHistory:
        return cls(job_engine(config))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> JobHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def start(self, job_id: str, kind: str, at: datetime) -> int:
        with self.engine.begin() as db:
            result = db.execute(
                insert(self.runs).values(
                    job_id=job_id,
                    kind=kind,
                    started_at=_iso(at),
                    outcome=RUNNING,
                    pid=os.getpid(),
                    error="",
                    stats="{}",
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def finish(
        self, run_id: int, outcome: str, at: datetime, duration_s: float, stats: dict[str, Any], error: str = ""
    ) -> None:
        if outcome not in OUTCOMES or outcome == RUNNING:
            raise ValueError(f"not a final outcome: {outcome!r}")
        with self.engine.begin() as db:
            db.execute(
                update(self.runs)
                .where(self.runs.c.id == run_id)
                .values(
                    outcome=outcome,
                    finished_at=_iso(at),
                    duration_s=duration_s,
                    error=error,
                    stats=json.dumps(stats, default=str, sort_keys=True),
                )
            )

    def mark_interrupted(self) -> list[str]:
        """Runs still ``running`` belong to a process that died (the caller holds the instance lock):
        mark them ``interrupted``; returns their job ids."""
        with self.engine.begin() as db:
            rows = db.execute(select(self.runs.c.job_id).where(self.runs.c.outcome == RUNNING)).all()
            db.execute(
                update(self.runs)
                .where(self.runs.c.outcome == RUNNING)
                .values(outcome=INTERRUPTED, error="the process running it died (killed or crashed)")
            )
        return sorted({r[0] for r in rows})

    def prune(self, before: datetime) -> int:
        """Forget finished runs that started before ``before``; returns how many."""
        with self.engine.begin() as db:
            result = db.execute(
                delete(self.runs).where(self.runs.c.started_at < _iso(before), self.runs.c.outcome != RUNNING)
            )
            return int(result.rowcount or 0)

    # -- reading ---------------------------------------------------------------------------
    def recent(self, *, job_id: str | None = None, kind: str | None = None, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest first."""
        query = select(self.runs).order_by(self.runs.c.id.desc()).limit(limit)
        if job_id is not None:
            query = query.where(self.runs.c.job_id == job_id)
        if kind is not None:
            query = query.where(self.runs.c.kind == kind)
        with self.engine.connect() as db:
            return [_record(row._mapping) for row in db.execute(query)]

    def last(self, job_id: str) -> RunRecord | None:
        runs = self.recent(job_id=job_id, limit=1)
        return runs[0] if runs else None

    def latest(self) -> dict[str, RunRecord]:
        """The last run of every job that has run."""
        newest = select(func.max(self.runs.c.id)).group_by(self.runs.c.job_id)
        with self.engine.connect() as db:
            rows = db.execute(select(self.runs).where(self.runs.c.id.in_(newest)))
            return {r.job_id: r for r in (_record(row._mapping) for row in rows)}


def _record(row: Any) -> RunRecord:
    return RunRecord(
        id=row["id"],
        job_id=row["job_id"],
        kind=row["kind"],
        started_at=datetime.fromisoformat(row["started_at"]),
        outcome=row["outcome"],
        finished_at=datetime.fromisoformat(row["finished_at"]) if row["finished_at"] else None,
        duration_s=row["duration_s"],
        error=row["error"] or "",
        stats=json.loads(row["stats"] or "{}"),
        pid=row["pid"] or 0,
    )


def scheduled_next_runs(engine: Engine) -> dict[str, datetime | None]:
    """Next run time of each job in the daemon's APScheduler table (empty if the daemon never ran)."""
    jobs = Table(JOBS_TABLE, MetaData(), Column("id", String(191)), Column("next_run_time", Float))
    try:
        with engine.connect() as db:
            rows = db.execute(select(jobs.c.id, jobs.c.next_run_time)).all()
    except DBAPIError:  # no such table yet: the daemon has never run against this job store
        return {}
    return {job_id: datetime.fromtimestamp(ts, UTC) if ts is not None else None for job_id, ts in rows}
