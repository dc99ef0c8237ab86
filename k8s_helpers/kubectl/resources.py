"""kubectl's resource names: plural, singular, short names and kind, as discovery gives them."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Resource", "RESOURCES", "lookup"]


@dataclass(frozen=True)
class Resource:
    plural: str          # "pods": what the API and error messages use
    kind: str            # "Pod"
    namespaced: bool
    aliases: tuple[str, ...]
    group: str = ""      # "" for core, "apps", ...

    @property
    def qualified(self) -> str:
        """Name used in messages: ``pods``, ``deployments.apps``."""
        return self.plural if not self.group else f"{self.plural}.{self.group}"


RESOURCES: tuple[Resource, ...] = (
    Resource("pods", "Pod", True, ("pod", "po")),
    Resource("nodes", "Node", False, ("node", "no")),
    Resource("namespaces", "Namespace", False, ("namespace", "ns")),
    Resource("events", "Event", True, ("event", "ev")),
    Resource("services", "Service", True, ("service", "svc")),
    Resource("endpoints", "Endpoints", True, ("ep",)),
    Resource("endpointslices", "EndpointSlice", True, ("endpointslice",), "discovery.k8s.io"),
    Resource("configmaps", "ConfigMap", True, ("configmap", "cm")),
    Resource("secrets", "Secret", True, ("secret",)),
    Resource("serviceaccounts", "ServiceAccount", True, ("serviceaccount", "sa")),
    Resource("persistentvolumes", "PersistentVolume", False, ("persistentvolume", "pv")),
    Resource("persistentvolumeclaims", "PersistentVolumeClaim", True,
             ("persistentvolumeclaim", "pvc")),
    Resource("resourcequotas", "ResourceQuota", True, ("resourcequota", "quota")),
    Resource("limitranges", "LimitRange", True, ("limitrange", "limits")),
    Resource("deployments", "Deployment", True, ("deployment", "deploy"), "apps"),
    Resource("replicasets", "ReplicaSet", True, ("replicaset", "rs"), "apps"),
    Resource("statefulsets", "StatefulSet", True, ("statefulset", "sts"), "apps"),
    Resource("daemonsets", "DaemonSet", True, ("daemonset", "ds"), "apps"),
    Resource("jobs", "Job", True, ("job",), "batch"),
    Resource("cronjobs", "CronJob", True, ("cronjob", "cj"), "batch"),
    Resource("ingresses", "Ingress", True, ("ingress", "ing"), "networking.k8s.io"),
    Resource("ingressclasses", "IngressClass", False, ("ingressclass",), "networking.k8s.io"),
    Resource("networkpolicies", "NetworkPolicy", True, ("networkpolicy", "netpol"),
             "networking.k8s.io"),
    Resource("storageclasses", "StorageClass", False, ("storageclass", "sc"), "storage.k8s.io"),
    Resource("roles", "Role", True, ("role",), "rbac.authorization.k8s.io"),
    Resource("rolebindings", "RoleBinding", True, ("rolebinding",), "rbac.authorization.k8s.io"),
    Resource("clusterroles", "ClusterRole", False, ("clusterrole",), "rbac.authorization.k8s.io"),
    Resource("clusterrolebindings", "ClusterRoleBinding", False, ("clusterrolebinding",),
             "rbac.authorization.k8s.io"),
    Resource("horizontalpodautoscalers", "HorizontalPodAutoscaler", True,
             ("horizontalpodautoscaler", "hpa"), "autoscaling"),
    Resource("poddisruptionbudgets", "PodDisruptionBudget", True,
             ("poddisruptionbudget", "pdb"), "policy"),
    Resource("priorityclasses", "PriorityClass", False, ("priorityclass", "pc"),
             "scheduling.k8s.io"),
)

_INDEX: dict[str, Resource] = {}
for _r in RESOURCES:
    for _name in (_r.plural, _r.kind.lower(), *_r.aliases, _r.qualified):
        _INDEX.setdefault(_name, _r)


def lookup(name: str) -> Resource | None:
    """Resource for ``pods``, ``pod``, ``po``, ``Pod``, ``deployments.apps``...; None if unknown."""
    return _INDEX.get(name.lower())
