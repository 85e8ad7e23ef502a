"""The judge's results stream (``/judge/out/results.jsonl``), parsed line by line.

The format is documented in ``docs/sandbox.md``. Every line is checked against a strict schema
(unknown keys, wrong types or an unknown status are errors); nothing is ever unpickled or
evaluated. Candidate code never runs in the judge process, so a malformed stream is a fault
of the judge or the image, reported as :class:`~grader.errors.JudgeError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from grader.errors import JudgeError
from grader.models import TestStatus
from grader.text import clean_text

MAX_RESULTS_BYTES = 1024 * 1024
MAX_ID_CHARS = 1000
MAX_OWN_TESTS = 1_000_000

JUDGE_HINT = (
    "this is an infrastructure fault, not the candidate's: the run is retried; if it keeps "
    "happening, check the challenge image and the harness (the run's log tail helps)"
)


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class CollectedTest(_Event):
    id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    category: str = Field(max_length=100)  # "" when a test lacks its category marker


class CollectedEvent(_Event):
    event: Literal["collected"]
    tests: tuple[CollectedTest, ...]


class TestEvent(_Event):
    __test__ = False  # not a pytest test class

    event: Literal["test"]
    id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    status: TestStatus
    duration: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    message: str = ""
    # Wall time with a candidate process alive during the test (judge-measured, like duration;
    # absent from streams written before it, then 0).
    candidate_seconds: float = Field(default=0.0, ge=0, allow_inf_nan=False)


class FinishedEvent(_Event):
    event: Literal["finished"]
    exitstatus: int


class FactEvent(_Event):
    """A fact a hidden test recorded about the run (``grader_harness.results.record_fact``)."""

    event: Literal["fact"]
    key: str = Field(min_length=1, max_length=200)
    value: str = Field(max_length=2000)


class PrepareEvent(_Event):
    """The judge's own step before pytest: installing the candidate's wheels."""

    event: Literal["prepare"]
    ok: bool
    message: str = ""


class CanaryEvent(_Event):
    """The judge's must-fail canary (``grader_harness.canary``) and the run's nonce."""

    event: Literal["canary"]
    status: TestStatus
    nonce: str = Field(max_length=200)


class OwnTestsEvent(_Event):
    """The candidate's own tests, run after ``finished`` (``grader_harness.owntests``)."""

    event: Literal["own_tests"]
    collected: int = Field(ge=0, le=MAX_OWN_TESTS)
    passed: int = Field(ge=0, le=MAX_OWN_TESTS)
    failed: int = Field(ge=0, le=MAX_OWN_TESTS)
    errors: int = Field(ge=0, le=MAX_OWN_TESTS)
    coverage: float | None = Field(ge=0, le=100, allow_inf_nan=False)
    note: str = Field(max_length=300)


Event = (
    CollectedEvent
    | TestEvent
    | FinishedEvent
    | FactEvent
    | PrepareEvent
    | CanaryEvent
    | OwnTestsEvent
)


class _Line(RootModel[Annotated[Event, Field(discriminator="event")]]):
    model_config = ConfigDict(strict=True)


# A JSON escape: a valid surrogate pair, a lone surrogate, or any other escape (kept as is).
_ESCAPE = re.compile(
    rb"(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
    rb"|\\."
)


def _surrogate_free(line: bytes) -> bytes:
    """Lone surrogate escapes (valid JSON, not valid Unicode) replaced by U+FFFD.

    Candidate text reaches test messages, and the judge writes ASCII-only JSON; without this a
    candidate could make the whole stream unparseable, and every run of theirs not gradable.
    """
    return _ESCAPE.sub(lambda m: b"\\ufffd" if m.group(2) else m.group(0), line)


@dataclass(frozen=True, slots=True)
class Stream:
    """The parsed stream: the collection, results by test ID, the finish (if it came), facts
    the hidden tests recorded, the canary (if it ran), and why the judge's own install of the
    candidate's wheels failed (empty when it did not)."""

    collected: CollectedEvent
    results: dict[str, TestEvent]
    finished: FinishedEvent | None
    facts: dict[str, str]
    canary: CanaryEvent | None = None
    dependency_install: str = ""
    own_tests: OwnTestsEvent | None = None


def parse_stream(raw: bytes, *, killed: bool) -> Stream:
    """Parse the whole stream; ``killed`` tolerates one cut-off last line (a kill mid-write)."""
    if len(raw) > MAX_RESULTS_BYTES:
        raise JudgeError(
            f"the judge wrote {len(raw)} bytes of results, over the {MAX_RESULTS_BYTES}-byte cap",
            hint=JUDGE_HINT,
        )
    lines = raw.split(b"\n")
    last = lines.pop()  # empty when the stream ends with a newline, as every complete one does
    if last.strip() and not killed:
        lines.append(last)
    # When the container was killed, an unterminated last line was cut off mid-write: dropped.
    stream = _Assembler()
    for number, line in enumerate(lines, 1):
        if line.strip():
            stream.add(number, _parse_line(number, line))
    return stream.result()


def _parse_line(number: int, line: bytes) -> Event:
    try:
        return _Line.model_validate_json(_surrogate_free(line)).root
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(line)'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        )
        reason = clean_text(problems, 300)
        raise JudgeError(f"results line {number} is malformed: {reason}", hint=JUDGE_HINT) from exc


@dataclass(slots=True)
class _Assembler:
    """Checks the order of events: facts and prepare anywhere, collected once before results
    and the canary, then finished; after it only the candidate's own tests, once."""

    collected: CollectedEvent | None = None
    results: dict[str, TestEvent] = field(default_factory=dict)
    finished: FinishedEvent | None = None
    facts: dict[str, str] = field(default_factory=dict)
    canary: CanaryEvent | None = None
    dependency_install: str = ""
    own_tests: OwnTestsEvent | None = None

    def add(self, number: int, event: Event) -> None:
        if isinstance(event, OwnTestsEvent):
            if self.finished is None or self.own_tests is not None:
                raise _out_of_order(number, event, "other than once after the finished event")
            self.own_tests = event
        elif self.finished is not None:
            raise _out_of_order(number, event, "after the finished event")
        elif isinstance(event, FactEvent):
            self.facts[clean_text(event.key, 100)] = clean_text(event.value, 500)
        elif isinstance(event, PrepareEvent):
            if not event.ok:
                self.dependency_install = "failed: " + clean_text(event.message, 1000)
        elif isinstance(event, CollectedEvent):
            if self.collected is not None:
                raise _out_of_order(number, event, "a second time")
            self.collected = event
        elif self.collected is None:
            raise _out_of_order(number, event, "before the collected event")
        else:
            self._add_outcome(number, event)

    def _add_outcome(self, number: int, event: TestEvent | FinishedEvent | CanaryEvent) -> None:
        if isinstance(event, FinishedEvent):
            self.finished = event
        elif isinstance(event, CanaryEvent):
            if self.canary is not None:
                raise _out_of_order(number, event, "a second time")
            self.canary = event
        elif event.id in self.results:
            raise JudgeError(
                f"results line {number}: a second result for {event.id}", hint=JUDGE_HINT
            )
        else:
            self.results[event.id] = event

    def result(self) -> Stream:
        if self.collected is None:
            raise JudgeError("the judge never reported which tests it collected", hint=JUDGE_HINT)
        return Stream(
            self.collected,
            self.results,
            self.finished,
            self.facts,
            self.canary,
            self.dependency_install,
            self.own_tests,
        )


def _out_of_order(number: int, event: Event, when: str) -> JudgeError:
    return JudgeError(f"results line {number}: a {event.event!r} event {when}", hint=JUDGE_HINT)
