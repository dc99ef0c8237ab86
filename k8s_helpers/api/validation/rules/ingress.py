"""Ingress and IngressClass (networking.k8s.io/v1): rules, paths, backends, hosts, TLS (ING-1..3).

A port of ``pkg/apis/networking/validation/validation.go`` (ValidateIngressCreate,
ValidateIngressSpec, validateIngressRules, validateHTTPIngressPath, validateIngressBackend,
validateIngressTLS, validateIngressClassSpec). The schema already rejects wrong types; here
are the rules it cannot express: an Ingress needs ``rules`` or ``defaultBackend``; ``http``
needs at least one path; every path needs ``pathType``, and Exact/Prefix paths (so also a
missing path) must be absolute without ``//``, ``/./``, ``/../``, ``%2f`` or a trailing
``/..``/``/.``, while an ImplementationSpecific path, if given, must start with «/»; a
backend is a Service (a DNS-1035 name and a port number in 1-65535 or a port name, never
both) or a resource, never both; hosts are DNS names (a leading ``*.`` wildcard at most),
never IPs.
"""
from __future__ import annotations

import ipaddress

from .. import apierror as E
from .common import add, as_dict, as_list, enum_check, get, is_int, warn

_PATH_TYPES = ("Exact", "Prefix", "ImplementationSpecific")
_BAD_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_BAD_SUFFIXES = ("/..", "/.")
_ANNOTATION_CLASS = "kubernetes.io/ingress.class"


def check(obj: dict, out: list) -> None:
    kind = obj.get("kind")
    if kind == "Ingress":
        _ingress(obj, out)
    elif kind == "IngressClass":
        _ingress_class(as_dict(obj.get("spec")), out)


def _ingress(obj: dict, out: list) -> None:
    spec = obj.get("spec")
    annotations = as_dict(get(obj, "metadata", "annotations"))
    if _ANNOTATION_CLASS in annotations:
        warn(out, ("metadata", "annotations", _ANNOTATION_CLASS),
             f"la anotación «{_ANNOTATION_CLASS}» está obsoleta: indica la clase con «spec.ingressClassName»",
             f'annotation "{_ANNOTATION_CLASS}" is deprecated, please use \'spec.ingressClassName\' instead')
    if not isinstance(spec, dict):
        if spec is None:
            add(out, ("spec",), "falta «spec»: un Ingress necesita «rules» (reglas por host y ruta) o "
                                "«defaultBackend» (el Service que recibe todo)", "ING-1",
                E.invalid(E.path("spec"), None, "either `defaultBackend` or `rules` must be specified"))
        return
    sp = E.path("spec")
    rules, default = spec.get("rules"), spec.get("defaultBackend")
    if not (isinstance(rules, list) and rules) and default is None:
        what = "«rules» está vacío" if isinstance(rules, list) else "no tiene ni «rules» ni «defaultBackend»"
        add(out, ("spec", "rules") if isinstance(rules, list) else ("spec",),
            f"el Ingress {what}: necesita al menos una regla (host y rutas hacia un Service) o un «defaultBackend» "
            "que reciba todo el tráfico", "ING-1",
            E.invalid(sp, rules if isinstance(rules, list) else None,
                      "either `defaultBackend` or `rules` must be specified"))
    if isinstance(default, dict):
        _backend(default, ("spec", "defaultBackend"), out)
    for i, rule in enumerate(as_list(rules)):
        if isinstance(rule, dict):
            _rule(rule, i, out)
    for i, tls in enumerate(as_list(spec.get("tls"))):
        if not isinstance(tls, dict):
            continue
        for j, host in enumerate(as_list(tls.get("hosts"))):
            if isinstance(host, str):
                _dns_host(host, ("spec", "tls", i, "hosts", j), out, allow_ip=True)
        secret = tls.get("secretName")
        if isinstance(secret, str) and secret:
            for msg in E.dns1123_subdomain(secret):
                add(out, ("spec", "tls", i, "secretName"),
                    f"«{secret}» no es un nombre de Secret válido: solo minúsculas, dígitos, «-» y «.»", "ING-1",
                    E.invalid(sp.child("tls").index(i).child("secretName"), secret, msg))
    cls = spec.get("ingressClassName")
    if isinstance(cls, str):
        for msg in E.dns1123_subdomain(cls):
            add(out, ("spec", "ingressClassName"),
                f"«{cls}» no es un nombre de IngressClass válido: solo minúsculas, dígitos, «-» y «.»", "ING-1",
                E.invalid(sp.child("ingressClassName"), cls, msg))
        ann = annotations.get(_ANNOTATION_CLASS)
        if isinstance(ann, str) and ann != cls:
            add(out, ("metadata", "annotations", _ANNOTATION_CLASS),
                f"la anotación «{_ANNOTATION_CLASS}: {ann}» no coincide con «ingressClassName: {cls}»: "
                "deja solo «ingressClassName»", "ING-1",
                E.invalid(E.path("annotations").child(_ANNOTATION_CLASS), ann,
                          "must match `ingressClassName` when both are specified"))


def _rule(rule: dict, i: int, out: list) -> None:
    rp = E.path("spec", "rules", i)
    host = rule.get("host")
    if isinstance(host, str) and host:
        _dns_host(host, ("spec", "rules", i, "host"), out)
    http = rule.get("http")
    if not isinstance(http, dict):
        return
    paths = http.get("paths")
    if not isinstance(paths, list) or not paths:
        add(out, ("spec", "rules", i, "http", "paths"),
            "falta la lista «paths» (o está vacía): cada regla «http» necesita al menos una ruta, p. ej. "
            "«- path: /» con «pathType: Prefix» y su «backend»", "ING-1",
            E.required(rp.child("http", "paths")))
        return
    for j, p in enumerate(paths):
        if isinstance(p, dict):
            _http_path(p, ("spec", "rules", i, "http", "paths", j), out)


def _http_path(p: dict, pp: tuple, out: list) -> None:
    ap = E.Path(pp)
    pt, path = p.get("pathType"), p.get("path")
    text = path if isinstance(path, str) else ""
    if pt is None:
        add(out, pp + ("pathType",), "falta «pathType»: usa «Prefix» (la ruta y todo lo que cuelga de ella) o "
                                     "«Exact» (solo esa ruta); «ImplementationSpecific» deja la decisión al "
                                     "controlador", "ING-1", E.required(ap.child("pathType"), "pathType must be specified"))
    elif pt in ("Exact", "Prefix"):
        if not text.startswith("/"):
            if path is None:
                msg = (f"falta «path»: con «pathType: {pt}» la ruta es obligatoria y debe empezar por «/» "
                       "(p. ej. «path: /» para todo el sitio)")
            else:
                msg = f"la ruta «{text}» debe empezar por «/» (es una ruta absoluta de la URL, p. ej. «/{text.lstrip('/')}»)"
            add(out, pp + ("path",), msg, "ING-2", E.invalid(ap.child("path"), text, "must be an absolute path"))
        if text:
            for seq in _BAD_SEQUENCES:
                if seq in text:
                    add(out, pp + ("path",), f"la ruta «{text}» no puede contener «{seq}»", "ING-2",
                        E.invalid(ap.child("path"), text, f"must not contain '{seq}'"))
            for suffix in _BAD_SUFFIXES:
                if text.endswith(suffix):
                    add(out, pp + ("path",), f"la ruta «{text}» no puede terminar en «{suffix}»", "ING-2",
                        E.invalid(ap.child("path"), text, f"cannot end with '{suffix}'"))
    elif pt == "ImplementationSpecific":
        if text and not text.startswith("/"):
            add(out, pp + ("path",), f"la ruta «{text}» debe empezar por «/» (también con ImplementationSpecific, "
                                     "si se indica una ruta)", "ING-2",
                E.invalid(ap.child("path"), text, "must be an absolute path"))
    else:
        enum_check(out, pp + ("pathType",), pt, _PATH_TYPES, "pathType", "ING-2")
    backend = p.get("backend")
    if isinstance(backend, dict):
        _backend(backend, pp + ("backend",), out)


def _backend(b: dict, bp: tuple, out: list) -> None:
    ap = E.Path(bp)
    svc, res = b.get("service"), b.get("resource")
    if svc is not None and res is not None:
        add(out, bp, "el backend tiene «service» y «resource» a la vez: elige uno", "ING-1",
            E.invalid(ap, "", "cannot set both resource and service backends"))
        return
    if isinstance(res, dict):
        kind, name = res.get("kind"), res.get("name")
        for f, v in (("kind", kind), ("name", name)):
            if v is None or v == "":
                add(out, bp + ("resource", f), f"falta «{f}» en el backend «resource»", "ING-1",
                    E.required(ap.child("resource", f)))
        group = res.get("apiGroup")
        if isinstance(group, str):
            for msg in E.dns1123_subdomain(group):
                add(out, bp + ("resource", "apiGroup"), f"«{group}» no es un grupo de API válido", "ING-1",
                    E.invalid(ap.child("resource", "apiGroup"), group, msg))
        return
    if svc is None:
        if res is None:
            add(out, bp, "el backend necesita «service» (con «name» y «port») o «resource»", "ING-1",
                E.invalid(ap, "", "resource or service backend is required"))
        return
    if not isinstance(svc, dict):
        return
    name = svc.get("name")
    if name is None or name == "":
        add(out, bp + ("service", "name"), "falta «name», el nombre del Service al que va el tráfico", "ING-1",
            E.required(ap.child("service", "name")))
    elif isinstance(name, str):
        for msg in E.dns1035_label(name):
            add(out, bp + ("service", "name"),
                f"«{name}» no es un nombre de Service válido: minúsculas, dígitos y «-», empezando por una letra "
                "(así se llaman los Services)", "ING-1", E.invalid(ap.child("service", "name"), name, msg))
    port = svc.get("port")
    if port is not None and not isinstance(port, dict):
        return  # the schema already said that «port» must be an object ({number: 80})
    port = as_dict(port)
    number, pname = port.get("number"), port.get("name")
    has_name = isinstance(pname, str) and pname != ""
    has_number = is_int(number) and number != 0
    if has_name and has_number:
        add(out, bp + ("service", "port"), "indica el puerto con «number» o con «name», no con ambos", "ING-1",
            E.invalid(ap, "", "cannot set both port name & port number"))
    elif has_name:
        for msg in E.port_name(pname):
            add(out, bp + ("service", "port", "name"), f"«{pname}» no es un nombre de puerto válido (hasta 15 "
                                                      "minúsculas, dígitos y «-», con alguna letra)", "ING-1",
                E.invalid(ap.child("service", "port", "name"), pname, msg))
    elif has_number:
        if not 1 <= number <= 65535:
            add(out, bp + ("service", "port", "number"),
                f"el puerto {number} está fuera de rango: debe estar entre 1 y 65535", "ING-1",
                E.invalid(ap.child("service", "port", "number"), number, E.INCLUSIVE_PORT_RANGE))
    elif number is None or is_int(number):
        add(out, bp + ("service", "port"), "falta el puerto del Service: «port: {number: 80}» o "
                                           "«port: {name: http}»", "ING-1",
            E.required(ap, "port name or number is required"))


def _dns_host(host: str, path: tuple, out: list, allow_ip: bool = False) -> None:
    """validateIngressRules / validateIngressTLS: not an IP; `*.` + subdomain or a subdomain (ING-3)."""
    ap = E.Path(path)
    if not allow_ip:
        try:
            ipaddress.ip_address(host)
            add(out, path, f"«host» debe ser un nombre DNS, no una dirección IP («{host}»)", "ING-3",
                E.invalid(ap, host, "must be a DNS name, not an IP address"))
        except ValueError:
            pass
    if "*" in host:
        if not (host.startswith("*.") and not E.dns1123_subdomain(host[2:])) or len(host) > 253:
            add(out, path, f"«{host}» no es un comodín válido: el «*» solo puede ir al principio y solo, seguido de "
                           "un nombre DNS, como «*.ejemplo.com»", "ING-3",
                E.invalid(ap, host, _WILDCARD_MSG))
        return
    msgs = E.dns1123_subdomain(host)
    if msgs:
        hint = (": «host» es solo el nombre, sin puerto (p. ej. «web.ejemplo.com»)" if ":" in host else
                ": solo minúsculas, dígitos, «-» y «.» (p. ej. «web.ejemplo.com»)")
        for msg in msgs:
            add(out, path, f"«{host}» no es un nombre DNS válido{hint}", "ING-3", E.invalid(ap, host, msg))


_WILDCARD_MSG = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
                 "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character "
                 "(e.g. '*.example.com', regex used for validation is "
                 "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def _ingress_class(spec: dict, out: list) -> None:
    """validateIngressClassSpec: ``controller`` is a domain-prefixed path of at most 250 characters."""
    ctl = spec.get("controller")
    sp = E.path("spec", "controller")
    if ctl is None or ctl == "":
        add(out, ("spec", "controller"), "falta «controller», p. ej. «k8s.io/ingress-nginx»", "ING-1", E.required(sp))
    elif isinstance(ctl, str):
        if len(ctl) > 250:
            add(out, ("spec", "controller"), "«controller» no puede pasar de 250 caracteres", "ING-1",
                E.too_long(sp, 250))
        head, _, tail = ctl.partition("/")
        if not head or not tail:
            add(out, ("spec", "controller"), f"«{ctl}» debe ser un dominio seguido de una ruta, como "
                                             "«k8s.io/ingress-nginx»", "ING-1",
                E.invalid(sp, ctl, 'must be a domain-prefixed path (such as "acme.io/foo")'))
        else:
            for msg in E.dns1123_subdomain(head):
                add(out, ("spec", "controller"), f"«{head}» (antes de «/») no es un dominio válido", "ING-1",
                    E.invalid(sp, head, msg))
