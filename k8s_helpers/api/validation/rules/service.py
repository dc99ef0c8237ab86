"""Service rules: type, ports, NodePort range, selector (SVC-1, SVC-2).

The schema accepts any string for ``type`` and any integer for ports; the API
server accepts only ClusterIP, NodePort, LoadBalancer and ExternalName (case
matters: ``Nodeport`` is rejected), ports 1-65535, and nodePort in the node-port
range, 30000-32767 by default, and only for NodePort/LoadBalancer Services.
"""
from __future__ import annotations

from ...labels import validate_dns1123_label, validate_dns1123_subdomain
from .common import add, as_dict, as_list, enum_check, iana_svc_name_errors, is_int
from .objectmeta import check_labels

_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
NODE_PORT_RANGE = (30000, 32767)


def check(obj: dict, out: list) -> None:
    if obj.get("kind") != "Service":
        return
    spec = as_dict(obj.get("spec"))
    t = spec.get("type")
    type_ok = enum_check(out, ("spec", "type"), t, _TYPES, "el tipo de Service", "SVC-2", empty_ok=True)
    if not type_ok:  # judge the ports as the type the student most likely meant
        from .common import suggest
        t = suggest(t, _TYPES) if isinstance(t, str) else None
    t = t if isinstance(t, str) else "ClusterIP"
    sel = spec.get("selector")
    if isinstance(sel, dict):
        check_labels(sel, ("spec", "selector"), out, "SVC-3")
    ports = spec.get("ports")
    headless = spec.get("clusterIP") == "None"
    if t == "ExternalName":
        en = spec.get("externalName")
        if not en:
            add(out, ("spec", "externalName"), "un Service ExternalName necesita «externalName» (un nombre DNS, "
                                               "p. ej. «db.ejemplo.com»)", "SVC-2")
        elif isinstance(en, str):
            for e in validate_dns1123_subdomain(en.rstrip(".")):
                add(out, ("spec", "externalName"), e, "SVC-2")
    elif not isinstance(ports, list) or not ports:
        if not headless and ports is None or (isinstance(ports, list) and not ports and not headless):
            add(out, ("spec", "ports"), "falta «ports»: un Service necesita al menos un puerto (salvo ExternalName "
                                        "o headless)", "SVC-1")
    plist = as_list(ports)
    seen_names, seen_ports = {}, {}
    for i, p in enumerate(plist):
        if not isinstance(p, dict):
            continue
        path = ("spec", "ports", i)
        port = p.get("port")
        if is_int(port) and not 1 <= port <= 65535:
            add(out, path + ("port",), f"el puerto {port} está fuera de rango: debe estar entre 1 y 65535", "SVC-1")
        proto = p.get("protocol") if isinstance(p.get("protocol"), str) and p.get("protocol") else "TCP"
        enum_check(out, path + ("protocol",), p.get("protocol"), ("TCP", "UDP", "SCTP"), "el protocolo", "SVC-1", empty_ok=True)
        if is_int(port):
            if (port, proto) in seen_ports:
                add(out, path + ("port",), f"el puerto {port}/{proto} está repetido (ya está en ports[{seen_ports[(port, proto)]}])",
                    "SVC-1")
            seen_ports[(port, proto)] = i
        name = p.get("name")
        if len(plist) > 1 and (name is None or name == ""):
            add(out, path + ("name",), "con varios puertos, cada uno necesita «name» (p. ej. «http», «https»)", "SVC-1")
        if isinstance(name, str) and name:
            for e in validate_dns1123_label(name):
                add(out, path + ("name",), f"nombre de puerto no válido: {e}", "DNS-1123")
            if name in seen_names:
                add(out, path + ("name",), f"el nombre de puerto «{name}» está repetido", "SVC-1")
            seen_names[name] = i
        tp = p.get("targetPort")
        # SetDefaults_Service: targetPort 0 or "" becomes `port` before validation (SVC-1).
        if is_int(tp) and tp != 0 and not 1 <= tp <= 65535:
            add(out, path + ("targetPort",), f"el puerto {tp} está fuera de rango: debe estar entre 1 y 65535", "SVC-1")
        elif isinstance(tp, str) and tp:
            if tp.isdigit():
                add(out, path + ("targetPort",), f"«{tp}» entre comillas es un nombre de puerto, no un número: "
                                                 f"escribe {tp} sin comillas", "SVC-1")
            else:
                for e in iana_svc_name_errors(tp):
                    add(out, path + ("targetPort",), f"el nombre de puerto «{tp}» no es válido: {e}", "SVC-1")
        np = p.get("nodePort")
        if is_int(np) and np != 0:
            if t in ("ClusterIP", "ExternalName"):
                add(out, path + ("nodePort",), f"«nodePort» solo se admite en Services de tipo NodePort o "
                                               f"LoadBalancer, no en {t}", "SVC-2")
            elif not NODE_PORT_RANGE[0] <= np <= NODE_PORT_RANGE[1]:
                add(out, path + ("nodePort",), f"el nodePort {np} está fuera del rango permitido, 30000-32767 (el "
                                               "rango por defecto del clúster); o quítalo y Kubernetes asignará uno",
                    "SVC-2")
    enum_check(out, ("spec", "sessionAffinity"), spec.get("sessionAffinity"), ("ClientIP", "None"),
               "sessionAffinity", "SVC-1", empty_ok=True)
    etp = spec.get("externalTrafficPolicy")
    if enum_check(out, ("spec", "externalTrafficPolicy"), etp, ("Cluster", "Local"), "externalTrafficPolicy",
                     empty_ok=True) \
            and etp and t not in ("NodePort", "LoadBalancer"):
        add(out, ("spec", "externalTrafficPolicy"), "«externalTrafficPolicy» solo se admite en Services NodePort o "
                                                    "LoadBalancer", "SVC-2")
    enum_check(out, ("spec", "internalTrafficPolicy"), spec.get("internalTrafficPolicy"), ("Cluster", "Local"),
               "internalTrafficPolicy")
