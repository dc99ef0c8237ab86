"""Storage and other small enums: PVC/PV access modes and size (STO-1, STO-4), Ingress
pathType (ING-1), ConfigMap/Secret keys."""
from __future__ import annotations

import base64
import binascii
import re

from ...labels import validate_dns1123_subdomain
from .common import add, as_dict, as_list, enum_check, get

_ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
_CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+\Z")


def _access_modes(modes, path, out, required=True):
    if modes is None or (isinstance(modes, list) and not modes):
        if required:
            add(out, path, "falta «accessModes» (p. ej. [ReadWriteOnce])", "STO-4")
        return
    for i, m in enumerate(as_list(modes)):
        enum_check(out, path + (i,), m, _ACCESS_MODES, "el modo de acceso", "STO-4")
    if "ReadWriteOncePod" in as_list(modes) and len(as_list(modes)) > 1:
        add(out, path, "«ReadWriteOncePod» no se puede combinar con otros modos de acceso", "STO-4")


def check(obj: dict, out: list) -> None:
    kind = obj.get("kind")
    spec = as_dict(obj.get("spec"))
    if kind == "PersistentVolumeClaim":
        _pvc_spec(spec, ("spec",), out, data_source=True)
    elif kind == "StatefulSet":
        for i, t in enumerate(as_list(spec.get("volumeClaimTemplates"))):
            if isinstance(t, dict):
                _pvc_spec(as_dict(t.get("spec")), ("spec", "volumeClaimTemplates", i, "spec"), out)
    elif kind == "PersistentVolume":
        _access_modes(spec.get("accessModes"), ("spec", "accessModes"), out)
        if get(spec, "capacity", "storage") is None:
            add(out, ("spec", "capacity", "storage"), "falta la capacidad «capacity.storage» (p. ej. «10Gi»)", "STO-1")
        enum_check(out, ("spec", "persistentVolumeReclaimPolicy"), spec.get("persistentVolumeReclaimPolicy"),
                   ("Retain", "Delete", "Recycle"), "la política de reclamación", "STO-3", empty_ok=True)
        enum_check(out, ("spec", "volumeMode"), spec.get("volumeMode"), ("Filesystem", "Block"), "volumeMode")
    elif kind == "StorageClass":
        enum_check(out, ("volumeBindingMode",), obj.get("volumeBindingMode"), ("Immediate", "WaitForFirstConsumer"),
                   "volumeBindingMode", "STO-4")
        enum_check(out, ("reclaimPolicy",), obj.get("reclaimPolicy"), ("Retain", "Delete"), "reclaimPolicy", "STO-3")
    elif kind == "Ingress":
        _ingress(spec, out)
    elif kind in ("ConfigMap", "Secret"):
        for section in ("data", "binaryData", "stringData"):
            for key in as_dict(obj.get(section)):
                if not _CONFIG_KEY.match(key) or len(key) > 253 or key in (".", ".."):
                    add(out, (section, key), f"la clave «{key}» no es válida: solo letras, dígitos, «-», «_» y «.»")
        if kind == "Secret":
            for key, value in as_dict(obj.get("data")).items():
                if isinstance(value, str) and not _is_base64(value):
                    add(out, ("data", key), "los valores de «data» de un Secret van en base64; para escribir el texto "
                                            "tal cual usa «stringData»")


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode("".join(value.split()), validate=True)
        return True
    except (binascii.Error, ValueError):
        return False


def _pvc_spec(spec: dict, path: tuple, out: list, data_source: bool = False) -> None:
    _access_modes(spec.get("accessModes"), path + ("accessModes",), out,
                  required=not (data_source and spec.get("dataSourceRef")))
    enum_check(out, path + ("volumeMode",), spec.get("volumeMode"), ("Filesystem", "Block"), "volumeMode")
    if get(spec, "resources", "requests", "storage") is None and spec.get("volumeName") is None:
        add(out, path + ("resources", "requests", "storage"),
            "falta el tamaño pedido «resources.requests.storage» (p. ej. «1Gi»)", "STO-1")


def _ingress(spec: dict, out: list) -> None:
    for i, rule in enumerate(as_list(spec.get("rules"))):
        if not isinstance(rule, dict):
            continue
        host = rule.get("host")
        if isinstance(host, str) and host:
            _ingress_host(host, ("spec", "rules", i, "host"), out)
        for j, p in enumerate(as_list(get(rule, "http", "paths"))):
            if not isinstance(p, dict):
                continue
            pp = ("spec", "rules", i, "http", "paths", j)
            pt = p.get("pathType")
            if pt is None:
                add(out, pp + ("pathType",), "falta «pathType»: usa «Prefix» o «Exact» (o ImplementationSpecific)",
                    "ING-1")
            else:
                enum_check(out, pp + ("pathType",), pt, ("Exact", "Prefix", "ImplementationSpecific"), "pathType",
                           "ING-2")
            path = p.get("path")
            if pt in ("Exact", "Prefix") and isinstance(path, str) and not path.startswith("/"):
                add(out, pp + ("path",), f"la ruta «{path}» debe empezar por «/»", "ING-2")
            _backend(as_dict(p.get("backend")), pp + ("backend",), out)
    if isinstance(spec.get("defaultBackend"), dict):
        _backend(spec["defaultBackend"], ("spec", "defaultBackend"), out)


def _ingress_host(host: str, path: tuple, out: list) -> None:
    """networking validation: not an IP; `*.` + a DNS-1123 subdomain, or a DNS-1123 subdomain (ING-3)."""
    import ipaddress
    try:
        ipaddress.ip_address(host.strip("[]"))
        add(out, path, f"«host» debe ser un nombre DNS, no una dirección IP («{host}»)", "ING-3")
        return
    except ValueError:
        pass
    h = host[2:] if host.startswith("*.") else host
    if "*" in h:
        add(out, path, "el comodín «*» solo puede ir al principio y solo, como «*.ejemplo.com»", "ING-3")
    elif ":" in h:
        add(out, path, f"«{host}» no puede llevar puerto: «host» es solo el nombre DNS (p. ej. «web.ejemplo.com»)",
            "ING-3")
    else:
        for e in validate_dns1123_subdomain(h):
            add(out, path, f"«host» no válido: {e}", "ING-3")


def _backend(b: dict, path: tuple, out: list) -> None:
    svc = b.get("service")
    if svc is None and b.get("resource") is None:
        add(out, path, "el backend necesita «service» (con «name» y «port») o «resource»", "ING-1")
        return
    if isinstance(svc, dict):
        if svc.get("port") is not None and not isinstance(svc.get("port"), dict):
            return  # the schema already said that «port» must be an object ({number: 80})
        port = as_dict(svc.get("port"))
        if "number" in port and "name" in port:
            add(out, path + ("service", "port"), "indica el puerto con «number» o con «name», no con ambos", "ING-1")
        elif "number" not in port and "name" not in port:
            add(out, path + ("service", "port"), "falta el puerto del Service: «port: {number: 80}» o "
                                                 "«port: {name: http}»", "ING-1")
