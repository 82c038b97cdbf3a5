"""Fault tests with real processes: the daemon (``python -m newswatch daemon``) against the demo newsroom on
127.0.0.1, killed with SIGKILL mid-crawl, stopped with SIGTERM, fed a broken config; cron mode run twice at
once; secrets grepped for in everything newswatch writes."""

from __future__ import annotations

import email
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil
import pytest
from elasticsearch import Elasticsearch, helpers

from examples.newsroom import NewsroomServer
from newswatch.esnode import ElasticsearchNode
from newswatch.history import INTERRUPTED, OK, JobHistory, RunRecord, job_engine, scheduled_next_runs
from pipelines.config import Config, load_config
from pipelines.store import open_store
from pipelines.urls import article_id
from tests.jobstore import set_next_run, stored_jobs
from tests.waiting import wait_for

QUIET = """
[schedule]
crawl_interval_s = 3600
revisit_interval_s = 0
analyse_interval_s = 3600
deliver_interval_s = 3600
housekeeping_interval_s = 3600
"""


def daemon_config(
    server: NewsroomServer, folder: Path, *, delay_s: float = 0.0, daemon: str = "", schedule: str = QUIET
) -> Config:
    """The newsroom's config with a [daemon] section (metrics on any free port) and a schedule."""
    text = server.config_toml().replace("download_delay_s = 0\n", f"download_delay_s = {delay_s}\n")
    text += f"\n[daemon]\nmetrics_port = 0\nreload_check_s = 0.2\n{daemon}\n{schedule}\n"
    path = folder / "newswatch.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def without_delay(config: Config) -> None:
    """Crawl at full speed from the next start on (a slow crawl is only needed to catch one midway)."""
    text = config.path.read_text()
    config.path.write_text(
        text.replace(f"download_delay_s = {config.crawl.download_delay_s}\n", "download_delay_s = 0\n")
    )


class DaemonProcess:
    """``newswatch daemon`` as a child process, its log in a file."""

    def __init__(self, config: Config, log: Path, env: dict[str, str] | None = None) -> None:
        self.config = config
        self.log = log
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> DaemonProcess:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "newswatch", "daemon", "--config", str(self.config.path)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        wait_for(self._ready, timeout_s=60, what="the daemon's /healthz")
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def state(self) -> dict[str, Any]:
        return json.loads((self.config.data_path / "daemon" / "state.json").read_text())

    def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"the daemon exited with {self.proc.returncode}:\n{self.log.read_text()}")
        state = self.state()
        return state["pid"] == self.pid and self.get("/healthz")[0] == 200

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.state()["metrics_url"] + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read().decode()

    def health(self) -> dict[str, Any]:
        return json.loads(self.get("/healthz")[1])

    def crawls(self) -> list[psutil.Process]:
        return [c for c in psutil.Process(self.pid).children() if "crawler.process" in " ".join(c.cmdline())]

    def stop(self, signum: int = signal.SIGTERM, timeout_s: float = 120) -> int:
        assert self.proc is not None
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=timeout_s)

    def text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def daemons() -> Iterator[list[DaemonProcess]]:
    """Every daemon a test starts is killed at its end, whatever happened."""
    started: list[DaemonProcess] = []
    yield started
    for daemon in started:
        if daemon.proc is not None and daemon.proc.poll() is None:
            daemon.proc.kill()
            daemon.proc.wait()


def runs(config: Config, job_id: str) -> list[RunRecord]:
    with JobHistory.open(config) as history:
        return history.recent(job_id=job_id)


def article_paths(server: NewsroomServer) -> set[tuple[str, str]]:
    return {(a.outlet.slug, a.path) for a in server.newsroom.articles}


def fetchable(server: NewsroomServer) -> list[Any]:
    return [a for a in server.newsroom.articles if not any(a.path.startswith(d) for d in a.outlet.robots_disallow)]


def article_gets(server: NewsroomServer, since: int = 0) -> Counter[tuple[str, str]]:
    """GETs of article pages, from the ``since``-th request the newsroom answered on."""
    paths = article_paths(server)
    hits = server.hits()[since:]
    return Counter((h.outlet, h.path) for h in hits if h.method == "GET" and (h.outlet, h.path) in paths)


def feed_gets(server: NewsroomServer, since: int = 0) -> Counter[str]:
    feeds = {slug: o.feed_path for slug, o in server.newsroom.outlets.items()}
    return Counter(h.outlet for h in server.hits()[since:] if h.method == "GET" and h.path == feeds[h.outlet])


def test_kill_9_mid_crawl_then_restart_loses_nothing_duplicates_nothing_and_runs_the_missed_crawl_once(
    newsroom_server: NewsroomServer, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    config = daemon_config(newsroom_server, tmp_path, delay_s=0.25)
    expected = {article_id(a.canonical) for a in fetchable(newsroom_server)}
    first = DaemonProcess(config, tmp_path / "daemon-1.log").start()
    daemons.append(first)
    assert first.state()["metrics_url"].startswith("http://127.0.0.1:")  # loopback unless configured
    wait_for(lambda: sum(article_gets(newsroom_server).values()) >= 8, what="the crawl to be under way")
    crawls = first.crawls()
    assert len(crawls) == 1
    schedule_before = scheduled_next_runs(job_engine(config))
    first.stop(signal.SIGKILL)
    # the crawl dies with its daemon instead of writing on beside the next one
    wait_for(lambda: not crawls[0].is_running() or crawls[0].status() == psutil.STATUS_ZOMBIE, what="the crawl to die")
    (cut,) = runs(config, "crawl:default")
    assert cut.outcome == "running"  # killed mid-crawl: the run never finished
    with closing(open_store(config)) as store:
        assert len(store.articles()) < len(expected)

    without_delay(config)
    restart = len(newsroom_server.hits())
    second = DaemonProcess(config, tmp_path / "daemon-2.log").start()
    daemons.append(second)
    done = wait_for(
        lambda: [r for r in runs(config, "crawl:default") if r.outcome == OK], timeout_s=120, what="the re-run"
    )
    assert [r.outcome for r in runs(config, "crawl:default")] == [OK, INTERRUPTED]  # once, no more
    assert "running again, once, what was interrupted: crawl:default" in second.text()
    with closing(open_store(config)) as store:
        stored = store.articles()
        assert sorted(a.id for a in stored) == sorted(expected)  # nothing lost, nothing twice
        assert all(len(store.revisions(a.id)) == 1 for a in stored)
    # after the restart, one crawl: each feed read once, each article fetched once
    assert feed_gets(newsroom_server, since=restart) == Counter(dict.fromkeys(newsroom_server.newsroom.outlets, 1))
    again = article_gets(newsroom_server, since=restart)
    assert set(again.values()) == {1}
    assert len(again) == len(expected)
    # the schedule is intact: the same jobs, the untouched ones still due when they were, the crawl in an hour
    schedule_after = scheduled_next_runs(job_engine(config))
    assert set(schedule_after) == set(schedule_before)
    for job in ("analyse", "deliver", "housekeeping", "digest:gaza-ceasefire"):
        assert schedule_after[job] == schedule_before[job]
    assert schedule_after["crawl:default"] > done[0].started_at + timedelta(minutes=59)
    # /metrics counts what the second daemon's crawl stored
    status, metrics = second.get("/metrics")
    assert status == 200
    stored_metric = sum(
        float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines() if line.startswith("newswatch_articles_stored_")
    )
    assert stored_metric == len(expected)
    for job in schedule_after:  # failure counters exist from the start, at 0, so alerts on them work at once
        assert f'newswatch_job_failures_total{{job="{job}"}} 0.0' in metrics
    assert second.stop() == 0

    # five hours of downtime: the missed hourly crawl runs once, not five times
    set_next_run(config, "crawl:default", datetime.now(UTC) - timedelta(hours=5, minutes=1))
    third = DaemonProcess(config, tmp_path / "daemon-3.log").start()
    daemons.append(third)
    wait_for(lambda: len(runs(config, "crawl:default")) == 3 and runs(config, "crawl:default")[0].outcome == OK,
             timeout_s=120, what="the missed crawl")  # fmt: skip
    assert scheduled_next_runs(job_engine(config))["crawl:default"] > datetime.now(UTC) + timedelta(minutes=50)
    assert third.stop() == 0
    assert [r.outcome for r in runs(config, "crawl:default")] == [OK, OK, INTERRUPTED]


def test_sigterm_lets_the_running_crawl_finish_then_exits_0(
    newsroom_server: NewsroomServer, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    config = daemon_config(newsroom_server, tmp_path, delay_s=0.1, daemon="shutdown_grace_s = 120")
    daemon = DaemonProcess(config, tmp_path / "daemon.log").start()
    daemons.append(daemon)
    wait_for(lambda: sum(article_gets(newsroom_server).values()) >= 4, what="the crawl to be under way")
    assert daemon.stop(signal.SIGTERM) == 0
    (crawl,) = runs(config, "crawl:default")
    assert crawl.outcome == OK  # finished, not cut short
    assert "waiting up to 120 s for running jobs to finish: crawl:default" in daemon.text()
    with closing(open_store(config)) as store:
        assert len(store.articles()) == len(fetchable(newsroom_server))


def test_sigterm_past_the_grace_stops_the_crawl_cleanly_and_the_next_start_redoes_it(
    newsroom_server: NewsroomServer, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    config = daemon_config(newsroom_server, tmp_path, delay_s=0.25, daemon="shutdown_grace_s = 0")
    daemon = DaemonProcess(config, tmp_path / "daemon.log").start()
    daemons.append(daemon)
    wait_for(lambda: sum(article_gets(newsroom_server).values()) >= 4, what="the crawl to be under way")
    assert daemon.stop(signal.SIGTERM) == 0
    assert "asking their crawls to stop" in daemon.text()
    (crawl,) = runs(config, "crawl:default")
    assert crawl.outcome == INTERRUPTED
    with closing(open_store(config)) as store:
        partial = store.articles()
        assert len(partial) < len(fetchable(newsroom_server))
        for article in partial:  # whatever was written is whole: its revision and its search entry
            assert len(store.revisions(article.id)) == 1
            assert store.search(f'"{article.title}"', limit=100)
    without_delay(config)
    again = DaemonProcess(config, tmp_path / "daemon-2.log").start()
    daemons.append(again)
    wait_for(lambda: runs(config, "crawl:default")[0].outcome == OK, timeout_s=120, what="the redone crawl")
    assert [r.outcome for r in runs(config, "crawl:default")] == [OK, INTERRUPTED]
    assert again.stop() == 0


def test_a_config_error_at_reload_keeps_the_daemon_on_the_last_good_config(
    newsroom_server: NewsroomServer, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    good_schedule = QUIET.replace("deliver_interval_s = 3600", "deliver_interval_s = 1")
    config = daemon_config(newsroom_server, tmp_path, schedule=good_schedule)
    good = config.path.read_text()
    daemon = DaemonProcess(config, tmp_path / "daemon.log").start()
    daemons.append(daemon)
    second = newswatch("daemon", "--config", str(config.path))  # one daemon per data folder
    assert second.returncode == 75
    assert f"another newswatch is running (daemon pid {daemon.pid}" in " ".join(second.stderr.split())

    config.path.write_text(good.replace("[[watch]]", "[[watch]"))  # broken TOML, noticed by the file check
    broken_at = datetime.now(UTC)
    health = wait_for(lambda: daemon.health()["config_reload_error"], what="the failed reload")
    assert "not valid TOML" in health
    assert "config reload (the file changed) failed; still running on the config loaded at" in daemon.text()
    assert "newswatch_config_last_reload_ok 0.0" in daemon.get("/metrics")[1]
    # still at work on the last good config: the 1-second job keeps running
    wait_for(lambda: runs(config, "deliver")[0].started_at > broken_at + timedelta(seconds=1), what="a deliver run")
    assert daemon.get("/healthz")[0] == 200

    # a valid file with an invalid value, announced with SIGHUP: refused the same way
    config.path.write_text(good.replace("analyse_interval_s = 3600", "analyse_interval_s = -1"))
    assert daemon.proc is not None
    daemon.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "schedule.analyse_interval_s" in daemon.health()["config_reload_error"], what="the refusal")

    # a good config again: applied, with the new watch's digest job added once
    config.path.write_text(good + '\n[[watch]]\nname = "election"\nquery = "election"\n')
    wait_for(lambda: not daemon.health()["config_reload_error"], what="the good reload")
    jobs = [job.id for job in stored_jobs(config)]
    assert sorted(jobs) == sorted(set(jobs))
    assert "digest:election" in jobs
    assert 'newswatch_config_reloads_total{result="ok"} 1.0' in daemon.get("/metrics")[1]
    assert daemon.stop() == 0


def newswatch(
    *args: str, env: dict[str, str] | None = None, timeout_s: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newswatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def test_cron_mode_runs_what_is_due_once_and_a_second_overlapping_run_exits_with_a_clear_message(
    newsroom_server: NewsroomServer, tmp_path: Path
) -> None:
    config = daemon_config(newsroom_server, tmp_path, delay_s=0.1)
    far_from_now = (datetime.now(UTC).hour + 12) % 24  # the digest's cron time, never due during this test
    text = config.path.read_text().replace('schedule = "0 7 * * *"', f'schedule = "0 {far_from_now} * * *"')
    config.path.write_text(text.replace('timezone = "Europe/London"', 'timezone = "UTC"'))
    args = ("run-once", "--config", str(config.path))
    lock = config.data_path / "newswatch.lock"
    with subprocess.Popen(
        [sys.executable, "-m", "newswatch", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as first:
        wait_for(lambda: json.loads(lock.read_text())["pid"] == first.pid, what="the first run to hold the lock")
        second = newswatch(*args)
        out, err = first.communicate(timeout=300)
    assert second.returncode == 75
    assert f"another newswatch is running (run-once pid {first.pid} since" in " ".join(second.stderr.split())
    assert first.returncode == 0, err
    for job in ("crawl:default", "analyse", "deliver", "housekeeping"):
        assert f"{job}: ok" in out
    assert "digest:gaza-ceasefire" not in out
    with closing(open_store(config)) as store:
        assert len(store.articles()) == len(fetchable(newsroom_server))
    # right after, nothing is due: the crawl waits an hour
    again = newswatch(*args)
    assert again.returncode == 0
    assert again.stdout.strip() == "nothing due"
    report = json.loads(newswatch("status", "--config", str(config.path), "--json").stdout)
    assert report["daemon"] is None
    jobs = {job["id"]: job for job in report["jobs"]}
    assert jobs["crawl:default"]["last"]["outcome"] == "ok"
    assert jobs["crawl:default"]["last"]["stats"]["pages_fetched"] > len(fetchable(newsroom_server))
    assert jobs["digest:gaza-ceasefire"]["last"] is None


def test_secrets_never_reach_logs_status_output_reports_or_metrics(
    newsroom_server: NewsroomServer, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    secrets = {"smtp": "SMTP-SECRET-17", "jobs": "JOBS-SECRET-23", "feed": "FEED-SECRET-42"}
    jobs_password = tmp_path / "jobs-password"
    jobs_password.write_text(secrets["jobs"] + "\n")
    env = {"NEWSWATCH_SMTP_PASSWORD": secrets["smtp"], "NEWSWATCH_JOBS_DB_PASSWORD_FILE": str(jobs_password)}
    config = daemon_config(newsroom_server, tmp_path, daemon='job_store_password_env = "NEWSWATCH_JOBS_DB_PASSWORD"')
    first = next(iter(newsroom_server.newsroom.outlets))
    origin = newsroom_server.origin(first)
    private_feed = origin.replace("http://", f"http://reader:{secrets['feed']}@") + "/private-feed.xml"
    text = config.path.read_text()
    feed_line = f'feeds = ["{origin}{newsroom_server.newsroom.outlets[first].feed_path}"'
    config.path.write_text(text.replace(feed_line, f'{feed_line}, "{private_feed}"', 1))
    config = load_config(config.path)

    once = newswatch("run-once", "--all", "--config", str(config.path), env=env)
    assert once.returncode == 0, once.stderr
    daemon = DaemonProcess(config, tmp_path / "daemon.log", env=env).start()
    daemons.append(daemon)
    wait_for(lambda: len(runs(config, "crawl:default")) == 2 and runs(config, "crawl:default")[0].outcome == OK,
             timeout_s=120, what="the daemon's crawl")  # fmt: skip
    outputs = {
        "run-once": once.stdout + once.stderr,
        "metrics": daemon.get("/metrics")[1],
        "healthz": daemon.get("/healthz")[1],
    }
    status = newswatch("status", "--config", str(config.path), env=env)
    status_json = newswatch("status", "--json", "--config", str(config.path), env=env)
    outputs["status"] = status.stdout + status.stderr + status_json.stdout + status_json.stderr
    assert f"daemon: running, pid {daemon.pid}" in status.stdout
    assert "Recent errors per outlet" in status.stdout  # the private feed failed: shown, masked
    assert daemon.stop() == 0
    outputs["daemon log"] = daemon.text()
    written = [*(config.data_path / "logs").rglob("*"), *config.report_dir.rglob("*")]
    for path in written:
        if path.is_file():
            outputs[str(path)] = path.read_text(errors="replace")
    assert any(p.suffix == ".html" for p in written)  # the digest's report is among what was searched
    # the private feed's URL went through the crawl's log, with its password masked
    assert "reader:***@" in (config.data_path / "logs" / "crawl.log").read_text()
    for where, content in outputs.items():
        for name, secret in secrets.items():
            assert secret not in content, f"the {name} secret leaked into {where}"


def free_port_run(count: int) -> int:
    """The first of ``count`` consecutive ports free on 127.0.0.1 (the demo's outlets keep fixed ports)."""
    import random
    import socket

    for _ in range(200):
        base = random.randrange(20000, 60000 - count)
        sockets = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
        return base
    raise AssertionError("no run of free ports")


def test_the_demo_daemon_serves_health_and_metrics_and_survives_kill_9(tmp_path: Path) -> None:
    base = free_port_run(9)
    workdir = tmp_path / "demo"
    command = [sys.executable, "-m", "newswatch", "demo", "--daemon", "--workdir", str(workdir)]
    command += ["--port-base", str(base), "--metrics-port", str(base + 8), "--day-every-s", "6"]
    metrics_url = f"http://127.0.0.1:{base + 8}"
    clock = workdir / ".newswatch" / "demo-clock.json"

    def get(path: str) -> str:
        try:
            with urllib.request.urlopen(metrics_url + path, timeout=10) as response:
                return response.read().decode()
        except urllib.error.HTTPError as exc:  # 503 while starting or stopping
            with exc:
                return exc.read().decode()

    def value(metrics: str, prefix: str) -> float:
        return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines() if line.startswith(prefix))

    def simulated_now() -> datetime:
        return datetime.fromisoformat(json.loads(clock.read_text())["now"])

    log = tmp_path / "demo.log"
    with open(log, "ab") as out:
        first = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: json.loads(get("/healthz"))["status"] == "ok", what="the demo daemon's /healthz")
        wait_for(lambda: value(get("/metrics"), 'newswatch_job_runs_total{job="crawl:default",outcome="ok"}') >= 1,
                 timeout_s=120, what="a crawl")  # fmt: skip
        wait_for(lambda: value(get("/metrics"), 'newswatch_job_runs_total{job="demo-clock",outcome="ok"}') >= 2,
                 what="the simulated clock to move")  # fmt: skip
        metrics = get("/metrics")
        assert value(metrics, "newswatch_articles_stored_total") > 0
        assert value(metrics, "newswatch_pages_fetched_total") > 0
        first.kill()
        first.wait()
        before = simulated_now()
        with open(log, "ab") as out:
            second = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: json.loads(get("/healthz"))["status"] == "ok", what="the restarted demo")
            # the clock goes on from where it was, and the crawls from the same store
            wait_for(lambda: simulated_now() > before, what="the clock to move on")
            wait_for(lambda: value(get("/metrics"), 'newswatch_job_runs_total{job="crawl:default",outcome="ok"}') >= 1,
                     timeout_s=120, what="a crawl after the restart")  # fmt: skip
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=120) == 0
        finally:
            second.kill()
            second.wait()
    finally:
        first.kill()
        first.wait()
    config = load_config(workdir / "newswatch.toml")
    with closing(open_store(config)) as store:
        stored = store.articles()
        assert stored
        # one article per outlet and path: the restarted newsroom kept its ports, so its URLs did not change
        assert len({(a.outlet, urlsplit(a.canonical_url).path) for a in stored}) == len(stored)
        assert all(a.revision == len(store.revisions(a.id)) for a in stored)
    assert simulated_now() >= before


def test_smtp_down_at_digest_time_the_digest_goes_out_exactly_once_when_it_is_back(
    newsroom_server: NewsroomServer, tmp_path: Path
) -> None:
    from tests.smtpserver import PASSWORD, USER, SmtpServer, free_port, make_certificate

    cert = make_certificate(tmp_path)
    port = free_port()
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n")
    smtp = (
        f'\n[smtp]\nhost = "localhost"\nport = {port}\nsecurity = "starttls"\nusername = "{USER}"\n'
        f'password_file = "{secret}"\nca_file = "{cert[0]}"\nsender = "newswatch@example.org"\n'
        "timeout_s = 5\nattempts = 2\nbackoff_s = 0.01\n"
    )
    config = daemon_config(newsroom_server, tmp_path, schedule=QUIET + smtp)
    # the server is down while the cron run makes the digest: it is recorded, not sent, not lost
    down = newswatch("run-once", "--all", "--config", str(config.path))
    store = open_store(config)
    try:
        (waiting,) = store.outbox_pending()
    finally:
        store.close()
    assert waiting.pending == ("desk@example.org",)
    # kept safe in the outbox, so the run succeeds; the warning is what cron mails to its owner
    assert down.returncode == 0, down.stdout + down.stderr
    assert "will retry later" in down.stderr
    assert "Connection refused" in down.stderr
    with SmtpServer(port, cert) as server:
        # the next runs: the digest job finds nothing new and sends the waiting digest instead; the
        # deliver job then finds the outbox empty; a third run sends nothing more
        for _ in range(2):
            up = newswatch("run-once", "--all", "--config", str(config.path))
            assert up.returncode == 0, up.stdout + up.stderr
        server.wait_for(1)
        store = open_store(config)
        try:
            assert store.outbox_pending() == []
        finally:
            store.close()
        recorded = email.message_from_bytes(waiting.message)["Message-ID"]
        ids = [email.message_from_bytes(r.content)["Message-ID"] for r in server.messages]
        # the digest recorded during the outage arrived once; a later run's own digest ("nothing new since")
        # is another message, never a second copy of one
        assert ids.count(recorded) == 1
        assert len(set(ids)) == len(ids)
        for received in server.messages:
            assert received.rcpt_tos == ("desk@example.org",)
            assert received.tls
            assert received.login == USER


def test_elasticsearch_down_for_a_while_articles_spool_and_are_indexed_once_when_it_is_back(
    killable_node: ElasticsearchNode, newsroom_server: NewsroomServer, tmp_path: Path, es_prefix: str
) -> None:
    store = f'\n[store]\nbackend = "elasticsearch"\nurl = "{killable_node.url}"\nindex_prefix = "{es_prefix}"\n'
    config = daemon_config(newsroom_server, tmp_path, schedule=QUIET + store + "retry_after_s = 1\n")
    killable_node.kill()
    # cron runs while the cluster is down: the crawl keeps every article in the spool; what needs to read
    # the cluster (analysis, digest, delivery) fails and says why
    down = newswatch("run-once", "--all", "--config", str(config.path))
    assert down.returncode == 1, down.stdout + down.stderr
    assert "unreachable" in down.stdout + down.stderr
    spool = config.data_path / "es-spool" / "spool.jsonl"
    assert spool.stat().st_size > 0
    killable_node.start()
    up = newswatch("run-once", "--all", "--config", str(config.path))
    assert up.returncode == 0, up.stdout + up.stderr
    fetchable = [a for a in newsroom_server.newsroom.articles if a.published <= newsroom_server.now
                 and not any(a.path.startswith(d) for d in a.outlet.robots_disallow)]  # fmt: skip
    client = Elasticsearch(killable_node.url)
    try:  # counted by the cluster itself, not through the store's reading code
        client.indices.refresh(index=f"{es_prefix}-articles")
        assert client.count(index=f"{es_prefix}-articles")["count"] == len(fetchable)
        ids = {hit["_id"] for hit in helpers.scan(client, index=f"{es_prefix}-articles", _source=False)}
        assert ids == {article_id(a.canonical) for a in fetchable}
        revisions = f"{es_prefix}-revisions"  # made when the first second revision is written
        assert not client.indices.exists(index=revisions) or client.count(index=revisions)["count"] == 0
    finally:
        client.close()
