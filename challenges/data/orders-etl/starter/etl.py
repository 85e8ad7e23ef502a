"""Orders ETL: ``python3 etl.py --input IN --output OUT``. See the brief for what it must do."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Clean order events into Parquet.")
    parser.add_argument("--input", required=True, type=Path, help="folder of .csv/.jsonl files")
    parser.add_argument("--output", required=True, type=Path, help="folder for the results")
    args = parser.parse_args(argv)
    if not args.input.is_dir():
        print(f"error: input folder {args.input} does not exist", file=sys.stderr)
        return 2
    print("error: not implemented yet", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
