"""The ``grader`` command line: thin adapters that parse, call the core, and print.

Exit codes (also in ``grader --help`` and README.md):

    0  graded          the submission was graded; the score is in the report
    1  error           the grader itself failed (bad settings, broken challenge, a bug)
    2  usage           the command line was wrong
    3  rejected        the submission was refused at intake (URL, size, unreachable repo)
    4  flagged         graded, but integrity evidence needs a human review
    5  not_gradable    an infrastructure fault stopped grading; not the candidate's fault
"""

from __future__ import annotations

import logging
import sys

import click

from grader.cli import admin, authoring, challenges, demo, grade, runs, users
from grader.cli import queue as queue_cli


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Exit codes: 0 graded, 1 error, 2 usage, 3 rejected, 4 flagged, 5 not gradable. "
    "Settings come from GRADER_* environment variables (docs/configuration.md).",
)
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
@click.version_option(package_name="grader")
def main(verbose: int) -> None:
    """Grade take-home submissions: clone at a pinned commit, run the hidden tests in a
    sandbox, score by skill area, and write reports a recruiter can read in two minutes.

    \b
    Start here:
      grader doctor                          what is missing here, and how to fix it
      grader setup                           build the sandbox images (idempotent)
      grader demo                            grade the bundled samples end to end
      grader grade URL -c devops/task-tracker
    """
    logging.basicConfig(
        level=max(logging.WARNING - 10 * verbose, logging.DEBUG),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


main.add_command(grade.grade)
main.add_command(admin.doctor)
main.add_command(admin.setup)
main.add_command(admin.sandbox)
main.add_command(challenges.challenges)
challenges.challenges.add_command(authoring.lint_command)
challenges.challenges.add_command(authoring.schema_command)
challenges.challenges.add_command(authoring.new_command)
main.add_command(runs.runs)
main.add_command(runs.submissions)
main.add_command(runs.report)
main.add_command(demo.demo)
main.add_command(queue_cli.submit_command)
main.add_command(queue_cli.status_command)
main.add_command(queue_cli.regrade_command)
main.add_command(queue_cli.queue_command)
main.add_command(queue_cli.worker_command)
main.add_command(queue_cli.serve_command)
main.add_command(users.users)
