"""The default profile of kube-scheduler 1.36 (pkg/scheduler/apis/config/v1/default_plugins.go; SCH-2).

MultiPoint order, which is the order of every extension point: SchedulingGates,
PrioritySort, NodeUnschedulable, NodeName, TaintToleration (weight 3), NodeAffinity (2),
NodePorts, NodeResourcesFit (1, LeastAllocated), VolumeRestrictions, NodeVolumeLimits,
VolumeBinding, VolumeZone, PodTopologySpread (2), InterPodAffinity (2), DefaultPreemption,
NodeResourcesBalancedAllocation (1), ImageLocality (1), DefaultBinder.

Left out because the simulator has nothing they act on yet: SchedulingGates (no
``schedulingGates`` support), VolumeRestrictions, NodeVolumeLimits, VolumeZone (no
volumes with zones or attach limits) and DynamicResources (no ResourceClaims);
VolumeBinding is a stub that always skips (see its module). Binding is ``Cluster._bind``.
"""
from __future__ import annotations

__all__ = ["WEIGHTS", "PLUGIN_ORDER", "default_framework"]

PLUGIN_ORDER = ("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts",
                "NodeResourcesFit", "VolumeBinding", "PodTopologySpread", "InterPodAffinity",
                "DefaultPreemption", "NodeResourcesBalancedAllocation", "ImageLocality")
WEIGHTS = {"TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1, "PodTopologySpread": 2,
           "InterPodAffinity": 2, "NodeResourcesBalancedAllocation": 1, "ImageLocality": 1}


def default_framework(handle=None):
    """The profile's plugins, in order, bound to ``handle`` (the scheduler's view of the cluster)."""
    from .framework import Framework
    from .plugins.balanced_allocation import BalancedAllocation
    from .plugins.default_preemption import DefaultPreemption
    from .plugins.image_locality import ImageLocality
    from .plugins.inter_pod_affinity import InterPodAffinity
    from .plugins.node_affinity import NodeAffinity
    from .plugins.node_name import NodeName
    from .plugins.node_ports import NodePorts
    from .plugins.node_resources_fit import NodeResourcesFit
    from .plugins.node_unschedulable import NodeUnschedulable
    from .plugins.pod_topology_spread import PodTopologySpread
    from .plugins.taint_toleration import TaintToleration
    from .plugins.volume_binding import VolumeBinding

    plugins = [NodeUnschedulable(), NodeName(), TaintToleration(), NodeAffinity(), NodePorts(),
               NodeResourcesFit(), VolumeBinding(), PodTopologySpread(handle), InterPodAffinity(handle),
               DefaultPreemption(handle), BalancedAllocation(), ImageLocality()]
    assert tuple(p.name for p in plugins) == PLUGIN_ORDER
    fw = Framework(plugins, WEIGHTS)
    fw.handle = handle
    if handle is not None:
        handle.framework = fw
    return fw
