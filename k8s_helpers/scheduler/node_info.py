"""What the scheduler knows about pods and nodes (pkg/scheduler/framework/types.go).

``PodInfo`` is a pod parsed once: its requests (RES-3, component-helpers
``PodRequests``), the non-zero requests used for scoring (SCH-3: a container
without a cpu or memory request counts 100m / 200Mi, ``schedutil.DefaultMilliCPURequest``
and ``DefaultMemoryRequest``), its host ports, its priority, and its inter-pod
(anti-)affinity terms (AFF-2) with namespaces and selectors processed as
``fwk.AffinityTerm`` does. Units follow the Go code: cpu in millicores, every
other resource in whole units (bytes for memory), so scores use the same
integer arithmetic as kube-scheduler.

``NodeInfo`` is a node and the pods assigned to it: requested and non-zero
requested resources, used host ports, image sizes (from ``status.images``),
and the subsets of pods with affinity and with required anti-affinity.
A ``NodeInfo`` is never changed once a scheduling cycle has seen it: the cache
replaces it with a modified ``clone()`` (copy-on-write), which is what lets an
old snapshot be replayed to explain a past decision.
"""
from __future__ import annotations

from functools import lru_cache

from k8s_helpers.api.labels import Selector, SelectorError, label_selector_to_selector

__all__ = ["PodInfo", "NodeInfo", "AffinityTerm", "DEFAULT_MILLI_CPU_REQUEST", "DEFAULT_MEMORY_REQUEST",
           "resource_amounts", "pod_key"]

DEFAULT_MILLI_CPU_REQUEST = 100            # schedutil.DefaultMilliCPURequest
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024  # schedutil.DefaultMemoryRequest
_NOTHING = Selector(nothing=True)


def pod_key(pod: dict) -> tuple:
    meta = pod["metadata"]
    return (meta.get("namespace") or "default", meta["name"])


@lru_cache(maxsize=4096)
def _amount(name: str, value) -> int | None:
    from k8s_helpers.api.quantity import parse_quantity

    try:
        q = parse_quantity(value)
    except (ValueError, TypeError):
        return None
    return q.milli if name == "cpu" else q.to_int()


def resource_amounts(resources: dict | None) -> dict:
    """A ResourceList as integers: cpu in millicores (MilliValue), the rest rounded up (Value)."""
    out = {}
    for name, value in (resources or {}).items():
        try:
            v = _amount(name, value)
        except TypeError:  # unhashable value: not a quantity
            continue
        if v is not None:
            out[name] = v
    return out


def _add(into: dict, other: dict) -> None:
    for k, v in other.items():
        into[k] = into.get(k, 0) + v


def _max(into: dict, other: dict) -> None:
    for k, v in other.items():
        if v > into.get(k, 0):
            into[k] = v


def _container_requests(c: dict, non_missing: dict | None) -> dict:
    req = resource_amounts((c.get("resources") or {}).get("requests"))
    if non_missing:  # applyNonMissing: only for resources the container does not name at all
        for k, v in non_missing.items():
            if k not in req:
                req[k] = v
    return req


def pod_requests(spec: dict, non_missing: dict | None = None) -> dict:
    """component-helpers resource.PodRequests (RES-3): app containers + sidecars, or the
    largest init container plus the sidecars declared before it, whichever is larger,
    plus ``overhead``. ``non_missing`` fills requests a container does not name (scoring)."""
    reqs: dict = {}
    for c in spec.get("containers") or ():
        _add(reqs, _container_requests(c, non_missing))
    sidecars: dict = {}
    init_max: dict = {}
    for c in spec.get("initContainers") or ():
        req = _container_requests(c, non_missing)
        if c.get("restartPolicy") == "Always":
            _add(reqs, req)
            _add(sidecars, req)
            use = sidecars
        else:
            use = dict(req)
            _add(use, sidecars)
        _max(init_max, use)
    _max(reqs, init_max)
    _add(reqs, resource_amounts(spec.get("overhead")))
    return reqs


def host_ports(spec: dict) -> list[tuple[str, str, int]]:
    """schedutil.GetHostPorts: (hostIP, protocol, hostPort) of app containers and sidecars."""
    out = []
    containers = [c for c in spec.get("initContainers") or () if c.get("restartPolicy") == "Always"]
    containers += list(spec.get("containers") or ())
    for c in containers:
        for p in c.get("ports") or ():
            hp = p.get("hostPort") or 0
            if isinstance(hp, int) and hp > 0:
                out.append((p.get("hostIP") or "0.0.0.0", p.get("protocol") or "TCP", hp))
    return out


class AffinityTerm:
    """fwk.AffinityTerm: namespaces, selector, topologyKey and namespaceSelector of one
    PodAffinityTerm. An empty ``namespaces`` with no ``namespaceSelector`` means the owning
    pod's namespace; a null selector matches nothing and ``{}`` everything."""

    __slots__ = ("namespaces", "selector", "topology_key", "ns_selector", "weight", "signature")

    def __init__(self, namespaces: frozenset, selector: Selector, topology_key: str, ns_selector: Selector,
                 weight: int = 0):
        self.namespaces = namespaces
        self.selector = selector
        self.topology_key = topology_key
        self.ns_selector = ns_selector
        self.weight = weight
        self.signature = (namespaces, selector, topology_key, ns_selector, weight)

    def matches(self, pod: "PodInfo", ns_labels: dict | None) -> bool:
        """AffinityTerm.Matches: the pod's namespace is listed or selected, and its labels match."""
        if pod.namespace in self.namespaces or self.ns_selector.matches(ns_labels):
            return self.selector.matches(pod.labels)
        return False

    def with_namespaces(self, namespaces: frozenset, ns_selector: Selector) -> "AffinityTerm":
        return AffinityTerm(namespaces, self.selector, self.topology_key, ns_selector, self.weight)


def _merge_label_keys(term: dict, labels: dict) -> dict:
    """matchLabelKeys / mismatchLabelKeys merged into the term's labelSelector as ``key In (value)``
    / ``key NotIn (value)`` with the pod's own labels. Upstream the API server does this when the
    pod is created (pkg/registry/core/pod/strategy.go mutatePodAffinity); the simulator has no
    such admission step yet, so the scheduler applies it when it parses the pod."""
    mk, mmk = term.get("matchLabelKeys") or [], term.get("mismatchLabelKeys") or []
    sel = term.get("labelSelector")
    if (not mk and not mmk) or sel is None:
        return sel
    sel = {"matchLabels": dict(sel.get("matchLabels") or {}), "matchExpressions": list(sel.get("matchExpressions") or [])}
    for keys, op in ((mk, "In"), (mmk, "NotIn")):
        for k in keys:
            if k in labels:
                sel["matchExpressions"].append({"key": k, "operator": op, "values": [labels[k]]})
    return sel


def _parse_term(term: dict, namespace: str, labels: dict, weight: int = 0) -> AffinityTerm:
    selector = label_selector_to_selector(_merge_label_keys(term, labels))
    listed = term.get("namespaces") or []
    ns_sel_raw = term.get("namespaceSelector")
    ns_selector = label_selector_to_selector(ns_sel_raw)
    if not listed and ns_sel_raw is None:
        namespaces = frozenset((namespace,))
    else:
        namespaces = frozenset(listed)
    return AffinityTerm(namespaces, selector, term.get("topologyKey") or "", ns_selector, weight)


class PodInfo:
    """A pod parsed for scheduling (framework.PodInfo plus its cached resource calculation)."""

    __slots__ = ("key", "namespace", "name", "uid", "pod", "labels", "priority", "preemption_policy",
                 "requests", "nonzero_cpu", "nonzero_mem", "host_ports", "required_affinity",
                 "required_anti_affinity", "preferred_affinity", "preferred_anti_affinity", "has_affinity",
                 "has_required_anti_affinity", "terminating", "node_name", "nominated_node", "parse_error",
                 "images", "creation", "preempted")

    def __init__(self, pod: dict, priority: int = 0, preemption_policy: str = "PreemptLowerPriority"):
        meta = pod["metadata"]
        spec = pod.get("spec") or {}
        self.pod = pod
        self.namespace = meta.get("namespace") or "default"
        self.name = meta["name"]
        self.key = (self.namespace, self.name)
        self.uid = meta.get("uid") or ""
        self.labels = dict(meta.get("labels") or {})
        self.creation = meta.get("creationTimestamp") or ""
        self.priority = priority
        self.preemption_policy = preemption_policy
        self.terminating = bool(meta.get("deletionTimestamp"))
        self.node_name = spec.get("nodeName") or ""
        self.nominated_node = ((pod.get("status") or {}).get("nominatedNodeName")) or ""
        conds = (pod.get("status") or {}).get("conditions") or ()
        self.preempted = any(c.get("type") == "DisruptionTarget" and c.get("status") == "True"
                             and c.get("reason") == "PreemptionByScheduler" for c in conds)
        self.requests = {k: v for k, v in pod_requests(spec).items() if v}
        non0 = pod_requests(spec, {"cpu": DEFAULT_MILLI_CPU_REQUEST, "memory": DEFAULT_MEMORY_REQUEST})
        self.nonzero_cpu = non0.get("cpu", 0)
        self.nonzero_mem = non0.get("memory", 0)
        self.host_ports = host_ports(spec)
        self.images = [c.get("image") or "" for c in list(spec.get("initContainers") or ()) +
                       list(spec.get("containers") or ())]
        self.parse_error = None
        aff = spec.get("affinity") or {}
        pa, paa = aff.get("podAffinity"), aff.get("podAntiAffinity")
        self.has_affinity = pa is not None or paa is not None
        self.has_required_anti_affinity = bool(paa and paa.get("requiredDuringSchedulingIgnoredDuringExecution"))
        ns, labels = self.namespace, self.labels
        try:
            self.required_affinity = [_parse_term(t, ns, labels) for t in
                                      (pa or {}).get("requiredDuringSchedulingIgnoredDuringExecution") or ()]
            self.required_anti_affinity = [_parse_term(t, ns, labels) for t in
                                           (paa or {}).get("requiredDuringSchedulingIgnoredDuringExecution") or ()]
            self.preferred_affinity = [_parse_term(w.get("podAffinityTerm") or {}, ns, labels, int(w.get("weight") or 0))
                                       for w in (pa or {}).get("preferredDuringSchedulingIgnoredDuringExecution") or ()]
            self.preferred_anti_affinity = [_parse_term(w.get("podAffinityTerm") or {}, ns, labels,
                                                        int(w.get("weight") or 0))
                                            for w in (paa or {}).get("preferredDuringSchedulingIgnoredDuringExecution") or ()]
        except (SelectorError, TypeError, ValueError, AttributeError) as e:
            self.parse_error = str(e)
            self.required_affinity = self.required_anti_affinity = []
            self.preferred_affinity = self.preferred_anti_affinity = []

    def bound_to(self, node_name: str) -> "PodInfo":
        """The same pod, assigned to ``node_name`` (a shallow copy: parsed terms are shared)."""
        c = object.__new__(PodInfo)
        for f in PodInfo.__slots__:
            setattr(c, f, getattr(self, f))
        c.node_name = node_name
        c.nominated_node = ""
        return c

    @property
    def spec(self) -> dict:
        return self.pod.get("spec") or {}

    def __repr__(self) -> str:
        return f"PodInfo({self.namespace}/{self.name})"


class NodeInfo:
    """framework.NodeInfo: a node, its pods and what they use. Replace, never mutate, once shared."""

    __slots__ = ("name", "node", "labels", "taints", "unschedulable", "allocatable", "allowed_pods", "pods",
                 "pods_with_affinity", "pods_with_required_anti_affinity", "requested", "nonzero_cpu",
                 "nonzero_mem", "used_ports", "images", "zone_key", "memo")

    def __init__(self, node: dict):
        meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
        self.name = meta["name"]
        self.node = node
        self.labels = dict(meta.get("labels") or {})
        self.taints = [dict(t) for t in spec.get("taints") or ()]
        self.unschedulable = bool(spec.get("unschedulable"))
        alloc = resource_amounts(status.get("allocatable") or status.get("capacity"))
        self.allowed_pods = alloc.pop("pods", 110)
        self.allocatable = alloc
        self.images = {}
        for img in status.get("images") or ():
            for n in img.get("names") or ():
                self.images[n] = int(img.get("sizeBytes") or 0)
        self.pods: list[PodInfo] = []
        self.pods_with_affinity: list[PodInfo] = []
        self.pods_with_required_anti_affinity: list[PodInfo] = []
        self.requested: dict = {}
        self.nonzero_cpu = 0
        self.nonzero_mem = 0
        self.used_ports: set = set()
        self.zone_key = zone_key(self.labels)
        self.memo: dict = {}  # values plugins derive from this (immutable) node info

    def clone(self) -> "NodeInfo":
        c = object.__new__(NodeInfo)
        c.name, c.node, c.labels, c.taints = self.name, self.node, self.labels, self.taints
        c.unschedulable, c.allocatable, c.allowed_pods, c.images = (self.unschedulable, self.allocatable,
                                                                     self.allowed_pods, self.images)
        c.pods = list(self.pods)
        c.pods_with_affinity = list(self.pods_with_affinity)
        c.pods_with_required_anti_affinity = list(self.pods_with_required_anti_affinity)
        c.requested = dict(self.requested)
        c.nonzero_cpu, c.nonzero_mem = self.nonzero_cpu, self.nonzero_mem
        c.used_ports = set(self.used_ports)
        c.zone_key = self.zone_key
        c.memo = {}
        return c

    def with_node(self, node: dict) -> "NodeInfo":
        """A copy for an updated Node object (labels, taints, allocatable), same pods."""
        fresh = NodeInfo(node)
        for pi in self.pods:
            fresh.add_pod(pi)
        return fresh

    def add_pod(self, pi: PodInfo) -> None:
        self.memo = {}
        self.pods.append(pi)
        if pi.has_affinity:
            self.pods_with_affinity.append(pi)
        if pi.has_required_anti_affinity:
            self.pods_with_required_anti_affinity.append(pi)
        self._update(pi, 1)

    def remove_pod(self, pi: PodInfo) -> bool:
        self.memo = {}
        key = pi.key
        for lst in (self.pods_with_affinity, self.pods_with_required_anti_affinity):
            for i, p in enumerate(lst):
                if p.key == key:
                    del lst[i]
                    break
        for i, p in enumerate(self.pods):
            if p.key == key:
                del self.pods[i]
                self._update(p, -1)
                return True
        return False

    def _update(self, pi: PodInfo, sign: int) -> None:
        req = self.requested
        for k, v in pi.requests.items():
            req[k] = req.get(k, 0) + sign * v
        self.nonzero_cpu += sign * pi.nonzero_cpu
        self.nonzero_mem += sign * pi.nonzero_mem
        for ip, proto, port in pi.host_ports:
            if sign > 0:
                self.used_ports.add((ip, proto, port))
            else:
                self.used_ports.discard((ip, proto, port))

    def __repr__(self) -> str:
        return f"NodeInfo({self.name}, pods={len(self.pods)})"


def zone_key(labels: dict) -> str:
    """utilnode.GetZoneKey: region and zone (beta labels first), the node tree's grouping."""
    zone = labels.get("failure-domain.beta.kubernetes.io/zone", labels.get("topology.kubernetes.io/zone", ""))
    region = labels.get("failure-domain.beta.kubernetes.io/region", labels.get("topology.kubernetes.io/region", ""))
    if not region and not zone:
        return ""
    return f"{region}:\x00:{zone}"

NOTHING = _NOTHING
__all__ += ["NOTHING", "zone_key", "pod_requests", "host_ports"]
