"""PodTopologySpread (plugins/podtopologyspread/{common,filtering,scoring,plugin}.go; SCH-2).

Constraints: ``maxSkew``, ``topologyKey``, ``whenUnsatisfiable`` (DoNotSchedule filters,
ScheduleAnyway scores), ``labelSelector`` (null matches nothing), ``matchLabelKeys``
(the pod's values for those keys are ANDed into the selector), ``minDomains`` (default 1),
``nodeAffinityPolicy`` (default Honor: only nodes matching the pod's nodeSelector and
required node affinity count) and ``nodeTaintsPolicy`` (default Ignore; Honor: nodes
with untolerated NoSchedule/NoExecute taints do not count). Only pods of the incoming
pod's namespace count, terminating pods never.

System default constraints (``systemDefaultConstraints``, when the pod has none):
``kubernetes.io/hostname`` maxSkew 3 and ``topology.kubernetes.io/zone`` maxSkew 5, both
ScheduleAnyway, with the selector built from the Services that select the pod and the
ReplicaSet or StatefulSet (or ReplicationController) that controls it
(helper.DefaultSelector), read from the store; no such object, no default constraints.

Filter: nodes without one of the constraint's topology labels are rejected
(``node(s) didn't match pod topology spread constraints (missing required label)``,
UnschedulableAndUnresolvable). Otherwise ``skew = matching pods in the node's domain +
(1 if the pod matches its own selector) - min over domains`` (min is 0 while there are
fewer domains than minDomains); ``skew > maxSkew`` rejects with ``node(s) didn't match pod
topology spread constraints`` (Unschedulable). The minimum is tracked as upstream's
``criticalPaths`` (the two smallest domains).

Score: per constraint, ``count * log(domains + 2) + (maxSkew - 1)`` summed and rounded,
where count is the matching pods in the node's domain (for hostname: on the node) and
domains the number of topology values among the feasible nodes; NormalizeScore maps to
``100 * (max + min - s) / max`` (fewer pods, higher score), 100 for all when max is 0,
and 0 for nodes missing a topology label (when the pod has its own constraints).
"""
from __future__ import annotations

import math

from k8s_helpers.api.labels import Requirement, Selector, SelectorError, label_selector_to_selector

from ..framework import MAX_NODE_SCORE, SKIP, UNRESOLVABLE, UNSCHEDULABLE, Status
from .node_affinity import RequiredNodeAffinity
from .taint_toleration import find_untolerated

__all__ = ["PodTopologySpread", "Constraint", "REASON", "REASON_LABEL", "SYSTEM_DEFAULT_CONSTRAINTS",
           "default_selector"]

REASON = "node(s) didn't match pod topology spread constraints"
REASON_LABEL = REASON + " (missing required label)"
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
SYSTEM_DEFAULT_CONSTRAINTS = (
    {"topologyKey": HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {"topologyKey": ZONE, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 5},
)
_MAX_INT32 = 2 ** 31 - 1


def go_round(x: float) -> int:
    """math.Round: half away from zero."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


class Constraint:
    __slots__ = ("max_skew", "topology_key", "selector", "min_domains", "node_affinity_policy",
                 "node_taints_policy")

    def __init__(self, max_skew, topology_key, selector, min_domains=1, node_affinity_policy="Honor",
                 node_taints_policy="Ignore"):
        self.max_skew = max_skew
        self.topology_key = topology_key
        self.selector = selector
        self.min_domains = min_domains
        self.node_affinity_policy = node_affinity_policy
        self.node_taints_policy = node_taints_policy

    def includes(self, pod, node, required: RequiredNodeAffinity) -> bool:
        """matchNodeInclusionPolicies."""
        if self.node_affinity_policy == "Honor" and (required.node_selector or required.terms is not None) \
                and not required.match(node.labels, node.name):
            return False
        if self.node_taints_policy == "Honor" and find_untolerated(node.taints, pod.spec.get("tolerations")):
            return False
        return True


def _merge_match_labels(selector: Selector, match: dict) -> Selector:
    """mergeLabelSetWithSelector: ``key=value`` requirements ANDed (a null selector stays null)."""
    if selector.nothing:
        return selector
    reqs = [Requirement(k, "=", (v,)) for k, v in match.items()] + list(selector.requirements)
    return Selector(tuple(sorted(reqs, key=lambda r: r.key)))


def _constraints(raw, pod_labels: dict, action: str) -> list[Constraint]:
    """filterTopologySpreadConstraints."""
    out = []
    for c in raw:
        if c.get("whenUnsatisfiable") != action:
            continue
        selector = label_selector_to_selector(c.get("labelSelector"))
        keys = c.get("matchLabelKeys") or []
        match = {k: pod_labels[k] for k in keys if k in pod_labels}
        if match:
            selector = _merge_match_labels(selector, match)
        md = c.get("minDomains")
        out.append(Constraint(int(c.get("maxSkew") or 0), c.get("topologyKey") or "", selector,
                              1 if md is None else int(md), c.get("nodeAffinityPolicy") or "Honor",
                              c.get("nodeTaintsPolicy") or "Ignore"))
    return out


def default_selector(pod, handle) -> Selector:
    """helper.DefaultSelector: Services selecting the pod (merged label sets), then the
    requirements of its controlling ReplicaSet / StatefulSet selector, or its
    ReplicationController's label set."""
    labels: dict = {}
    for svc in handle.list_objects("Service", pod.namespace):
        sel = (svc.get("spec") or {}).get("selector")
        if sel is None:  # services with nil selectors match nothing, not everything
            continue
        if all(pod.labels.get(k) == v for k, v in sel.items()):
            labels.update(sel)
    reqs = [Requirement(k, "=", (v,)) for k, v in labels.items()]
    owner = next((o for o in (pod.pod["metadata"].get("ownerReferences") or ()) if o.get("controller")), None)
    if owner is not None:
        kind, api = owner.get("kind"), owner.get("apiVersion") or ""
        if kind == "ReplicationController" and api == "v1":
            rc = handle.get_object("ReplicationController", pod.namespace, owner.get("name"))
            if rc is not None:
                labels.update((rc.get("spec") or {}).get("selector") or {})
                reqs = [Requirement(k, "=", (v,)) for k, v in labels.items()]
        elif kind in ("ReplicaSet", "StatefulSet") and api == "apps/v1":
            obj = handle.get_object(kind, pod.namespace, owner.get("name"))
            if obj is not None:
                try:
                    other = label_selector_to_selector((obj.get("spec") or {}).get("selector"))
                except SelectorError:
                    other = None
                if other is not None and not other.nothing:
                    reqs += list(other.requirements)
    return Selector(tuple(sorted(reqs, key=lambda r: r.key)))


class _CriticalPaths:
    """The two domains with the fewest matching pods (criticalPaths, with its update rule)."""

    __slots__ = ("p",)

    def __init__(self):
        self.p = [["", _MAX_INT32], ["", _MAX_INT32]]

    def clone(self):
        c = _CriticalPaths()
        c.p = [list(self.p[0]), list(self.p[1])]
        return c

    def update(self, tv: str, num: int) -> None:
        p = self.p
        i = 0 if tv == p[0][0] else (1 if tv == p[1][0] else -1)
        if i >= 0:
            p[i][1] = num
            if p[0][1] > p[1][1]:
                p[0], p[1] = p[1], p[0]
        elif num < p[0][1]:
            p[1] = p[0]
            p[0] = [tv, num]
        elif num < p[1][1]:
            p[1] = [tv, num]


class _FilterState:
    __slots__ = ("constraints", "paths", "counts", "required", "self_match")

    def clone(self):
        c = _FilterState()
        c.constraints, c.required, c.self_match = self.constraints, self.required, self.self_match
        c.paths = [p.clone() for p in self.paths]
        c.counts = [dict(m) for m in self.counts]
        return c

    def min_match(self, i: int) -> int:
        if len(self.counts[i]) < self.constraints[i].min_domains:
            return 0
        return self.paths[i].p[0][1]


def _labels_have_keys(labels: dict, constraints) -> bool:
    """nodeLabelsMatchSpreadConstraints."""
    for c in constraints:
        if c.topology_key not in labels:
            return False
    return True


class PodTopologySpread:
    name = "PodTopologySpread"
    EVENTS = frozenset({"AssignedPodAdd", "AssignedPodUpdate", "AssignedPodDelete", "NodeAdd", "NodeUpdate",
                        "NodeDelete"})

    def __init__(self, handle=None, system_defaulted: bool = True):
        self.handle = handle
        self.system_defaulted = system_defaulted

    def constraints(self, pod, action: str) -> list[Constraint]:
        raw = pod.spec.get("topologySpreadConstraints") or []
        if raw:
            return _constraints(raw, pod.labels, action)
        if not self.system_defaulted or self.handle is None:
            return []
        cons = _constraints(SYSTEM_DEFAULT_CONSTRAINTS, pod.labels, action)
        if not cons:
            return []
        sel = default_selector(pod, self.handle)
        if sel.empty():
            return []
        for c in cons:
            c.selector = sel
        return cons

    # ------------------------------------------------------------------ PreFilter / Filter
    def pre_filter(self, state, pod, snapshot):
        try:
            cons = self.constraints(pod, "DoNotSchedule")
        except (SelectorError, TypeError, ValueError) as e:
            return None, Status(UNRESOLVABLE, f"get constraints from pod: {e}")
        if not cons:
            return None, Status(SKIP)
        s = _FilterState()
        s.constraints = cons
        s.self_match = [1 if c.selector.matches(pod.labels) else 0 for c in cons]
        s.required = RequiredNodeAffinity(pod.spec)
        s.counts = [{} for _ in cons]
        index = snapshot.index
        per_node = [index.count_by_node((pod.namespace,), c.selector, skip_terminating=True) for c in cons]
        for ni in snapshot.nodes:
            if not _labels_have_keys(ni.labels, cons):
                continue
            for i, c in enumerate(cons):
                if not c.includes(pod, ni, s.required):
                    continue
                v = ni.labels[c.topology_key]
                m = s.counts[i]
                m[v] = m.get(v, 0) + per_node[i].get(ni.name, 0)
        s.paths = []
        for m in s.counts:
            p = _CriticalPaths()
            for v, n in m.items():
                p.update(v, n)
            s.paths.append(p)
        state[self.name] = s
        return None, None

    def _update(self, state, pod, other, node, delta: int) -> None:
        s = state[self.name]
        if other.namespace != pod.namespace or node is None or not _labels_have_keys(node.labels, s.constraints):
            return
        for i, c in enumerate(s.constraints):
            if not c.selector.matches(other.labels) or not c.includes(pod, node, s.required):
                continue
            v = node.labels[c.topology_key]
            s.counts[i][v] = s.counts[i].get(v, 0) + delta
            s.paths[i].update(v, s.counts[i][v])

    def add_pod(self, state, pod, other, node):
        self._update(state, pod, other, node, 1)

    def remove_pod(self, state, pod, other, node):
        self._update(state, pod, other, node, -1)

    def filter(self, state, pod, node):
        s = state[self.name]
        labels = node.labels
        for i, c in enumerate(s.constraints):
            tv = labels.get(c.topology_key)
            if tv is None:
                return Status(UNRESOLVABLE, REASON_LABEL)
            skew = s.counts[i].get(tv, 0) + s.self_match[i] - s.min_match(i)
            if skew > c.max_skew:
                return Status(UNSCHEDULABLE, REASON)
        return None

    # ------------------------------------------------------------------ Score
    def pre_score(self, state, pod, nodes, snapshot):
        if not len(snapshot):
            return Status(SKIP)
        try:
            cons = self.constraints(pod, "ScheduleAnyway")
        except (SelectorError, TypeError, ValueError):
            return Status(SKIP)
        if not cons:
            return Status(SKIP)
        require_all = bool(pod.spec.get("topologySpreadConstraints")) or not self.system_defaulted
        ignored = set()
        counts = [{} for _ in cons]
        for ni in nodes:
            if require_all and not _labels_have_keys(ni.labels, cons):
                ignored.add(ni.name)
                continue
            for i, c in enumerate(cons):
                if c.topology_key != HOSTNAME:
                    counts[i].setdefault(ni.labels.get(c.topology_key, ""), 0)
        weights = []
        for i, c in enumerate(cons):
            size = (len(nodes) - len(ignored)) if c.topology_key == HOSTNAME else len(counts[i])
            weights.append(math.log(size + 2))
        required = RequiredNodeAffinity(pod.spec)
        index = snapshot.index
        per_node = [index.count_by_node((pod.namespace,), c.selector, skip_terminating=True) for c in cons]
        for ni in snapshot.nodes:
            if require_all and not _labels_have_keys(ni.labels, cons):
                continue
            for i, c in enumerate(cons):
                if not c.includes(pod, ni, required):
                    continue
                v = ni.labels.get(c.topology_key, "")
                if v in counts[i]:
                    counts[i][v] += per_node[i].get(ni.name, 0)
        state[self.name + "/score"] = (cons, ignored, counts, weights, per_node)
        return None

    def score(self, state, pod, node):
        cons, ignored, counts, weights, per_node = state[self.name + "/score"]
        if node.name in ignored:
            return 0
        total = 0.0
        labels = node.labels
        for i, c in enumerate(cons):
            tv = labels.get(c.topology_key)
            if tv is None:
                continue
            cnt = per_node[i].get(node.name, 0) if c.topology_key == HOSTNAME else counts[i][tv]
            total += cnt * weights[i] + (c.max_skew - 1)
        return go_round(total)

    def normalize(self, state, pod, scores, nodes):
        _, ignored, _, _, _ = state[self.name + "/score"]
        lo, hi = None, 0
        for ni, s in zip(nodes, scores):
            if ni.name in ignored:
                continue
            lo = s if lo is None or s < lo else lo
            hi = max(hi, s)
        for i, ni in enumerate(nodes):
            if ni.name in ignored:
                scores[i] = 0
            elif hi == 0:
                scores[i] = MAX_NODE_SCORE
            else:
                scores[i] = MAX_NODE_SCORE * (hi + lo - scores[i]) // hi

    # ------------------------------------------------------------------ queueing hints
    def queueing_hint(self, event, pod, old, new):
        try:
            cons = self.constraints(pod, "DoNotSchedule")
        except (SelectorError, TypeError, ValueError):
            return True
        if event.startswith("Assigned"):
            changed = new if new is not None else old
            if changed.namespace != pod.namespace:
                return False
            if event == "AssignedPodUpdate":
                return any(c.selector.matches(old.labels) != c.selector.matches(new.labels) for c in cons)
            return any(c.selector.matches(changed.labels) for c in cons)
        if old is not None and new is not None:
            was, now = _labels_have_keys(old.labels, cons), _labels_have_keys(new.labels, cons)
            if was != now:
                return True
            return now and (any(old.labels.get(c.topology_key) != new.labels.get(c.topology_key) for c in cons)
                            or old.taints != new.taints)
        node = new if new is not None else old
        return _labels_have_keys(node.labels, cons)
