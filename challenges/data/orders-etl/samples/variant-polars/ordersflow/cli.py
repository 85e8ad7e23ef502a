"""Arguments in, one summary line out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ordersflow.lake import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="etl.py")
    parser.add_argument("--input", required=True, type=Path)
    parser.add_argument("--output", required=True, type=Path)
    args = parser.parse_args(argv)
    if not args.input.is_dir():
        print(f"etl: input folder {args.input} is not a folder", file=sys.stderr)
        return 1
    files, orders = run(args.input, args.output)
    print(f"processed {files} new file(s); {orders} orders in the lake")
    return 0
