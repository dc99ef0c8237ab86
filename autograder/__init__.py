"""Autograder for the course: manifest checks and rubrics with Spanish feedback.

Exports are resolved lazily so ``import autograder`` stays cheap.
"""
from __future__ import annotations

__all__ = ["check_manifest", "Report", "Rubric", "RubricItem"]


def __getattr__(name):
    if name in ("check_manifest", "Report"):
        from . import checks
        return getattr(checks, name)
    if name in ("Rubric", "RubricItem"):
        from . import rubric
        return getattr(rubric, name)
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
