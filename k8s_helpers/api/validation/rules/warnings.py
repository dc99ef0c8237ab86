"""Warnings the API server returns with a successful create (kubectl prints «Warning: ...»).

Not errors: the object is stored, but something in it is almost certainly a mistake or
deprecated. Ports of ``pkg/api/pod/warnings.go`` (GetWarningsForPod / ...ForPodTemplate, used
by every workload strategy with its template path), ``pkg/api/node`` (deprecated node labels),
``pkg/api/persistentvolumeclaim/util.go`` and ``pkg/api/service/warnings.go``; the PV reclaim
policy warning follows ``pkg/api/persistentvolume``. The most common one in a course:
``memory: 512m`` is 0.512 bytes ("fractional byte value"), not 512 megabytes (RES-1).
"""
from __future__ import annotations

from ...quantity import parse_quantity
from .. import apierror as E
from .common import as_dict, as_list, get, is_int, warn

_DEPRECATED_NODE_LABELS = {
    "beta.kubernetes.io/arch": ("v1.14", "kubernetes.io/arch"),
    "beta.kubernetes.io/os": ("v1.14", "kubernetes.io/os"),
    "failure-domain.beta.kubernetes.io/region": ("v1.17", "topology.kubernetes.io/region"),
    "failure-domain.beta.kubernetes.io/zone": ("v1.17", "topology.kubernetes.io/zone"),
    "beta.kubernetes.io/instance-type": ("v1.17", "node.kubernetes.io/instance-type"),
}
_DEPRECATED_VOLUMES = {  # JSON field -> API text
    "photonPersistentDisk": "deprecated in v1.11, non-functional in v1.16+",
    "gitRepo": "deprecated in v1.11",
    "scaleIO": "deprecated in v1.16, non-functional in v1.22+",
    "flocker": "deprecated in v1.22, non-functional in v1.25+",
    "storageos": "deprecated in v1.22, non-functional in v1.25+",
    "quobyte": "deprecated in v1.22, non-functional in v1.25+",
    "glusterfs": "deprecated in v1.25, non-functional in v1.26+",
    "cephfs": "deprecated in v1.28, non-functional in v1.31+",
    "rbd": "deprecated in v1.28, non-functional in v1.31+",
}
_DEPRECATED_ANNOTATIONS = {
    "scheduler.alpha.kubernetes.io/critical-pod": 'non-functional in v1.16+; use the "priorityClassName" field instead',
    "security.alpha.kubernetes.io/sysctls": 'non-functional in v1.11+; use the "sysctls" field instead',
    "security.alpha.kubernetes.io/unsafe-sysctls": 'non-functional in v1.11+; use the "sysctls" field instead',
}
_BYTE_RESOURCES = ("memory", "ephemeral-storage")
_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def node_label_message(key: str) -> str | None:
    """GetNodeLabelDeprecatedMessage."""
    if key in _DEPRECATED_NODE_LABELS:
        since, new = _DEPRECATED_NODE_LABELS[key]
        return f'deprecated since {since}; use "{new}" instead'
    return None


def fractional_bytes(value):
    """The canonical text of a quantity that is not a whole number of bytes, else None
    (``MilliValue() % 1000 != 0``)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        q = parse_quantity(value)
    except ValueError:
        return None
    return q.canonical() if q.milli % 1000 else None


def fractional_message(raw, canonical: str, resource: str) -> str:
    q = parse_quantity(raw)
    amount = f"{float(q.value):.9g}".replace(".", ",")
    text = str(raw)
    hint = ""
    if text.endswith("m"):
        hint = (f": la «m» minúscula son milésimas, no megas. Para megas escribe «{text[:-1]}M» (10^6 bytes) o "
                f"«{text[:-1]}Mi» (2^20 bytes)")
    return (f"«{text}» en «{resource}» son {amount} bytes, una fracción de byte{hint}. Kubernetes lo acepta con un "
            "aviso, pero no es lo que quieres")


def check_pod(spec: dict, spec_path: tuple, meta: dict, out: list) -> None:
    """warningsForPodSpecAndMeta: ``spec_path`` is the path of the pod spec (``spec`` for a Pod,
    ``spec.template.spec`` for a Deployment...); the metadata is its sibling."""
    base = spec_path[:-1]
    api_base = E.Path(spec_path)
    for k in as_dict(spec.get("nodeSelector")):
        msg = node_label_message(k)
        if msg:
            warn(out, spec_path + ("nodeSelector", k), _node_label_es(k),
                 f"{api_base.child('nodeSelector').key(k)}: {msg}")
    na = as_dict(get(spec, "affinity", "nodeAffinity"))
    terms = [(("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", i), t)
             for i, t in enumerate(as_list(get(na, "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")))]
    terms += [(("preferredDuringSchedulingIgnoredDuringExecution", i, "preference"), get(p, "preference"))
              for i, p in enumerate(as_list(na.get("preferredDuringSchedulingIgnoredDuringExecution")))]
    for tp, term in terms:
        for j, expr in enumerate(as_list(get(term, "matchExpressions"))):
            key = get(expr, "key")
            msg = node_label_message(key) if isinstance(key, str) else None
            if msg:
                p = spec_path + ("affinity", "nodeAffinity") + tp + ("matchExpressions", j, "key")
                warn(out, p, _node_label_es(key), f"{E.Path(p)}: {key} is {msg}")
    for i, t in enumerate(as_list(spec.get("topologySpreadConstraints"))):
        if not isinstance(t, dict):
            continue
        p = spec_path + ("topologySpreadConstraints", i)
        key = t.get("topologyKey")
        msg = node_label_message(key) if isinstance(key, str) else None
        if msg:
            warn(out, p + ("topologyKey",), _node_label_es(key), f"{E.Path(p + ('topologyKey',))}: {key} is {msg}")
        if t.get("labelSelector") is None:
            warn(out, p, "sin «labelSelector» esta restricción no cuenta ningún Pod (un selector nulo no selecciona "
                         "nada): añade el selector de los Pods que quieres repartir",
                 f"{E.Path(p + ('labelSelector',))}: a null labelSelector results in matching no pod")
    annotations = as_dict(meta.get("annotations"))
    for key, msg in _DEPRECATED_ANNOTATIONS.items():
        if key in annotations:
            p = base + ("metadata", "annotations", key)
            warn(out, p, f"la anotación «{key}» ya no tiene efecto", f"{E.Path(base + ('metadata', 'annotations')).key(key)}: {msg}")
    for i, v in enumerate(as_list(spec.get("volumes"))):
        if not isinstance(v, dict):
            continue
        for field, msg in _DEPRECATED_VOLUMES.items():
            if v.get(field) is not None:
                p = spec_path + ("volumes", i, field)
                api = E.Path(spec_path + ("volumes", i, "storageOS" if field == "storageos" else field))
                warn(out, p, f"el tipo de volumen «{field}» está obsoleto o ya no funciona", f"{api}: {msg}")
        claim_spec = get(v, "ephemeral", "volumeClaimTemplate", "spec")
        if isinstance(claim_spec, dict):
            check_claim_spec(claim_spec, spec_path + ("volumes", i, "ephemeral", "volumeClaimTemplate", "spec"), out)
    for field, what in (("hostAliases", "ip"), ("imagePullSecrets", "name")):
        seen = set()
        for i, item in enumerate(as_list(spec.get(field))):
            value = get(item, what)
            if not isinstance(value, str):
                continue
            p = spec_path + (field, i, what)
            if value in seen:
                warn(out, p, f"«{value}» está repetido en «{field}»", f"{E.Path(p)}: duplicate {what} {E.go_quote(value)}")
            seen.add(value)
            if field == "imagePullSecrets" and value == "":
                warn(out, p, "«imagePullSecrets» tiene un nombre vacío", f'{E.Path(p)}: invalid empty name ""')
    for res in _BYTE_RESOURCES:
        raw = get(spec, "overhead", res)
        canon = fractional_bytes(raw)
        if canon:
            p = spec_path + ("overhead", res)
            warn(out, p, fractional_message(raw, canon, res),
                 f"{api_base.child('overhead').key(res)}: fractional byte value {E.go_quote(canon)} is invalid, "
                 "must be an integer", "RES-1")
    containers = [(g, i, c) for g in ("initContainers", "containers")
                  for i, c in enumerate(as_list(spec.get(g))) if isinstance(c, dict)]
    ports: dict[str, list] = {}
    for group, i, c in containers:
        cp = spec_path + (group, i)
        for section in ("limits", "requests"):
            for res in _BYTE_RESOURCES:
                raw = get(c, "resources", section, res)
                canon = fractional_bytes(raw)
                if canon:
                    p = cp + ("resources", section, res)
                    warn(out, p, fractional_message(raw, canon, res),
                         f"{E.Path(cp).child('resources', section).key(res)}: fractional byte value "
                         f"{E.go_quote(canon)} is invalid, must be an integer", "RES-1")
        names = set()
        for j, ev in enumerate(as_list(c.get("env"))):
            name = get(ev, "name")
            if not isinstance(name, str):
                continue
            if name in names:
                ref = f"$({name})"
                value = ev.get("value") if isinstance(ev.get("value"), str) else ""
                if ev.get("valueFrom") is not None or value == ref or ref not in value:
                    p = cp + ("env", j)
                    warn(out, p, f"la variable «{name}» ya está definida antes en este contenedor: esta definición "
                                 "oculta la anterior (y «kubectl apply» podría borrarla); deja solo una",
                         f"{E.Path(p)}: hides previous definition of {E.go_quote(name)}, which may be dropped when "
                         "using apply")
            names.add(name)
        for j, port in enumerate(as_list(c.get("ports"))):
            if not isinstance(port, dict):
                continue
            p = cp + ("ports", j)
            cport, proto = port.get("containerPort"), port.get("protocol") or "TCP"
            hport, hip = port.get("hostPort") or 0, port.get("hostIP") or ""
            if hip and not hport:
                warn(out, p, "«hostIP» sin «hostPort» no tiene efecto",
                     f"{E.Path(p)}: hostIP set without hostPort: {_port_struct(port)}")
            key = f"{cport}/{proto}"
            for other_path, oport in ports.get(key, []):
                ohport, ohip = oport.get("hostPort") or 0, oport.get("hostIP") or ""
                if hip == ohip and hport == ohport:
                    warn(out, p, f"el puerto {cport}/{proto} ya está declarado en {E.Path(other_path)}: todos los "
                                 "contenedores de un Pod comparten la red, así que sobra uno",
                         f"{E.Path(p)}: duplicate port definition with {E.Path(other_path)}")
                elif hport == 0 or ohport == 0:
                    warn(out, p, f"el puerto {cport}/{proto} se solapa con {E.Path(other_path)}",
                         f"{E.Path(p)}: overlapping port definition with {E.Path(other_path)}")
                elif hport == ohport and (hip == "") != (ohip == ""):
                    warn(out, p, f"el puerto {cport}/{proto} es ambiguo respecto a {E.Path(other_path)}",
                         f"{E.Path(p)}: dangerously ambiguous port definition with {E.Path(other_path)}")
            ports.setdefault(key, []).append((p, port))
    tgps = spec.get("terminationGracePeriodSeconds")
    if is_int(tgps) and tgps < 0:
        p = spec_path + ("terminationGracePeriodSeconds",)
        warn(out, p, f"«terminationGracePeriodSeconds» no puede ser negativo ({tgps}): Kubernetes lo trata como 1 "
                     "segundo", f"{E.Path(p)}: must be >= 0; negative values are invalid and will be treated as 1")
    for kind in ("podAffinity", "podAntiAffinity"):
        pa = as_dict(get(spec, "affinity", kind))
        for i, term in enumerate(as_list(pa.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            if isinstance(term, dict) and term.get("labelSelector") is None:
                p = spec_path + ("affinity", kind, "requiredDuringSchedulingIgnoredDuringExecution", i, "labelSelector")
                warn(out, p[:-1], _NULL_SELECTOR_ES, f"{E.Path(p)}: a null labelSelector results in matching no pod")
        for i, term in enumerate(as_list(pa.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            if isinstance(term, dict) and isinstance(term.get("podAffinityTerm"), dict) \
                    and term["podAffinityTerm"].get("labelSelector") is None:
                p = spec_path + ("affinity", kind, "preferredDuringSchedulingIgnoredDuringExecution", i,
                                 "podAffinityTerm", "labelSelector")
                warn(out, p[:-1], _NULL_SELECTOR_ES, f"{E.Path(p)}: a null labelSelector results in matching no pod")


_NULL_SELECTOR_ES = ("este término no tiene «labelSelector», así que no coincide con ningún Pod: añade el selector "
                     "de los Pods a los que te quieres acercar o alejar")


def _node_label_es(key: str) -> str:
    since, new = _DEPRECATED_NODE_LABELS[key]
    return f"la etiqueta de nodo «{key}» está obsoleta desde {since}: usa «{new}»"


def _port_struct(port: dict) -> str:
    """fmt's %+v of a core.ContainerPort."""
    return ("{" + f"Name:{port.get('name') or ''} HostPort:{port.get('hostPort') or 0} "
            f"ContainerPort:{port.get('containerPort') or 0} Protocol:{port.get('protocol') or 'TCP'} "
            f"HostIP:{port.get('hostIP') or ''}" + "}")


def check_claim_spec(spec: dict, spec_path: tuple, out: list) -> None:
    """GetWarningsForPersistentVolumeClaimSpec: fractional storage requests and limits."""
    for section in ("requests", "limits"):
        raw = get(spec, "resources", section, "storage")
        canon = fractional_bytes(raw)
        if canon:
            p = spec_path + ("resources", section, "storage")
            warn(out, p, fractional_message(raw, canon, "storage"),
                 f"{E.Path(spec_path).child('resources', section).key('storage')}: fractional byte value "
                 f"{E.go_quote(canon)} is invalid, must be an integer", "RES-1")


def check_storage_class_annotation(obj: dict, out: list) -> None:
    if _STORAGE_CLASS_ANNOTATION in as_dict(get(obj, "metadata", "annotations")):
        warn(out, ("metadata", "annotations", _STORAGE_CLASS_ANNOTATION),
             f"la anotación «{_STORAGE_CLASS_ANNOTATION}» está obsoleta: usa el campo «storageClassName»",
             f"{E.path('metadata', 'annotations').key(_STORAGE_CLASS_ANNOTATION)}: deprecated since v1.8; use "
             '"storageClassName" attribute instead')


def check_service(spec: dict, out: list) -> None:
    """GetWarningsForService (the parts that do not need the allocated cluster IPs)."""
    t = spec.get("type") or "ClusterIP"
    headless = t == "ClusterIP" and spec.get("clusterIP") == "None"
    ext_ips = as_list(spec.get("externalIPs"))
    if headless:
        if spec.get("loadBalancerIP"):
            warn(out, ("spec", "loadBalancerIP"), "en un Service headless («clusterIP: None») se ignora "
                                                  "«loadBalancerIP»", "spec.loadBalancerIP is ignored for headless services")
        if ext_ips:
            warn(out, ("spec", "externalIPs"), "en un Service headless se ignora «externalIPs»",
                 "spec.externalIPs is ignored for headless services")
        if spec.get("sessionAffinity") not in (None, "", "None"):
            warn(out, ("spec", "sessionAffinity"), "en un Service headless se ignora «sessionAffinity» (no hay IP "
                                                   "virtual que reparta el tráfico)",
                 "spec.SessionAffinity is ignored for headless services")
    if ext_ips and not headless and t != "ExternalName":
        warn(out, ("spec", "externalIPs"), "«externalIPs» está obsoleto y algunos clústeres ya no lo implementan",
             "spec.externalIPs is deprecated and may no longer be implemented in some clusters")
    if t == "ExternalName" and ext_ips:
        warn(out, ("spec", "externalIPs"), "un Service ExternalName ignora «externalIPs»",
             'spec.externalIPs is ignored when spec.type is "ExternalName"')
    if t != "ExternalName" and spec.get("externalName"):
        warn(out, ("spec", "externalName"), f"«externalName» solo tiene efecto con «type: ExternalName»; en un "
                                            f"Service {t} se ignora",
             'spec.externalName is ignored when spec.type is not "ExternalName"')
    if spec.get("trafficDistribution") == "PreferClose":
        warn(out, ("spec", "trafficDistribution"), "«PreferClose» está obsoleto: usa «PreferSameZone»",
             'spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"')
