"""Grading behind the queue: ``submit``, ``status``, ``regrade``, ``queue``, ``worker``, ``serve``.

Thin adapters over :mod:`grader.queue`; the database (GRADER_DATABASE_URL) is the record and
the broker (GRADER_BROKER_URL, default: a SQLite file, no server) carries the work.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import click
from rich.markup import escape
from rich.table import Table

from grader.cli._common import err, fail, guarded, out, show, verbosity
from grader.cli._source import deadline_option, refuse, source_of
from grader.cli.runs import wrong_kind
from grader.errors import RejectedError
from grader.fetch import is_upload
from grader.queue import CeleryPublisher, parse_queues, regrade, submit
from grader.settings import Settings, get_settings
from grader.store import Store, SubmissionNotFoundError, SubmissionStatus, open_store

EXIT_REJECTED = 3
WORKER_STOP_SECONDS = 30
_LIST_HINT = "`grader submissions list` shows the recent submission ids"
WORKER_APP = "worker.app"  # the Celery app module, started as a program of its own


@contextmanager
def _services() -> Iterator[tuple[Settings, Store, CeleryPublisher]]:
    settings = get_settings()
    store = open_store(settings.effective_database_url)
    try:
        with CeleryPublisher(settings) as publisher:
            yield settings, store, publisher
    finally:
        store.close()


@click.command("submit")
@click.argument("repo_url")
@click.option("-c", "--challenge", "challenge_id", required=True, help="e.g. devops/task-tracker")
@click.option("--ref", help="Branch, tag or commit (default: HEAD); pinned to a commit now.")
@click.option(
    "--deadline", callback=deadline_option, help="Grade the last commit before this moment."
)
@click.option("--json", "as_json", is_flag=True, help='Print {"id": ...} only.')
@verbosity
@guarded
def submit_command(
    repo_url: str, challenge_id: str, ref: str | None, deadline: datetime | None, as_json: bool
) -> None:
    """Record a submission of REPO_URL (or a .bundle or .zip file), pin its commit, queue it
    for grading and print its id."""
    with _services() as (settings, store, publisher):
        try:
            source = source_of(repo_url, settings)
            done = submit(
                source,
                challenge_id,
                settings,
                store,
                publisher,
                ref=ref,
                deadline=deadline,
                uploaded=is_upload(source),  # source_of makes upload names only from files
            )
        except RejectedError as exc:
            refuse(exc, as_json=as_json)
    if as_json:
        click.echo(json.dumps({"id": done.id}))
        return
    out.print(f"{done.id}  queued on {done.queue}  commit {done.commit[:12] or '(at grading)'}")
    if not done.enqueued:
        err.print("[yellow]broker unreachable:[/] the reaper will enqueue it when it is back")


@click.command("status")
@click.argument("submission_id")
@click.option("--json", "as_json", is_flag=True, help="State, outcome, score and timestamps.")
@verbosity
@guarded
def status_command(submission_id: str, as_json: bool) -> None:
    """Show a submission's state, result and per-phase timestamps (SUBMISSION_ID)."""
    with open_store(get_settings().effective_database_url) as store:
        try:
            found = store.status(submission_id)
        except SubmissionNotFoundError as exc:
            hint = wrong_kind(store, submission_id, "submission") or _LIST_HINT
            fail(exc.message, hint, as_json=as_json)
    if as_json:
        click.echo(json.dumps(status_dict(found)))
        return
    score = "-" if found.score is None else f"{found.score:.1f}"
    out.print(f"[bold]{found.state}[/]  attempt {found.attempt}  queue {found.queue}")
    out.print(f"outcome {found.outcome or '-'}  score {score}  run {found.run_id or '-'}")
    for text in (found.reason, found.last_error if found.state != "done" else ""):
        if text:
            out.print(f"reason: {escape(text)}")
    table = Table("phase", "at (UTC)", header_style="bold")
    for phase, at in found.phases.items():
        table.add_row(phase, at.isoformat(timespec="milliseconds") if at else "-")
    show(table)


def status_dict(found: SubmissionStatus) -> dict[str, object]:
    """The ``status --json`` object (also what scripts and the benchmark read)."""
    return {
        "id": found.id,
        "state": found.state,
        "attempt": found.attempt,
        "queue": found.queue,
        "outcome": found.outcome,
        "score": found.score,
        "reason": found.reason or found.last_error,
        "run_id": found.run_id,
        "tries": found.tries,
        "timestamps": {phase: _iso(at) for phase, at in found.phases.items()},
    }


@click.command("regrade")
@click.argument("submission_id")
@verbosity
@guarded
def regrade_command(submission_id: str) -> None:
    """Queue a new attempt of a finished submission (e.g. after a not_gradable run)."""
    with _services() as (settings, store, publisher):
        try:
            attempt = regrade(submission_id, settings, store, publisher)
        except SubmissionNotFoundError as exc:
            hint = wrong_kind(store, submission_id, "submission") or _LIST_HINT
            fail(exc.message, hint, as_json=False)
    out.print(f"{submission_id}  attempt {attempt} queued")


@click.command("queue")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@guarded
def queue_command(as_json: bool) -> None:
    """Queue depths in the broker, workers alive, and submissions by state."""
    with _services() as (settings, store, publisher):
        view = publisher.view(parse_queues(settings.worker_queues))
        states = store.state_counts()
    if as_json:
        payload = {"depths": view.depths, "workers": view.workers, "states": states}
        click.echo(json.dumps(payload))
        return
    table = Table("queue", "waiting", header_style="bold")
    for name, depth in view.depths.items():
        table.add_row(name, "?" if depth is None else str(depth))
    show(table)
    workers = "unknown (this broker cannot ping)" if view.workers is None else len(view.workers)
    out.print(f"workers alive: {workers}")
    out.print("submissions: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))


@click.command("worker")
@click.option("-Q", "--queues", help="Comma-separated queues (default: GRADER_WORKER_QUEUES).")
@click.option(
    "-j",
    "--concurrency",
    type=click.IntRange(1, 256),
    help="Parallel gradings (-c means challenge in every grader command).",
)
@click.option("-n", "--hostname", help="Worker name, e.g. ml1@%h.")
@click.option("-l", "--loglevel", default="INFO", show_default=True)
@guarded
def worker_command(
    queues: str | None, concurrency: int | None, hostname: str | None, loglevel: str
) -> None:
    """Start a Celery worker (and its reaper) with this project's settings.

    The worker is its own program (``celery -A worker.app``): this process becomes it, so
    the ``grader`` library never imports the ``worker`` package.
    """
    argv = worker_argv(get_settings(), queues, concurrency, hostname, loglevel)
    os.execv(sys.executable, [sys.executable, "-m", "celery", "-A", WORKER_APP, *argv])  # noqa: S606


def worker_argv(
    settings: Settings,
    queues: str | None = None,
    concurrency: int | None = None,
    hostname: str | None = None,
    loglevel: str = "INFO",
) -> list[str]:
    """The ``celery worker`` arguments for these settings."""
    names = parse_queues(queues or settings.worker_queues)
    argv = [
        "worker",
        f"--queues={','.join(names)}",
        f"--concurrency={concurrency or settings.worker_concurrency}",
        f"--loglevel={loglevel}",
        "--without-gossip",  # workers need not know each other: the database coordinates
        "--without-mingle",
    ]
    return [*argv, f"--hostname={hostname}"] if hostname else argv


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--worker/--no-worker", "with_worker", default=True, help="Also start a worker.")
@guarded
def serve_command(host: str, port: int, with_worker: bool) -> None:
    """Run the web app; with no broker server configured, also a worker beside it."""
    import uvicorn  # noqa: PLC0415 - only this command needs the web server

    from grader.web import create_app  # noqa: PLC0415

    settings = get_settings()
    child = _start_worker() if with_worker else None
    # uvicorn re-raises SIGTERM after its graceful shutdown; turn it into an exit we can
    # clean up after, so the worker beside it is stopped too.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.run(create_app(settings), host=host, port=port)
    finally:
        if child is not None:
            _stop(child)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _start_worker() -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from grader.cli import main; main()", "worker"]
    err.print("starting a worker beside the web app")
    return subprocess.Popen(command)


def _stop(child: subprocess.Popen[bytes]) -> None:
    child.terminate()
    try:
        child.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
