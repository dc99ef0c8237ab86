"""Pod QoS class (QOS-1), as pkg/apis/core/helper/qos computes it.

BestEffort: no cpu/memory request or limit in any container; Guaranteed: every
container (init containers included) has cpu and memory limits and its requests
equal its limits; Burstable otherwise.
"""
from __future__ import annotations

__all__ = ["qos_class"]

_COMPUTE = ("cpu", "memory")


def _q(v):
    from k8s_helpers.api.quantity import parse_quantity
    try:
        return parse_quantity(v).value
    except (ValueError, TypeError):
        return None


def qos_class(spec: dict) -> str:
    """``BestEffort``, ``Burstable`` or ``Guaranteed`` for a (defaulted) PodSpec (QOS-1)."""
    containers = list(spec.get("initContainers") or []) + list(spec.get("containers") or [])
    any_set = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req = {k: v for k, v in (res.get("requests") or {}).items() if k in _COMPUTE and _q(v)}
        lim = {k: v for k, v in (res.get("limits") or {}).items() if k in _COMPUTE and _q(v)}
        if req or lim:
            any_set = True
        if set(lim) != set(_COMPUTE):
            guaranteed = False
        for k in _COMPUTE:
            if k in req and k in lim and _q(req[k]) != _q(lim[k]):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"
