"""NodeResourcesBalancedAllocation (plugins/noderesources/balanced_allocation.go; SCH-3).

PreScore: Skip for a pod that requests no cpu and no memory (``isBestEffortPod``;
requests as declared, without the 100m / 200Mi defaults). Score, for cpu and memory
(weights 1) from the node's declared requests (``useRequested``): the fraction used of
each resource, capped at 1, and their standard deviation (for two resources
``|f_cpu - f_mem| / 2``); ``balancedResourceScore = int((1 - std) * 100)``. Since 1.35 the
plugin scores the *change* the pod makes:
``50 + (50 + score_with_pod - score_without_pod) / 2`` in Go integer arithmetic.
"""
from __future__ import annotations

import math

from ..framework import MAX_NODE_SCORE, SKIP, Status, go_div

__all__ = ["BalancedAllocation", "balanced_resource_score", "balanced_resource_scorer"]


def balanced_resource_score(requested: list, allocatable: list) -> int:
    fractions = []
    for r, a in zip(requested, allocatable):
        if a == 0:
            continue
        f = r / a
        fractions.append(1.0 if f > 1 else f)
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = math.sqrt(sum((f - mean) ** 2 for f in fractions) / len(fractions))
    return int((1 - std) * MAX_NODE_SCORE)


def balanced_resource_scorer(requested: list, allocated: list, allocatable: list) -> int:
    with_pod = balanced_resource_score(requested, allocatable)
    without = balanced_resource_score(allocated, allocatable)
    return MAX_NODE_SCORE // 2 + go_div(MAX_NODE_SCORE // 2 + with_pod - without, 2)


class BalancedAllocation:
    name = "NodeResourcesBalancedAllocation"

    def pre_score(self, state, pod, nodes, snapshot):
        cpu, mem = pod.requests.get("cpu", 0), pod.requests.get("memory", 0)
        if not cpu and not mem:
            return Status(SKIP)
        state[self.name] = (cpu, mem)
        return None

    def score_nodes(self, state, pod, nodes):
        """``score`` for every node; with cpu and memory allocatable, the same float operations inlined."""
        cpu, mem = state[self.name]
        out = []
        append = out.append
        for node in nodes:
            cached = node.memo.get(self.name)
            if cached is None:
                alloc, used = node.allocatable, node.requested
                a_cpu, a_mem = alloc.get("cpu", 0), alloc.get("memory", 0)
                if a_cpu and a_mem:
                    u_cpu, u_mem = used.get("cpu", 0), used.get("memory", 0)
                    g0, g1 = u_cpu / a_cpu, u_mem / a_mem
                    without = int((1 - abs(((1.0 if g0 > 1 else g0) - (1.0 if g1 > 1 else g1)) / 2)) * 100)
                    cached = (a_cpu, a_mem, u_cpu, u_mem, without)
                else:
                    cached = ()
                node.memo[self.name] = cached
            if not cached:
                append(self.score(state, pod, node))
                continue
            a_cpu, a_mem, u_cpu, u_mem, without = cached
            f0, f1 = (u_cpu + cpu) / a_cpu, (u_mem + mem) / a_mem
            with_pod = int((1 - abs(((1.0 if f0 > 1 else f0) - (1.0 if f1 > 1 else f1)) / 2)) * 100)
            d = 50 + with_pod - without  # go_div(d, 2), inlined
            append(50 + (d // 2 if d >= 0 else -((-d) // 2)))
        return out

    def score(self, state, pod, node):
        cpu, mem = state[self.name]
        alloc, used = node.allocatable, node.requested
        a_cpu, a_mem = alloc.get("cpu", 0), alloc.get("memory", 0)
        u_cpu = used.get("cpu", 0) if a_cpu else 0
        u_mem = used.get("memory", 0) if a_mem else 0
        r_cpu = u_cpu + cpu if a_cpu else 0
        r_mem = u_mem + mem if a_mem else 0
        return balanced_resource_scorer([r_cpu, r_mem], [u_cpu, u_mem], [a_cpu, a_mem])
