"""Events, as the kubelet and the scheduler record them (``kubectl get events``).

Each occurrence is kept with its virtual time. Like the API's event correlator,
identical events (same object, type, reason, message and source) form a series:
each occurrence carries the series' running ``count`` and its
``firstTimestamp``; ``aggregate=True`` returns one entry per series (what
``kubectl describe`` shows as ``(x5 over 2m)``).
"""
from __future__ import annotations

__all__ = ["EventRecorder"]


class EventRecorder:
    def __init__(self, clock, timestamp):
        self._clock = clock
        self._ts = timestamp
        self._items: list[tuple] = []
        self._series: dict[tuple, list] = {}

    def record(self, involved: dict, type_: str, reason: str, message: str, source: str = "kubelet",
               host: str | None = None) -> None:
        now = self._clock.now
        key = (involved.get("kind"), involved.get("namespace"), involved.get("name"), involved.get("uid"),
               involved.get("fieldPath"), type_, reason, message, source)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = [0, now, len(self._items)]
        series[0] += 1
        self._items.append((now, type_, reason, message, involved, source, host, series[0], series[1], key))

    def __len__(self) -> int:
        return len(self._items)

    def _dict(self, item, count=None, last=None) -> dict:
        now, type_, reason, message, involved, source, host, n, first, _ = item
        ref = dict(involved)
        ref.setdefault("apiVersion", "v1")
        src = {"component": source}
        if host:
            src["host"] = host
        return {"type": type_, "reason": reason, "message": message, "involvedObject": ref,
                "time": now if last is None else last, "count": n if count is None else count,
                "firstTimestamp": self._ts(first), "lastTimestamp": self._ts(now if last is None else last),
                "source": src, "metadata": {"namespace": involved.get("namespace") or "default"}}

    def query(self, name=None, kind=None, namespace=None, reason=None, aggregate=False, uid=None) -> list[dict]:
        def keep(item):
            inv = item[4]
            if name is not None and inv.get("name") != name:
                return False
            if kind is not None and (inv.get("kind") or "").lower() != kind.lower():
                return False
            if namespace is not None and inv.get("namespace") not in (namespace, None):
                return False
            if uid is not None and inv.get("uid") != uid:
                return False
            return reason is None or item[2] == reason
        items = [it for it in self._items if keep(it)]
        if not aggregate:
            return [self._dict(it) for it in items]
        last: dict = {}
        for it in items:
            last[it[9]] = it
        out = [self._dict(it, count=it[7], last=it[0]) for it in last.values()]
        out.sort(key=lambda e: e["time"])
        return out
