"""Why a pod went where it went: the last scheduling attempt, per node and per plugin.

Modelled on kube-scheduler-simulator's result annotations (filter-result, score-result,
finalscore-result): for each node the cycle looked at, each Filter plugin's verdict
(``"passed"`` or the reason kube-scheduler gives), and for the nodes that passed, each
Score plugin's raw score, its normalised score (0-100), the plugin's weight and the
weighted score, plus the total. Nodes rejected by a filter have no ``scores``; plugins
that skipped themselves this cycle (PreFilter/PreScore *Skip*) do not appear and are
listed under ``skipped``; when a single node passes, kube-scheduler does not score and
neither does the explanation (``scores`` is empty, ``total`` is None).

Nothing is recorded while scheduling: the attempt is replayed on the snapshot of the
cache it used (same nodes and pods, same start index, same nominated pods); Services,
ReplicaSets, namespaces and PriorityClasses are read as they are now.
"""
from __future__ import annotations

__all__ = ["explain_attempt"]


def _verdict(status) -> str:
    return "passed" if status is None else status.message()


def explain_attempt(scheduler, attempt) -> dict:
    snapshot = scheduler.cache.snapshot_at(attempt.version)
    record: dict = {}
    scheduler.handle.current = snapshot
    try:
        out = scheduler.run_cycle(attempt.pi, snapshot, attempt.start, attempt.nominated, record=record)
    finally:
        scheduler.handle.current = None
    pi = attempt.pi
    nodes: dict = {}
    for name, filters in record.items():
        nodes[name] = {"filters": {p: _verdict(st) for p, st in filters.items()}}
    feasible = out["feasible"]
    scores = out.get("scores")
    for i, ni in enumerate(feasible):
        entry = nodes.setdefault(ni.name, {"filters": {}})
        entry["scores"] = {}
        entry["total"] = None
        if scores is not None:
            total = 0
            for plugin, (raw, norm, weight) in scores.items():
                entry["scores"][plugin] = {"raw": raw[i], "normalized": norm[i], "weight": weight,
                                           "weighted": norm[i] * weight}
                total += norm[i] * weight
            entry["total"] = total
    state = out["state"]
    fw = scheduler.framework
    skipped = {"filter": [], "score": []}
    if state is not None:
        skipped["filter"] = [p.name for p in fw.filter_plugins if p.name in state.skip_filter]
        skipped["score"] = [p.name for p in fw.score_plugins if p.name in state.skip_score] if scores is not None else []
    return {"pod": f"{pi.namespace}/{pi.name}", "selected_node": attempt.selected, "nodes": nodes,
            "message": attempt.message, "time": attempt.time, "skipped": skipped}
