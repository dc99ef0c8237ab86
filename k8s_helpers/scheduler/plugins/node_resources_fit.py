"""NodeResourcesFit plugin (FIT-1 filter, RES-2/RES-3 requests, SCH-3 LeastAllocated score).

Pod request (RES-3, component-helpers PodRequests): per resource, the larger of
(sum over app containers and sidecars) and (max over init containers of its
request + the sidecars declared before it), plus ``overhead``. Only requests
count (RES-2); defaulting already copied lone limits into requests.

Filter (FIT-1): reject when pods on the node + 1 > allocatable pods ("Too many
pods"), or, for each resource the pod requests (> 0), when request >
allocatable - already requested ("Insufficient cpu", "Insufficient memory",
"Insufficient nvidia.com/gpu"). Preemption could help, so these reasons are
"resolvable".

Score (LeastAllocated): per resource ((allocatable - requested) x 100) /
allocatable, where requested counts the node's pods plus this one and a
container without a request counts 100m cpu / 200Mi memory; cpu and memory
weigh 1 each; the scores are averaged.

Quantities are kept as integers in milli-units (``1`` cpu = 1000; ``1Mi`` memory =
1048576000).
"""
from __future__ import annotations

from ..framework import Status

__all__ = ["NodeResourcesFit", "pod_requests", "nonzero_requests", "resource_list_milli"]

DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024


def resource_list_milli(resources: dict | None) -> dict:
    from k8s_helpers.api.quantity import parse_quantity

    out = {}
    for name, value in (resources or {}).items():
        try:
            out[name] = parse_quantity(value).milli
        except (ValueError, TypeError):
            continue
    return out


def _add(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


def pod_requests(spec: dict) -> dict:
    """RES-3: the pod's effective requests in milli-units per resource."""
    apps = {}
    for c in spec.get("containers") or ():
        apps = _add(apps, resource_list_milli((c.get("resources") or {}).get("requests")))
    sidecars = {}
    init_max = {}
    for c in spec.get("initContainers") or ():
        req = resource_list_milli((c.get("resources") or {}).get("requests"))
        if c.get("restartPolicy") == "Always":
            sidecars = _add(sidecars, req)
            apps = _add(apps, req)
            candidate = sidecars
        else:
            candidate = _add(req, sidecars)
        for k, v in candidate.items():
            init_max[k] = max(init_max.get(k, 0), v)
    total = dict(apps)
    for k, v in init_max.items():
        total[k] = max(total.get(k, 0), v)
    total = _add(total, resource_list_milli(spec.get("overhead")))
    return {k: v for k, v in total.items() if v}


def nonzero_requests(spec: dict) -> dict:
    """cpu/memory requests for scoring, with 100m / 200Mi for containers without one (SCH-3)."""
    cpu = mem = 0
    for c in list(spec.get("containers") or ()) + [c for c in spec.get("initContainers") or ()
                                                  if c.get("restartPolicy") == "Always"]:
        req = resource_list_milli((c.get("resources") or {}).get("requests"))
        cpu += req.get("cpu") or DEFAULT_MILLI_CPU
        mem += req.get("memory") or DEFAULT_MEMORY * 1000
    return {"cpu": cpu, "memory": mem}


class NodeResourcesFit:
    name = "NodeResourcesFit"

    def pre_filter(self, state, pod):
        cache = pod.get("_sim_requests")
        if cache is None:
            cache = (pod_requests(pod["spec"]), nonzero_requests(pod["spec"]))
        state["requests"], state["nonzero"] = cache

    def filter(self, state, pod, node_info):
        alloc = node_info.allocatable
        reasons = []
        if len(node_info.pods) + 1 > alloc.get("pods", 110000) // 1000:
            reasons.append("Too many pods")
        requested = node_info.requested
        for r, v in state["requests"].items():
            if v > alloc.get(r, 0) - requested.get(r, 0):
                reasons.append(f"Insufficient {r}")
        if reasons:
            return Status(reasons)
        return None

    def score(self, state, pod, node_info):
        alloc = node_info.allocatable
        total = 0.0
        for r in ("cpu", "memory"):
            cap = alloc.get(r, 0)
            req = node_info.nonzero[r] + state["nonzero"][r]
            if cap <= 0 or req > cap:
                continue
            total += (cap - req) * 100 / cap
        return total / 2
