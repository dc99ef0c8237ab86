"""NodePorts (plugins/nodeports/node_ports.go).

PreFilter: Skip for pods without ``hostPort``. Filter: a wanted (hostIP, protocol,
hostPort) conflicts with one in use on the node; ``0.0.0.0`` (the default hostIP)
conflicts with any IP and any IP conflicts with ``0.0.0.0`` (``HostPortInfo.CheckConflict``):
``node(s) didn't have free ports for the requested pod ports``, Unschedulable.
"""
from __future__ import annotations

from ..framework import SKIP, UNSCHEDULABLE, Status

__all__ = ["NodePorts", "REASON", "fits_ports"]

REASON = "node(s) didn't have free ports for the requested pod ports"
_ANY = "0.0.0.0"


def fits_ports(wanted, used) -> bool:
    for ip, proto, port in wanted:
        if ip == _ANY:
            if any(u[1] == proto and u[2] == port for u in used):
                return False
        elif (_ANY, proto, port) in used or (ip, proto, port) in used:
            return False
    return True


class NodePorts:
    name = "NodePorts"
    EVENTS = frozenset({"NodeAdd", "AssignedPodDelete"})

    def pre_filter(self, state, pod, snapshot):
        if not pod.host_ports:
            return None, Status(SKIP)
        return None, None

    def filter(self, state, pod, node):
        if fits_ports(pod.host_ports, node.used_ports):
            return None
        return Status(UNSCHEDULABLE, REASON)

    def queueing_hint(self, event, pod, old, new):
        if event == "AssignedPodDelete":
            return bool(old.host_ports) and not fits_ports(pod.host_ports, set(old.host_ports))
        return True
