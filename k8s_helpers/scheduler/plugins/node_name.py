"""NodeName plugin (SCH-1).

A pod that already has ``spec.nodeName`` never reaches the scheduler: it goes
straight to that node's kubelet, which only checks that its requests fit
(OutOfcpu/OutOfmemory) and ignores NoSchedule taints. The filter exists for
completeness: it rejects every other node ("node(s) didn't match the
requested node name").
"""
from __future__ import annotations

from ..framework import Status

__all__ = ["NodeName"]


class NodeName:
    name = "NodeName"

    def filter(self, state, pod, node_info):
        wanted = pod["spec"].get("nodeName")
        if not wanted or wanted == node_info.name:
            return None
        return Status("node(s) didn't match the requested node name", unresolvable=True)
