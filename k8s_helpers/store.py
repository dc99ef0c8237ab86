"""The API server's storage: objects by kind, namespace and name.

Objects are plain dicts in Kubernetes API shape. Every write bumps a global
``resourceVersion``; ``uid``s come from a generator seeded by the cluster's
seed, so the same inputs give the same uids. Kind names accept what kubectl
accepts: plural, singular, short name or Kind (``pods``, ``pod``, ``po``,
``Pod``; ``deployments.apps``).
"""
from __future__ import annotations

import random
import uuid

__all__ = ["Store", "resolve_kind", "NotFoundError", "KINDS", "copy_object"]


def copy_object(value):
    """Deep copy of API data (dicts, lists and scalars), faster than copy.deepcopy."""
    if type(value) is dict:
        return {k: copy_object(v) for k, v in value.items()}
    if type(value) is list:
        return [copy_object(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    import copy

    return copy.deepcopy(value)


class NotFoundError(KeyError):
    """El objeto (o el tipo de recurso) no existe: ``Error from server (NotFound)``.

    Es un ``LookupError`` (y un ``KeyError``, como buscar en un dict que no tiene
    esa clave); el texto es el de kubectl."""

    def __str__(self):
        return self.args[0] if self.args else "NotFound"


# plural, Kind, namespaced, short names, group
_TABLE = [
    ("pods", "Pod", True, ("pod", "po"), ""),
    ("nodes", "Node", False, ("node", "no"), ""),
    ("namespaces", "Namespace", False, ("namespace", "ns"), ""),
    ("events", "Event", True, ("event", "ev"), ""),
    ("services", "Service", True, ("service", "svc"), ""),
    ("endpoints", "Endpoints", True, ("ep",), ""),
    ("configmaps", "ConfigMap", True, ("configmap", "cm"), ""),
    ("secrets", "Secret", True, ("secret",), ""),
    ("serviceaccounts", "ServiceAccount", True, ("serviceaccount", "sa"), ""),
    ("persistentvolumes", "PersistentVolume", False, ("persistentvolume", "pv"), ""),
    ("persistentvolumeclaims", "PersistentVolumeClaim", True, ("persistentvolumeclaim", "pvc"), ""),
    ("resourcequotas", "ResourceQuota", True, ("resourcequota", "quota"), ""),
    ("limitranges", "LimitRange", True, ("limitrange", "limits"), ""),
    ("deployments", "Deployment", True, ("deployment", "deploy"), "apps"),
    ("replicasets", "ReplicaSet", True, ("replicaset", "rs"), "apps"),
    ("statefulsets", "StatefulSet", True, ("statefulset", "sts"), "apps"),
    ("daemonsets", "DaemonSet", True, ("daemonset", "ds"), "apps"),
    ("jobs", "Job", True, ("job",), "batch"),
    ("cronjobs", "CronJob", True, ("cronjob", "cj"), "batch"),
    ("ingresses", "Ingress", True, ("ingress", "ing"), "networking.k8s.io"),
    ("ingressclasses", "IngressClass", False, ("ingressclass",), "networking.k8s.io"),
    ("networkpolicies", "NetworkPolicy", True, ("networkpolicy", "netpol"), "networking.k8s.io"),
    ("endpointslices", "EndpointSlice", True, ("endpointslice",), "discovery.k8s.io"),
    ("storageclasses", "StorageClass", False, ("storageclass", "sc"), "storage.k8s.io"),
    ("roles", "Role", True, ("role",), "rbac.authorization.k8s.io"),
    ("rolebindings", "RoleBinding", True, ("rolebinding",), "rbac.authorization.k8s.io"),
    ("clusterroles", "ClusterRole", False, ("clusterrole",), "rbac.authorization.k8s.io"),
    ("clusterrolebindings", "ClusterRoleBinding", False, ("clusterrolebinding",), "rbac.authorization.k8s.io"),
    ("horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ("horizontalpodautoscaler", "hpa"), "autoscaling"),
    ("poddisruptionbudgets", "PodDisruptionBudget", True, ("poddisruptionbudget", "pdb"), "policy"),
    ("priorityclasses", "PriorityClass", False, ("priorityclass", "pc"), "scheduling.k8s.io"),
]

KINDS: dict[str, tuple[str, str, bool]] = {}  # alias -> (Kind, plural, namespaced)
for plural, kind, namespaced, short, group in _TABLE:
    for alias in (plural, kind.lower(), *short):
        KINDS[alias] = (kind, plural, namespaced)
        if group:
            KINDS[f"{alias}.{group}"] = (kind, plural, namespaced)
    KINDS[kind] = (kind, plural, namespaced)


def resolve_kind(name: str) -> tuple[str, str, bool]:
    """(Kind, plural, namespaced) for a kubectl resource name or a Kind."""
    key = name.strip()
    found = KINDS.get(key) or KINDS.get(key.lower())
    if found is None:
        raise NotFoundError(f'Kubernetes no conoce el tipo de recurso «{name}» '
                            f'(error: the server doesn\'t have a resource type "{name}")')
    return found


def kind_info(kind: str) -> tuple[str, bool]:
    """(plural, namespaced) for a Kind; unknown kinds are namespaced, plural = kind + s."""
    found = KINDS.get(kind)
    if found is None:
        return kind.lower() + "s", True
    return found[1], found[2]


class Store:
    def __init__(self, seed=0):
        self._objects: dict[str, dict[tuple, dict]] = {}
        self._rv = 0
        self._uid_rng = random.Random(f"uid:{seed}")

    def next_resource_version(self) -> str:
        self._rv += 1
        return str(self._rv)

    def new_uid(self) -> str:
        return str(uuid.UUID(int=self._uid_rng.getrandbits(128), version=4))

    def key(self, kind, namespace, name):
        _, namespaced = kind_info(kind)
        return (namespace if namespaced else None, name)

    def get(self, kind: str, namespace: str | None, name: str):
        return self._objects.get(kind, {}).get(self.key(kind, namespace, name))

    def put(self, obj: dict) -> dict:
        kind = obj["kind"]
        meta = obj["metadata"]
        meta["resourceVersion"] = self.next_resource_version()
        self._objects.setdefault(kind, {})[self.key(kind, meta.get("namespace"), meta["name"])] = obj
        return obj

    def remove(self, kind: str, namespace: str | None, name: str):
        return self._objects.get(kind, {}).pop(self.key(kind, namespace, name), None)

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        objs = self._objects.get(kind, {})
        if namespace is None:
            return list(objs.values())
        return [o for (ns, _), o in objs.items() if ns == namespace]

    def kinds(self):
        return list(self._objects)
