"""grader: grade take-home submissions with hidden pytest suites in a Docker sandbox."""

__version__ = "0.1.0"
