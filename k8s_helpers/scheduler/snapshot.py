"""The nodes one scheduling cycle sees, and an index of their pods (backend/cache/snapshot.go).

``Snapshot`` is the list of ``NodeInfo`` in the node tree's order (zones round-robin),
with the lists of nodes holding pods with (anti-)affinity, and the number of nodes that
have each image (ImageLocality's spread).

``PodIndex`` answers "how many pods matching this selector, in these namespaces, on each
node?" without looking at every pod: per ``(namespace, label key, value)`` it keeps the
per-node counts and the pods. Inter-pod affinity and topology spreading build exactly
the topology counts upstream builds in PreFilter/PreScore (interpodaffinity/filtering.go
``getIncomingAffinityAntiAffinityCounts``, podtopologyspread/filtering.go
``calPreFilterState``), but from the index, so a cycle costs O(nodes + matching pods)
instead of O(all pods). Existing pods' affinity terms are grouped by identical term
(a Deployment's replicas share theirs): one match test per group, then per-node counts.
"""
from __future__ import annotations

__all__ = ["Snapshot", "PodIndex"]

_EQ_OPS = ("in", "=", "==")
TERM_KINDS = ("required_affinity", "required_anti_affinity", "preferred_affinity", "preferred_anti_affinity")


class PodIndex:
    """Pods assigned to nodes, indexed by namespace and label (see the module docstring)."""

    def __init__(self):
        self.counts: dict = {}      # (ns, key, value) -> {node: count}
        self.by_label: dict = {}    # (ns, key, value) -> {pod key: PodInfo}
        self.by_ns: dict = {}       # ns -> {pod key: PodInfo}
        self.terminating: dict = {}  # pod key -> PodInfo
        self.groups: dict = {}      # (kind, term signature) -> [term, {node: count}]

    @classmethod
    def build(cls, nodes) -> "PodIndex":
        idx = cls()
        for ni in nodes:
            for pi in ni.pods:
                idx.add(pi, ni.name)
        return idx

    def add(self, pi, node: str) -> None:
        self._update(pi, node, 1)

    def remove(self, pi, node: str) -> None:
        self._update(pi, node, -1)

    def _update(self, pi, node: str, sign: int) -> None:
        ns, key = pi.namespace, pi.key
        for k, v in pi.labels.items():
            lk = (ns, k, v)
            c = self.counts.get(lk)
            if c is None:
                c = self.counts[lk] = {}
                self.by_label[lk] = {}
            n = c.get(node, 0) + sign
            if n:
                c[node] = n
            else:
                c.pop(node, None)
            if sign > 0:
                self.by_label[lk][key] = pi
            else:
                self.by_label[lk].pop(key, None)
        if sign > 0:
            self.by_ns.setdefault(ns, {})[key] = pi
            if pi.terminating:
                self.terminating[key] = pi
        else:
            self.by_ns.get(ns, {}).pop(key, None)
            self.terminating.pop(key, None)
        if pi.has_affinity:
            for kind in TERM_KINDS:
                for t in getattr(pi, kind):
                    gk = (kind, t.signature)
                    g = self.groups.get(gk)
                    if g is None:
                        g = self.groups[gk] = [t, {}]
                    n = g[1].get(node, 0) + sign
                    if n:
                        g[1][node] = n
                    else:
                        g[1].pop(node, None)
                        if not g[1]:
                            del self.groups[gk]

    # ------------------------------------------------------------------ queries
    def _namespaces(self, namespaces):
        return list(self.by_ns) if namespaces is None else namespaces

    def candidates(self, namespaces, selector):
        """Pods that may match ``selector`` in ``namespaces`` (None = all): those carrying the
        most selective equality requirement's label, else every pod of those namespaces."""
        nss = self._namespaces(namespaces)
        best = None
        for r in selector.requirements:
            if r.operator in _EQ_OPS:
                size = sum(len(self.by_label.get((ns, r.key, v), ())) for ns in nss for v in r.values)
                if best is None or size < best[0]:
                    best = (size, r)
        if best is None:
            for ns in nss:
                yield from self.by_ns.get(ns, {}).values()
            return
        r = best[1]
        for ns in nss:
            for v in r.values:
                yield from self.by_label.get((ns, r.key, v), {}).values()

    def count_by_node(self, namespaces, selector, skip_terminating: bool = False) -> dict:
        """{node: number of pods in ``namespaces`` (None = all) whose labels match ``selector``}."""
        if selector.nothing:
            return {}
        reqs = selector.requirements
        if len(reqs) == 1 and reqs[0].operator in _EQ_OPS:
            r = reqs[0]
            out: dict = {}
            for ns in self._namespaces(namespaces):
                for v in r.values:
                    c = self.counts.get((ns, r.key, v))
                    if c:
                        for node, n in c.items():
                            out[node] = out.get(node, 0) + n
            if skip_terminating and self.terminating:
                for pi in self.terminating.values():
                    if (namespaces is None or pi.namespace in namespaces) and selector.matches(pi.labels):
                        out[pi.node_name] -= 1
            return out
        out = {}
        match = selector.matches
        for pi in self.candidates(namespaces, selector):
            if skip_terminating and pi.terminating:
                continue
            if match(pi.labels):
                out[pi.node_name] = out.get(pi.node_name, 0) + 1
        return out

    def count_matching_all(self, terms) -> dict:
        """{node: pods matching every term (namespaces and selector)} (``podMatchesAllAffinityTerms``)."""
        if len(terms) == 1:
            return self.count_by_node(_term_namespaces(terms[0]), terms[0].selector)
        out: dict = {}
        first = terms[0]
        for pi in self.candidates(_term_namespaces(first), first.selector):
            if all(t.matches(pi, None) for t in terms):
                out[pi.node_name] = out.get(pi.node_name, 0) + 1
        return out

    def term_groups(self, kind: str):
        """[(term, {node: count})] of the existing pods' terms of ``kind``."""
        return [(g[0], g[1]) for (k, _), g in self.groups.items() if k == kind]


def _term_namespaces(term):
    """Namespaces an incoming pod's term covers: None (all) for ``namespaceSelector: {}``."""
    if not term.ns_selector.nothing and term.ns_selector.empty():
        return None
    return term.namespaces


def node_flags(ni) -> tuple[bool, bool]:
    """(cordoned, has a NoSchedule or NoExecute taint): lets a cycle skip filters that cannot fail."""
    return ni.unschedulable, any(t.get("effect") in ("NoSchedule", "NoExecute") for t in ni.taints)


class Snapshot:
    """The nodes of one cycle, in the node tree's order, and what plugins derive from them.

    ``any_unschedulable`` / ``any_do_not_schedule_taint`` say whether some node is cordoned or
    has a NoSchedule/NoExecute taint (a filter that cannot reject any node is not run on each
    node; the outcome is the same)."""

    def __init__(self, nodes: list, index: PodIndex | None = None, version: int = 0):
        self.nodes = nodes
        self.version = version
        flags = [node_flags(n) for n in nodes] if index is None else ()
        self.any_unschedulable = any(f[0] for f in flags)
        self.any_do_not_schedule_taint = any(f[1] for f in flags)
        self._by_name = None
        self._index = index
        self._have_affinity = None
        self._have_required_anti = None
        self._image_nodes = None

    @property
    def by_name(self) -> dict:
        if self._by_name is None:
            self._by_name = {n.name: n for n in self.nodes}
        return self._by_name

    def get(self, name: str):
        return self.by_name.get(name)

    @property
    def index(self) -> PodIndex:
        if self._index is None:
            self._index = PodIndex.build(self.nodes)
        return self._index

    def have_pods_with_affinity(self) -> list:
        if self._have_affinity is None:
            self._have_affinity = [n for n in self.nodes if n.pods_with_affinity]
        return self._have_affinity

    def have_pods_with_required_anti_affinity(self) -> list:
        if self._have_required_anti is None:
            self._have_required_anti = [n for n in self.nodes if n.pods_with_required_anti_affinity]
        return self._have_required_anti

    def image_num_nodes(self, name: str) -> int:
        """ImageStateSummary.NumNodes: how many nodes report the image."""
        if self._image_nodes is None:
            counts: dict = {}
            for n in self.nodes:
                for img in n.images:
                    counts[img] = counts.get(img, 0) + 1
            self._image_nodes = counts
        return self._image_nodes.get(name, 0)

    def __len__(self) -> int:
        return len(self.nodes)
