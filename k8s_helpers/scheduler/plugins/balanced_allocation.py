"""NodeResourcesBalancedAllocation plugin (SCH-3).

Prefers nodes whose cpu and memory would be used in the same proportion once
the pod is placed: score = (1 - |f_cpu - f_mem| / 2) x 100, with f = requested
/ allocatable (the node's pods plus this one). Skipped (0 for every node) for
BestEffort pods, which request nothing.
"""
from __future__ import annotations

__all__ = ["BalancedAllocation"]


class BalancedAllocation:
    name = "NodeResourcesBalancedAllocation"

    def score(self, state, pod, node_info):
        req = state.get("requests") or {}
        if not req.get("cpu") and not req.get("memory"):
            return 0
        alloc = node_info.allocatable
        fractions = []
        for r in ("cpu", "memory"):
            cap = alloc.get(r, 0)
            if cap <= 0:
                return 0
            fractions.append(min(1.0, (node_info.requested.get(r, 0) + req.get(r, 0)) / cap))
        return (1 - abs(fractions[0] - fractions[1]) / 2) * 100
