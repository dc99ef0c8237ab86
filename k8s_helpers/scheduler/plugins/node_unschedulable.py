"""NodeUnschedulable (plugins/nodeunschedulable/node_unschedulable.go).

A cordoned node (``spec.unschedulable: true``) takes no new pod unless the pod tolerates
the ``node.kubernetes.io/unschedulable:NoSchedule`` taint (TNT-1 matching):
``node(s) were unschedulable``, UnschedulableAndUnresolvable.
"""
from __future__ import annotations

from ..framework import UNRESOLVABLE, Status
from .taint_toleration import tolerations_tolerate

__all__ = ["NodeUnschedulable", "REASON"]

REASON = "node(s) were unschedulable"
_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


class NodeUnschedulable:
    name = "NodeUnschedulable"
    EVENTS = frozenset({"NodeAdd", "NodeUpdate"})

    @staticmethod
    def passes_all(pod, snapshot) -> bool:
        return not snapshot.any_unschedulable

    def filter(self, state, pod, node):
        if not node.unschedulable:
            return None
        if tolerations_tolerate(pod.spec.get("tolerations"), _TAINT):
            return None
        return Status(UNRESOLVABLE, REASON)

    def queueing_hint(self, event, pod, old, new):
        """isSchedulableAfterNodeChange: the node is (now) schedulable."""
        return new is not None and not new.unschedulable
