"""Container restart back-off (POD-8).

Like the kubelet's per-container ``flowcontrol.Backoff`` (initial 10 s,
MaxContainerBackOff 300 s): the first crash restarts immediately, then the
waits are 10 s, 20 s, 40 s ... capped at 300 s, measured from the moment the
container finished. A container that ran for 10 minutes without problems
resets the back-off. While a back-off is in effect the container waits with
reason ``CrashLoopBackOff``.
"""
from __future__ import annotations

__all__ = ["BackOff", "INITIAL_BACKOFF", "MAX_BACKOFF", "RESET_AFTER", "go_duration"]

INITIAL_BACKOFF = 10
MAX_BACKOFF = 300
RESET_AFTER = 600


def go_duration(seconds) -> str:
    """Go's ``time.Duration.String()`` for whole and fractional seconds: ``10s``,
    ``1m20s``, ``2m40s``, ``5m0s``, ``1h0m0s``. The kubelet prints the back-off this
    way (``back-off 1m20s restarting failed container=...``, kuberuntime_manager.go
    doBackOff, POD-8)."""
    if seconds == 0:
        return "0s"
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    s_text = f"{s:.9f}".rstrip("0").rstrip(".") if s != int(s) else str(int(s))
    if h:
        return f"{sign}{int(h)}h{int(m)}m{s_text}s"
    if m:
        return f"{sign}{int(m)}m{s_text}s"
    return f"{sign}{s_text}s"


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
