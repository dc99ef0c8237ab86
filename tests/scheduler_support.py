"""Builders for the scheduler plugin tables ported from kube-scheduler's unit tests.

``make_pod``/``make_node`` mirror ``pkg/scheduler/testing/wrappers.go`` (st.MakePod,
st.MakeNode): ``reqs`` adds one container per request map (``PodWrapper.Req``), a pod
built without ``reqs`` has no containers at all (so its non-zero requests are 0, as in
upstream tables), ``capacity`` also sets ``pods: 32`` (``NodeWrapper.Capacity``).
``run_filter`` and ``run_score`` drive one plugin through its extension points on a
snapshot the way the upstream tests do.
"""
from __future__ import annotations

import random

from k8s_helpers.scheduler.framework import SKIP, CycleState
from k8s_helpers.scheduler.node_info import NodeInfo, PodInfo
from k8s_helpers.scheduler.snapshot import Snapshot

_counter = iter(range(10 ** 9))


def make_pod(name="", ns="default", labels=None, node=None, reqs=(), init_reqs=(), affinity=None,
             tolerations=None, host_ports=(), spread=None, node_selector=None, priority=0, uid=None,
             images=(), terminating=False, owner=None, nominated=None, preemption_policy=None):
    name = name or f"pod-{next(_counter)}"
    containers = [{"name": f"con{i}", "image": "registry.k8s.io/pause:3.10",
                   "resources": {"requests": dict(r)}} for i, r in enumerate(reqs)]
    for i, img in enumerate(images):
        containers.append({"name": f"img{i}", "image": img, "resources": {}})
    for i, (port, proto, ip) in enumerate(host_ports):
        c = {"name": f"port{i}", "image": "registry.k8s.io/pause:3.10",
             "ports": [{"hostPort": port, "containerPort": port, "protocol": proto or "TCP"}]}
        if ip:
            c["ports"][0]["hostIP"] = ip
        containers.append(c)
    spec = {"containers": containers}
    if init_reqs:
        spec["initContainers"] = [{"name": f"init{i}", "image": "x", "resources": {"requests": dict(r)}}
                                  for i, r in enumerate(init_reqs)]
    if node:
        spec["nodeName"] = node
    if affinity:
        spec["affinity"] = affinity
    if tolerations:
        spec["tolerations"] = tolerations
    if spread:
        spec["topologySpreadConstraints"] = spread
    if node_selector is not None:
        spec["nodeSelector"] = node_selector
    if preemption_policy:
        spec["preemptionPolicy"] = preemption_policy
    meta = {"name": name, "namespace": ns, "labels": dict(labels or {}), "uid": uid or f"uid-{name}"}
    if terminating:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    if owner:
        meta["ownerReferences"] = [dict(owner, controller=True)]
    status = {"nominatedNodeName": nominated} if nominated else {}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}
    return pod, priority


def make_node(name, labels=None, capacity=None, taints=None, images=None, unschedulable=False, pods=None):
    status = {}
    if capacity is not None:
        cap = {"pods": "32", **{k: str(v) for k, v in capacity.items()}}
        if pods is not None:
            cap["pods"] = str(pods)
        status = {"capacity": cap, "allocatable": dict(cap)}
    if images:
        status["images"] = [{"names": [n], "sizeBytes": size} for n, size in images.items()]
    spec = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
            "spec": spec, "status": status}


def pod_info(p) -> PodInfo:
    pod, priority = p
    return PodInfo(pod, priority, pod["spec"].get("preemptionPolicy") or "PreemptLowerPriority")


def build_snapshot(nodes, pods=()) -> Snapshot:
    infos = {n["metadata"]["name"]: NodeInfo(n) for n in nodes}
    for p in pods:
        pi = pod_info(p)
        if pi.node_name in infos:
            infos[pi.node_name].add_pod(pi)
    return Snapshot([infos[n["metadata"]["name"]] for n in nodes])


class FakeHandle:
    """Namespaces (name -> labels) and store objects for plugins that read them."""

    def __init__(self, namespaces=None, objects=(), snapshot=None, framework=None):
        self._ns = dict(namespaces or {"default": {}})
        self._objects = list(objects)
        self.current = snapshot
        self.framework = framework
        self.rng = random.Random(0)
        self.preempted = []

    def namespace_labels(self, name):
        return dict(self._ns.get(name) or {})

    def namespaces(self):
        return list(self._ns.items())

    def list_objects(self, kind, namespace=None):
        return [o for o in self._objects if o["kind"] == kind and
                (namespace is None or o["metadata"].get("namespace", "default") == namespace)]

    def get_object(self, kind, namespace, name):
        return next((o for o in self.list_objects(kind, namespace) if o["metadata"]["name"] == name), None)

    def snapshot(self):
        return self.current

    def assigned_pods(self):
        return [p for n in self.current.nodes for p in n.pods]

    def pod_start_time(self, key):
        return None

    def preempted_by_scheduler(self, key):
        return False

    def nominated_pods(self, node):
        return ()

    def preempt(self, pod, node, victims):
        self.preempted.append((node, [v.name for v in victims]))


def run_filter(plugin, pod, nodes, pods=()):
    """PreFilter then Filter on every node: {node: None (passed) | Status}; a PreFilter
    rejection is returned as ("prefilter", Status); Skip means every node passes."""
    snap = build_snapshot(nodes, pods)
    if getattr(plugin, "handle", None) is not None:
        plugin.handle.current = snap
    pi = pod_info(pod)
    state = CycleState()
    pre = getattr(plugin, "pre_filter", None)
    if pre is not None:
        _, st = pre(state, pi, snap)
        if st is not None and st.code == SKIP:
            return {ni.name: None for ni in snap.nodes}
        if st is not None and not st.success:
            return ("prefilter", st)
    return {ni.name: plugin.filter(state, pi, ni) for ni in snap.nodes}


def run_score(plugin, pod, nodes, pods=(), feasible=None, normalize=True):
    """PreScore, Score (both ``score`` and ``score_nodes`` when offered: they must agree) and
    NormalizeScore over the ``feasible`` nodes (default: all); None when PreScore skips."""
    snap = build_snapshot(nodes, pods)
    if getattr(plugin, "handle", None) is not None:
        plugin.handle.current = snap
    pi = pod_info(pod)
    state = CycleState()
    names = feasible or [ni.name for ni in snap.nodes]
    ns = [snap.get(n) for n in names]
    pre = getattr(plugin, "pre_score", None)
    if pre is not None:
        st = pre(state, pi, ns, snap)
        if st is not None and st.code == SKIP:
            return None
    scores = [plugin.score(state, pi, ni) for ni in ns]
    many = getattr(plugin, "score_nodes", None)
    if many is not None:
        assert many(state, pi, ns) == scores
    norm = getattr(plugin, "normalize", None)
    if normalize and norm is not None:
        norm(state, pi, scores, ns)
    return dict(zip(names, scores))


def reason(st):
    return None if st is None else st.reasons


__all__ = ["make_pod", "make_node", "pod_info", "build_snapshot", "FakeHandle", "run_filter", "run_score",
           "reason"]
