"""VolumeBinding (plugins/volumebinding/volume_binding.go) — a stub until the storage chapter.

Upstream it checks that the pod's PersistentVolumeClaims are bound or can be bound on the
node (Filter), binds them (Reserve/PreBind) and, with StorageCapacityScoring, scores nodes
by free capacity. The simulator has no PersistentVolume binding yet, so this plugin
always answers *Skip* in PreFilter and PreScore, exactly what upstream does for a pod
without PVCs: it never rejects a node and never adds to a score. It is in the profile so
the plugin list and its order match kube-scheduler's; the storage chapter replaces it.
"""
from __future__ import annotations

from ..framework import SKIP, Status

__all__ = ["VolumeBinding"]


class VolumeBinding:
    name = "VolumeBinding"

    def pre_filter(self, state, pod, snapshot):
        return None, Status(SKIP)

    def filter(self, state, pod, node):
        return None

    def pre_score(self, state, pod, nodes, snapshot):
        return Status(SKIP)

    def score(self, state, pod, node):
        return 0
