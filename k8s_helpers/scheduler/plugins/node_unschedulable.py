"""NodeUnschedulable plugin: cordoned nodes (``kubectl cordon``, spec.unschedulable).

A node with ``spec.unschedulable: true`` takes no new pods unless they tolerate
the ``node.kubernetes.io/unschedulable:NoSchedule`` taint (TNT-1 matching):
"node(s) were unschedulable".
"""
from __future__ import annotations

from ..framework import Status
from .taint_toleration import tolerates

__all__ = ["NodeUnschedulable"]

_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


class NodeUnschedulable:
    name = "NodeUnschedulable"

    def filter(self, state, pod, node_info):
        if not node_info.node["spec"].get("unschedulable"):
            return None
        if any(tolerates(t, _TAINT) for t in pod["spec"].get("tolerations") or ()):
            return None
        return Status("node(s) were unschedulable", unresolvable=True)
