"""A small kind-like cluster as API-shaped dicts, for the network tests and benchmarks.

Three nodes (``kind-control-plane`` 172.18.0.2, ``kind-worker`` 172.18.0.3, ``kind-worker2``
172.18.0.4, pod CIDRs 10.244.{0,1,2}.0/24), CoreDNS behind ``kube-dns`` (10.96.0.10), the
ingress-nginx controller on kind (NodePorts 80/443 of its Service), and helpers to add pods
and Services with their addresses allocated as the API server would.
"""
from __future__ import annotations

import random

from k8s_helpers.api.defaults import default_service
from k8s_helpers.network.service_ips import DNS_SERVICE_IP, LoadBalancerPool, ServiceRegistry, kubernetes_service
from k8s_helpers.network.state import Memory, NetworkState

NODES = [("kind-control-plane", "172.18.0.2", "10.244.0.0/24", True),
         ("kind-worker", "172.18.0.3", "10.244.1.0/24", False),
         ("kind-worker2", "172.18.0.4", "10.244.2.0/24", False)]


def node(name: str, ip: str, cidr: str, control_plane: bool = False) -> dict:
    labels = {"kubernetes.io/hostname": name}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels},
            "spec": {"podCIDR": cidr, "podCIDRs": [cidr]},
            "status": {"addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def pod(name: str, ip: str, node_name: str, *, namespace: str = "default", labels=None, image: str = "nginx:1.27",
        ports=(), ready: bool = True, args=None, phase: str = "Running", deleting: bool = False,
        hostname: str | None = None, subdomain: str | None = None, containers=None) -> dict:
    container = {"name": name.split("-")[0] or "app", "image": image,
                 "ports": [dict(p) if isinstance(p, dict) else {"containerPort": p, "protocol": "TCP"} for p in ports]}
    if args is not None:
        container["args"] = list(args)
    containers = containers or [container]
    meta = {"name": name, "namespace": namespace, "labels": dict(labels or {}), "uid": f"uid-{namespace}-{name}"}
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T00:00:30Z"
    spec = {"nodeName": node_name, "containers": containers}
    if hostname:
        spec["hostname"] = hostname
    if subdomain:
        spec["subdomain"] = subdomain
    running = phase == "Running"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
            "status": {"phase": phase, "podIP": ip, "podIPs": [{"ip": ip}],
                       "conditions": [{"type": "Ready", "status": "True" if ready and running else "False"}],
                       "containerStatuses": [{"name": c["name"], "ready": ready,
                                              "state": {"running": {}} if running else {"terminated": {}}}
                                             for c in containers]}}


class MiniCluster:
    """Objects of a kind cluster; :meth:`state` snapshots them for the data path."""

    def __init__(self, seed: int = 0, load_balancer: bool = False, network_policy: bool = True):
        self.registry = ServiceRegistry(rng=random.Random(seed),
                                        load_balancer=LoadBalancerPool() if load_balancer else None)
        self.memory = Memory(seed)
        self.network_policy = network_policy
        self.nodes = [node(*n) for n in NODES]
        self.pods: list[dict] = []
        self.services: list[dict] = [kubernetes_service(self.registry)]
        self.ingresses: list[dict] = []
        self.policies: list[dict] = []
        self.secrets: list[dict] = []
        self.namespaces = {"default": {}, "kube-system": {}, "ingress-nginx": {}}
        self._next = {n[0]: 5 for n in NODES}
        self.add_pod("coredns-668d6bf9bc-7xk2p", "kind-control-plane", namespace="kube-system",
                     labels={"k8s-app": "kube-dns"}, image="registry.k8s.io/coredns/coredns:v1.11.3",
                     ports=[{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                            {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}])
        self.add_service("kube-dns", "kube-system", {"k8s-app": "kube-dns"},
                         [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                          {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}],
                         cluster_ip=DNS_SERVICE_IP)

    def add_pod(self, name: str, node_name: str = "kind-worker", **kw) -> dict:
        n = next(x for x in NODES if x[0] == node_name)
        base = n[2].rsplit(".", 2)[0]
        ip = kw.pop("ip", None) or f"{base}.{n[2].split('.')[2]}.{self._next[node_name]}"
        self._next[node_name] += 1
        p = pod(name, ip, node_name, **kw)
        self.pods.append(p)
        return p

    def add_service(self, name: str, namespace: str = "default", selector=None, ports=None, *, type: str = "ClusterIP",
                    cluster_ip: str | None = None, **spec) -> dict:
        body = {"type": type, "ports": ports or [{"port": 80, "targetPort": 80}], **spec}
        if selector is not None:
            body["selector"] = selector
        if cluster_ip:
            body["clusterIP"] = cluster_ip
        svc = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": name, "namespace": namespace, "uid": f"uid-svc-{namespace}-{name}"},
               "spec": body}
        svc = self.registry.allocate(default_service(svc))
        svc["status"] = self.registry.load_balancer_status(svc)
        self.services.append(svc)
        self.namespaces.setdefault(namespace, {})
        return svc

    def add_ingress_controller(self) -> dict:
        """ingress-nginx as kind's manifest deploys it: one controller pod on the control plane,
        a NodePort Service for 80 and 443, IngressClass ``nginx``."""
        ctrl = self.add_pod("ingress-nginx-controller-6d8d8c8b5f-q2x7z", "kind-control-plane",
                            namespace="ingress-nginx",
                            labels={"app.kubernetes.io/component": "controller",
                                    "app.kubernetes.io/name": "ingress-nginx"},
                            image="registry.k8s.io/ingress-nginx/controller:v1.13.0",
                            args=["/nginx-ingress-controller", "--watch-ingress-without-class=true"],
                            ports=[{"name": "http", "containerPort": 80}, {"name": "https", "containerPort": 443}])
        self.add_service("ingress-nginx-controller", "ingress-nginx",
                         {"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "ingress-nginx"},
                         [{"name": "http", "port": 80, "targetPort": "http", "appProtocol": "http"},
                          {"name": "https", "port": 443, "targetPort": "https", "appProtocol": "https"}],
                         type="NodePort")
        return ctrl

    def state(self, **kw) -> NetworkState:
        return NetworkState(pods=self.pods, services=self.services, nodes=self.nodes, namespaces=self.namespaces,
                            ingresses=self.ingresses, secrets=self.secrets, network_policies=self.policies,
                            network_policy=self.network_policy, memory=self.memory, **kw)
