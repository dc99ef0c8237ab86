"""The scheduler's cache of nodes and assigned pods (pkg/scheduler/backend/cache).

Nodes are kept in a node tree (node_tree.go): grouped by zone key (region and zone
labels) in order of arrival, and listed zone by zone, round-robin, so consecutive
nodes come from different zones. That order, with ``nextStartNodeIndex``, decides
which nodes a cycle looks at when the cluster has 100 nodes or more.

Every change produces a new ``NodeInfo`` (copy-on-write) and a new version; past
versions are kept so ``snapshot_at(version)`` can rebuild the nodes exactly as one
past scheduling attempt saw them (``Cluster.explain_scheduling`` replays that
attempt lazily instead of recording every plugin's result for every pod).
"""
from __future__ import annotations

from bisect import bisect_right

from .node_info import NodeInfo
from .snapshot import PodIndex, Snapshot, node_flags

__all__ = ["SchedulerCache"]


class SchedulerCache:
    def __init__(self):
        self.nodes: dict[str, NodeInfo] = {}
        self.pods: dict[tuple, object] = {}       # pod key -> PodInfo (assigned pods)
        self.index = PodIndex()
        self.version = 0
        self._zones: list[str] = []
        self._tree: dict[str, list[str]] = {}
        self._order: list[str] = []
        self._order_history: list[tuple[int, tuple]] = [(0, ())]
        self._history: dict[str, tuple[list, list]] = {}   # node -> ([versions], [NodeInfo | None])
        self._list_cache = None
        self._flags: dict[str, tuple[bool, bool]] = {}      # node -> (cordoned, NoSchedule/NoExecute taint)
        self._n_flags = [0, 0]
        self._image_nodes: dict[str, int] = {}              # image name -> nodes that have it

    # ------------------------------------------------------------------ versions
    def _set(self, name: str, ni: NodeInfo | None) -> None:
        self.version += 1
        old = self.nodes.get(name)
        if old is not None and (ni is None or old.images is not ni.images):
            for img in old.images:
                self._image_nodes[img] -= 1
        if ni is not None and (old is None or old.images is not ni.images):
            for img in ni.images:
                self._image_nodes[img] = self._image_nodes.get(img, 0) + 1
        flags = self._flags.pop(name, None)
        if flags is not None:
            self._n_flags[0] -= flags[0]
            self._n_flags[1] -= flags[1]
        if ni is None:
            self.nodes.pop(name, None)
        else:
            self.nodes[name] = ni
            flags = self._flags[name] = node_flags(ni)
            self._n_flags[0] += flags[0]
            self._n_flags[1] += flags[1]
        versions, infos = self._history.setdefault(name, ([], []))
        versions.append(self.version)
        infos.append(ni)
        self._list_cache = None

    # ------------------------------------------------------------------ node tree
    def _relist(self) -> None:
        out = []
        i = 0
        total = sum(len(v) for v in self._tree.values())
        while len(out) < total:
            for z in self._zones:
                names = self._tree[z]
                if i < len(names):
                    out.append(names[i])
            i += 1
        self._order = out
        self._order_history.append((self.version, tuple(out)))

    def _tree_add(self, name: str, zone: str) -> None:
        if zone not in self._tree:
            self._zones.append(zone)
            self._tree[zone] = []
        self._tree[zone].append(name)

    def _tree_remove(self, name: str, zone: str) -> None:
        names = self._tree.get(zone)
        if names and name in names:
            names.remove(name)
            if not names:
                del self._tree[zone]
                self._zones.remove(zone)

    # ------------------------------------------------------------------ nodes
    def add_node(self, node: dict) -> NodeInfo:
        ni = NodeInfo(node)
        self._set(ni.name, ni)
        self._tree_add(ni.name, ni.zone_key)
        self._relist()
        return ni

    def update_node(self, node: dict) -> tuple[NodeInfo, NodeInfo]:
        """A changed Node object (labels, taints, unschedulable): (old, new) NodeInfo."""
        name = node["metadata"]["name"]
        old = self.nodes[name]
        new = old.with_node(node)
        self._set(name, new)
        if old.zone_key != new.zone_key:
            self._tree_remove(name, old.zone_key)
            self._tree_add(name, new.zone_key)
            self._relist()
        return old, new

    def remove_node(self, name: str) -> NodeInfo | None:
        old = self.nodes.get(name)
        if old is None:
            return None
        for pi in list(old.pods):
            self.index.remove(pi, name)
            self.pods.pop(pi.key, None)
        self._set(name, None)
        self._tree_remove(name, old.zone_key)
        self._relist()
        return old

    # ------------------------------------------------------------------ pods
    def add_pod(self, pi) -> None:
        """An assigned pod (``pi.node_name`` set): it counts on its node from now on."""
        ni = self.nodes.get(pi.node_name)
        if ni is None or pi.key in self.pods:
            return
        ni = ni.clone()
        ni.add_pod(pi)
        self._set(ni.name, ni)
        self.pods[pi.key] = pi
        self.index.add(pi, ni.name)

    def remove_pod(self, key: tuple):
        pi = self.pods.pop(key, None)
        if pi is None:
            return None
        ni = self.nodes.get(pi.node_name)
        if ni is not None:
            ni = ni.clone()
            ni.remove_pod(pi)
            self._set(ni.name, ni)
            self.index.remove(pi, ni.name)
        return pi

    def update_pod(self, pi) -> object | None:
        """Replace an assigned pod's info (labels changed, deletion started): the old one."""
        old = self.pods.get(pi.key)
        if old is None:
            return None
        ni = self.nodes.get(old.node_name)
        if ni is not None:
            ni = ni.clone()
            ni.remove_pod(old)
            ni.add_pod(pi)
            self._set(ni.name, ni)
            self.index.remove(old, ni.name)
            self.index.add(pi, ni.name)
        self.pods[pi.key] = pi
        return old

    def history_size(self) -> int:
        return sum(len(v) for v, _ in self._history.values())

    def prune(self, oldest_needed: int) -> None:
        """Forget versions no kept attempt can ask for: per node, everything before its last
        version at or before ``oldest_needed``."""
        for name, (versions, infos) in list(self._history.items()):
            j = bisect_right(versions, oldest_needed) - 1
            if j > 0:
                del versions[:j]
                del infos[:j]
            if versions and infos[-1] is None and versions[-1] <= oldest_needed:
                del self._history[name]
        i = bisect_right([v for v, _ in self._order_history], oldest_needed) - 1
        if i > 0:
            del self._order_history[:i]

    # ------------------------------------------------------------------ snapshots
    def node_list(self) -> list[NodeInfo]:
        if self._list_cache is None:
            nodes = self.nodes
            self._list_cache = [nodes[n] for n in self._order]
        return self._list_cache

    def snapshot(self) -> Snapshot:
        """UpdateSnapshot: the current nodes (shared, never mutated afterwards) and the live index."""
        snap = Snapshot(self.node_list(), self.index, self.version)
        snap.any_unschedulable = self._n_flags[0] > 0
        snap.any_do_not_schedule_taint = self._n_flags[1] > 0
        snap._image_nodes = self._image_nodes
        return snap

    def snapshot_at(self, version: int) -> Snapshot:
        """The nodes as they were at ``version`` (a past cycle), with a freshly built index."""
        i = bisect_right([v for v, _ in self._order_history], version) - 1
        order = self._order_history[max(i, 0)][1]
        nodes = []
        for name in order:
            versions, infos = self._history[name]
            j = bisect_right(versions, version) - 1
            if j >= 0 and infos[j] is not None:
                nodes.append(infos[j])
        return Snapshot(nodes, None, version)

