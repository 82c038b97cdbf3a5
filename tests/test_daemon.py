"""The daemon's parts in one process: schedule config, job reconciliation on a real SQLite job store, catch-up
of interrupted runs, coalescing of missed runs, cron-mode due times, locks, metrics and secrets."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from crawler import run_crawl
from examples.newsroom import NewsroomServer
from newswatch.daemon import JobSpec, catch_up, desired_jobs, next_due, reconcile
from newswatch.history import INTERRUPTED, JOBS_TABLE, OK, JobHistory, RunRecord, job_engine
from newswatch.jobs import prune_files, rotate_logs
from newswatch.lock import ProcessLock, instance_lock
from newswatch.metrics import Metrics
from pipelines.config import Config, load_config
from pipelines.errors import AlreadyRunningError, ConfigError
from pipelines.secrets import MASK, RedactingFormatter, known_secrets, read_secret, redact
from pipelines.store import open_store
from tests.jobstore import paused_scheduler, stored_jobs

BASE = """
data_dir = "state"

[[outlet]]
name = "Wire One"
homepage = "https://wire.example/"
feeds = ["https://wire.example/rss"]

[[outlet]]
name = "Paper Two"
homepage = "https://paper.example/"
feeds = ["https://paper.example/rss"]

[[watch]]
name = "ceasefire"
query = "ceasefire"
schedule = "30 6 * * 1-5"
timezone = "Europe/Berlin"
"""


def write(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "newswatch.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return write(tmp_path, BASE + "\n[schedule]\ncrawl_interval_s = 3600\n")


@pytest.fixture
def scheduler(config: Config) -> Iterator[BackgroundScheduler]:
    with paused_scheduler(config) as s:
        yield s


# -- the [schedule] and [daemon] config --------------------------------------------------------
@pytest.mark.parametrize(
    ("extra", "key", "problem"),
    [
        ("[schedule]\ncrawl_interval_s = 0\n", "schedule.crawl_interval_s", "greater than or equal to 1"),
        ("[schedule]\ncrawl_intervall_s = 60\n", "schedule.crawl_intervall_s", "unknown key"),
        ("[schedule]\nanalyse_interval_s = -5\n", "schedule.analyse_interval_s", "greater than or equal to 0"),
        ("[daemon]\nmetrics_port = 70000\n", "daemon.metrics_port", "less than or equal to 65535"),
        ("[daemon]\njob_store_url = 'mysql://u:hunter22@db/x'\n", "daemon.job_store_url", "mysql://u:***@db/x"),
        (
            "[[schedule.crawl_group]]\nname = 'wires'\noutlets = ['nope']\ninterval_s = 60\n",
            "",
            "names outlet 'nope', which is not configured",
        ),
        (
            "[[schedule.crawl_group]]\nname = 'a'\noutlets = ['wire-one']\ninterval_s = 60\n"
            "[[schedule.crawl_group]]\nname = 'b'\noutlets = ['wire-one']\ninterval_s = 60\n",
            "",
            "outlet 'wire-one' is in crawl groups 'a' and 'b'",
        ),
        (
            "[[schedule.crawl_group]]\nname = 'default'\noutlets = ['wire-one']\ninterval_s = 60\n",
            "schedule",
            "reserved",
        ),
    ],
)
def test_a_bad_schedule_or_daemon_section_names_the_key(tmp_path: Path, extra: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        write(tmp_path, BASE + extra)
    assert caught.value.key == key
    assert problem in caught.value.problem
    assert "hunter22" not in str(caught.value)


def test_crawl_groups_split_the_outlets_and_the_rest_form_the_default_group(tmp_path: Path) -> None:
    config = write(
        tmp_path, BASE + "[[schedule.crawl_group]]\nname = 'wires'\noutlets = ['wire-one']\ninterval_s = 900\n"
    )
    groups = {g.name: (g.outlets, g.interval_s) for g in config.crawl_groups()}
    assert groups == {"wires": (("wire-one",), 900), "default": (("paper-two",), 3600)}
    ids = [spec.id for spec in desired_jobs(config, "c")]
    assert ids == ["crawl:wires", "crawl:default", "revisit", "analyse", "digest:ceasefire", "deliver", "housekeeping"]


def test_a_digest_fires_on_the_watchs_cron_line_in_its_time_zone_with_crontab_weekdays(config: Config) -> None:
    (digest,) = [s for s in desired_jobs(config, "c") if s.kind == "digest"]
    friday_evening = datetime(2025, 7, 11, 18, 0, tzinfo=UTC)
    fire = digest.trigger.get_next_fire_time(None, friday_evening)
    # "30 6 * * 1-5": Monday to Friday in crontab's numbering; the next one after Friday evening is Monday
    assert fire == datetime(2025, 7, 14, 6, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert fire.utcoffset() == timedelta(hours=2)


def test_a_job_can_be_turned_off_with_an_interval_of_zero(tmp_path: Path) -> None:
    config = write(tmp_path, BASE + "[schedule]\nrevisit_interval_s = 0\nhousekeeping_interval_s = 0\n")
    ids = {spec.id for spec in desired_jobs(config, "c")}
    assert "revisit" not in ids
    assert "housekeeping" not in ids
    assert "crawl:default" in ids


# -- reconciliation -----------------------------------------------------------------------------
def test_reconciling_adds_jobs_once_and_a_restart_keeps_them_and_their_next_run(
    config: Config, scheduler: BackgroundScheduler
) -> None:
    now = datetime.now(UTC)
    specs = desired_jobs(config, "snapshot.json")
    first = reconcile(scheduler, specs, now)
    assert first.added == [s.id for s in specs]
    crawl = scheduler.get_job("crawl:default")
    assert crawl.next_run_time == now  # a new crawl job runs at once
    assert scheduler.get_job("analyse").next_run_time > now  # the others wait for their interval
    before = {job.id: job.next_run_time for job in scheduler.get_jobs()}
    again = reconcile(scheduler, desired_jobs(config, "snapshot.json"), now + timedelta(minutes=5))
    assert again.kept == [s.id for s in specs]
    assert again.added == again.changed == again.removed == []
    jobs = stored_jobs(config)  # what a restarted daemon finds
    assert sorted(job.id for job in jobs) == sorted(before)  # persisted, never duplicated
    assert {job.id: job.next_run_time for job in jobs} == before
    assert all(job.max_instances == 1 and job.coalesce for job in jobs)
    assert all(job.args == ("snapshot.json", job.id) for job in jobs)  # picklable: a path and an id


def test_reconciling_replaces_changed_jobs_and_removes_those_the_config_dropped(
    config: Config, scheduler: BackgroundScheduler, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    reconcile(scheduler, desired_jobs(config, "s"), now)
    changed = write(
        tmp_path,
        BASE.replace('schedule = "30 6 * * 1-5"', 'schedule = "0 8 * * *"').replace(
            '[[watch]]\nname = "ceasefire"', '[[watch]]\nname = "election"'
        )
        + "\n[schedule]\ncrawl_interval_s = 600\nrevisit_interval_s = 0\n",
    )
    result = reconcile(scheduler, desired_jobs(changed, "s"), now)
    assert result.added == ["digest:election"]
    assert result.changed == ["crawl:default"]
    assert sorted(result.removed) == ["digest:ceasefire", "revisit"]
    assert scheduler.get_job("crawl:default").trigger.interval == timedelta(seconds=600)
    assert len(scheduler.get_jobs()) == len(desired_jobs(changed, "s"))


def test_an_interrupted_run_is_run_again_once_at_the_next_start(config: Config, scheduler: BackgroundScheduler) -> None:
    now = datetime.now(UTC)
    reconcile(scheduler, desired_jobs(config, "s"), now - timedelta(hours=2))
    with JobHistory.open(config) as history:
        history.start("analyse", "analyse", now - timedelta(minutes=3))  # its process died: still 'running'
        done = history.start("housekeeping", "housekeeping", now - timedelta(minutes=3))
        history.finish(done, OK, now - timedelta(minutes=2), 1.0, {})
        redo = catch_up(scheduler, history, now)
        assert redo == ["analyse"]
        assert history.last("analyse").outcome == INTERRUPTED
        assert scheduler.get_job("analyse").next_run_time == now
        assert scheduler.get_job("housekeeping").next_run_time > now
        # the next start finds nothing more to redo once the run has happened
        rerun = history.start("analyse", "analyse", now)
        history.finish(rerun, OK, now, 1.0, {})
        assert catch_up(scheduler, history, now) == []


def record_call(path: str) -> str:
    """A job for the coalescing test (jobs are importable functions)."""
    with open(path, "a", encoding="utf-8") as out:
        out.write("run\n")
    return path


def test_runs_missed_during_downtime_run_once_not_once_per_missed_interval(config: Config, tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    engine = job_engine(config)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)}, timezone=UTC
    )
    executed = threading.Event()

    def on_executed(event: JobExecutionEvent) -> None:
        executed.set()

    scheduler.add_listener(on_executed, EVENT_JOB_EXECUTED)
    scheduler.start(paused=True)
    try:
        now = datetime.now(UTC)
        spec = JobSpec(
            id="hourly",
            kind="test",
            trigger=IntervalTrigger(hours=1, timezone=UTC),
            schedule="every 1 h",
            func="tests.test_daemon:record_call",
            args=(str(calls),),
            misfire_grace_s=6 * 3600,  # every missed run is within the grace: only coalescing makes it one
        )
        reconcile(scheduler, [spec], now)
        # the state a job store is left in after five hours of downtime
        scheduler.modify_job("hourly", next_run_time=now - timedelta(hours=5, minutes=1))
        scheduler.resume()
        assert executed.wait(30), "the missed job never ran"
        assert calls.read_text().splitlines() == ["run"]
        assert scheduler.get_job("hourly").next_run_time > now + timedelta(minutes=30)
    finally:
        scheduler.shutdown(wait=True)
        engine.dispose()


# -- cron mode: when is a job due ---------------------------------------------------------------
def run(job_id: str, at: datetime, outcome: str = OK) -> RunRecord:
    return RunRecord(id=1, job_id=job_id, kind=job_id.split(":")[0], started_at=at, outcome=outcome)


def test_cron_mode_judges_due_jobs_from_their_last_run(config: Config) -> None:
    specs = {s.id: s for s in desired_jobs(config, "c")}
    now = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)  # a Wednesday
    crawl = specs["crawl:default"]
    assert next_due(crawl, None, now) == now  # never ran: due
    assert next_due(crawl, run("crawl:default", now - timedelta(minutes=59)), now) > now
    assert next_due(crawl, run("crawl:default", now - timedelta(minutes=61)), now) <= now
    digest = specs["digest:ceasefire"]
    # the 06:30 Berlin digest (04:30 UTC) ran today: next is tomorrow's
    today = datetime(2025, 7, 9, 4, 30, 5, tzinfo=UTC)
    assert next_due(digest, run("digest:ceasefire", today), now) == datetime(2025, 7, 10, 4, 30, tzinfo=UTC)
    # it last ran yesterday: today's is due
    assert next_due(digest, run("digest:ceasefire", today - timedelta(days=1)), now) <= now
    # never ran: due only if a fire time fell within the misfire grace (1 h), so not at noon
    assert next_due(digest, None, now) > now
    assert next_due(digest, None, datetime(2025, 7, 9, 4, 45, tzinfo=UTC)) <= datetime(2025, 7, 9, 4, 45, tzinfo=UTC)


# -- locks ---------------------------------------------------------------------------------------
def test_a_second_holder_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    with instance_lock(tmp_path, "daemon"), pytest.raises(AlreadyRunningError) as caught:
        instance_lock(tmp_path, "run-once").acquire()
    assert "daemon pid" in str(caught.value)
    assert str(tmp_path / "newswatch.lock") in str(caught.value)
    with instance_lock(tmp_path, "run-once"):  # released: free again
        pass


def test_a_lock_held_by_a_process_killed_with_sigkill_is_free_again(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from newswatch.lock import instance_lock\n"
            f"lock = instance_lock(Path({str(tmp_path)!r}), 'daemon').acquire()\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunningError, match=f"daemon pid {holder.pid}"):
            instance_lock(tmp_path, "run-once").acquire()
        holder.kill()
        holder.wait()
        with instance_lock(tmp_path, "run-once"):
            pass
    finally:
        holder.kill()
        holder.wait()
        for stream in (holder.stdin, holder.stdout):
            if stream is not None:
                stream.close()


def test_a_lock_wait_gives_up_at_its_deadline(tmp_path: Path) -> None:
    with ProcessLock(tmp_path / "x.lock", mode="crawl"), pytest.raises(AlreadyRunningError):
        ProcessLock(tmp_path / "x.lock", mode="crawl", timeout_s=0.3).acquire()


# -- metrics -------------------------------------------------------------------------------------
def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def test_metrics_count_what_each_job_reports() -> None:
    metrics = Metrics()
    crawl = {
        "job_id": "crawl:default",
        "kind": "crawl",
        "outcome": OK,
        "duration_s": 4.2,
        "finished_at_ts": 1_750_000_000.0,
        "stats": {
            "pages_fetched": 30,
            "stored": {"north": {"new": 5, "unchanged": 2}},
            "extraction_failures": {"north": {"too_short": 1}},
            "errors": {"south": {"TimeoutError": 2}},
        },
    }
    metrics.observe(crawl)
    metrics.observe({**crawl, "outcome": "failed", "stats": {}})
    metrics.observe({"job_id": "analyse", "kind": "analyse", "outcome": OK, "duration_s": 1.0, "stats": {
        "divergences_new": {"ceasefire": 3}, "divergences": {"ceasefire": 7}}})  # fmt: skip
    metrics.observe({"job_id": "digest:ceasefire", "kind": "digest", "outcome": OK, "duration_s": 0.5, "stats": {
        "watch": "ceasefire", "channel": "file", "digests_sent": 1}})  # fmt: skip
    assert sample(metrics, "newswatch_pages_fetched_total", job="crawl:default") == 30
    assert sample(metrics, "newswatch_articles_stored_total", outlet="north", outcome="new") == 5
    assert sample(metrics, "newswatch_extraction_failures_total", outlet="north", reason="too_short") == 1
    assert sample(metrics, "newswatch_crawl_errors_total", outlet="south", kind="TimeoutError") == 2
    assert sample(metrics, "newswatch_divergences_found_total", watch="ceasefire") == 3
    assert sample(metrics, "newswatch_divergences", watch="ceasefire") == 7
    assert sample(metrics, "newswatch_digests_sent_total", watch="ceasefire", channel="file") == 1
    assert sample(metrics, "newswatch_job_runs_total", job="crawl:default", outcome="ok") == 1
    assert sample(metrics, "newswatch_job_failures_total", job="crawl:default") == 1
    assert sample(metrics, "newswatch_job_duration_seconds_count", job="crawl:default") == 2
    assert sample(metrics, "newswatch_job_last_success_timestamp_seconds", job="crawl:default") == 1_750_000_000.0


# -- secrets ---------------------------------------------------------------------------------------
def test_secrets_come_from_the_environment_or_a_file_and_are_masked_everywhere(tmp_path: Path) -> None:
    secret_file = tmp_path / "es-password"
    secret_file.write_text("file-secret-9\n")
    env = {"NEWSWATCH_SMTP_PASSWORD": "smtp-secret-1", "NEWSWATCH_SMTP_PASSWORD_FILE": str(secret_file)}
    assert read_secret("NEWSWATCH_SMTP_PASSWORD", env) == "smtp-secret-1"
    assert read_secret("NEWSWATCH_SMTP_PASSWORD", {"NEWSWATCH_SMTP_PASSWORD_FILE": str(secret_file)}) == "file-secret-9"
    assert read_secret("UNSET", env) is None
    config = write(
        tmp_path,
        BASE.replace(
            'feeds = ["https://wire.example/rss"]', 'feeds = ["https://reader:url-secret-5@wire.example/rss"]'
        ),
    )
    secrets = known_secrets(config, env)
    assert secrets == {"smtp-secret-1", "url-secret-5"}
    line = "login smtp-secret-1 failed for https://reader:url-secret-5@wire.example/rss and ftp://a:other-77@b/"
    assert (
        redact(line, secrets) == f"login {MASK} failed for https://reader:{MASK}@wire.example/rss and ftp://a:{MASK}@b/"
    )
    formatter = RedactingFormatter("%(message)s", secrets=secrets)
    try:
        raise RuntimeError("password smtp-secret-1 refused")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "sent %s", ("smtp-secret-1",), sys.exc_info())
    text = formatter.format(record)
    assert "smtp-secret-1" not in text
    assert "refused" in text  # the traceback is there, masked


# -- housekeeping ---------------------------------------------------------------------------------
def test_housekeeping_prunes_old_report_files_and_rotates_big_logs(tmp_path: Path) -> None:
    reports = tmp_path / "reports" / "ceasefire"
    reports.mkdir(parents=True)
    old, new = reports / "20250101.html", reports / "20250701.html"
    old.write_text("old")
    new.write_text("new")
    now = datetime(2025, 7, 10, tzinfo=UTC)
    os.utime(old, ((now - timedelta(days=100)).timestamp(),) * 2)
    os.utime(new, ((now - timedelta(days=9)).timestamp(),) * 2)
    assert prune_files(tmp_path / "reports", now - timedelta(days=90), ("*.html",)) == 1
    assert not old.exists()
    assert new.exists()
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "crawl.log").write_text("x" * 20_000)
    (logs / "crawl.log.1").write_text("older")
    (logs / "small.log").write_text("y")
    assert rotate_logs(logs, 10_000, backups=2) == ["crawl.log"]
    assert (logs / "crawl.log.1").read_text() == "x" * 20_000
    assert (logs / "crawl.log.2").read_text() == "older"
    assert not (logs / "crawl.log").exists()
    assert (logs / "small.log").exists()


# -- the crawl's time limit -------------------------------------------------------------------------
def test_a_crawl_past_its_time_limit_is_stopped_cleanly_and_keeps_what_it_stored(
    newsroom_server: NewsroomServer, tmp_path: Path
) -> None:
    path = newsroom_server.write_config(tmp_path / "newswatch.toml")
    # half a second between requests to an outlet: the crawl needs over five seconds more than its start
    path.write_text(path.read_text().replace("download_delay_s = 0\n", "download_delay_s = 0.5\n"))
    config = load_config(path)
    result = run_crawl(config.path, timeout_s=4)
    assert result.timed_out
    assert result.stats["finish_reason"] == "shutdown"  # Scrapy closed the crawl itself, store and all
    with closing(open_store(config)) as store:
        stored = store.articles()
        assert sum(result.stored.values()) == len(stored) < len(newsroom_server.newsroom.articles)
        assert all(len(store.revisions(a.id)) == 1 for a in stored)
