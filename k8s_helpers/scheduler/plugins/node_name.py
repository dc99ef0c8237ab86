"""NodeName (plugins/nodename/node_name.go).

Rejects every node but ``spec.nodeName`` when it is set: ``node(s) didn't match the
requested node name`` (UnschedulableAndUnresolvable). In practice a pod that already has
``spec.nodeName`` never reaches the scheduler (SCH-1): it goes straight to that node's
kubelet, which only admits it (``Cluster._kubelet_admission``).
"""
from __future__ import annotations

from ..framework import UNRESOLVABLE, Status

__all__ = ["NodeName", "REASON"]

REASON = "node(s) didn't match the requested node name"


class NodeName:
    name = "NodeName"
    EVENTS = frozenset({"NodeAdd"})

    @staticmethod
    def passes_all(pod, snapshot) -> bool:
        return not pod.node_name

    def filter(self, state, pod, node):
        wanted = pod.node_name
        if not wanted or wanted == node.name:
            return None
        return Status(UNRESOLVABLE, REASON)

    def queueing_hint(self, event, pod, old, new):
        return new is not None and new.name == pod.node_name
