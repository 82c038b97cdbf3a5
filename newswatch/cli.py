"""``newswatch``: the command line. Parse, validate, call the jobs, print."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from pipelines.config import Config, SmtpConfig, email_address, find_config, load_config
from pipelines.errors import AlreadyRunningError, NewswatchError
from pipelines.query import QueryError
from pipelines.store import open_store
from pipelines.store.sqlite import HIGHLIGHT

# Piped into a file or a pager, Rich would draw its tables 80 columns wide and cut every cell; an operator
# who keeps `newswatch status > status.txt` wants whole outlet names and times. COLUMNS still wins.
PIPED_WIDTH = 200


def _width(stream: TextIO) -> int | None:
    return None if stream.isatty() or "COLUMNS" in os.environ else PIPED_WIDTH


console = Console(width=_width(sys.stdout))
err_console = Console(stderr=True, width=_width(sys.stderr))
DEMO_SENDER = "newswatch-demo@example.org"
EXIT_LOCKED = 75  # EX_TEMPFAIL: another newswatch holds the data folder; cron may simply try again later


def parse_since(value: str) -> datetime:
    """``24h``, ``7d``, ``90m`` back from now, or an ISO date/time."""
    match = re.fullmatch(r"(\d+)\s*([mhdw])", value.strip())
    if match:
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match[2]]
        return datetime.now(UTC) - timedelta(**{unit: int(match[1])})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is neither a span like 24h / 7d nor an ISO date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _address(value: str) -> str:
    try:
        return email_address(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _config(args: argparse.Namespace) -> Config:
    return load_config(find_config(args.config))


# -- commands -----------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    from newswatch.jobs import run_cycle

    config = _config(args)
    result = _with_progress(config, lambda on_event: run_cycle(config, on_event=on_event))
    _print_cycle(result)
    return 0


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler import run_crawl

    config = _config(args)
    result = _with_progress(config, lambda on_event: run_crawl(config.path, on_event=on_event))
    _print_crawl(result)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from newswatch.jobs import Delivery, analyse, report_watch
    from reports import render_text

    config = _config(args)
    watches = [config.watch(args.watch)] if args.watch else list(config.watches)
    if not watches:
        err_console.print(f"[red]error:[/] {config.path} defines no [[watch]]: nothing to report")
        return 2
    delivery = Delivery(config.smtp) if args.to == "email" else None
    status = 0
    store = open_store(config)
    try:
        analyse(store)
        for watch in watches:
            result = report_watch(config, store, watch, since=args.since, delivery=delivery)
            if args.to == "stdout":
                sys.stdout.write(render_text(result.digest, full=True))
                continue
            console.print(f"[bold]{watch.name}[/]: {result.digest.summary} -> {result.paths['html']}", highlight=False)
            status = max(status, _print_delivery(result))
    finally:
        store.close()
    return status


def cmd_search(args: argparse.Namespace) -> int:
    config = _config(args)
    store = open_store(config)
    try:
        query = args.query
        if args.watch:
            watch_query = config.watch(args.watch).query
            query = f"({watch_query}) ({query})"
        hits = store.search(query, outlet=args.outlet, since=args.since, until=args.until, limit=args.limit)
    finally:
        store.close()
    names = {o.id: o.name for o in config.outlets}
    if not hits:
        console.print("no articles match")
        return 1
    for hit in hits:
        a = hit.article
        when = a.published_at.strftime("%Y-%m-%d %H:%M UTC") if a.published_at else "undated"
        console.print(Text.assemble((a.title, "bold"), "  ", (f"{names.get(a.outlet, a.outlet)} · {when}", "dim")))
        console.print(_highlight(hit.snippet))
        console.print(Text(a.url, style="blue"))
        console.print()
    console.print(f"{len(hits)} hit{'s' if len(hits) != 1 else ''}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from examples.newsroom import NewsroomServer
    from examples.newsroom.content import LAST_DAY

    workdir = Path(args.workdir).resolve()
    if args.daemon:
        from newswatch.demo import run_demo_daemon

        return run_demo_daemon(
            workdir, port_base=args.port_base or 8701, metrics_port=args.metrics_port, day_every_s=args.day_every_s
        )
    if args.serve_only:
        with NewsroomServer(port_base=args.port_base or 8701) as server:
            path = server.write_config(workdir / "newswatch.toml")
            table = Table("outlet", "homepage", "feed", title="Demo newsroom (simulated clock at day 4)")
            for slug, outlet in server.newsroom.outlets.items():
                table.add_row(outlet.name, server.origin(slug) + "/", server.origin(slug) + outlet.feed_path)
            console.print(table)
            first = next(iter(server.newsroom.outlets))
            console.print(
                f"Config for these outlets: {path}\n"
                f"Move the clock: curl -X POST '{server.origin(first)}/_newsroom/clock?day=2'\n"
                "Press Ctrl-C to stop."
            )
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                console.print("stopped")
        return 0

    from newswatch.jobs import Delivery, run_cycle

    delivery = None
    if args.smtp_url or args.email_to:
        if not (args.smtp_url and args.email_to):
            err_console.print("[red]error:[/] --smtp-url and --email-to go together")
            return 2
        delivery = Delivery(SmtpConfig.from_url(args.smtp_url, sender=DEMO_SENDER), (args.email_to,))
    data_dir = workdir / ".newswatch"
    if data_dir.exists():
        shutil.rmtree(data_dir)  # every demo starts from an empty store
    started = datetime.now(UTC)
    status = 0
    with NewsroomServer(port_base=args.port_base, day=args.first_day) as server:
        config = load_config(server.write_config(workdir / "newswatch.toml"))
        console.print(f"Demo newsroom: {len(server.newsroom.outlets)} outlets on 127.0.0.1; config {config.path}")
        result = None
        for day in sorted({args.first_day, LAST_DAY}):
            server.set_day(day)
            console.rule(f"simulated day {day}")
            result = _with_progress(config, lambda on_event: run_cycle(config, on_event=on_event, delivery=delivery))
            _print_cycle(result)
            status = max([status, *(_print_delivery(w) for w in result.watches)])
    seconds = (datetime.now(UTC) - started).total_seconds()
    assert result is not None
    console.print(f"\nDemo finished in {seconds:.1f} s.")
    for watch in result.watches:
        console.print(f"Report for watch [bold]{watch.watch}[/]: {watch.paths['html']}")
    return status


# -- daemon, cron mode and status ---------------------------------------------------------
def cmd_daemon(args: argparse.Namespace) -> int:
    from newswatch.daemon import Daemon, setup_logging

    formatter = setup_logging()
    return Daemon(find_config(args.config), formatter=formatter).run()


def cmd_run_once(args: argparse.Namespace) -> int:
    from newswatch.daemon import run_once, setup_logging
    from pipelines.secrets import known_secrets

    formatter = setup_logging(logging.WARNING)
    formatter.secrets = known_secrets(_config(args))
    try:
        result = run_once(find_config(args.config), run_all=args.all)
    except AlreadyRunningError:
        if args.quiet:  # overlapping cron runs are expected when a crawl is slow: the exit code says it
            return EXIT_LOCKED
        raise
    for run in result.ran:
        if not args.quiet or run["outcome"] != "ok":
            error = f": {run['error']}" if run["error"] else ""
            console.print(f"{run['job_id']}: {run['outcome']} in {run['duration_s']:.1f} s{error}", highlight=False)
    if not result.ran and not args.quiet:
        console.print("nothing due")
    return 1 if result.failed else 0


def cmd_status(args: argparse.Namespace) -> int:
    from newswatch.daemon import job_status
    from newswatch.status import print_outlets, status_json

    config = _config(args)
    report = job_status(config)
    if args.json:
        sys.stdout.write(json.dumps(status_json(config, report), default=str, indent=1) + "\n")
        return 0
    _print_status(report)
    print_outlets(config, console)
    return 0


def _print_status(report: Any) -> None:
    def when(value: datetime | None) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else "-"

    if report.daemon:
        d = report.daemon
        metrics = f", metrics {d['metrics_url']}/metrics" if d.get("metrics_url") else ""
        console.print(f"daemon: running, pid {d['pid']} since {d['started_at']}{metrics}", highlight=False)
    else:
        console.print("daemon: not running (next runs are what run-once would do)")
    table = Table("job", "schedule", "last run (UTC)", "outcome", "duration", "next run (UTC)", title="Jobs")
    for job in report.jobs:
        last = job.last
        outcome = last.outcome if last else "never ran"
        style = {"ok": "green", "failed": "red", "timeout": "red", "interrupted": "yellow"}.get(outcome, "")
        duration = f"{last.duration_s:.1f} s" if last and last.duration_s is not None else "-"
        table.add_row(
            job.id,
            job.schedule,
            when(last.started_at if last else None),
            Text(outcome, style=style),
            duration,
            when(job.next_run),
        )
    console.print(table)
    if report.outlet_errors:
        errors = Table("outlet", "errors", "last seen (UTC)", "example", title="Recent errors per outlet (7 days)")
        for row in report.outlet_errors:
            counts = ", ".join(f"{kind} {n}" for kind, n in row.errors.items())
            errors.add_row(row.outlet, counts, when(row.last_seen), row.samples[0] if row.samples else "")
        console.print(errors)
    else:
        console.print("no errors in scheduled crawls (daemon, run-once) in the last 7 days")
    for run in report.recent_failures:
        console.print(f"[red]{run.job_id}[/] {run.outcome} at {when(run.started_at)}: {run.error}", highlight=False)


# -- Elasticsearch and Kibana -------------------------------------------------------------
def cmd_es_dev(args: argparse.Namespace) -> int:
    from newswatch.esnode import ElasticsearchNode, NodeOptions

    workdir = Path(args.data).resolve() if args.data else None
    node = ElasticsearchNode(NodeOptions(port=args.port, heap_mb=args.heap_mb, workdir=workdir))
    err_console.print("starting Elasticsearch (integ-test distribution, security off, 127.0.0.1 only)…")
    try:
        node.start()
        console.print(
            f"Elasticsearch is up at [bold]{node.url}[/] (data in {node.workdir}).\n"
            f'Point newswatch at it:\n  [store]\n  backend = "elasticsearch"\n  url = "{node.url}"\n'
            f"Tests use it too: ES_URL={node.url} bash tests/run.sh\nPress Ctrl-C to stop."
        )
        threading.Event().wait()
    except KeyboardInterrupt:
        console.print("stopping")
    finally:
        node.stop(remove=workdir is None)
    return 0


def _elastic(args: argparse.Namespace) -> Any:
    from pipelines.store.elastic import ElasticStore

    config = _config(args)
    if config.store.backend != "elasticsearch":
        raise NewswatchError(f"{config.path}: store.backend is {config.store.backend!r}, not 'elasticsearch'")
    return ElasticStore.from_config(config)


def cmd_es_migrate(args: argparse.Namespace) -> int:
    store = _elastic(args)
    try:
        moved = store.migrate(delete_old=not args.keep_old)
    finally:
        store.close()
    for kind, (old, new) in moved.items():
        console.print(f"{kind}: {old} -> {new}")
    console.print(f"{len(moved)} index(es) migrated" + (" (old ones kept, write-blocked)" if args.keep_old else ""))
    return 0


def cmd_es_replay(args: argparse.Namespace) -> int:
    store = _elastic(args)
    try:
        done = store.replay_spool()
    finally:
        store.close()
    console.print(f"{done} spooled write(s) applied")
    return 0


def cmd_kibana_import(args: argparse.Namespace) -> int:
    from newswatch.kibana import credentials_from_env, import_saved_objects, saved_objects, to_ndjson

    if args.config or Path("newswatch.toml").exists() or os.environ.get("NEWSWATCH_CONFIG"):
        config = _config(args)
        data = to_ndjson(saved_objects(config.store.index_prefix, [w.name for w in config.watches]))
    else:
        data = to_ndjson(saved_objects())  # what deploy/kibana/newswatch.ndjson holds
    result = import_saved_objects(args.url, data, space=args.space, ca_certs=args.ca_certs, **credentials_from_env())
    console.print(f"{result.success_count} saved objects imported into {args.url}")
    return 0


# -- output helpers -----------------------------------------------------------------------
def _with_progress(config: Config, job: Any) -> Any:
    outlets = len(config.outlets)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"crawling {outlets} outlets", total=None, info="")
        counts = {"stored": 0, "dropped": 0}

        def on_event(event: dict[str, Any]) -> None:
            if event.get("event") in counts:
                counts[event["event"]] += 1
                progress.update(task, info=f"{counts['stored']} articles, {counts['dropped']} dropped")

        return job(on_event)


def _print_crawl(result: Any) -> None:
    table = Table("outlet", "new", "revised", "unchanged", "errors", title="Crawl")
    for outlet in sorted(result.outlets | set(result.not_modified) | set(result.outlet_stats)):
        unchanged = result.stored[(outlet, "unchanged")] + result.not_modified[outlet]  # 304s are unchanged too
        errors = result.outlet_stats.get(outlet, {}).get("errors") or {}
        table.add_row(
            outlet, str(result.stored[(outlet, "new")]), str(result.stored[(outlet, "revised")]), str(unchanged),
            ", ".join(f"{kind} {n}" for kind, n in sorted(errors.items())) or "-",
        )  # fmt: skip
    console.print(table)
    console.print(
        f"{result.count('new')} new, {result.count('revised')} revised, "
        f"{result.count('unchanged')} unchanged, {len(result.dropped)} dropped, "
        f"{result.stats.get('robotstxt/forbidden', 0)} forbidden by robots.txt"
    )
    # an outlet that answered nothing is not an outlet with no news: say so, not just "0 new"
    silent = sorted(o for o, s in result.outlet_stats.items() if s.get("error_count") and not s.get("ok_responses"))
    if silent:
        kinds: Counter[str] = Counter()
        for outlet in silent:
            kinds.update(result.outlet_stats[outlet].get("errors") or {})
        shown = ", ".join(silent[:8]) + (f" and {len(silent) - 8} more" if len(silent) > 8 else "")
        console.print(
            f"[yellow]{len(silent)} of {len(result.outlet_stats)} outlets answered nothing[/] "
            f"({', '.join(f'{k} {n}' for k, n in kinds.most_common())}): {shown}; "
            "`newswatch status` shows each one's last error",
            highlight=False,
        )


def _print_cycle(result: Any) -> None:
    _print_crawl(result.crawl)
    if result.copies:
        console.print(f"{len(result.copies)} syndicated cop{'ies' if len(result.copies) != 1 else 'y'} found")
    for watch in result.watches:
        console.print(f"watch [bold]{watch.watch}[/]: {watch.digest.summary} -> {watch.paths['html']}", highlight=False)
        failed = watch.analysis.failed
        if failed:
            err_console.print(f"[yellow]{len(failed)} stor{'ies' if len(failed) > 1 else 'y'} could not be analysed[/]"
                              f" (the error is in the log; their last findings stand): {', '.join(failed)}",
                              highlight=False)  # fmt: skip


def _print_delivery(result: Any) -> int:
    """Say what became of an emailed digest; 3 when it stays in the outbox for a later flush."""
    flush = result.delivery
    if flush is None:
        return 0
    sent: dict[str, list[str]] = {}
    for message_id, recipient in flush.sent:
        sent.setdefault(message_id, []).append(recipient)
    for message_id, recipients in sent.items():
        console.print(f"digest {message_id[:12]} sent to {', '.join(recipients)}", highlight=False)
    for (_, recipient), reason in flush.refused.items():
        err_console.print(f"[red]refused[/] for {recipient}: {reason}", highlight=False)
    if flush.error:
        err_console.print(f"[yellow]not sent yet[/] (kept in the outbox for the next flush): {flush.error}",
                          highlight=False)  # fmt: skip
    return 0 if flush.ok else 3


def _highlight(snippet: str) -> Text:
    text = Text()
    for i, part in enumerate(re.split(f"[{HIGHLIGHT[0]}{HIGHLIGHT[1]}]", snippet)):
        text.append(part, style="bold yellow" if i % 2 else "")
    return text


# -- parser -------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="Follow one story across many outlets and see where they disagree.",
    )
    parser.add_argument("--version", action="version", version="newswatch 0.1.0")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_: str, description: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=description)
        p.add_argument("--config", "-c", help="config file (default: $NEWSWATCH_CONFIG, else ./newswatch.toml)")
        return p

    command(
        "run",
        "one full cycle: crawl, extract, store, compare, report",
        "Crawl every outlet of the config, extract and store the articles, compare the coverage of each watch "
        "and write one report per watch. Prints where the reports are.",
    ).set_defaults(func=cmd_run)
    command(
        "crawl",
        "discover and fetch articles into the store",
        "Crawl every outlet's feeds and sitemaps (obeying robots.txt), extract the articles and store them. "
        "No comparison, no report.",
    ).set_defaults(func=cmd_crawl)

    p = command(
        "report",
        "compare a watch's coverage and write its report",
        "Compare what the outlets in the store say about a watch and render the report "
        "(HTML, text and JSON into the report folder, or text on stdout).",
    )
    p.add_argument("--watch", "-w", help="the watch to report on (default: every watch)")
    p.add_argument("--since", type=parse_since, help="only articles published since: 24h, 7d or an ISO date")
    p.add_argument(
        "--to",
        choices=("file", "email", "stdout"),
        default="file",
        help="file: archive only; email: archive and send the digest to the watch's recipients through [smtp] "
        "(kept in the outbox until the server accepts it); stdout: print the text (default: file)",
    )
    p.set_defaults(func=cmd_report)

    p = command(
        "search",
        "full-text search of the stored articles",
        'Search stored articles with the watch query language: terms, "phrases", OR, -exclusions, '
        "(groups), prefix*. Prints hits with highlighted snippets.",
    )
    p.add_argument("query")
    p.add_argument("--outlet", help="only this outlet (its id)")
    p.add_argument("--watch", help="only articles that also match this watch's query")
    p.add_argument("--since", type=parse_since, help="published since: 24h, 7d or an ISO date")
    p.add_argument("--until", type=parse_since, help="published before: an ISO date or a span back from now")
    p.add_argument("--limit", type=int, default=10)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser(
        "demo",
        help="run newswatch against the bundled demo newsroom",
        description="Serve the bundled demo newsroom (8 fictional outlets) on 127.0.0.1 and run "
        "newswatch against it: a crawl at simulated day 2 and one at day 4, then the "
        "report. Prints where the report is.",
    )
    p.add_argument("--serve-only", action="store_true", help="only serve the newsroom (and write a config for it)")
    p.add_argument("--workdir", default="newswatch-demo", help="where the demo's config, store and reports go")
    p.add_argument(
        "--port-base",
        type=int,
        default=0,
        help="first port of the outlets (one port each; default: free ports, 8701 with --serve-only)",
    )
    p.add_argument("--first-day", type=int, default=2, choices=(1, 2, 3, 4), help="simulated day of the first crawl")
    p.add_argument(
        "--smtp-url",
        help="also email each day's digest through this server: smtp://HOST:PORT (plain), smtp+starttls:// or "
        "smtps://; a username may precede the host, the password comes from $NEWSWATCH_SMTP_PASSWORD",
    )
    p.add_argument("--email-to", type=_address, help="the address the demo's digests go to (with --smtp-url)")
    p.add_argument(
        "--daemon",
        action="store_true",
        help="run the daemon against the newsroom on an accelerated schedule (until Ctrl-C or SIGTERM)",
    )
    p.add_argument("--metrics-port", type=int, default=9464, help="with --daemon: port of /healthz and /metrics")
    p.add_argument("--day-every-s", type=float, default=60.0, help="with --daemon: real seconds per simulated day")
    p.set_defaults(func=cmd_demo)

    command(
        "daemon",
        "run the scheduler: crawls, analyses, digests and housekeeping on their schedules",
        "Run until SIGTERM or Ctrl-C: crawl each outlet group on its interval, analyse, write each watch's digest "
        "on its cron schedule, deliver, and keep the data folder tidy. Jobs persist in the job store and survive "
        "restarts; SIGHUP (or editing the file) reloads the config, and an invalid one is ignored with an error "
        "in the log. Serves /healthz and /metrics on 127.0.0.1 (see [daemon] in the config). Exit codes: 0 "
        "stopped, 2 bad config, 75 another newswatch holds the data folder.",
    ).set_defaults(func=cmd_daemon)
    p = command(
        "run-once",
        "cron mode: run the jobs that are due, then exit",
        "Run, in data-flow order, every job whose schedule says it is due (judged from the run history), then "
        "exit; for cron. A lock keeps overlapping invocations (and a running daemon) apart. Exit codes: 0 done, "
        "1 a job failed, 2 bad config, 75 another newswatch is running (try again later).",
    )
    p.add_argument("--all", action="store_true", help="run every job, due or not")
    p.add_argument("--quiet", "-q", action="store_true", help="print only failed jobs (cron mails any output)")
    p.set_defaults(func=cmd_run_once)
    p = command(
        "status",
        "jobs, each outlet's last crawl and its extraction health",
        "Show each job's schedule, last run (when, outcome, duration) and next run, whether a daemon is running, "
        "recent crawl errors per outlet and the latest failed runs; per outlet the latest crawl's requests, 304s, "
        "new articles, revisions, errors by kind, blocked pages, bytes and duration and its health (failing "
        "runs, back-off); and per outlet the extraction health (fill rates of title, body, date and author, "
        "body-length drift), flagged when a layout change broke extraction.",
    )
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "es-dev",
        help="run a local Elasticsearch node for development",
        description="Fetch Elastic's integ-test distribution with Maven (cached), find a Java 21+ JDK and run one "
        "Elasticsearch node on 127.0.0.1 with security off until Ctrl-C. As root it runs as an unprivileged user.",
    )
    p.add_argument("--port", type=int, default=9200, help="HTTP port (default 9200; 0 for any free port)")
    p.add_argument("--data", help="keep the node's config and data in this folder (default: a temporary one)")
    p.add_argument("--heap-mb", type=int, default=512, help="JVM heap in MiB (default 512)")
    p.set_defaults(func=cmd_es_dev)

    es = sub.add_parser(
        "es",
        help="maintain the Elasticsearch store",
        description="Maintenance of the Elasticsearch store named in the config.",
    )
    es_sub = es.add_subparsers(dest="es_command", required=True, metavar="ACTION")
    p = es_sub.add_parser(
        "migrate",
        help="reindex into new versioned indices and swap the aliases",
        description="Create the next versioned index of each kind from the current templates, copy the documents "
        "with the client's reindex helper (writes meanwhile are spooled) and swap each alias in one atomic request.",
    )
    p.add_argument("--config", "-c", help="config file (default: $NEWSWATCH_CONFIG, else ./newswatch.toml)")
    p.add_argument("--keep-old", action="store_true", help="keep the old indices (write-blocked) instead of deleting")
    p.set_defaults(func=cmd_es_migrate)
    p = es_sub.add_parser(
        "replay",
        help="apply writes spooled while the cluster was unreachable",
        description="Apply, in order and exactly once, the writes kept in the data folder's spool while "
        "Elasticsearch could not be reached.",
    )
    p.add_argument("--config", "-c", help="config file (default: $NEWSWATCH_CONFIG, else ./newswatch.toml)")
    p.set_defaults(func=cmd_es_replay)

    kibana = sub.add_parser(
        "kibana", help="Kibana dashboards", description="Kibana saved objects for the Elasticsearch store."
    )
    kibana_sub = kibana.add_subparsers(dest="kibana_command", required=True, metavar="ACTION")
    p = kibana_sub.add_parser(
        "import",
        help="import the data views, searches and dashboard into Kibana",
        description="Post newswatch's saved objects (deploy/kibana/newswatch.ndjson, plus one saved search per watch "
        "when a config is found) to Kibana's saved-objects import API, overwriting earlier versions. Credentials "
        "come from NEWSWATCH_KIBANA_API_KEY, or NEWSWATCH_KIBANA_USERNAME and NEWSWATCH_KIBANA_PASSWORD.",
    )
    p.add_argument("--url", required=True, help="Kibana's base URL, e.g. http://localhost:5601")
    p.add_argument("--space", help="a Kibana space id (default: the default space)")
    p.add_argument("--ca-certs", help="PEM file of the CA that signed Kibana's certificate")
    p.add_argument("--config", "-c", help="config file (for the index prefix and one saved search per watch)")
    p.set_defaults(func=cmd_kibana_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AlreadyRunningError as exc:
        err_console.print(f"[yellow]not running:[/] {exc}", highlight=False)
        return EXIT_LOCKED
    except (NewswatchError, QueryError) as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False)
        return 2
    except KeyError as exc:
        err_console.print(f"[red]error:[/] no such watch or outlet: {exc}", highlight=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
