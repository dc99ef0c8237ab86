"""The EndpointSlice controller's reconciliation and the legacy Endpoints object (SVC-3).

A pure port of ``staging/src/k8s.io/endpointslice`` (``reconciler.go``, ``utils.go``,
``util/controller_utils.go``) as ``pkg/controller/endpointslice`` runs it:

- only Services **with a selector** get slices; a pod counts when it is in the Service's
  namespace, matches the selector, is not terminal (Succeeded/Failed) and has an IP;
- each endpoint's conditions: ``serving`` = Pod Ready, ``terminating`` = the pod has a
  ``deletionTimestamp``, ``ready`` = ``publishNotReadyAddresses`` or (serving and not
  terminating). Not-ready pods stay in the slice with ``ready: false``;
- a named ``targetPort`` is looked up per pod (containers' ports with that name and the
  Service port's protocol, then sidecar init containers); pods whose ports differ get
  separate groups of slices; a pod without the port is listed with no ports;
- at most ``--max-endpoints-per-slice`` (100) endpoints per slice; existing slices are
  updated, filled or deleted before new ones are created, the fullest first;
- a Service with no endpoints still has one empty *placeholder* slice;
- labels ``kubernetes.io/service-name``, ``endpointslice.kubernetes.io/managed-by:
  endpointslice-controller.k8s.io`` (and ``service.kubernetes.io/headless`` for headless
  Services) plus the Service's own labels; an owner reference to the Service; names from
  ``generateName: <service>-`` (the API server adds 5 random characters).

Kept simple, and said so: EndpointSet.PopAny takes endpoints in pod-name order (Go takes
map order), ports keep the Service's order (Go sorts them by hash), and topology hints are
not computed. Only IPv4 single-stack clusters are modelled (``addressType: IPv4``).

:func:`endpoints_object` is what ``pkg/controller/endpoint`` writes to the legacy
``v1/Endpoints`` (deprecated since 1.33): ready and not-ready addresses in subsets grouped
by port set, truncated at 1000 addresses.
"""
from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field

from ..api.labels import selector_from_set

__all__ = [
    "MAX_ENDPOINTS_PER_SLICE", "CONTROLLER_NAME", "LABEL_SERVICE_NAME", "LABEL_MANAGED_BY",
    "LABEL_HEADLESS", "ZONE_LABEL", "Plan", "is_pod_ready", "should_pod_be_in_endpoints", "pod_ips",
    "selects", "find_port", "endpoint_ports", "pod_to_endpoint", "reconcile", "desired_slices",
    "endpoints_object", "generate_name",
]

#: kube-controller-manager --max-endpoints-per-slice
MAX_ENDPOINTS_PER_SLICE = 100
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
LABEL_SERVICE_NAME = "kubernetes.io/service-name"
LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
LABEL_HEADLESS = "service.kubernetes.io/headless"
ZONE_LABEL = "topology.kubernetes.io/zone"
TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time"
#: the endpoints controller's maxCapacity for one v1/Endpoints object
ENDPOINTS_MAX_CAPACITY = 1000
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # apimachinery util/rand: no vowels, no 0/1/3


def generate_name(prefix: str, rng: random.Random) -> str:
    """``generateName`` as the API server fills it: the prefix plus 5 random characters
    (apiserver ``names.SimpleNameGenerator``). The simulator's API server names objects;
    this is for standalone use of :func:`desired_slices`."""
    return prefix + "".join(rng.choice(_NAME_ALPHABET) for _ in range(5))


# ----------------------------------------------------------------------------- pods
def is_pod_ready(pod: dict) -> bool:
    """``podutil.IsPodReady``: the Pod's Ready condition is True."""
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def pod_ips(pod: dict) -> list[str]:
    status = pod.get("status") or {}
    ips = [p.get("ip") for p in status.get("podIPs") or [] if p.get("ip")]
    if not ips and status.get("podIP"):
        ips = [status["podIP"]]
    return ips


def should_pod_be_in_endpoints(pod: dict, include_terminating: bool) -> bool:
    """``ShouldPodBeInEndpoints`` (util/controller_utils.go)."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    if not pod_ips(pod):
        return False
    if not include_terminating and (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    return True


def _ns(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("namespace") or "default"


def selects(service: dict, pod: dict) -> bool:
    """The Service's selector matches the pod (same namespace; a Service without a
    selector selects nothing: its endpoints are managed by hand)."""
    selector = (service.get("spec") or {}).get("selector")
    if not selector or _ns(service) != _ns(pod):
        return False
    return selector_from_set(selector).matches((pod.get("metadata") or {}).get("labels") or {})


def find_port(pod: dict, service_port: dict) -> int | None:
    """``FindPort``: a numeric targetPort as is; a name looked up in the containers' ports
    (same protocol), then in sidecars (init containers with ``restartPolicy: Always``)."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol") or "TCP"
    spec = pod.get("spec") or {}
    for containers, sidecars_only in ((spec.get("containers"), False), (spec.get("initContainers"), True)):
        for c in containers or []:
            if sidecars_only and c.get("restartPolicy") != "Always":
                continue
            for p in c.get("ports") or []:
                if p.get("name") == target and (p.get("protocol") or "TCP") == protocol:
                    return p.get("containerPort")
    return None


def endpoint_ports(service: dict, pod: dict) -> list[dict]:
    """``getEndpointPorts``: the slice ports for this pod (ports the pod lacks are left out)."""
    spec = service.get("spec") or {}
    out = []
    for sp in spec.get("ports") or []:
        number = find_port(pod, sp)
        if number is None:
            continue
        port = {"name": sp.get("name") or "", "port": number, "protocol": sp.get("protocol") or "TCP"}
        if sp.get("appProtocol"):
            port["appProtocol"] = sp["appProtocol"]
        out.append(port)
    return out


def _should_set_hostname(pod: dict, service: dict) -> bool:
    spec = pod.get("spec") or {}
    return bool(spec.get("hostname")) and spec.get("subdomain") == (service.get("metadata") or {}).get("name") \
        and _ns(pod) == _ns(service)


def pod_to_endpoint(pod: dict, node: dict | None, service: dict) -> dict:
    """``podToEndpoint``: one endpoint with its conditions (SVC-3)."""
    meta = pod.get("metadata") or {}
    serving = is_pod_ready(pod)
    terminating = bool(meta.get("deletionTimestamp"))
    ready = bool((service.get("spec") or {}).get("publishNotReadyAddresses")) or (serving and not terminating)
    ep = {"addresses": [ip for ip in pod_ips(pod) if ":" not in ip],
          "conditions": {"ready": ready, "serving": serving, "terminating": terminating}}
    if _should_set_hostname(pod, service):
        ep["hostname"] = pod["spec"]["hostname"]
    node_name = (pod.get("spec") or {}).get("nodeName")
    if node_name:
        ep["nodeName"] = node_name
    ep["targetRef"] = {"kind": "Pod", "namespace": _ns(pod), "name": meta.get("name"), "uid": meta.get("uid", "")}
    zone = ((node or {}).get("metadata") or {}).get("labels", {}).get(ZONE_LABEL)
    if zone:
        ep["zone"] = zone
    return ep


def _endpoint_key(ep: dict) -> tuple:
    """``hashEndpoint``: addresses, hostname and the pod it points to."""
    ref = ep.get("targetRef") or {}
    return tuple(sorted(ep.get("addresses") or [])), ep.get("hostname") or "", ref.get("namespace"), ref.get("name")


def _port_key(ports) -> tuple:
    return tuple(sorted((p.get("name") or "", p.get("port"), p.get("protocol") or "TCP", p.get("appProtocol") or "")
                        for p in ports or []))


# ----------------------------------------------------------------------------- slices
def _slice_labels(service: dict) -> dict:
    """``setEndpointSliceLabels``: the Service's labels plus the reserved ones."""
    meta = service.get("metadata") or {}
    reserved = (LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS)
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k not in reserved}
    cluster_ip = (service.get("spec") or {}).get("clusterIP")
    if cluster_ip in (None, "", "None"):
        labels[LABEL_HEADLESS] = ""
    labels[LABEL_SERVICE_NAME] = meta.get("name")
    labels[LABEL_MANAGED_BY] = CONTROLLER_NAME
    return labels


def _owner_ref(service: dict) -> dict:
    meta = service.get("metadata") or {}
    return {"apiVersion": "v1", "kind": "Service", "name": meta.get("name"), "uid": meta.get("uid", ""),
            "controller": True, "blockOwnerDeletion": True}


def _new_slice(service: dict, ports: list[dict]) -> dict:
    """``newEndpointSlice``: a slice still without name (``generateName``) or endpoints."""
    name = (service.get("metadata") or {}).get("name") or ""
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"generateName": f"{name}-", "namespace": _ns(service), "labels": _slice_labels(service),
                         "ownerReferences": [_owner_ref(service)]},
            "addressType": "IPv4", "ports": ports, "endpoints": []}


def _owned_by(slice_: dict, service: dict) -> bool:
    uid = (service.get("metadata") or {}).get("uid", "")
    return any(o.get("kind") == "Service" and o.get("apiVersion") == "v1" and o.get("uid", "") == uid
               for o in (slice_.get("metadata") or {}).get("ownerReferences") or [])


def _endpoints_equal(a: dict, b: dict) -> bool:
    """``EndpointsEqualBeyondHash``."""
    return all(a.get(k) == b.get(k) for k in ("conditions", "zone", "nodeName", "hints", "targetRef"))


@dataclass
class Plan:
    """What one ``reconcile`` writes through the API: slices to create (with
    ``generateName``), to update (whole objects) and to delete."""

    create: list[dict] = field(default_factory=list)
    update: list[dict] = field(default_factory=list)
    delete: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.create or self.update or self.delete)


def _desired(service: dict, pods, nodes: dict):
    """Desired endpoints grouped by port set (``reconcileByAddressType`` first half)."""
    by_ports: dict[tuple, dict] = {}
    publish = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
    for pod in sorted(pods, key=lambda p: (_ns(p), (p.get("metadata") or {}).get("name") or "")):
        if not selects(service, pod) or not should_pod_be_in_endpoints(pod, True):
            continue
        node_name = (pod.get("spec") or {}).get("nodeName")
        node = nodes.get(node_name) if node_name else None
        if node is None and nodes and not publish:
            # the Node does not exist: skipped and the Service is requeued (reconciler.go)
            continue
        ports = endpoint_ports(service, pod)
        group = by_ports.setdefault(_port_key(ports), {"ports": ports, "endpoints": {}})
        ep = pod_to_endpoint(pod, node, service)
        if ep["addresses"]:
            group["endpoints"][_endpoint_key(ep)] = ep
    return by_ports


def reconcile(service: dict, pods, nodes=None, existing=(), *, max_endpoints_per_slice: int = MAX_ENDPOINTS_PER_SLICE,
              trigger_time: str | None = None) -> Plan:
    """One ``Reconcile`` of a Service: ``pods`` (any; the selector is applied here),
    ``nodes`` (list or ``{name: node}``) and the slices that exist for it now."""
    if isinstance(nodes, (list, tuple)):
        nodes = {(n.get("metadata") or {}).get("name"): n for n in nodes}
    nodes = nodes or {}
    plan = Plan()
    if not (service.get("spec") or {}).get("selector"):
        return plan
    existing = [dict(copy.deepcopy(s), endpoints=s.get("endpoints") or [], ports=s.get("ports") or [])
                for s in existing]
    other_family = [s for s in existing if s.get("addressType") != "IPv4"]
    existing = [s for s in existing if s.get("addressType") == "IPv4"]
    to_delete = [s for s in existing if not _owned_by(s, service)]
    owned = [s for s in existing if _owned_by(s, service)]
    existing_by_ports: dict[tuple, list[dict]] = {}
    for s in owned:
        existing_by_ports.setdefault(_port_key(s.get("ports")), []).append(s)
    desired = _desired(service, pods, nodes)
    creates: list[dict] = []
    updates: list[dict] = []
    for key, group in desired.items():
        c, u, d = _reconcile_port_mapping(service, existing_by_ports.get(key, []), dict(group["endpoints"]),
                                          group["ports"], max_endpoints_per_slice)
        creates += c
        updates += u
        to_delete += d
    for key, slices in existing_by_ports.items():
        if key not in desired:
            to_delete += slices
    if len(existing) == len(to_delete) and not creates:
        placeholder = _new_slice(service, [])
        if len(to_delete) == 1 and _is_placeholder_of(to_delete[0], placeholder):
            to_delete = []
        else:
            creates.append(placeholder)
    # finalize: turn creates into updates of slices that would be deleted
    i = 0
    while i < len(to_delete) and creates:
        victim = to_delete[i]
        if victim.get("addressType") == "IPv4" and _owned_by(victim, service):
            new = creates.pop()
            new["metadata"]["name"] = victim["metadata"]["name"]
            new["metadata"].pop("generateName", None)
            for k in ("uid", "resourceVersion", "creationTimestamp"):
                if k in victim["metadata"]:
                    new["metadata"][k] = victim["metadata"][k]
            updates.append(new)
            to_delete.pop(i)
        else:
            i += 1
    if (service.get("metadata") or {}).get("deletionTimestamp"):
        creates = []
    for s in creates + updates:
        ann = s["metadata"].setdefault("annotations", {})
        if trigger_time:
            ann[TRIGGER_TIME_ANNOTATION] = trigger_time
        else:
            ann.pop(TRIGGER_TIME_ANNOTATION, None)
        if not ann:
            s["metadata"].pop("annotations")
    plan.create, plan.update, plan.delete = creates, updates, to_delete + other_family
    return plan


def _is_placeholder_of(slice_: dict, placeholder: dict) -> bool:
    """``placeholderSliceCompare``: namespace, labels, owner references and no endpoints/ports."""
    a, b = slice_.get("metadata") or {}, placeholder["metadata"]
    return (a.get("namespace") == b.get("namespace") and (a.get("labels") or {}) == b.get("labels")
            and a.get("ownerReferences") == b.get("ownerReferences") and not slice_.get("endpoints")
            and not slice_.get("ports"))


def _reconcile_port_mapping(service, existing, desired: dict, ports, max_per_slice):
    """``reconcileByPortMapping``: keep, update or delete existing slices, fill the changed
    ones, then fit the rest into an unchanged slice or new ones."""
    by_name = {}
    unchanged, to_update, to_delete = [], [], []
    labels = _slice_labels(service)
    for s in existing:
        name = s["metadata"]["name"]
        by_name[name] = s
        kept, changed = [], False
        for ep in s.get("endpoints") or []:
            want = desired.pop(_endpoint_key(ep), None)
            if want is not None:
                kept.append(want)
                changed |= not _endpoints_equal(want, ep)
        labels_changed = {k: v for k, v in (s["metadata"].get("labels") or {}).items()} != labels
        if changed or len(kept) != len(s.get("endpoints") or []):
            if not kept:
                to_delete.append(name)
            else:
                s = copy.deepcopy(s)
                s["endpoints"] = kept
                s["metadata"]["labels"] = dict(labels)
                by_name[name] = s
                to_update.append(name)
        elif labels_changed:
            s = copy.deepcopy(s)
            s["metadata"]["labels"] = dict(labels)
            by_name[name] = s
            to_update.append(name)
        else:
            unchanged.append(name)
    remaining = list(desired.values())
    if remaining and to_update:
        for name in sorted(to_update, key=lambda n: -len(by_name[n]["endpoints"])):
            s = by_name[name]
            while remaining and len(s["endpoints"]) < max_per_slice:
                s["endpoints"].append(remaining.pop(0))
    creates = []
    while remaining:
        target = None
        if len(remaining) < max_per_slice and unchanged:
            target = _slice_to_fill([by_name[n] for n in unchanged], len(remaining), max_per_slice)
        if target is None:
            target = _new_slice(service, ports)
        else:
            target = copy.deepcopy(target)
            by_name[target["metadata"]["name"]] = target
        while remaining and len(target["endpoints"]) < max_per_slice:
            target["endpoints"].append(remaining.pop(0))
        if target["metadata"].get("name"):
            to_update.append(target["metadata"]["name"])
            unchanged.remove(target["metadata"]["name"])
        else:
            creates.append(target)
    return creates, [by_name[n] for n in to_update], [by_name[n] for n in to_delete]


def _slice_to_fill(slices, count: int, max_per_slice: int):
    """``getSliceToFill``: the slice closest to full after adding ``count`` endpoints."""
    closest, best = None, max_per_slice
    for s in slices:
        diff = max_per_slice - (count + len(s.get("endpoints") or []))
        if 0 <= diff < best:
            closest, best = s, diff
            if diff == 0:
                break
    return closest


def apply_plan(existing, plan: Plan, name_generator) -> list[dict]:
    """The slices after a plan is written: updates replace, deletes go, creates get a name."""
    result = {s["metadata"]["name"]: s for s in existing}
    for s in plan.delete:
        result.pop(s["metadata"]["name"], None)
    for s in plan.update:
        result[s["metadata"]["name"]] = s
    for s in plan.create:
        s = copy.deepcopy(s)
        s["metadata"]["name"] = name_generator(s["metadata"].pop("generateName"))
        result[s["metadata"]["name"]] = s
    return [_api_form(s) for s in sorted(result.values(), key=lambda s: s["metadata"]["name"])]


def _api_form(slice_: dict) -> dict:
    """As the API returns it: empty lists come back as null after the protobuf round trip."""
    out = dict(slice_)
    out["endpoints"] = out.get("endpoints") or None
    out["ports"] = out.get("ports") or None
    return out


def desired_slices(service: dict, pods, nodes=None, existing=(), *, rng: random.Random | None = None,
                   name_generator=None, max_endpoints_per_slice: int = MAX_ENDPOINTS_PER_SLICE) -> list[dict]:
    """The Service's slices after one reconcile, named (``web-abc12``): a one-shot view for
    tests, widgets and benchmarks. Controllers use :func:`reconcile` and the API server."""
    if name_generator is None:
        rng = rng if rng is not None else random.Random(0)
        name_generator = lambda prefix: generate_name(prefix, rng)  # noqa: E731
    plan = reconcile(service, pods, nodes, existing, max_endpoints_per_slice=max_endpoints_per_slice)
    if not (service.get("spec") or {}).get("selector"):
        return [_api_form(s) for s in existing]
    return apply_plan(existing, plan, name_generator)


# ----------------------------------------------------------------------------- v1/Endpoints
def endpoints_object(service: dict, pods, *, trigger_time: str | None = None) -> dict | None:
    """The ``v1/Endpoints`` the endpoints controller writes (``syncService``), or None for a
    Service without selector (its Endpoints are written by hand)."""
    spec = service.get("spec") or {}
    if not spec.get("selector"):
        return None
    meta = service.get("metadata") or {}
    tolerate = bool(spec.get("publishNotReadyAddresses"))
    groups: dict[tuple, dict] = {}
    total = 0
    for pod in sorted(pods, key=lambda p: (p.get("metadata") or {}).get("name") or ""):
        if not selects(service, pod) or not should_pod_be_in_endpoints(pod, tolerate):
            continue
        ip = next((i for i in pod_ips(pod) if ":" not in i), None)
        if ip is None:
            continue
        pmeta = pod.get("metadata") or {}
        addr = {"ip": ip}
        if _should_set_hostname(pod, service):
            addr["hostname"] = pod["spec"]["hostname"]
        if (pod.get("spec") or {}).get("nodeName"):
            addr["nodeName"] = pod["spec"]["nodeName"]
        addr["targetRef"] = {"kind": "Pod", "namespace": _ns(pod), "name": pmeta.get("name"),
                             "uid": pmeta.get("uid", "")}
        ports = []
        if spec.get("ports"):
            for sp in spec["ports"]:
                number = find_port(pod, sp)
                if number is None:
                    continue
                port = {"port": number, "protocol": sp.get("protocol") or "TCP"}
                if sp.get("name"):
                    port = {"name": sp["name"], **port}
                ports.append(port)
            if not ports:
                continue
        group = groups.setdefault(_port_key(ports), {"ports": ports, "addresses": [], "notReadyAddresses": []})
        which = "addresses" if tolerate or is_pod_ready(pod) else "notReadyAddresses"
        group[which].append(addr)
        total += 1
    subsets = []
    kept = 0
    for group in sorted(groups.values(), key=lambda g: _port_key(g["ports"])):
        subset = {}
        for which in ("addresses", "notReadyAddresses"):
            addrs = sorted(group[which], key=lambda a: tuple(int(x) for x in a["ip"].split(".")))
            room = ENDPOINTS_MAX_CAPACITY - kept
            addrs = addrs[:max(room, 0)]
            kept += len(addrs)
            if addrs:
                subset[which] = addrs
        if subset:
            if group["ports"]:
                subset["ports"] = sorted(group["ports"], key=lambda p: (p.get("name", ""), p["port"]))
            subsets.append(subset)
    labels = dict(meta.get("labels") or {})
    if spec.get("clusterIP") == "None":
        labels[LABEL_HEADLESS] = ""
    else:
        labels.pop(LABEL_HEADLESS, None)
    out_meta = {"name": meta.get("name"), "namespace": _ns(service)}
    if labels:
        out_meta["labels"] = labels
    annotations = {}
    if trigger_time:
        annotations[TRIGGER_TIME_ANNOTATION] = trigger_time
    if total > ENDPOINTS_MAX_CAPACITY:
        annotations["endpoints.kubernetes.io/over-capacity"] = "truncated"
    if annotations:
        out_meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": out_meta, "subsets": subsets or None}
