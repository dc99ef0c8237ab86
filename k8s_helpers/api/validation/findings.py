"""The internal result of a check: a field path (tuple), a Spanish message, a rule id,
and the API server's own text for the same mistake (``api``, see ``apierror``)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Finding:
    path: tuple
    message: str
    rule: str | None = None
    severity: str = "error"
    api: str | None = None
