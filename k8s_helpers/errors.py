"""Exceptions with Spanish messages that students read.

``ManifestError`` is what the simulated cluster raises when ``apply`` receives a
manifest the real API server would reject; its text is the same report
``autograder.check_manifest`` prints, so both tell the student the same thing.
"""
from __future__ import annotations


class ManifestError(ValueError):
    """A manifest that Kubernetes would reject. ``.problems`` lists every problem;
    ``str()`` is the full Spanish report."""

    def __init__(self, report, problems=None):
        # `report` may be a ValidationResult (preferred) or a plain message.
        self.result = report if hasattr(report, "problems") else None
        self.problems = list(problems if problems is not None else getattr(report, "problems", []))
        super().__init__(str(report))

    @classmethod
    def from_result(cls, result) -> "ManifestError":
        return cls(result)
