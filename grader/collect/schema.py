"""The judge's results stream (``/judge/out/results.jsonl``), parsed line by line.

The format is documented in ``docs/sandbox.md``. Every line is checked against a strict schema
(unknown keys, wrong types or an unknown status are errors); nothing is ever unpickled or
evaluated. Candidate code never runs in the judge process, so a malformed stream is a fault
of the judge or the image, reported as :class:`~grader.errors.JudgeError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from grader.errors import JudgeError
from grader.models import TestStatus
from grader.text import clean_text

MAX_RESULTS_BYTES = 1024 * 1024
MAX_ID_CHARS = 1000

JUDGE_HINT = (
    "this is an infrastructure fault, not the candidate's: the run is retried; if it keeps "
    "happening, check the challenge image and the harness (the run's log tail helps)"
)


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class CollectedTest(_Event):
    id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    category: str = Field(min_length=1, max_length=100)


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


class FinishedEvent(_Event):
    event: Literal["finished"]
    exitstatus: int


Event = CollectedEvent | TestEvent | FinishedEvent


class _Line(RootModel[Annotated[Event, Field(discriminator="event")]]):
    model_config = ConfigDict(strict=True)


@dataclass(frozen=True, slots=True)
class Stream:
    """The parsed stream: the collection, results by test ID, and the finish (if it came)."""

    collected: CollectedEvent
    results: dict[str, TestEvent]
    finished: FinishedEvent | None


def parse_stream(raw: bytes, *, killed: bool) -> Stream:
    """Parse the whole stream; ``killed`` tolerates one cut-off last line (a kill mid-write)."""
    if len(raw) > MAX_RESULTS_BYTES:
        raise JudgeError(
            f"the judge wrote {len(raw)} bytes of results, over the {MAX_RESULTS_BYTES}-byte cap",
            hint=JUDGE_HINT,
        )
    lines = raw.split(b"\n")
    last = lines.pop()  # empty when the stream ends with a newline, as every complete one does
    events = [(n, _parse_line(n, line)) for n, line in enumerate(lines, 1) if line.strip()]
    if last.strip() and not killed:
        events.append((len(lines) + 1, _parse_line(len(lines) + 1, last)))
    # When the container was killed, an unterminated last line was cut off mid-write: dropped.
    return _assemble(events)


def _parse_line(number: int, line: bytes) -> Event:
    try:
        return _Line.model_validate_json(line).root
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(line)'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        )
        reason = clean_text(problems, 300)
        raise JudgeError(f"results line {number} is malformed: {reason}", hint=JUDGE_HINT) from exc


def _assemble(events: list[tuple[int, Event]]) -> Stream:
    if not events or not isinstance(events[0][1], CollectedEvent):
        raise JudgeError("the judge never reported which tests it collected", hint=JUDGE_HINT)
    collected = events[0][1]
    results: dict[str, TestEvent] = {}
    finished: FinishedEvent | None = None
    for number, event in events[1:]:
        if finished is not None or isinstance(event, CollectedEvent):
            raise JudgeError(
                f"results line {number}: unexpected {event.event!r} event", hint=JUDGE_HINT
            )
        if isinstance(event, FinishedEvent):
            finished = event
        elif event.id in results:
            raise JudgeError(
                f"results line {number}: a second result for {event.id}", hint=JUDGE_HINT
            )
        else:
            results[event.id] = event
    return Stream(collected=collected, results=results, finished=finished)
