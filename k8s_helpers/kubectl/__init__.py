"""kubectl for the simulated cluster: command parsing and kubectl-identical printers.

``run(cluster, "get pods -o wide")`` returns the text kubectl would print. The printers
(``printers``, ``describe``, ``pods``) are ports of kubectl's own code (printers.go,
describe.go) and work on any API-shaped dict, simulated or from a live cluster.
"""
from __future__ import annotations

__all__ = ["run"]


def run(cluster, command: str) -> str:
    """Run a kubectl command line (``"get pods"``, ``"kubectl describe pod web"``) on ``cluster``."""
    from .command import run as _run
    return _run(cluster, command)
