"""The internal result of a check: a field path (tuple), a Spanish message, a rule id."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Finding:
    path: tuple
    message: str
    rule: str | None = None
    severity: str = "error"
