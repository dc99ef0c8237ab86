"""Container restart back-off (POD-8).

Like the kubelet's per-container ``flowcontrol.Backoff`` (initial 10 s,
MaxContainerBackOff 300 s): the first crash restarts immediately, then the
waits are 10 s, 20 s, 40 s ... capped at 300 s, measured from the moment the
container finished. A container that ran for 10 minutes without problems
resets the back-off. While a back-off is in effect the container waits with
reason ``CrashLoopBackOff``.
"""
from __future__ import annotations

__all__ = ["BackOff", "INITIAL_BACKOFF", "MAX_BACKOFF", "RESET_AFTER"]

INITIAL_BACKOFF = 10
MAX_BACKOFF = 300
RESET_AFTER = 600


class BackOff:
    """Per-container back-off state (POD-8)."""

    __slots__ = ("entry",)

    def __init__(self) -> None:
        self.entry = None  # the wait for the next crash; None = no crash remembered

    def next_delay(self, started_at, finished_at) -> float:
        """Seconds to wait, from ``finished_at``, before restarting (POD-8)."""
        ran = (finished_at - started_at) if started_at is not None else 0
        if self.entry is None or ran >= RESET_AFTER:
            self.entry = INITIAL_BACKOFF
            return 0
        delay = self.entry
        self.entry = min(self.entry * 2, MAX_BACKOFF)
        return delay
