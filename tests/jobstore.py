"""Reading and changing the daemon's job store from a test, while no daemon runs.

Straight through APScheduler's SQLAlchemyJobStore, not a scheduler: APScheduler 3 processes due jobs once
more when a paused scheduler is shut down, which would move the very times a test sets up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from newswatch.history import JOBS_TABLE, job_engine
from pipelines.config import Config


def stored_jobs(config: Config) -> list[Job]:
    engine = job_engine(config)
    try:
        store = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)
        store.start(None, "default")
        return store.get_all_jobs()
    finally:
        engine.dispose()


def set_next_run(config: Config, job_id: str, when: datetime) -> None:
    """Give a stored job another next run time: the state a stretch of downtime leaves behind."""
    engine = job_engine(config)
    try:
        store = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)
        store.start(None, "default")
        job = store.lookup_job(job_id)
        assert job is not None, f"no job {job_id} in the job store"
        job.next_run_time = when  # Job.modify() would go through a scheduler
        store.update_job(job)
    finally:
        engine.dispose()


@contextmanager
def paused_scheduler(config: Config) -> Iterator[BackgroundScheduler]:
    """A scheduler on the config's job store that runs nothing: for reconciling and reading jobs."""
    engine = job_engine(config)
    s = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)}, timezone=UTC
    )
    s.start(paused=True)
    try:
        yield s
    finally:
        s.remove_all_jobs()  # shutting down a paused scheduler would run what is due (see above)
        s.shutdown(wait=False)
        engine.dispose()
