"""The cluster as the data path sees it: objects indexed by address, plus the memory that
outlives one request (session-affinity lists, the ingress controller's round robin).

:class:`NetworkState` is built from API-shaped objects (what a store or a live cluster
returns) and answers the questions :mod:`.curl` asks: who has this IP, which node's
kube-proxy rules apply, what CoreDNS says, which policies apply. EndpointSlices are taken as
given, or computed with :func:`.endpointslices.desired_slices` when the caller has none.
:class:`Memory` is kept by the caller across rebuilds, as the kernels and controllers keep
theirs across resyncs.
"""
from __future__ import annotations

import hashlib
import ipaddress
import random
from datetime import datetime

from .dns import CLUSTER_DOMAIN, CoreDNS
from .endpointslices import desired_slices, is_pod_ready, pod_ips
from .http_server import EPOCH, listeners as image_listeners
from .ingress import IngressController
from .kube_proxy import CLUSTER_CIDR, node_addresses, sync_proxy_rules
from .network_policy import PolicyIndex
from .service_ips import DNS_SERVICE_IP

__all__ = ["Memory", "NetworkState", "EXTERNAL_CLIENT_IP", "COREDNS_LABELS"]

#: the machine running kind (the Docker network's gateway): "outside the cluster"
EXTERNAL_CLIENT_IP = "172.18.0.1"
COREDNS_LABELS = {"k8s-app": "kube-dns"}


class Memory:
    """State that survives a resync: per-node ``recent`` lists (sessionAffinity) and the
    controller's per-upstream round-robin position."""

    def __init__(self, seed: int = 0):
        self.rng = random.Random(f"datapath:{seed}")
        self.recent: dict[str, dict] = {}
        self.round_robin: dict[str, int] = {}


def _key(obj: dict) -> str:
    m = obj.get("metadata") or {}
    return f"{m.get('namespace') or 'default'}/{m.get('name')}"


class NetworkState:
    """A snapshot of the objects the network reads, with their indexes.

    ``network_policy``: the CNI enforces NetworkPolicy (kindnet since kind 0.24).
    ``load_balancer_nodes``: for LoadBalancer IPs, which node answers (MetalLB L2 announces
    each address from one node). ``external_hosts``: names the client outside the cluster
    can resolve (its own DNS or /etc/hosts; Kubernetes has no standard external DNS).
    ``listeners``: ``pod -> [Listener] | None`` from the kubelet (default: the image catalog).
    ``files``: ``(pod, container) -> files`` the servers read (default: the image's files)."""

    def __init__(self, *, pods=(), services=(), nodes=(), namespaces=None, slices=None, ingresses=(),
                 ingress_classes=(), secrets=(), network_policies=(), network_policy: bool = True,
                 cluster_cidr: str = CLUSTER_CIDR, cluster_domain: str = CLUSTER_DOMAIN,
                 dns_service_ip: str = DNS_SERVICE_IP, external_client_ip: str = EXTERNAL_CLIENT_IP,
                 external_hosts: dict | None = None, upstream_dns: dict | None = None, memory: Memory | None = None,
                 now: float = 0.0, epoch: datetime = EPOCH, listeners=None, files=None,
                 ingress_class_names=("nginx",), watch_ingress_without_class: bool = True):
        self.pods = list(pods)
        self.services = list(services)
        self.nodes = list(nodes)
        self.memory = memory or Memory()
        self.now = now
        self.epoch = epoch
        self.cluster_cidr = cluster_cidr
        self.cluster_domain = cluster_domain
        self.dns_service_ip = dns_service_ip
        self.external_client_ip = external_client_ip
        self.external_hosts = dict(external_hosts or {})
        self.network_policy = network_policy
        self._listeners = listeners or image_listeners
        self.files = files
        if namespaces is None:
            names = {(o.get("metadata") or {}).get("namespace") or "default" for o in self.pods + self.services}
            namespaces = {n: {} for n in names | {"default", "kube-system"}}
        elif not isinstance(namespaces, dict):
            namespaces = {(n.get("metadata") or {}).get("name"): (n.get("metadata") or {}).get("labels") or {}
                          for n in namespaces}
        self.namespaces = namespaces
        if slices is None:
            slices = []
            for svc in self.services:
                if _key(svc) == "default/kubernetes":
                    slices += _apiserver_slices(self.nodes)
                else:
                    slices += desired_slices(svc, self.pods, self.nodes, rng=random.Random(_key(svc)))
        self.slices = list(slices)
        self.pods_by_key = {_key(p): p for p in self.pods}
        self.pods_by_ip: dict[str, dict] = {}
        for p in self.pods:
            if (p.get("spec") or {}).get("hostNetwork"):
                continue
            for ip in pod_ips(p):
                if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                    self.pods_by_ip[ip] = p
        self.nodes_by_name = {(n.get("metadata") or {}).get("name"): n for n in self.nodes}
        self.node_of_ip: dict[str, str] = {}
        for name, n in self.nodes_by_name.items():
            for ip in node_addresses(n):
                self.node_of_ip[ip] = name
            cidr = (n.get("spec") or {}).get("podCIDR")
            if cidr:
                self.node_of_ip[str(next(ipaddress.ip_network(cidr).hosts()))] = name
        self.services_by_key = {_key(s): s for s in self.services}
        self.service_ips: dict[str, dict] = {}
        self.load_balancer_ips: dict[str, dict] = {}
        for s in self.services:
            ip = (s.get("spec") or {}).get("clusterIP")
            if ip and ip != "None":
                self.service_ips[ip] = s
            for ing in ((s.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
                if ing.get("ip"):
                    self.load_balancer_ips[ing["ip"]] = s
        self.dns = CoreDNS(self.services, self.slices, list(self.namespaces), zone=cluster_domain,
                           upstream=upstream_dns)
        self.policies = list(network_policies)
        self.policy_index = PolicyIndex(self.policies, self.namespaces)
        self.secrets = {_key(s) for s in secrets}
        self.ingress = IngressController(ingresses, class_names=tuple(ingress_class_names) + tuple(
            (c.get("metadata") or {}).get("name") for c in ingress_classes
            if (c.get("spec") or {}).get("controller") == "k8s.io/ingress-nginx"),
            watch_without_class=watch_ingress_without_class, secrets=self.secrets)
        self._rules: dict[str, object] = {}

    # -- lookups -----------------------------------------------------------------------------
    def pod(self, ref, namespace: str = "default") -> dict | None:
        if isinstance(ref, dict):
            return ref
        key = ref if "/" in ref else f"{namespace}/{ref}"
        return self.pods_by_key.get(key)

    def rules(self, node_name: str):
        """kube-proxy's rules on ``node_name`` (built once per snapshot)."""
        rules = self._rules.get(node_name)
        if rules is None:
            node = self.nodes_by_name.get(node_name) or {"metadata": {"name": node_name}}
            rules = sync_proxy_rules(self.services, self.slices, node, cluster_cidr=self.cluster_cidr)
            rules.recent = self.memory.recent.setdefault(node_name, {})
            self._rules[node_name] = rules
        return rules

    def node_ip(self, node_name: str) -> str | None:
        ips = node_addresses(self.nodes_by_name.get(node_name) or {})
        return ips[0] if ips else None

    def gateway_ip(self, node_name: str) -> str | None:
        cidr = ((self.nodes_by_name.get(node_name) or {}).get("spec") or {}).get("podCIDR")
        return str(next(ipaddress.ip_network(cidr).hosts())) if cidr else None

    def listeners(self, pod: dict):
        return self._listeners(pod)

    def dns_pods(self) -> list[dict]:
        """The CoreDNS pods (``k8s-app=kube-dns`` in kube-system)."""
        return [p for p in self.pods if (p.get("metadata") or {}).get("namespace") == "kube-system"
                and ((p.get("metadata") or {}).get("labels") or {}).get("k8s-app") == "kube-dns"]

    def announcing_node(self, service: dict, ip: str) -> str | None:
        """The node MetalLB (L2 mode) answers ``ip`` from: among the Ready nodes (with a ready
        local endpoint for ``externalTrafficPolicy: Local``), the smallest sha256 of
        ``node#ip``."""
        candidates = []
        for name, node in self.nodes_by_name.items():
            ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                        for c in (node.get("status") or {}).get("conditions") or [])
            if not ready and (node.get("status") or {}).get("conditions"):
                continue
            if (service.get("spec") or {}).get("externalTrafficPolicy") == "Local":
                local = any(p for p in self.pods if (p.get("spec") or {}).get("nodeName") == name
                            and is_pod_ready(p) and _selected(service, p))
                if not local:
                    continue
            candidates.append(name)
        if not candidates:
            return None
        return min(candidates, key=lambda n: hashlib.sha256(f"{n}#{ip}".encode()).hexdigest())


def _apiserver_slices(nodes) -> list[dict]:
    """The ``default/kubernetes`` EndpointSlice the API server keeps (its lease endpoint
    reconciler): each control-plane node's address on 6443."""
    addrs = [node_addresses(n)[0] for n in nodes if node_addresses(n) and "node-role.kubernetes.io/control-plane"
             in ((n.get("metadata") or {}).get("labels") or {})]
    if not addrs:
        return []
    return [{"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
             "metadata": {"name": "kubernetes", "namespace": "default",
                          "labels": {"kubernetes.io/service-name": "kubernetes"}},
             "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
             "endpoints": [{"addresses": [a], "conditions": {"ready": True}} for a in addrs]}]


def _selected(service: dict, pod: dict) -> bool:
    from .endpointslices import selects

    return selects(service, pod)
