import pathlib

pathlib.Path("/tmp/grader-redteam-pwned-A19").write_text("the build backend ran here\n")
