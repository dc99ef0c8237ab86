"""Time helpers for kubectl-like output.

- ``human_duration`` ports apimachinery pkg/util/duration.HumanDuration (AGE columns).
- ``translate_since`` is printers.go translateTimestampSince: ``<unknown>`` for no time.
- ``rfc1123z`` is Go's time.RFC1123Z layout (``Mon, 02 Jan 2006 15:04:05 -0700``), used by
  ``kubectl describe`` for Start Time / Started / Finished.

Timestamps may be ISO strings (``2026-01-01T00:00:00Z``, API shape, simulated or live) or
plain numbers (virtual seconds on the simulator's clock); both become epoch seconds.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone

__all__ = ["human_duration", "to_epoch", "cluster_now", "translate_since", "rfc1123z",
           "DEFAULT_EPOCH"]

# Used only when a cluster gives virtual seconds and no epoch of its own.
DEFAULT_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()


def human_duration(seconds: float) -> str:
    """apimachinery duration.HumanDuration: ``45s``, ``119s``, ``2m5s``, ``15m``, ``3h10m``, ``5d``..."""
    secs = math.trunc(seconds)
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60 * 2:
        return f"{secs}s"
    minutes = secs // 60
    if minutes < 10:
        s = secs % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = secs // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def _epoch_of(cluster) -> float:
    epoch = getattr(cluster, "epoch", None)
    if epoch is None:
        stamp = getattr(cluster, "timestamp", None)
        if callable(stamp):  # the simulator's virtual-seconds -> ISO text converter
            try:
                return _parse_iso(str(stamp(0)))
            except (TypeError, ValueError):
                pass
        return DEFAULT_EPOCH
    if isinstance(epoch, datetime):
        return epoch.timestamp()
    if isinstance(epoch, str):
        return _parse_iso(epoch)
    return float(epoch)


def _parse_iso(text: str) -> float:
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def to_epoch(value, cluster=None) -> float | None:
    """Epoch seconds of an API timestamp (ISO text or datetime), or of virtual seconds (number)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.timestamp()
    if isinstance(value, (int, float)):
        return _epoch_of(cluster) + float(value)
    try:
        return _parse_iso(str(value))
    except ValueError:
        return None


def cluster_now(cluster) -> float:
    """Epoch seconds of the cluster's 'now': its virtual clock, or real time for a live cluster."""
    now = getattr(cluster, "now", None)
    if callable(now):
        now = now()
    if now is None:
        return datetime.now(timezone.utc).timestamp()
    if isinstance(now, (int, float)):
        return _epoch_of(cluster) + float(now)
    result = to_epoch(now, cluster)
    return result if result is not None else datetime.now(timezone.utc).timestamp()


def translate_since(value, now: float, cluster=None) -> str:
    """printers.go translateTimestampSince: HumanDuration(now - t), ``<unknown>`` when unset."""
    t = to_epoch(value, cluster)
    if t is None:
        return "<unknown>"
    return human_duration(now - t)


def rfc1123z(value, cluster=None) -> str:
    """Go's RFC1123Z layout, in UTC: ``Thu, 01 Jan 2026 00:02:05 +0000``."""
    t = to_epoch(value, cluster)
    if t is None:
        return "<unknown>"
    dt = datetime.fromtimestamp(t, tz=timezone.utc)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return (f"{days[dt.weekday()]}, {dt.day:02d} {months[dt.month - 1]} {dt.year} "
            f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} +0000")
