"""Pod spec rules: containers, images, ports, resources, probes, tolerations, scheduling.

Rules: IMG-3 (image required), RES-1 (quantity syntax), RES-2 (request <= limit),
PRB-1 (probe handler, thresholds; successThreshold 1 for liveness/startup), POD-2
(regular init containers take no probes/lifecycle), POD-3 (sidecar restartPolicy),
TNT-1 (toleration operators Equal/Exists, effects), AFF-1 (nodeSelector and node
affinity: string values, operators, Gt/Lt integers), IMG-4 (imagePullPolicy).
"""
from __future__ import annotations

from ...labels import validate_dns1123_label, validate_dns1123_subdomain, validate_label_key, validate_label_value
from ...quantity import parse_quantity
from .. import apierror as E
from .. import schema
from . import env, warnings
from . import volumes as volumes_rules
from .common import add, as_dict, as_list, enum_check, get, iana_svc_name_errors, is_int, suggest
from .objectmeta import check_labels

_STANDARD_RESOURCES = ("cpu", "memory", "ephemeral-storage")
_PROBE_FIELDS_MIN = {"initialDelaySeconds": 0, "periodSeconds": 0, "timeoutSeconds": 0,
                     "successThreshold": 0, "failureThreshold": 0}
_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")  # validateHandler's order
_CONTROLLERS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController", "Job", "CronJob"}


_QUANTITY_FORMAT = ("quantities must match the regular expression "
                    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
# Quantities whose own rule reports a negative or zero value with the API server's text.
_OWN_SIGN_RULES = ("resources", "capacity", "sizeLimit")


def quantity_decode_error(value: str) -> str:
    """What the API server answers when a quantity does not parse: the JSON decoder fails before
    validation ("... cannot be handled as a Pod: quantities must match ...")."""
    import re
    if re.fullmatch(r"[+-]?[0-9.]+[eEinumkKMGTP]*[-+]?[0-9]*", value):
        return "unable to parse quantity's suffix"
    return _QUANTITY_FORMAT


def check_quantities(obj: dict, out: list) -> None:
    """Every Quantity field of the object must parse (RES-1) and not be negative."""
    kind = obj.get("kind", "Object")
    for path, value in schema.quantity_values(obj):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            continue
        try:
            q = parse_quantity(value)
        except ValueError as e:
            add(out, path, str(e)[0].lower() + str(e)[1:], "RES-1",
                f'{kind} in version "{obj.get("apiVersion", "v1")}" cannot be handled as a {kind}: '
                f"{quantity_decode_error(str(value))}")
            continue
        if q.value < 0 and "maxLimitRequestRatio" not in path and not any(k in path for k in _OWN_SIGN_RULES):
            add(out, path, f"la cantidad «{value}» no puede ser negativa", "RES-1")


def check(spec: dict, path: tuple, ctx: dict, out: list) -> None:
    kind, template = ctx["kind"], ctx["template"]
    containers = spec.get("containers")
    if isinstance(containers, list) and not containers:
        add(out, path + ("containers",), "la lista «containers» está vacía: un Pod necesita al menos un contenedor")
    if kind not in _CONTROLLERS:  # controllers judge their template's restartPolicy themselves (RS-1, JOB-1)
        enum_check(out, path + ("restartPolicy",), spec.get("restartPolicy"), ("Always", "OnFailure", "Never"),
                   "restartPolicy", "POD-1", empty_ok=True)
    enum_check(out, path + ("dnsPolicy",), spec.get("dnsPolicy"),
               ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"), "dnsPolicy", empty_ok=True)
    names: dict[str, tuple] = {}
    volumes = {v.get("name") for v in as_list(spec.get("volumes")) if isinstance(v, dict) and isinstance(v.get("name"), str)}
    volumes |= {n for n in ctx.get("claim_templates", ()) if isinstance(n, str)}  # StatefulSet volumeClaimTemplates are volumes too (STS-1)
    for group in ("initContainers", "containers"):
        items = as_list(spec.get(group))
        for i, c in enumerate(items):
            if isinstance(c, dict):
                nxt = items[i + 1] if i + 1 < len(items) else None
                # `- name: web` then `- image: nginx`: one container split in two list items.
                split = (isinstance(nxt, dict) and "name" not in nxt and "image" in nxt
                         and "image" not in c and "name" in c)
                _container(c, path + (group, i), group, names, volumes, not template, out, split)
    volumes_rules.check_pod_volumes(as_list(spec.get("volumes")), path + ("volumes",), out)
    _tolerations(as_list(spec.get("tolerations")), path + ("tolerations",), out)
    node_selector = spec.get("nodeSelector")
    if isinstance(node_selector, dict):
        check_labels(node_selector, path + ("nodeSelector",), out)
    _affinity(as_dict(spec.get("affinity")), path + ("affinity",), out)
    # ValidatePodSpec: nodeName (ValidateNodeName) and serviceAccountName are DNS-1123 subdomains.
    for field, rule in (("nodeName", "SCH-1"), ("serviceAccountName", "DNS-1123")):
        value = spec.get(field)
        if isinstance(value, str) and value:
            for e in validate_dns1123_subdomain(value):
                add(out, path + (field,), f"«{field}» no válido: {e}", rule)
    ads = spec.get("activeDeadlineSeconds")
    if is_int(ads) and ads <= 0:
        add(out, path + ("activeDeadlineSeconds",), f"«activeDeadlineSeconds» debe ser mayor que 0 (tiene {ads})",
            api=E.invalid(E.Path(path + ("activeDeadlineSeconds",)), ads, "must be greater than or equal to 1"))
    meta = get(ctx.get("object"), *path[:-1], "metadata") if len(path) > 1 else get(ctx.get("object"), "metadata")
    warnings.check_pod(spec, path, as_dict(meta), out)


def _container(c: dict, path: tuple, group: str, names: dict, volumes: set, is_pod: bool, out: list,
               split: bool = False) -> None:
    name = c.get("name")
    np = E.Path(path + ("name",))
    if name is None or name == "":
        if name == "":
            add(out, path + ("name",), "falta «name», el nombre del contenedor", api=E.required(np))
    elif isinstance(name, str):
        api = E.dns1123_label(name)
        for j, e in enumerate(validate_dns1123_label(name)):
            add(out, path + ("name",), f"nombre de contenedor no válido: {e}", "DNS-1123",
                E.invalid(np, name, api[j]) if j < len(api) else None)
        if name in names:
            add(out, path + ("name",), f"el nombre de contenedor «{name}» está repetido: cada contenedor del Pod "
                                       "(también los initContainers) necesita un nombre distinto",
                api=E.duplicate(np, name))
        names[name] = path
    image = c.get("image")
    # validateContainerCommon: only an empty image is missing; leading/trailing spaces are rejected
    # for Pods only (pod templates keep " " for backward compatibility).
    if image is None or image == "" or (is_pod and isinstance(image, str) and not image.strip()):
        hint = ""
        if split:
            hint = (f". El elemento siguiente de la lista («{path[-2]}[{path[-1] + 1}]») tiene «image» pero no «name»: "
                    "¿sobra el guion de «- image:»? Todos los campos de un contenedor van bajo un único «-», "
                    "alineados con «name:»")
        add(out, path + ("image",), "falta «image», la imagen del contenedor (p. ej. «nginx:1.27»)" + hint, "IMG-3",
            E.required(E.Path(path + ("image",))))
    elif isinstance(image, str) and is_pod and image != image.strip():
        add(out, path + ("image",), f"la imagen «{image}» tiene espacios al principio o al final; quítalos", "IMG-3")
    enum_check(out, path + ("imagePullPolicy",), c.get("imagePullPolicy"), ("Always", "IfNotPresent", "Never"),
               "imagePullPolicy", "IMG-4", empty_ok=True)
    is_sidecar = group == "initContainers" and c.get("restartPolicy") == "Always"
    rp = c.get("restartPolicy")
    if group == "initContainers" and rp is not None and rp != "Always":
        enum_check(out, path + ("restartPolicy",), rp, ("Always",), "restartPolicy de un initContainer", "POD-3",
                   extra=" (solo «Always», que lo convierte en un contenedor sidecar)")
    if group == "initContainers" and not is_sidecar:
        for f in ("livenessProbe", "readinessProbe", "startupProbe", "lifecycle"):
            if c.get(f) is not None:
                add(out, path + (f,), f"un initContainer normal no admite «{f}» (solo los sidecar, con "
                                      "«restartPolicy: Always»): se ejecuta hasta terminar antes que los demás", "POD-2")
    env.check(c, path, out)
    _ports(as_list(c.get("ports")), path + ("ports",), out)
    _resources(as_dict(c.get("resources")), path + ("resources",), out)
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(c.get(probe), dict) and not (group == "initContainers" and not is_sidecar):
            _probe(c[probe], probe, path + (probe,), c, out)
    volumes_rules.check_mounts(c, path, volumes, out)


def _ports(ports: list, path: tuple, out: list) -> None:
    """validateContainerPorts."""
    seen = set()
    for i, p in enumerate(ports):
        if not isinstance(p, dict):
            continue
        ap = E.Path(path + (i,))
        cp = p.get("containerPort")
        if is_int(cp) and not 1 <= cp <= 65535:
            add(out, path + (i, "containerPort"), f"el puerto {cp} está fuera de rango: debe estar entre 1 y 65535",
                api=E.invalid(ap.child("containerPort"), cp, E.INCLUSIVE_PORT_RANGE))
        hp = p.get("hostPort")
        if is_int(hp) and hp != 0 and not 1 <= hp <= 65535:
            add(out, path + (i, "hostPort"), f"el puerto {hp} está fuera de rango: debe estar entre 1 y 65535",
                api=E.invalid(ap.child("hostPort"), hp, E.INCLUSIVE_PORT_RANGE))
        enum_check(out, path + (i, "protocol"), p.get("protocol"), ("TCP", "UDP", "SCTP"), "el protocolo", empty_ok=True)
        name = p.get("name")
        if isinstance(name, str) and name:
            api = E.port_name(name)
            for j, e in enumerate(iana_svc_name_errors(name)):
                add(out, path + (i, "name"), f"el nombre de puerto «{name}» no es válido: {e}",
                    api=E.invalid(ap.child("name"), name, api[j]) if j < len(api) else None)
            if not api and name in seen:
                add(out, path + (i, "name"), f"el nombre de puerto «{name}» está repetido en este contenedor",
                    api=E.duplicate(ap.child("name"), name))
            seen.add(name)


def _resource_name_ok(name: str) -> bool:
    if name in _STANDARD_RESOURCES or name.startswith("hugepages-"):
        return True
    return "/" in name and not validate_label_key(name) and not name.startswith("kubernetes.io/")


def _overcommittable(name: str) -> bool:
    """helper.IsOvercommitAllowed: native resources (no domain, or kubernetes.io/) except hugepages."""
    native = "/" not in name or name.startswith("kubernetes.io/")
    return native and not name.startswith("hugepages-")


def _resources(res: dict, path: tuple, out: list) -> None:
    """validateResourceRequirements: names, non-negative values, request <= limit."""
    ap = E.Path(path)
    parsed = {}
    for section in ("requests", "limits"):
        values = res.get(section)
        if not isinstance(values, dict):
            continue
        for rname, value in values.items():
            p = path + (section, rname)
            kp = ap.child(section).key(rname)
            if not _resource_name_ok(rname):
                guess = suggest(rname, _STANDARD_RESOURCES)
                add(out, p, f"«{rname}» no es un recurso válido: usa «cpu», «memory» o «ephemeral-storage», o un "
                            "recurso extendido con dominio (p. ej. «nvidia.com/gpu»)"
                    + (f". ¿Quisiste decir «{guess}»?" if guess else ""), "RES-1",
                    E.invalid(kp, rname, "must be a standard resource type or fully qualified"))
                continue
            try:
                q = parse_quantity(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
            except ValueError:
                q = None  # reported by check_quantities
            if q is None:
                continue
            parsed[(section, rname)] = (q, value)
            if q.value < 0:
                add(out, p, f"la cantidad «{value}» no puede ser negativa", "RES-1",
                    E.invalid(kp, q.canonical(), "must be greater than or equal to 0"))
            elif not _overcommittable(rname) and not rname.startswith("hugepages-") and q.value.denominator != 1:
                add(out, p, f"el recurso extendido «{rname}» debe ser un número entero, no «{value}»", "RES-1",
                    E.invalid(kp, q.canonical(), "must be an integer"))
    for (section, rname), (req, raw) in parsed.items():
        if section != "requests":
            continue
        lim = parsed.get(("limits", rname))
        if lim is None:
            if not _overcommittable(rname):
                add(out, path + ("limits",), f"«{rname}» no admite sobreasignación: indica también su límite en "
                                             "«limits», igual a la petición", "RES-2",
                    E.required(ap.child("limits"), "Limit must be set for non overcommitable resources"))
            continue
        if not _overcommittable(rname) and req != lim[0]:
            add(out, path + ("requests", rname),
                f"en un recurso extendido («{rname}») la petición debe ser igual al límite", "RES-2",
                E.invalid(ap.child("requests"), req.canonical(), f"must be equal to {rname} limit of {lim[0].canonical()}"))
        elif req > lim[0]:
            add(out, path + ("requests", rname),
                f"la petición de {rname} ({raw}) es mayor que su límite ({lim[1]}): la petición debe ser menor o "
                "igual que el límite", "RES-2",
                E.invalid(ap.child("requests"), req.canonical(),
                          f"must be less than or equal to {rname} limit of {lim[0].canonical()}"))


def _probe(probe: dict, kind: str, path: tuple, container: dict, out: list) -> None:
    """validateProbe / validateHandler: exactly one handler, non-negative numbers, successThreshold 1."""
    ap = E.Path(path)
    handlers = [h for h in _HANDLERS if probe.get(h) is not None]
    if not handlers:
        add(out, path, "la sonda no indica cómo comprobar: añade uno de «httpGet», «tcpSocket», «exec» o «grpc»",
            "PRB-1", E.required(ap, "must specify a handler type"))
    elif len(handlers) > 1:
        add(out, path + (handlers[1],), "una sonda solo puede tener un tipo de comprobación; tiene "
                                        + " y ".join(f"«{h}»" for h in handlers), "PRB-1",
            E.forbidden(ap.child(handlers[1]), "may not specify more than 1 handler type"))
    for f, lo in _PROBE_FIELDS_MIN.items():
        v = probe.get(f)
        if is_int(v) and v < lo:
            add(out, path + (f,), f"«{f}» no puede ser negativo ({v})", "PRB-1",
                E.invalid(ap.child(f), v, "must be greater than or equal to 0"))
    st = probe.get("successThreshold")
    if kind in ("livenessProbe", "startupProbe") and is_int(st) and st not in (0, 1):
        add(out, path + ("successThreshold",),
            f"en {kind} «successThreshold» debe ser 1 (tiene {st}): basta un éxito para darla por superada; "
            "solo readinessProbe admite otro valor", "PRB-1", E.invalid(ap.child("successThreshold"), st, "must be 1"))
    if kind == "readinessProbe" and probe.get("terminationGracePeriodSeconds") is not None:
        add(out, path + ("terminationGracePeriodSeconds",),
            "readinessProbe no admite «terminationGracePeriodSeconds» (una readinessProbe no reinicia nada)",
            "PRB-1")
    ex = probe.get("exec")
    if isinstance(ex, dict) and not ex.get("command"):
        add(out, path + ("exec", "command"), "«exec» necesita «command» con al menos un elemento, p. ej. "
                                             "«command: [cat, /tmp/healthy]»", "PRB-1")
    http = as_dict(probe.get("httpGet"))
    enum_check(out, path + ("httpGet", "scheme"), http.get("scheme"), ("HTTP", "HTTPS"), "scheme", "PRB-1", empty_ok=True)
    for h in ("httpGet", "tcpSocket"):
        port = get(probe, h, "port")
        _probe_port(port, path + (h, "port"), container, out)
    gport = get(probe, "grpc", "port")
    if is_int(gport) and not 1 <= gport <= 65535:
        add(out, path + ("grpc", "port"), f"el puerto {gport} está fuera de rango (1-65535)", "PRB-1")


def _probe_port(port, path, container, out) -> None:
    if is_int(port):
        if not 1 <= port <= 65535:
            add(out, path, f"el puerto {port} está fuera de rango: debe estar entre 1 y 65535", "PRB-1")
    elif isinstance(port, str):
        if port.isdigit():
            add(out, path, f"«{port}» entre comillas es un nombre de puerto, no un número: escribe {port} sin comillas",
                "PRB-1")
            return
        errs = iana_svc_name_errors(port)
        if errs:
            add(out, path, f"el nombre de puerto «{port}» no es válido: {errs[0]}", "PRB-1")


def _tolerations(tols: list, path: tuple, out: list) -> None:
    for i, t in enumerate(tols):
        if not isinstance(t, dict):
            continue
        p = path + (i,)
        op = t.get("operator")
        key = t.get("key")
        if op in ("Gt", "Lt"):
            from ..findings import Finding
            out.append(Finding(p + ("operator",),
                               f"el operador «{op}» en una toleración solo funciona si el clúster activa la función "
                               "experimental TaintTolerationComparisonOperators (desactivada por defecto); en un "
                               "clúster normal solo valen «Equal» y «Exists» (TNT-1)", "TNT-1", "aviso"))
            if not (isinstance(t.get("value"), str) and t["value"].lstrip("-").isdigit()):
                add(out, p + ("value",), f"con «operator: {op}» «value» debe ser un número entero entre comillas",
                    "TNT-1")
        elif isinstance(op, str) and op not in ("Equal", "Exists", ""):  # "" means Equal
            extra = ""
            if op in ("In", "NotIn"):
                extra = (". Las tolerancias no usan listas: para aceptar un valor concreto usa «operator: Equal» con "
                         "«value: ...» (un solo valor, campo «value», no «values»); para cualquier valor, «Exists»")
            guess = suggest(op, ("Equal", "Exists"))
            add(out, p + ("operator",), f"el operador «{op}» no es válido en una toleración; solo se admiten «Equal» "
                                        "(el valor por defecto) y «Exists»"
                + (f". ¿Quisiste decir «{guess}»?" if guess and op not in ("In", "NotIn") else "") + extra, "TNT-1")
        if (key is None or key == "") and op in (None, "", "Equal"):
            add(out, p + ("operator",), "una toleración sin «key» debe usar «operator: Exists» (así tolera todas las "
                                        "marcas)", "TNT-1")
        if op == "Exists" and t.get("value") not in (None, ""):
            add(out, p + ("value",), "con «operator: Exists» no se indica «value» (tolera cualquier valor)", "TNT-1")
        if isinstance(key, str) and key:
            for e in validate_label_key(key):
                add(out, p + ("key",), f"clave no válida: {e}", "TNT-1")
        val = t.get("value")
        if isinstance(val, str) and val and op in (None, "", "Equal"):
            for e in validate_label_value(val):
                add(out, p + ("value",), e, "TNT-1")
        eff = t.get("effect")
        if eff not in (None, ""):
            enum_check(out, p + ("effect",), eff, ("NoSchedule", "PreferNoSchedule", "NoExecute"), "el efecto",
                       "TNT-1")
        if t.get("tolerationSeconds") is not None and eff != "NoExecute":
            add(out, p + ("tolerationSeconds",), "«tolerationSeconds» exige «effect: NoExecute» (solo las marcas NoExecute desalojan Pods)",
                "TNT-1")


def _node_terms_exprs(exprs: list, path: tuple, out: list) -> None:
    from .workloads import _check_expressions
    _check_expressions(exprs, path, out, "AFF-1", node=True)
    for i, e in enumerate(exprs):
        if isinstance(e, dict):
            key = e.get("key")
            if isinstance(key, str):
                for err in validate_label_key(key):
                    add(out, path + (i, "key"), f"clave no válida: {err}", "AFF-1")
            if e.get("operator") in ("In", "NotIn"):
                for j, v in enumerate(as_list(e.get("values"))):
                    if isinstance(v, str):
                        for err in validate_label_value(v):
                            add(out, path + (i, "values", j), err, "AFF-1")


def _affinity(aff: dict, path: tuple, out: list) -> None:
    na = as_dict(aff.get("nodeAffinity"))
    req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(req, dict):
        terms = req.get("nodeSelectorTerms")
        if isinstance(terms, list) and not terms:
            add(out, path + ("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"),
                "«nodeSelectorTerms» debe tener al menos un término", "AFF-1")
        for i, term in enumerate(as_list(terms)):
            if isinstance(term, dict):
                _node_terms_exprs(as_list(term.get("matchExpressions")),
                                  path + ("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                                          "nodeSelectorTerms", i, "matchExpressions"), out)
    for i, pref in enumerate(as_list(na.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        if not isinstance(pref, dict):
            continue
        p = path + ("nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution", i)
        w = pref.get("weight")
        if is_int(w) and not 1 <= w <= 100:
            add(out, p + ("weight",), f"el peso debe estar entre 1 y 100 (tiene {w})", "AFF-1")
        _node_terms_exprs(as_list(get(pref, "preference", "matchExpressions")), p + ("preference", "matchExpressions"),
                          out)
    for kind in ("podAffinity", "podAntiAffinity"):
        pa = as_dict(aff.get(kind))
        for i, term in enumerate(as_list(pa.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            if isinstance(term, dict):
                _pod_term(term, path + (kind, "requiredDuringSchedulingIgnoredDuringExecution", i), out)
        for i, pref in enumerate(as_list(pa.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            if not isinstance(pref, dict):
                continue
            p = path + (kind, "preferredDuringSchedulingIgnoredDuringExecution", i)
            w = pref.get("weight")
            if is_int(w) and not 1 <= w <= 100:
                add(out, p + ("weight",), f"el peso debe estar entre 1 y 100 (tiene {w})", "AFF-2")
            if isinstance(pref.get("podAffinityTerm"), dict):
                _pod_term(pref["podAffinityTerm"], p + ("podAffinityTerm",), out)


def _pod_term(term: dict, path: tuple, out: list) -> None:
    from .workloads import _check_expressions
    tk = term.get("topologyKey")
    if tk is None or tk == "":
        add(out, path + ("topologyKey",), "falta «topologyKey» (p. ej. «kubernetes.io/hostname»)", "AFF-2")
    elif isinstance(tk, str):
        for e in validate_label_key(tk):
            add(out, path + ("topologyKey",), f"clave no válida: {e}", "AFF-2")
    sel = as_dict(term.get("labelSelector"))
    check_labels(as_dict(sel.get("matchLabels")), path + ("labelSelector", "matchLabels"), out)
    _check_expressions(as_list(sel.get("matchExpressions")), path + ("labelSelector", "matchExpressions"), out, "AFF-2")
