"""The daemon's HTTP endpoint: ``/healthz`` for supervisors and ``/metrics`` for Prometheus.

Metrics live in a registry of their own (not prometheus-client's process-wide default), named
``newswatch_*``, and are fed from what each job returns (see :meth:`Metrics.observe`), so the jobs
themselves stay plain functions. Labels are outlet, watch and job ids, never a URL or an error
message: nothing a secret could hide in. The endpoint binds to 127.0.0.1 unless configured.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.exposition import choose_encoder

from newswatch import __version__

logger = logging.getLogger(__name__)

DURATION_BUCKETS_S = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

Health = Callable[[], tuple[bool, dict[str, Any]]]


class Metrics:
    """Every metric the daemon exports, in one registry."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        Info("newswatch_build", "newswatch version", registry=r).info({"version": __version__})

        def counter(name: str, doc: str, *labels: str) -> Counter:
            return Counter(f"newswatch_{name}", doc, labels, registry=r)

        def gauge(name: str, doc: str, *labels: str) -> Gauge:
            return Gauge(f"newswatch_{name}", doc, labels, registry=r)

        self.pages_fetched = counter(
            "pages_fetched", "HTTP responses received by crawls (feeds, sitemaps, pages)", "job"
        )
        self.articles_stored = counter("articles_stored", "Articles stored by crawls, by outcome", "outlet", "outcome")
        self.extraction_failures = counter(
            "extraction_failures", "Fetched pages that gave no article, by reason", "outlet", "reason"
        )
        self.crawl_errors = counter("crawl_errors", "Fetches and discoveries that failed, by kind", "outlet", "kind")
        self.divergences_found = counter("divergences_found", "Divergences seen for the first time", "watch")
        self.divergences = gauge("divergences", "Divergences found by the last analysis", "watch")
        self.digests_sent = counter("digests_sent", "Digests delivered", "watch", "channel")
        self.outbox_pending = gauge("outbox_pending", "Digests recorded but not yet delivered")
        self.job_duration = Histogram(
            "newswatch_job_duration_seconds", "How long job runs took", ["job"], buckets=DURATION_BUCKETS_S, registry=r
        )
        self.job_runs = counter("job_runs", "Job runs by outcome", "job", "outcome")
        self.job_failures = counter("job_failures", "Job runs that failed or timed out", "job")
        self.job_missed = counter("job_missed", "Scheduled runs dropped as later than the misfire grace time", "job")
        self.job_skipped = counter(
            "job_skipped", "Scheduled runs skipped: the job's previous run was still going", "job"
        )
        self.job_last_success = gauge(
            "job_last_success_timestamp_seconds", "When each job last finished well (Unix time)", "job"
        )
        self.jobs_running = gauge("jobs_running", "Jobs running now")
        self.config_reloads = counter("config_reloads", "Config reloads by result (ok, failed)", "result")
        self.config_ok = gauge(
            "config_last_reload_ok", "1 if the last config reload worked, 0 if the daemon runs on an older good config"
        )
        self.config_ok.set(1)

    def expect_jobs(self, job_ids: Iterable[str]) -> None:
        """Start each job's failure counters at 0, so an alert on their rate works before the first failure."""
        for job in job_ids:
            for counter in (self.job_failures, self.job_missed, self.job_skipped):
                counter.labels(job)

    def observe(self, summary: Mapping[str, Any]) -> None:
        """Count what one job run did (the dict :func:`newswatch.daemon.run_job` returns)."""
        job, kind, outcome = summary["job_id"], summary["kind"], summary["outcome"]
        stats: Mapping[str, Any] = summary.get("stats") or {}
        self.job_runs.labels(job, outcome).inc()
        if summary.get("duration_s") is not None:
            self.job_duration.labels(job).observe(summary["duration_s"])
        if outcome in ("failed", "timeout"):
            self.job_failures.labels(job).inc()
        elif outcome == "ok":
            self.job_last_success.labels(job).set(summary.get("finished_at_ts") or 0)
        if kind in ("crawl", "revisit"):
            self.pages_fetched.labels(job).inc(stats.get("pages_fetched", 0))
            for outlet, outcomes in stats.get("stored", {}).items():
                for stored, n in outcomes.items():
                    self.articles_stored.labels(outlet, stored).inc(n)
            for outlet, reasons in stats.get("extraction_failures", {}).items():
                for reason, n in reasons.items():
                    self.extraction_failures.labels(outlet, reason).inc(n)
            for outlet, kinds in stats.get("errors", {}).items():
                for error, n in kinds.items():
                    self.crawl_errors.labels(outlet, error).inc(n)
        elif kind == "analyse":
            for watch, n in stats.get("divergences_new", {}).items():
                self.divergences_found.labels(watch).inc(n)
            for watch, n in stats.get("divergences", {}).items():
                self.divergences.labels(watch).set(n)
        elif kind == "digest" and stats.get("digests_sent"):
            self.digests_sent.labels(stats.get("watch", ""), stats.get("channel", "")).inc(stats["digests_sent"])
        elif kind == "deliver" and stats.get("digests_sent"):  # outbox flushes: digests held back by an outage
            self.digests_sent.labels("", "email").inc(stats["digests_sent"])
        if "outbox_pending" in stats:
            self.outbox_pending.set(stats["outbox_pending"])


class MetricsServer:
    """``/healthz`` and ``/metrics`` over HTTP, served from a thread."""

    def __init__(self, metrics: Metrics, health: Health, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = ThreadingHTTPServer((host, port), _handler(metrics, health))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="newswatch-metrics", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> MetricsServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def _handler(metrics: Metrics, health: Health) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "newswatch"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                encoder, content_type = choose_encoder(self.headers.get("Accept", ""))
                self._send(200, content_type, encoder(metrics.registry))
            elif path == "/healthz":
                healthy, details = health()
                body = json.dumps({"status": "ok" if healthy else "unhealthy", **details}, default=str)
                self._send(200 if healthy else 503, "application/json", body.encode())
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found: try /healthz or /metrics\n")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
            logger.debug("%s - " + format, self.address_string(), *args)

    return Handler
