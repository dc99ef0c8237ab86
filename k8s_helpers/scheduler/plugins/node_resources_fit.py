"""NodeResourcesFit (plugins/noderesources/fit.go, least_allocated.go; FIT-1, RES-2, RES-3, SCH-3).

Filter (``fitsRequest``): ``Too many pods`` when the node's pods + 1 exceed its
allocatable pods; then, for each resource the pod requests (> 0), ``Insufficient <name>``
when the request exceeds allocatable minus what the node's pods request. Only requests
count (RES-2). A rejection is Unschedulable (preemption may free room) unless the
request exceeds the node's whole allocatable, which makes it UnschedulableAndUnresolvable.

Score (LeastAllocated, cpu and memory with weight 1): per resource
``(allocatable - requested) * 100 / allocatable`` in integers, where requested is the
node's non-zero requests plus the pod's (a container without a cpu or memory request
counts 100m / 200Mi, SCH-3), 0 when it does not fit; the weighted average, truncated.
"""
from __future__ import annotations

from ..framework import MAX_NODE_SCORE, UNRESOLVABLE, UNSCHEDULABLE, Status

__all__ = ["NodeResourcesFit", "insufficient_resources", "least_requested_score"]


def insufficient_resources(pod, node) -> list[tuple[str, bool]]:
    """fitsRequest: [(reason, unresolvable)] in upstream order (pods, cpu, memory, storage, others)."""
    out = []
    if len(node.pods) + 1 > node.allowed_pods:
        out.append(("Too many pods", False))
    req = pod.requests
    if not req:
        return out
    alloc, used = node.allocatable, node.requested
    for name in ("cpu", "memory", "ephemeral-storage"):
        v = req.get(name, 0)
        if v > 0 and v > alloc.get(name, 0) - used.get(name, 0):
            out.append((f"Insufficient {name}", v > alloc.get(name, 0)))
    for name, v in req.items():
        if name in ("cpu", "memory", "ephemeral-storage") or v == 0:
            continue
        if v > alloc.get(name, 0) - used.get(name, 0):
            out.append((f"Insufficient {name}", v > alloc.get(name, 0)))
    return out


def least_requested_score(requested: int, capacity: int) -> int:
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


class NodeResourcesFit:
    name = "NodeResourcesFit"
    EVENTS = frozenset({"NodeAdd", "NodeUpdate", "AssignedPodDelete"})

    def pre_filter(self, state, pod, snapshot):
        return None, None

    def filter(self, state, pod, node):
        if len(node.pods) + 1 <= node.allowed_pods:
            req = pod.requests
            if not req:
                return None
            alloc, used = node.allocatable, node.requested
            for name, v in req.items():
                if v > alloc.get(name, 0) - used.get(name, 0):
                    break
            else:
                return None
        found = insufficient_resources(pod, node)
        if not found:
            return None
        code = UNRESOLVABLE if any(u for _, u in found) else UNSCHEDULABLE
        return Status(code, *(r for r, _ in found))

    def pre_score(self, state, pod, nodes, snapshot):
        return None

    def score(self, state, pod, node):
        """leastResourceScorer over cpu and memory (weights 1), skipping a resource with 0 allocatable."""
        cpu_cap = node.allocatable.get("cpu", 0)
        mem_cap = node.allocatable.get("memory", 0)
        total = weights = 0
        if cpu_cap:
            total += least_requested_score(node.nonzero_cpu + pod.nonzero_cpu, cpu_cap)
            weights += 1
        if mem_cap:
            total += least_requested_score(node.nonzero_mem + pod.nonzero_mem, mem_cap)
            weights += 1
        return total // weights if weights else 0

    def score_nodes(self, state, pod, nodes):
        """``score`` for every node, with the common case (cpu and memory allocatable) inlined."""
        pc, pm = pod.nonzero_cpu, pod.nonzero_mem
        out = []
        append = out.append
        score = self.score
        for node in nodes:
            alloc = node.allocatable
            cap_c, cap_m = alloc.get("cpu", 0), alloc.get("memory", 0)
            if cap_c and cap_m:
                rc, rm = node.nonzero_cpu + pc, node.nonzero_mem + pm
                sc = 0 if rc > cap_c else (cap_c - rc) * MAX_NODE_SCORE // cap_c
                sm = 0 if rm > cap_m else (cap_m - rm) * MAX_NODE_SCORE // cap_m
                append((sc + sm) // 2)
            else:
                append(score(state, pod, node))
        return out

    def queueing_hint(self, event, pod, old, new):
        """isSchedulableAfterPodEvent / isSchedulableAfterNodeChange."""
        if event == "AssignedPodDelete":
            return True
        if new is None:
            return False
        if insufficient_resources(pod, _Empty(new)):
            return False
        if old is None:
            return True
        return any(new.allocatable.get(k, 0) > old.allocatable.get(k, 0) for k in pod.requests) or \
            new.allowed_pods > old.allowed_pods


class _Empty:
    """A node's allocatable with nothing on it (``isFit`` looks at the node alone)."""

    def __init__(self, ni):
        self.pods, self.allowed_pods, self.allocatable, self.requested = (), ni.allowed_pods, ni.allocatable, {}
