"""How the queue is wired: routing, Celery's delivery guarantees, backoff, the worker's argv."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest
from celery import signals

from grader.challenge import load_challenge
from grader.cli.queue import worker_argv
from grader.errors import ConfigError
from grader.queue import TASK_NAME, celery_config, parse_queues, queue_for
from grader.queue.config import backoff, task_time_limit
from grader.settings import PROJECT_ROOT, Settings, get_settings
from grader.store import Claim
from grader.testing import write_challenge
from worker.app import app as worker_app
from worker.reaper import ReaperStep
from worker.tasks import _finisher, grade_submission


def _settings(**changes: object) -> Settings:
    return get_settings().model_copy(update=changes)


@pytest.mark.parametrize(
    ("specialty", "queue"),
    [("backend", "backend"), ("ml", "ml"), ("data", "data"), ("devops", "devops")],
)
def test_a_challenge_is_routed_to_its_specialty_queue(
    tmp_path: Path, specialty: str, queue: str
) -> None:
    challenge = write_challenge(tmp_path, categories={"core": 1}, manifest=["t.py::test_a"])
    spec = challenge.spec.model_copy(update={"specialty": specialty})
    assert queue_for(dataclasses.replace(challenge, spec=spec)) == queue


def test_a_challenge_of_another_specialty_goes_to_the_default_queue() -> None:
    fixture = load_challenge(PROJECT_ROOT / "tests/fixtures/challenges/fixture/functions")
    assert queue_for(fixture) == "default"


def test_worker_queues_are_parsed_deduplicated_and_checked() -> None:
    assert parse_queues(" ml, default ,ml") == ("ml", "default")
    for bad in ("", " , ", "ML", "ml;rm -rf", "a" * 40):
        with pytest.raises(ConfigError, match="invalid worker queues") as caught:
            parse_queues(bad)
        assert "GRADER_WORKER_QUEUES" in caught.value.hint


def test_celery_speaks_json_only_and_never_pickle() -> None:
    config = celery_config(_settings())
    assert config["accept_content"] == ["json"]
    assert {config[k] for k in ("task_serializer", "result_serializer", "event_serializer")} == {
        "json"
    }


def test_deliveries_are_acknowledged_late_and_redelivered_when_a_worker_is_lost() -> None:
    config = celery_config(_settings(worker_max_tasks_per_child=7, worker_concurrency=3))
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] == 1
    assert (config["worker_max_tasks_per_child"], config["worker_concurrency"]) == (7, 3)
    assert config["task_ignore_result"] is True


def test_the_task_time_limit_is_above_the_longest_sandbox_wall_clock() -> None:
    settings = _settings(max_wall_seconds=900, clone_timeout_seconds=60)
    config = celery_config(settings)
    assert config["task_soft_time_limit"] > 900 + 60
    assert config["task_time_limit"] == task_time_limit(settings) > config["task_soft_time_limit"]


def test_redis_redelivers_only_after_the_task_time_limit_and_sqlite_gets_no_options() -> None:
    redis = celery_config(_settings(broker_url="redis://cache:6379/0"))
    assert redis["broker_transport_options"]["visibility_timeout"] > redis["task_time_limit"]
    embedded = celery_config(_settings())
    assert embedded["broker_url"].startswith("sqla+sqlite:///")
    assert embedded["broker_transport_options"] == {}


def test_every_specialty_queue_is_declared_with_the_configured_ones() -> None:
    config = celery_config(_settings(worker_queues="gpu"))
    names = [q.name for q in config["task_queues"]]
    assert names == ["backend", "ml", "data", "devops", "default", "gpu"]


def test_backoff_doubles_from_the_base_and_stops_at_the_cap() -> None:
    settings = _settings(retry_backoff_seconds=10, retry_backoff_max_seconds=45)
    assert [backoff(n, settings) for n in range(4)] == [10, 20, 40, 45]


def test_the_task_is_registered_with_late_acks_and_no_celery_retry_cap() -> None:
    assert grade_submission.name == TASK_NAME
    assert grade_submission.acks_late is True
    assert grade_submission.reject_on_worker_lost is True
    assert grade_submission.max_retries is None  # the database counts and caps faults


def test_the_worker_app_uses_the_shared_configuration() -> None:
    assert worker_app.conf.task_acks_late is True
    assert worker_app.conf.accept_content == ["json"]
    assert ReaperStep in worker_app.steps["worker"]


def test_worker_argv_takes_queues_and_concurrency_from_settings_unless_given() -> None:
    settings = _settings(worker_queues="ml", worker_concurrency=4)
    argv = worker_argv(settings)
    assert argv[:3] == ["worker", "--queues=ml", "--concurrency=4"]
    assert "--without-gossip" in argv
    custom = worker_argv(settings, "data,default", 2, "big@%h")
    assert custom[1:3] == ["--queues=data,default", "--concurrency=2"]
    assert custom[-1] == "--hostname=big@%h"


def test_a_pool_process_about_to_exit_waits_for_the_run_its_finisher_holds() -> None:
    """billiard ends a pool process with ``os._exit``, which would kill the finisher's
    thread mid-transaction; ``worker_process_shutdown`` is sent just before that."""
    release, finished = threading.Event(), threading.Event()

    def slow_finish() -> None:
        release.wait(30)
        finished.set()

    claim = Claim("s", 1, "t", "https://github.com/a/b", None, "c" * 40, "fixture/x", "1", 1, 0)
    _finisher().submit(claim, slow_finish)
    threading.Timer(0.2, release.set).start()
    signals.worker_process_shutdown.send(sender=None, pid=0, exitcode=0)
    assert finished.is_set()
