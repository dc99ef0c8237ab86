"""Service: type, cluster IP, ports, node ports, traffic policies (SVC-1, SVC-2).

A port of ``ValidateService``, ``validateServicePort``, ``validateServiceExternalTrafficPolicy``,
``validateServiceInternalTrafficFieldsValue`` and ``ValidateServiceClusterIPsRelatedFields`` in
pkg/apis/core/validation/validation.go, plus the node-port allocator's range check
(pkg/registry/core/service/portallocator). The schema accepts any string for ``type`` and any
integer for ports; the API server accepts only ClusterIP, NodePort, LoadBalancer and
ExternalName (case matters: ``Nodeport`` is rejected), ports 1-65535, a name on every port
when there are several, ``nodePort`` only on NodePort/LoadBalancer Services and inside the
node-port range (30000-32767 by default), ``clusterIP: None`` (headless) only on ClusterIP
Services, and no cluster IP at all on ExternalName ones.
"""
from __future__ import annotations

import ipaddress

from .. import apierror as E
from . import warnings
from .common import add, as_dict, as_list, enum_check, is_int, suggest
from .objectmeta import check_labels

TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
NODE_PORT_RANGE = (30000, 32767)
_PROTOCOLS = ("TCP", "UDP", "SCTP")
_TRAFFIC_DISTRIBUTION = ("PreferClose", "PreferSameZone", "PreferSameNode")
_VALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def check(obj: dict, out: list) -> None:
    if obj.get("kind") != "Service":
        return
    spec = as_dict(obj.get("spec"))
    sp = E.path("spec")
    t = spec.get("type")
    if not enum_check(out, ("spec", "type"), t, TYPES, "el tipo de Service", "SVC-2", empty_ok=True):
        t = suggest(t, TYPES) if isinstance(t, str) else None  # judge the rest as the type most likely meant
    t = t if isinstance(t, str) and t else "ClusterIP"
    cluster_ip = spec.get("clusterIP")
    headless = cluster_ip == "None"
    ports = spec.get("ports")
    plist = as_list(ports)

    if not plist and not headless and t != "ExternalName":
        add(out, ("spec", "ports"), "falta «ports»: un Service necesita al menos un puerto (salvo ExternalName o "
                                    "headless, «clusterIP: None»)", "SVC-1", E.required(sp.child("ports")))
    if t in ("LoadBalancer", "NodePort") and headless:
        add(out, ("spec", "clusterIP"), f"un Service {t} no puede ser headless («clusterIP: None»): {t} publica el "
                                        "Service en un puerto de cada nodo y necesita su IP de clúster; quita "
                                        "«clusterIP: None» o usa «type: ClusterIP» si querías un Service headless",
            "SVC-2", E.invalid(sp.child("clusterIPs").index(0), "None",
                               f"may not be set to 'None' for {t} services"))
    if t == "ExternalName":
        if cluster_ip not in (None, ""):
            add(out, ("spec", "clusterIP"), "un Service ExternalName no tiene IP de clúster: quita «clusterIP» (es solo "
                                            "un alias DNS, un CNAME)", "SVC-2",
                E.forbidden(sp.child("clusterIPs"), "may not be set for ExternalName services"))
        for f in ("ipFamilies", "ipFamilyPolicy"):
            if spec.get(f) not in (None, []):
                add(out, ("spec", f), f"un Service ExternalName no admite «{f}»", "SVC-2",
                    E.forbidden(sp.child(f), "may not be set for ExternalName services"))
        en = spec.get("externalName")
        cname = en.rstrip(".") if isinstance(en, str) else en
        if not cname:
            add(out, ("spec", "externalName"), "un Service ExternalName necesita «externalName» (un nombre DNS, "
                                               "p. ej. «db.ejemplo.com»)", "SVC-2", E.required(sp.child("externalName")))
        elif isinstance(cname, str):
            for msg in E.dns1123_subdomain(cname):
                add(out, ("spec", "externalName"), f"«{en}» no es un nombre DNS válido: solo minúsculas, dígitos, «-» "
                                                   "y «.» (p. ej. «db.ejemplo.com»); sin «http://» ni puerto", "SVC-2",
                    E.invalid(sp.child("externalName"), cname, msg))
    elif isinstance(cluster_ip, str) and cluster_ip not in ("", "None") and not _is_ip(cluster_ip):
        add(out, ("spec", "clusterIP"), f"«{cluster_ip}» no es una dirección IP válida (o déjalo vacío para que "
                                        "Kubernetes asigne una, o «None» para un Service headless)", "SVC-2",
            E.invalid(sp.child("clusterIPs").index(0), cluster_ip, _VALID_IP))

    seen_names, seen_ports, seen_node_ports = {}, {}, {}
    for i, p in enumerate(plist):
        if isinstance(p, dict):
            _port(p, i, len(plist), t, seen_names, seen_ports, seen_node_ports, out)

    sel = spec.get("selector")
    if isinstance(sel, dict):
        check_labels(sel, ("spec", "selector"), out, "SVC-3")
    affinity = spec.get("sessionAffinity")
    enum_check(out, ("spec", "sessionAffinity"), affinity, ("ClientIP", "None"), "sessionAffinity", "SVC-1",
               empty_ok=True)
    timeout = (as_dict(as_dict(spec.get("sessionAffinityConfig")).get("clientIP"))).get("timeoutSeconds")
    if affinity == "ClientIP" and is_int(timeout) and not 0 < timeout <= 86400:
        p = ("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds")
        add(out, p, f"«timeoutSeconds» debe estar entre 1 y 86400 (un día), no {timeout}", "SVC-1",
            E.invalid(E.Path(p), timeout, "must be greater than 0 and less than 86400"))
    if affinity in (None, "", "None") and spec.get("sessionAffinityConfig") is not None:
        add(out, ("spec", "sessionAffinityConfig"), "«sessionAffinityConfig» solo tiene sentido con «sessionAffinity: "
                                                    "ClientIP»", "SVC-1",
            E.forbidden(sp.child("sessionAffinityConfig"), "must not be set when session affinity is None"))
    for i, ip in enumerate(as_list(spec.get("externalIPs"))):
        if isinstance(ip, str) and not _is_ip(ip):
            add(out, ("spec", "externalIPs", i), f"«{ip}» no es una dirección IP válida", "SVC-2",
                E.invalid(sp.child("externalIPs").index(i), ip, _VALID_IP))
    for i, fam in enumerate(as_list(spec.get("ipFamilies"))):
        enum_check(out, ("spec", "ipFamilies", i), fam, ("IPv4", "IPv6"), "la familia de IP")
    enum_check(out, ("spec", "ipFamilyPolicy"), spec.get("ipFamilyPolicy"),
               ("SingleStack", "PreferDualStack", "RequireDualStack"), "ipFamilyPolicy")
    _lb_only(spec, t, out)
    _traffic(spec, t, out)
    warnings.check_service(spec, out)


def _port(p: dict, i: int, count: int, t: str, seen_names, seen_ports, seen_node_ports, out) -> None:
    path = ("spec", "ports", i)
    ap = E.Path(path)
    name = p.get("name")
    if count > 1 and (name is None or name == ""):
        add(out, path + ("name",), "con varios puertos, cada uno necesita «name» (p. ej. «http», «https»)", "SVC-1",
            E.required(ap.child("name")))
    elif isinstance(name, str) and name:
        for msg in E.dns1123_label(name):
            add(out, path + ("name",), f"«{name}» no es un nombre de puerto válido: solo minúsculas, dígitos y «-»",
                "DNS-1123", E.invalid(ap.child("name"), name, msg))
        if name in seen_names:
            add(out, path + ("name",), f"el nombre de puerto «{name}» está repetido", "SVC-1",
                E.duplicate(ap.child("name"), name))
        seen_names.setdefault(name, i)
    port = p.get("port")
    if is_int(port) and not 1 <= port <= 65535:
        add(out, path + ("port",), f"el puerto {port} está fuera de rango: debe estar entre 1 y 65535", "SVC-1",
            E.invalid(ap.child("port"), port, E.INCLUSIVE_PORT_RANGE))
    proto = p.get("protocol") if isinstance(p.get("protocol"), str) and p.get("protocol") else "TCP"
    enum_check(out, path + ("protocol",), p.get("protocol"), _PROTOCOLS, "el protocolo", "SVC-1", empty_ok=True)
    tp = p.get("targetPort")
    # SetDefaults_Service: targetPort 0 or "" becomes `port` before validation (SVC-1).
    if is_int(tp) and tp != 0 and not 1 <= tp <= 65535:
        add(out, path + ("targetPort",), f"el puerto {tp} está fuera de rango: debe estar entre 1 y 65535", "SVC-1",
            E.invalid(ap.child("targetPort"), tp, E.INCLUSIVE_PORT_RANGE))
    elif isinstance(tp, str) and tp:
        for msg in E.port_name(tp):
            if tp.isdigit():
                es = f"«{tp}» entre comillas es un nombre de puerto, no un número: escribe {tp} sin comillas"
            else:
                es = f"el nombre de puerto «{tp}» no es válido: hasta 15 minúsculas, dígitos y «-», con alguna letra"
            add(out, path + ("targetPort",), es, "SVC-1", E.invalid(ap.child("targetPort"), tp, msg))
            break
    app = p.get("appProtocol")
    if isinstance(app, str):
        for msg in E.qualified_name(app):
            add(out, path + ("appProtocol",), f"«{app}» no es un «appProtocol» válido (p. ej. «http» o "
                                              "«kubernetes.io/h2c»)", "SVC-1", E.invalid(ap.child("appProtocol"), app, msg))
    if is_int(port):
        if (port, proto) in seen_ports:
            add(out, path + ("port",), f"el puerto {port}/{proto} está repetido (ya está en "
                                       f"ports[{seen_ports[(port, proto)]}])", "SVC-1",
                E.duplicate(ap, _service_port(p, proto)))
        seen_ports.setdefault((port, proto), i)
    np = p.get("nodePort")
    if is_int(np) and np != 0:
        if t == "ClusterIP":
            add(out, path + ("nodePort",), "«nodePort» solo se admite en Services de tipo NodePort o LoadBalancer, no "
                                           "en ClusterIP: añade «type: NodePort» o quita «nodePort»", "SVC-2",
                E.forbidden(ap.child("nodePort"), "may not be used when `type` is 'ClusterIP'"))
        elif t in ("NodePort", "LoadBalancer"):
            if (np, proto) in seen_node_ports:
                add(out, path + ("nodePort",), f"el nodePort {np} está repetido", "SVC-2",
                    E.duplicate(ap.child("nodePort"), np))
            seen_node_ports.setdefault((np, proto), i)
            if not NODE_PORT_RANGE[0] <= np <= NODE_PORT_RANGE[1]:
                add(out, path + ("nodePort",), f"el nodePort {np} está fuera del rango permitido, 30000-32767 (el "
                                               "rango por defecto del clúster); o quítalo y Kubernetes asignará uno",
                    "SVC-2", E.invalid(ap.child("nodePort"), np, "provided port is not in the valid range. The range "
                                                                 "of valid ports is 30000-32767"))


def _service_port(p: dict, proto: str) -> str:
    """fmt's %#v of the core.ServicePort key the API server reports as duplicated."""
    return (f'core.ServicePort{{Name:"", Protocol:"{proto}", AppProtocol:(*string)(nil), Port:{p.get("port")}, '
            'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}')


def _lb_only(spec: dict, t: str, out: list) -> None:
    sp = E.path("spec")
    ranges = as_list(spec.get("loadBalancerSourceRanges"))
    if ranges and t != "LoadBalancer":
        add(out, ("spec", "loadBalancerSourceRanges"), "«loadBalancerSourceRanges» solo se admite con «type: "
                                                       "LoadBalancer»", "SVC-2",
            E.forbidden(sp.child("LoadBalancerSourceRanges"), "may only be used when `type` is 'LoadBalancer'"))
    for i, cidr in enumerate(ranges):
        if isinstance(cidr, str):
            try:
                ipaddress.ip_network(cidr.strip(), strict=False)
                if "/" not in cidr:
                    raise ValueError
            except ValueError:
                add(out, ("spec", "loadBalancerSourceRanges", i), f"«{cidr}» no es un rango CIDR válido (p. ej. "
                                                                  "«10.0.0.0/8»)", "SVC-2",
                    E.invalid(sp.child("LoadBalancerSourceRanges").index(i), cidr.strip(),
                              "must be a valid CIDR value, (e.g. 10.0.0.0/8 or 2001:db8::/64)"))
    if spec.get("allocateLoadBalancerNodePorts") is not None and t != "LoadBalancer":
        add(out, ("spec", "allocateLoadBalancerNodePorts"), "«allocateLoadBalancerNodePorts» solo se admite con "
                                                            "«type: LoadBalancer»", "SVC-2",
            E.forbidden(sp.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"))


def _traffic(spec: dict, t: str, out: list) -> None:
    sp = E.path("spec")
    external = t in ("NodePort", "LoadBalancer") or (t == "ClusterIP" and as_list(spec.get("externalIPs")))
    etp = spec.get("externalTrafficPolicy")
    if isinstance(etp, str) and etp:
        if not external:
            add(out, ("spec", "externalTrafficPolicy"), "«externalTrafficPolicy» solo se admite en Services "
                                                        "accesibles desde fuera (NodePort o LoadBalancer)", "SVC-2",
                E.invalid(sp.child("externalTrafficPolicy"), etp, "may only be set for externally-accessible services"))
        else:
            enum_check(out, ("spec", "externalTrafficPolicy"), etp, ("Cluster", "Local"), "externalTrafficPolicy",
                       "SVC-2")
    hc = spec.get("healthCheckNodePort")
    if is_int(hc) and hc != 0 and not (t == "LoadBalancer" and etp == "Local"):
        add(out, ("spec", "healthCheckNodePort"), "«healthCheckNodePort» solo se admite con «type: LoadBalancer» y "
                                                  "«externalTrafficPolicy: Local»", "SVC-2",
            E.invalid(sp.child("healthCheckNodePort"), hc,
                      "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
    enum_check(out, ("spec", "internalTrafficPolicy"), spec.get("internalTrafficPolicy"), ("Cluster", "Local"),
               "internalTrafficPolicy", "SVC-2")
    enum_check(out, ("spec", "trafficDistribution"), spec.get("trafficDistribution"), _TRAFFIC_DISTRIBUTION,
               "trafficDistribution", "SVC-2", api_order=list(_TRAFFIC_DISTRIBUTION))
