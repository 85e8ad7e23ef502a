"""A19: runs on whatever machine builds or installs this project."""

import pathlib

pathlib.Path("/tmp/grader-redteam-pwned-A19").write_text("setup.py ran here\n")

from setuptools import setup  # noqa: E402

setup(name="innocent", version="1.0")
