"""InterPodAffinity (plugins/interpodaffinity/{filtering,scoring,plugin}.go; AFF-2, SCH-3).

Terms: ``labelSelector`` (null matches nothing, ``{}`` everything), ``namespaces`` and
``namespaceSelector`` (neither: the pod's own namespace; ``namespaceSelector: {}``: all
namespaces; otherwise the namespaces it selects are added to ``namespaces``),
``topologyKey``, ``matchLabelKeys``/``mismatchLabelKeys`` (merged into the selector with
the pod's own label values, see ``node_info._merge_label_keys``).

PreFilter counts, per topology pair (key, value), the existing pods that match the
incoming pod's required affinity terms (a pod counts when it matches *all* of them), its
required anti-affinity terms, and the existing pods whose required anti-affinity terms
match the incoming pod (symmetry; their namespaceSelector is evaluated against the
incoming pod's namespace labels). Skip when there is nothing to check.

Filter, in this order:

1. every required affinity term needs the node's topology label (else rejected) and a
   matching pod in that domain; when no pod in the cluster matches and the pod matches
   its own terms, it is the first of its group and passes (AFF-2) —
   ``node(s) didn't match pod affinity rules``, UnschedulableAndUnresolvable;
2. a matching pod in the domain of a required anti-affinity term —
   ``node(s) didn't match pod anti-affinity rules``, Unschedulable;
3. an existing pod's required anti-affinity covers the node —
   ``node(s) didn't satisfy existing pods anti-affinity rules``, Unschedulable.

Score: per topology pair, +weight for each existing pod matching a preferred affinity
term of the incoming pod and -weight for each matching a preferred anti-affinity term;
+1 (hardPodAffinityWeight) for each existing pod whose *required* affinity term matches
the incoming pod; +/- weight for each existing pod whose preferred (anti-)affinity term
matches it. A node scores the sum over its labels. PreScore skips when nothing matched.
NormalizeScore (1.36): ``int(100 * (s - min) / (max - min))`` over the nodes' scores, all
0 when they are equal.
"""
from __future__ import annotations

from ..framework import MAX_NODE_SCORE, SKIP, UNRESOLVABLE, UNSCHEDULABLE, Status
from ..node_info import NOTHING

__all__ = ["InterPodAffinity", "REASON_AFFINITY", "REASON_ANTI_AFFINITY", "REASON_EXISTING_ANTI_AFFINITY"]

REASON_AFFINITY = "node(s) didn't match pod affinity rules"
REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1  # InterPodAffinityArgs default


def _term_namespaces(term):
    return None if (not term.ns_selector.nothing and term.ns_selector.empty()) else term.namespaces


def _matches_all(terms, pi) -> bool:
    """podMatchesAllAffinityTerms (false for no terms)."""
    return bool(terms) and all(t.matches(pi, None) for t in terms)


def _bump(counts: dict, node, tk: str, value: int) -> None:
    tv = node.labels.get(tk)
    if tv is not None:
        pair = (tk, tv)
        n = counts.get(pair, 0) + value
        if n:
            counts[pair] = n
        else:
            counts.pop(pair, None)


class _FilterState:
    """preFilterState: the three topology-pair counters, the parsed pod, its namespace labels."""

    __slots__ = ("existing_anti", "affinity", "anti", "required_affinity", "required_anti", "ns_labels", "pod")

    def clone(self):
        c = _FilterState()
        c.existing_anti, c.affinity, c.anti = dict(self.existing_anti), dict(self.affinity), dict(self.anti)
        c.required_affinity, c.required_anti = self.required_affinity, self.required_anti
        c.ns_labels, c.pod = self.ns_labels, self.pod
        return c

    def update_with_pod(self, other, node, sign: int) -> None:
        """updateWithPod: ``other`` added to (1) or removed from (-1) ``node``."""
        for t in other.required_anti_affinity:
            if t.matches(self.pod, self.ns_labels):
                _bump(self.existing_anti, node, t.topology_key, sign)
        if _matches_all(self.required_affinity, other):
            for t in self.required_affinity:
                _bump(self.affinity, node, t.topology_key, sign)
        for t in self.required_anti:
            if t.matches(other, None):
                _bump(self.anti, node, t.topology_key, sign)


class InterPodAffinity:
    name = "InterPodAffinity"
    EVENTS = frozenset({"AssignedPodAdd", "AssignedPodUpdate", "AssignedPodDelete", "NodeAdd", "NodeUpdate"})

    def __init__(self, handle=None):
        self.handle = handle

    # ------------------------------------------------------------------ helpers
    def _merged(self, terms):
        """mergeAffinityTermNamespacesIfNotEmpty: namespaces selected by a namespaceSelector are
        listed, and the selector then matches nothing."""
        out = []
        for t in terms:
            sel = t.ns_selector
            if sel.nothing or sel.empty():
                out.append(t)
                continue
            names = set(t.namespaces)
            for name, labels in self.handle.namespaces():
                if sel.matches(labels):
                    names.add(name)
            out.append(t.with_namespaces(frozenset(names), NOTHING))
        return out

    def _ns_labels(self, namespace: str) -> dict:
        return self.handle.namespace_labels(namespace) if self.handle is not None else {}

    # ------------------------------------------------------------------ PreFilter / Filter
    def pre_filter(self, state, pod, snapshot):
        if pod.parse_error:
            return None, Status(UNRESOLVABLE, f"parsing pod: {pod.parse_error}")
        s = _FilterState()
        s.pod = pod
        s.required_affinity = self._merged(pod.required_affinity)
        s.required_anti = self._merged(pod.required_anti_affinity)
        s.ns_labels = self._ns_labels(pod.namespace)
        index = snapshot.index
        get = snapshot.get
        s.existing_anti = {}
        for term, per_node in index.term_groups("required_anti_affinity"):
            if term.matches(pod, s.ns_labels):
                for name, n in per_node.items():
                    ni = get(name)
                    if ni is not None:
                        _bump(s.existing_anti, ni, term.topology_key, n)
        s.affinity, s.anti = {}, {}
        if s.required_affinity:
            for name, n in index.count_matching_all(s.required_affinity).items():
                ni = get(name)
                if ni is not None:
                    for t in s.required_affinity:
                        _bump(s.affinity, ni, t.topology_key, n)
        for t in s.required_anti:
            for name, n in index.count_by_node(_term_namespaces(t), t.selector).items():
                ni = get(name)
                if ni is not None:
                    _bump(s.anti, ni, t.topology_key, n)
        if not s.existing_anti and not s.required_affinity and not s.required_anti:
            return None, Status(SKIP)
        state[self.name] = s
        return None, None

    def add_pod(self, state, pod, other, node):
        state[self.name].update_with_pod(other, node, 1)

    def remove_pod(self, state, pod, other, node):
        state[self.name].update_with_pod(other, node, -1)

    def filter(self, state, pod, node):
        s = state[self.name]
        labels = node.labels
        if s.required_affinity:
            exist = True
            for t in s.required_affinity:
                tv = labels.get(t.topology_key)
                if tv is None:
                    return Status(UNRESOLVABLE, REASON_AFFINITY)
                if s.affinity.get((t.topology_key, tv), 0) <= 0:
                    exist = False
            if not exist and not (not s.affinity and _matches_all(s.required_affinity, pod)):
                return Status(UNRESOLVABLE, REASON_AFFINITY)
        if s.anti:
            for t in s.required_anti:
                tv = labels.get(t.topology_key)
                if tv is not None and s.anti.get((t.topology_key, tv), 0) > 0:
                    return Status(UNSCHEDULABLE, REASON_ANTI_AFFINITY)
        if s.existing_anti:
            counts = s.existing_anti
            for pair in labels.items():
                if counts.get(pair, 0) > 0:
                    return Status(UNSCHEDULABLE, REASON_EXISTING_ANTI_AFFINITY)
        return None

    # ------------------------------------------------------------------ Score
    def pre_score(self, state, pod, nodes, snapshot):
        spec_aff = pod.spec.get("affinity") or {}
        has_constraints = bool(((spec_aff.get("podAffinity") or {})
                                .get("preferredDuringSchedulingIgnoredDuringExecution")) or
                               ((spec_aff.get("podAntiAffinity") or {})
                                .get("preferredDuringSchedulingIgnoredDuringExecution")))
        ns_labels = self._ns_labels(pod.namespace)
        index = snapshot.index
        get = snapshot.get
        score: dict = {}

        def add(term_tk, per_node, value):
            for name, n in per_node.items():
                ni = get(name)
                if ni is None or not ni.labels:
                    continue
                tv = ni.labels.get(term_tk)
                if tv is not None:
                    m = score.setdefault(term_tk, {})
                    m[tv] = m.get(tv, 0) + value * n

        if has_constraints:
            for sign, terms in ((1, pod.preferred_affinity), (-1, pod.preferred_anti_affinity)):
                for t in self._merged(terms):
                    add(t.topology_key, index.count_by_node(_term_namespaces(t), t.selector), sign * t.weight)
        for kind, weight_of in (("required_affinity", lambda t: HARD_POD_AFFINITY_WEIGHT),
                                ("preferred_affinity", lambda t: t.weight),
                                ("preferred_anti_affinity", lambda t: -t.weight)):
            for term, per_node in index.term_groups(kind):
                if term.matches(pod, ns_labels):
                    add(term.topology_key, per_node, weight_of(term))
        if not score:
            return Status(SKIP)
        state[self.name + "/score"] = score
        return None

    def score(self, state, pod, node):
        total = 0
        labels = node.labels
        for tk, values in state[self.name + "/score"].items():
            tv = labels.get(tk)
            if tv is not None:
                total += values.get(tv, 0)
        return total

    def normalize(self, state, pod, scores, nodes):
        if not scores:
            return
        lo, hi = min(scores), max(scores)
        diff = hi - lo
        for i, s in enumerate(scores):
            scores[i] = int(float(MAX_NODE_SCORE) * ((s - lo) / diff)) if diff > 0 else 0

    # ------------------------------------------------------------------ queueing hints
    def queueing_hint(self, event, pod, old, new):
        if event.startswith("Assigned"):
            if event == "AssignedPodUpdate":
                return (not _matches_all(pod.required_affinity, old) and _matches_all(pod.required_affinity, new)) \
                    or (_matches_all(pod.required_anti_affinity, old) and
                        not _matches_all(pod.required_anti_affinity, new))
            if event == "AssignedPodAdd":
                return _matches_all(pod.required_affinity, new)
            return _matches_all(pod.required_anti_affinity, old) or _matches_all(old.required_anti_affinity, pod)
        # isSchedulableAfterNodeChange: a node that gains (or changes) an affinity term's
        # topology label, or any new node / lost or changed label for an anti-affinity term.
        # A pod rejected only by *existing* pods' anti-affinity is not requeued by node events.
        if new is None:
            return False
        for t in pod.required_affinity:
            if old is None:
                if t.topology_key in new.labels:
                    return True
                continue
            if t.topology_key in new.labels and old.labels.get(t.topology_key) != new.labels[t.topology_key]:
                return True
        for t in pod.required_anti_affinity:
            if old is None:
                return True
            if t.topology_key in old.labels and old.labels.get(t.topology_key) != new.labels.get(t.topology_key):
                return True
        return False
