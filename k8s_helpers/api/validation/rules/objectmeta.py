"""ObjectMeta: name (DNS-1123 / DNS-1035), namespace, label and annotation syntax.

apimachinery ValidateObjectMeta: ``name`` or ``generateName`` is required; most
kinds need a DNS-1123 subdomain name, Namespaces a DNS-1123 label, Services a
DNS-1035 label (must start with a letter); labels are qualified-name keys with
values of at most 63 characters (AFF-1: values are strings).
"""
from __future__ import annotations

import re

from ...labels import (validate_dns1123_label, validate_dns1123_subdomain, validate_label_key,
                       validate_label_value, validate_qualified_name)
from .. import apierror as E
from .common import add, as_dict, get

# Kinds whose names are only checked for path safety (RBAC allows "system:..." names).
_PATH_SEGMENT_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}
_DNS_LABEL_KINDS = {"Namespace"}
_DNS1035_KINDS = {"Service"}
_SUBDOMAIN_KINDS = {
    "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController",
    "ConfigMap", "Secret", "PersistentVolumeClaim", "PersistentVolume", "Ingress", "IngressClass",
    "NetworkPolicy", "ServiceAccount", "HorizontalPodAutoscaler", "PodDisruptionBudget", "StorageClass",
    "LimitRange", "ResourceQuota", "PriorityClass", "PodTemplate", "Endpoints", "Node", "RuntimeClass",
}
_DNS1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")


def name_errors(kind: str, name: str) -> list[str]:
    if kind in _DNS1035_KINDS:
        errs = []
        if len(name) > 63:
            errs.append(f"«{name}» tiene {len(name)} caracteres; el máximo es 63")
        if not _DNS1035.match(name):
            errs.append(f"«{name}» no es un nombre válido para un {kind}: solo minúsculas, dígitos y «-», "
                        "empezando por una letra y terminando por letra o dígito (DNS-1035, p. ej. «mi-servicio»)")
        return errs
    if kind in _DNS_LABEL_KINDS:
        return validate_dns1123_label(name)
    if kind in _SUBDOMAIN_KINDS:
        errs = validate_dns1123_subdomain(name)
        if kind == "Job" and len(name) > 63:  # copied into the job-name label of its Pods (JOB-1)
            errs.append(f"«{name}» tiene {len(name)} caracteres; un Job admite como máximo 63 (su nombre se copia "
                        "en la etiqueta «job-name» de sus Pods, y una etiqueta no pasa de 63)")
        if kind == "CronJob" and len(name) > 52:
            errs.append(f"«{name}» tiene {len(name)} caracteres; un CronJob admite como máximo 52 "
                        "(sus Jobs añaden 11 caracteres al nombre)")
        return errs
    if kind in _PATH_SEGMENT_KINDS:
        if name in (".", "..") or "/" in name or "%" in name:
            return [f"«{name}» no es un nombre válido: no puede ser «.» ni «..» ni contener «/» o «%»"]
    return []


def _api_name_errors(kind: str, name: str) -> list[str]:
    if kind in _DNS1035_KINDS:
        return E.dns1035_label(name)
    if kind in _DNS_LABEL_KINDS:
        return E.dns1123_label(name)
    if kind in _SUBDOMAIN_KINDS:
        return E.dns1123_subdomain(name)
    return []


def check(obj: dict, out: list) -> None:
    kind = obj.get("kind")
    meta = obj.get("metadata")
    if meta is None:
        add(out, ("metadata",), "falta «metadata» con al menos «name»: todo objeto necesita un nombre",
            api=E.required(E.path("metadata", "name"), "name or generateName is required"))
        return
    if not isinstance(meta, dict):
        return  # the schema already said that «metadata» must be an object
    name, gen = meta.get("name"), meta.get("generateName")
    np = E.path("metadata", "name")
    if (name is None or name == "") and not gen:
        add(out, ("metadata", "name"), "falta el nombre del objeto: escribe «name» dentro de «metadata» "
                                       "(o «generateName» para un nombre generado)",
            api=E.required(np, "name or generateName is required"))
    elif isinstance(name, str) and name:
        es = name_errors(kind, name)
        api = _api_name_errors(kind, name)
        for i, e in enumerate(es):
            detail = api[i] if i < len(api) else None
            if kind == "CronJob" and len(name) > 52 and e.startswith(f"«{name}» tiene") and "CronJob" in e:
                detail = "must be no more than 52 characters"
            if kind == "Job" and len(name) > 63 and "job-name" in e:
                add(out, ("metadata", "name"), e, "DNS-1123",
                    E.invalid(E.path("spec", "template", "labels"), name, "must be no more than 63 characters"))
                continue
            add(out, ("metadata", "name"), e, "DNS-1123", E.invalid(np, name, detail) if detail else None)
    ns = meta.get("namespace")
    if isinstance(ns, str) and ns:
        api = E.dns1123_label(ns)
        for i, e in enumerate(validate_dns1123_label(ns)):
            add(out, ("metadata", "namespace"), e, "DNS-1123",
                E.invalid(E.path("metadata", "namespace"), ns, api[i]) if i < len(api) else None)
    check_labels(as_dict(meta.get("labels")), ("metadata", "labels"), out)
    for key in as_dict(meta.get("annotations")):
        api = E.qualified_name(key.lower())
        for i, e in enumerate(validate_qualified_name(key)):
            add(out, ("metadata", "annotations", key), f"clave de anotación no válida: {e}",
                api=E.invalid(E.path("metadata", "annotations"), key, api[i]) if i < len(api) else None)


def check_labels(labels: dict, path: tuple, out: list, rule: str = "AFF-1") -> None:
    """Label keys and string values (non-strings were reported by the schema); the API server
    reports them on the map (``metadata.labels: Invalid value: "x": ...``)."""
    ap = E.Path(path)
    for key, value in labels.items():
        api = E.qualified_name(key) if isinstance(key, str) else []
        for i, e in enumerate(validate_label_key(key)):
            add(out, path + (key,), f"clave de etiqueta no válida: {e}", "DNS-1123",
                E.invalid(ap, key, api[i]) if i < len(api) else None)
        if isinstance(value, str):
            api = E.label_value(value)
            for i, e in enumerate(validate_label_value(value)):
                add(out, path + (key,), e, rule, E.invalid(ap, value, api[i]) if i < len(api) else None)
