"""The scheduling framework: filter, score, normalise, weight, pick (SCH-2).

For one pod: every Filter plugin runs on every node in order and the first
failure rejects the node (its reason goes into the FailedScheduling message);
every Score plugin scores the feasible nodes, its scores are normalised to
0-100 and multiplied by the plugin's weight (default profile: TaintToleration
3, NodeAffinity 2, NodeResourcesFit 1, NodeResourcesBalancedAllocation 1);
the node with the highest sum wins and ties are broken at random with the
cluster's seeded generator, so the same seed gives the same placement.

The message when no node fits follows kube-scheduler's FitError:
``0/4 nodes are available: 1 node(s) had untolerated taint
{node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4
nodes are available: 1 Preemption is not helpful for scheduling, 3 No
preemption victims found for incoming pod.`` (reasons counted and sorted as
strings; the simulator does not preempt, so the preemption part only explains).
"""
from __future__ import annotations

from collections import Counter

__all__ = ["Framework", "NodeInfo", "Status", "CycleState", "default_framework", "fit_error_message"]


class Status:
    """A filter failure: reasons, and whether preemption could never help."""

    __slots__ = ("reasons", "unresolvable")

    def __init__(self, reasons, unresolvable=False):
        self.reasons = list(reasons) if not isinstance(reasons, str) else [reasons]
        self.unresolvable = unresolvable


class NodeInfo:
    """What the scheduler knows about a node: the node and the pods bound to it.

    ``requested`` sums the pods' requests (RES-3) in milli-units per resource;
    ``nonzero`` uses 100m cpu / 200Mi memory for containers without requests
    (SCH-3, scoring only)."""

    __slots__ = ("name", "node", "allocatable", "requested", "nonzero", "pods")

    def __init__(self, node: dict, allocatable: dict):
        self.name = node["metadata"]["name"]
        self.node = node
        self.allocatable = allocatable  # resource -> milli int ("pods" -> count)
        self.requested: dict[str, int] = {}
        self.nonzero = {"cpu": 0, "memory": 0}
        self.pods: dict[tuple, dict] = {}

    def add_pod(self, key, requests: dict, nonzero: dict) -> None:
        if key in self.pods:
            return
        for r, v in requests.items():
            self.requested[r] = self.requested.get(r, 0) + v
        self.nonzero["cpu"] += nonzero["cpu"]
        self.nonzero["memory"] += nonzero["memory"]
        self.pods[key] = (requests, nonzero)

    def remove_pod(self, key) -> None:
        entry = self.pods.pop(key, None)
        if entry is None:
            return
        requests, nonzero = entry
        for r, v in requests.items():
            self.requested[r] = self.requested.get(r, 0) - v
        self.nonzero["cpu"] -= nonzero["cpu"]
        self.nonzero["memory"] -= nonzero["memory"]


class CycleState(dict):
    """Per-pod data the plugins compute once per scheduling cycle."""


class Framework:
    def __init__(self, filters, scorers):
        self.filters = list(filters)
        self.scorers = list(scorers)  # (plugin, weight)

    def schedule(self, pod: dict, nodes: list[NodeInfo], rng):
        """Returns (node name or None, {node: Status}) for ``pod``."""
        state = CycleState()
        for p in self.filters:
            pre = getattr(p, "pre_filter", None)
            if pre is not None:
                pre(state, pod)
        feasible = []
        failures: dict[str, Status] = {}
        filters = self.filters
        for ni in nodes:
            for p in filters:
                st = p.filter(state, pod, ni)
                if st is not None:
                    failures[ni.name] = st
                    break
            else:
                feasible.append(ni)
        if not feasible:
            return None, failures
        if len(feasible) == 1:
            return feasible[0].name, failures
        totals = [0.0] * len(feasible)
        for p, weight in self.scorers:
            pre = getattr(p, "pre_score", None)
            if pre is not None:
                pre(state, pod, feasible)
            raw = [p.score(state, pod, ni) for ni in feasible]
            norm = getattr(p, "normalize", None)
            if norm is not None:
                raw = norm(raw)
            for i, s in enumerate(raw):
                totals[i] += weight * s
        best = max(totals)
        top = [ni.name for ni, s in zip(feasible, totals) if s >= best - 1e-9]
        if len(top) == 1:
            return top[0], failures
        return rng.choice(sorted(top)), failures


def fit_error_message(num_nodes: int, failures: dict) -> str:
    """kube-scheduler's FitError text (reasons histogram, sorted) plus the preemption note.

    With no nodes at all the scheduler does not build a FitError: it fails with
    ``ErrNoNodesAvailable`` ("no nodes available to schedule pods",
    pkg/scheduler/schedule_one.go), which is the FailedScheduling message."""
    if num_nodes == 0:
        return "no nodes available to schedule pods"
    reasons = Counter()
    resolvable = unresolvable = 0
    for st in failures.values():
        for r in st.reasons:
            reasons[r] += 1
        if st.unresolvable:
            unresolvable += 1
        else:
            resolvable += 1
    parts = sorted(f"{n} {r}" for r, n in reasons.items())
    msg = f"0/{num_nodes} nodes are available"
    msg += (": " + ", ".join(parts) + ".") if parts else "."
    pre = []
    if unresolvable:
        pre.append(f"{unresolvable} Preemption is not helpful for scheduling")
    if resolvable:
        pre.append(f"{resolvable} No preemption victims found for incoming pod")
    if pre and num_nodes:
        msg += f" preemption: 0/{num_nodes} nodes are available: " + ", ".join(sorted(pre)) + "."
    return msg


def default_framework() -> Framework:
    """The default profile's plugins in kube-scheduler's filter order, with SCH-2 weights."""
    from .plugins.balanced_allocation import BalancedAllocation
    from .plugins.node_affinity import NodeAffinity
    from .plugins.node_name import NodeName
    from .plugins.node_resources_fit import NodeResourcesFit
    from .plugins.node_unschedulable import NodeUnschedulable
    from .plugins.taint_toleration import TaintToleration

    fit = NodeResourcesFit()
    affinity = NodeAffinity()
    taints = TaintToleration()
    return Framework(
        filters=[NodeUnschedulable(), NodeName(), taints, affinity, fit],
        scorers=[(taints, 3), (affinity, 2), (fit, 1), (BalancedAllocation(), 1)],
    )
