"""Parse arguments, run the pipeline, report in one line; errors without tracebacks."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from orders_etl.pipeline import run

log = logging.getLogger("orders_etl")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Clean order events into Parquet.")
    parser.add_argument("--input", required=True, type=Path, help="folder of .csv/.jsonl files")
    parser.add_argument("--output", required=True, type=Path, help="folder for the results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.input.is_dir():
        log.error("input folder %s does not exist", args.input)
        return 2
    summary = run(args.input, args.output)
    log.info(
        "%d new file(s): %d rows kept, %d quarantined; %d orders in total",
        summary.files,
        summary.kept,
        summary.quarantined,
        summary.orders,
    )
    return 0
