"""Command line: ``python3 etl.py --input IN --output OUT``."""

import sys

from orders_etl.cli import main

if __name__ == "__main__":
    sys.exit(main())
