"""The daemon's job store and run history on a real PostgreSQL server (``[daemon] job_store_url``).

The same reconciliation and catch-up as on the default SQLite file (tests/test_daemon.py), checked here
against PostgreSQL itself: the rows are read back with plain SQL, not through our code, and the password
comes from the environment as a deployment gives it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from newswatch.daemon import catch_up, desired_jobs, reconcile
from newswatch.history import INTERRUPTED, JOBS_TABLE, OK, RUNS_TABLE, JobHistory
from pipelines.config import Config, load_config
from tests.jobstore import paused_scheduler, stored_jobs
from tests.pgserver import PostgresServer

PASSWORD_ENV = "NEWSWATCH_TEST_PG_PASSWORD"
CONFIG = """
data_dir = "state"

[[outlet]]
name = "Wire One"
homepage = "https://wire.example/"
feeds = ["https://wire.example/rss"]

[[watch]]
name = "ceasefire"
query = "ceasefire"
schedule = "30 6 * * 1-5"
timezone = "Europe/Berlin"

[schedule]
crawl_interval_s = 3600

[daemon]
job_store_url = "{url}"
job_store_password_env = "{env}"
"""


@pytest.fixture
def database(postgres_server: PostgresServer) -> str:
    return postgres_server.create_database()


@pytest.fixture
def config(postgres_server: PostgresServer, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv(PASSWORD_ENV, postgres_server.password)
    path = tmp_path / "newswatch.toml"
    path.write_text(CONFIG.format(url=postgres_server.url(database), env=PASSWORD_ENV), encoding="utf-8")
    return load_config(path)


@pytest.fixture
def scheduler(config: Config) -> Iterator[BackgroundScheduler]:
    with paused_scheduler(config) as s:
        yield s


def rows(server: PostgresServer, database: str, sql: str) -> list[tuple]:
    with server.connect(database) as conn:
        return conn.execute(sql).fetchall()


def test_jobs_are_reconciled_into_postgresql_once_and_a_restart_finds_them(
    config: Config, scheduler: BackgroundScheduler, postgres_server: PostgresServer, database: str
) -> None:
    now = datetime.now(UTC)
    specs = desired_jobs(config, "snapshot.json")
    assert reconcile(scheduler, specs, now).added == [s.id for s in specs]
    again = reconcile(scheduler, desired_jobs(config, "snapshot.json"), now + timedelta(minutes=5))
    assert again.added == again.changed == again.removed == []
    in_postgres = rows(postgres_server, database, f"SELECT id FROM {JOBS_TABLE} ORDER BY id")
    assert [r[0] for r in in_postgres] == sorted(s.id for s in specs)  # there, and never twice
    restarted = stored_jobs(config)  # what a daemon started again reads back
    assert sorted(job.id for job in restarted) == sorted(s.id for s in specs)
    assert {job.id: job.next_run_time for job in restarted} == {j.id: j.next_run_time for j in scheduler.get_jobs()}
    assert not (config.data_path / "jobs.sqlite").exists()  # nothing fell back to the SQLite default


def test_run_history_lives_in_postgresql_and_an_interrupted_run_is_redone_once(
    config: Config, scheduler: BackgroundScheduler, postgres_server: PostgresServer, database: str
) -> None:
    now = datetime.now(UTC)
    reconcile(scheduler, desired_jobs(config, "s"), now - timedelta(hours=2))
    with JobHistory.open(config) as history:
        history.start("analyse", "analyse", now - timedelta(minutes=3))  # its process died: still 'running'
        done = history.start("housekeeping", "housekeeping", now - timedelta(minutes=3))
        history.finish(done, OK, now - timedelta(minutes=2), 1.0, {"pruned": 2})
        assert catch_up(scheduler, history, now) == ["analyse"]
        assert history.last("analyse").outcome == INTERRUPTED
        assert history.last("housekeeping").stats == {"pruned": 2}
        rerun = history.start("analyse", "analyse", now)
        history.finish(rerun, OK, now, 1.0, {})
        assert catch_up(scheduler, history, now) == []  # once the run has happened, nothing more to redo
    # read by PostgreSQL itself: APScheduler's table and our run history are in that database
    assert rows(postgres_server, database, f"SELECT count(*) FROM {JOBS_TABLE}") == [(len(scheduler.get_jobs()),)]
    outcomes = set(rows(postgres_server, database, f"SELECT job_id, outcome FROM {RUNS_TABLE}"))
    assert ("analyse", INTERRUPTED) in outcomes
    assert ("housekeeping", OK) in outcomes


def test_status_reads_the_postgresql_job_store_and_a_wrong_password_is_a_clear_error_without_secrets(
    config: Config, scheduler: BackgroundScheduler, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    reconcile(scheduler, desired_jobs(config, "s"), datetime.now(UTC))
    command = [sys.executable, "-m", "newswatch", "status", "--json", "--config", str(config.path)]
    shown = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    jobs = {job["id"]: job for job in json.loads(shown.stdout)["jobs"]}
    assert set(jobs) == {s.id for s in desired_jobs(config, "s")}
    assert jobs["digest:ceasefire"]["next_run"]  # read from the PostgreSQL job store
    assert postgres_server.password not in shown.stdout + shown.stderr

    wrong = "not-the-" + postgres_server.password
    monkeypatch.setenv(PASSWORD_ENV, wrong)
    refused = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode != 0
    message = refused.stdout + refused.stderr
    assert "job store" in message
    assert "password authentication failed" in message
    assert "Traceback" not in message
    assert wrong not in message
    assert postgres_server.password not in message
