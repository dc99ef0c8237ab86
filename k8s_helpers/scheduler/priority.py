"""A pod's priority from its PriorityClass (plugin/pkg/admission/priority/admission.go).

Upstream the Priority admission plugin resolves ``spec.priorityClassName`` when the pod is
created and writes ``spec.priority`` (and ``spec.preemptionPolicy`` from the class); the
built-in classes are ``system-cluster-critical`` (2000000000) and ``system-node-critical``
(2000001000); a pod without a class gets the ``globalDefault: true`` class (the lowest
value if several), else priority 0. The simulator has no such admission step yet and its
defaulting writes ``priority: 0`` to every pod, so the scheduler resolves the class itself
each time it reads a pod: a named class wins over the defaulted 0; a class that does not
exist leaves ``spec.priority`` as it is (the API server would have refused the pod).
"""
from __future__ import annotations

__all__ = ["resolve_priority", "SYSTEM_PRIORITY_CLASSES"]

SYSTEM_PRIORITY_CLASSES = {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}


def resolve_priority(spec: dict, classes) -> tuple[int, str]:
    """(priority, preemptionPolicy) for a pod spec; ``classes`` lists PriorityClass objects."""
    name = spec.get("priorityClassName")
    policy = spec.get("preemptionPolicy") or "PreemptLowerPriority"
    if name:
        if name in SYSTEM_PRIORITY_CLASSES:
            return SYSTEM_PRIORITY_CLASSES[name], policy
        for pc in classes:
            if pc["metadata"]["name"] == name:
                return int(pc.get("value") or 0), pc.get("preemptionPolicy") or policy
        return int(spec.get("priority") or 0), policy
    defaults = [pc for pc in classes if pc.get("globalDefault")]
    if defaults:
        pc = min(defaults, key=lambda p: int(p.get("value") or 0))
        return int(pc.get("value") or 0), pc.get("preemptionPolicy") or policy
    return int(spec.get("priority") or 0), policy
