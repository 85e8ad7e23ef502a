"""Judge-side helpers: put input files in place, run the candidate's ETL, read its outputs.

Files go in and out through commands run *as the candidate* (``cat``, ``tar``), so the judge
never follows a path the candidate controls. Parquet is parsed by pyarrow in a process of
the candidate uid (``parse_in_child``): only JSON reaches the judge, which rebuilds the table
from plain values, so no Parquet parser bug can run code next to the run's nonce.
"""

from __future__ import annotations

import base64
import io
import os
import tarfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from grader_harness import CandidateError, CliResult, parse_in_child, run_cli

ETL = ["python3", "etl.py", "--input", "in", "--output", "out"]
OUTPUTS = ("orders", "daily_revenue.parquet", "quarantine")


def write_file(folder: Path, relative: str, text: str) -> None:
    """Create ``folder/relative`` with ``text``, written by the candidate uid."""
    script = 'mkdir -p "$(dirname "$1")" && cat > "$1"'
    result = run_cli(["sh", "-c", script, "sh", relative], stdin=text, cwd=folder)
    assert result.returncode == 0, f"could not write {relative}: {result.stderr}"


def remove_file(folder: Path, relative: str) -> None:
    assert run_cli(["rm", "-f", "--", relative], cwd=folder).returncode == 0


def run_etl(folder: Path, timeout: float | None = None) -> CliResult:
    return run_cli(ETL, cwd=folder, timeout=timeout)


def run_ok(folder: Path) -> CliResult:
    result = run_etl(folder)
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(ETL)}` exited {result.returncode}: {result.output[-800:]}", pytrace=False
        )
    return result


def private(path: str) -> bool:
    """``_state/...``, ``orders/_tmp/...``, ``.x.parquet``: the candidate's own, never read."""
    return any(part.startswith(("_", ".")) for part in path.split("/"))


@dataclass
class Outputs:
    """The Parquet files under ``out/``, by path relative to it."""

    files: dict[str, bytes] = field(default_factory=dict)

    def tables(self, prefix: str) -> list[tuple[str, pa.Table]]:
        found = []
        for path, data in sorted(self.files.items()):
            if path.startswith(prefix) and path.endswith(".parquet") and not private(path):
                try:
                    found.append((path, read_parquet(data)))
                except CandidateError as exc:
                    pytest.fail(f"out/{path} is not a readable Parquet file: {exc}", pytrace=False)
        return found

    def orders(self) -> list[dict[str, Any]]:
        """Every clean order row, with ``_partition`` set from its ``order_date=`` folder."""
        rows = []
        for path, table in self.tables("orders/"):
            parts = [p for p in path.split("/") if p.startswith("order_date=")]
            partition = parts[0].removeprefix("order_date=") if parts else ""
            for row in table.drop_columns(
                [c for c in ("order_date",) if c in table.column_names]
            ).to_pylist():
                rows.append({**row, "_partition": partition})
        return rows

    def order_schemas(self) -> list[pa.Schema]:
        return [table.schema for _, table in self.tables("orders/")]

    def revenue(self) -> list[dict[str, Any]]:
        tables = self.tables("daily_revenue.parquet")
        if not tables:
            pytest.fail("out/daily_revenue.parquet was not written", pytrace=False)
        return tables[0][1].to_pylist()

    def quarantine(self) -> list[dict[str, Any]]:
        return [row for _, table in self.tables("quarantine/") for row in table.to_pylist()]


# Runs as the candidate uid: Parquet in on stdin, one JSON line out (types, then rows).
PARQUET_TO_JSON = """
import datetime, decimal, io, json, os, sys
import pyarrow as pa, pyarrow.parquet as pq

pa.set_cpu_count(1)  # the candidate uid's process limit leaves little room for thread pools
pa.set_io_thread_count(1)

def kind(t):
    if pa.types.is_timestamp(t):
        return ["timestamp", t.unit, t.tz]
    if pa.types.is_dictionary(t):
        return ["dictionary", str(t.index_type), kind(t.value_type)]
    return [str(t)]

def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(type(value).__name__)

table = pq.read_table(io.BytesIO(sys.stdin.buffer.read()), use_threads=False)
fields = [[f.name, kind(f.type)] for f in table.schema]
print(json.dumps({"fields": fields, "rows": table.to_pylist()}, default=plain), flush=True)
os._exit(0)  # skip native teardown: the answer is out
"""


def _arrow_type(kind: list[Any]) -> pa.DataType | None:
    """The column's Arrow type; None for one without a plain alias (inferred from values)."""
    try:
        if kind[0] == "timestamp":
            return pa.timestamp(kind[1], tz=kind[2])
        if kind[0] == "dictionary":
            value_type = _arrow_type(kind[2])
            return pa.dictionary(pa.type_for_alias(kind[1]), value_type) if value_type else None
        return pa.type_for_alias(kind[0])
    except (ValueError, KeyError, TypeError, IndexError, pa.ArrowException):
        return None


def _value(kind: list[Any], value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    if kind[0] == "timestamp":
        return datetime.fromisoformat(value)
    if kind[0].startswith("date"):
        return date.fromisoformat(value[:10])
    return value


def read_parquet(data: bytes) -> pa.Table:
    """A Parquet file's table, parsed in a candidate-uid process and rebuilt from JSON."""
    parsed = parse_in_child(PARQUET_TO_JSON, data)
    try:
        fields, rows = parsed["fields"], parsed["rows"]
        arrays = [
            pa.array([_value(kind, row.get(name)) for row in rows], type=_arrow_type(kind))
            for name, kind in fields
        ]
        return pa.Table.from_arrays(arrays, names=[name for name, _ in fields])
    except (KeyError, TypeError, ValueError, AttributeError, pa.ArrowException) as exc:
        raise CandidateError(f"unsupported column types or values: {exc}") from exc


def read_outputs(folder: Path, names: tuple[str, ...] = OUTPUTS) -> Outputs:
    """The outputs as the candidate left them (regular files only, read in memory)."""
    script = 'cd out 2>/dev/null && tar -cf - "$@" 2>/dev/null | base64 -w0'
    result = run_cli(["sh", "-c", script, "sh", *names], cwd=folder)
    data = base64.b64decode(result.stdout.strip() or b"")
    outputs = Outputs()
    if not data:
        return outputs
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        for member in archive:
            handle = archive.extractfile(member) if member.isfile() else None
            if handle is not None:
                outputs.files[member.name.removeprefix("./")] = handle.read()
    return outputs


def watch_candidates(stop: threading.Event, peak: list[float], cpu: dict[str, float]) -> None:
    """Until ``stop``: the peak resident memory (MB) of every non-root (candidate) process
    together, and each one's latest user + system CPU seconds, sampled from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    while not stop.is_set():
        total = 0
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
                stat = (status.parent / "stat").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
            if fields.get("Uid", "0").split()[0] == "0":
                continue
            if "VmRSS" in fields:
                total += int(fields["VmRSS"].split()[0])
            times = stat.rsplit(")", 1)[-1].split()
            if len(times) > 12:  # utime and stime, fields 14 and 15 of /proc/<pid>/stat
                cpu[status.parent.name] = (int(times[11]) + int(times[12])) / ticks
        peak[0] = max(peak[0], total / 1024)
        time.sleep(0.05)


def timed_run(folder: Path, timeout: float) -> tuple[CliResult, float, float, float]:
    """Run the ETL; return its result, CPU seconds, wall seconds and peak RSS in MB.

    CPU time (user + system of the candidate's processes) is what the tiers use: a machine
    busy with other gradings stretches the wall clock several times over, not the CPU time.
    """
    stop, peak, cpu = threading.Event(), [0.0], {}
    watcher = threading.Thread(target=watch_candidates, args=(stop, peak, cpu), daemon=True)
    watcher.start()
    started = time.perf_counter()
    try:
        result = run_etl(folder, timeout=timeout)
    finally:
        stop.set()
        watcher.join()
    return result, sum(cpu.values()), time.perf_counter() - started, peak[0]
