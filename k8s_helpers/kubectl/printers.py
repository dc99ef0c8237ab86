"""``kubectl get`` tables, ported from kubernetes/kubernetes pkg/printers/internalversion/printers.go.

Each ``*_row`` function takes an API-shaped dict and returns its cells; ``print_table``
adds the NAMESPACE column (``-A``) and LABELS (``--show-labels``), upper-cases the headers
and aligns with the tabwriter settings of kubectl get (minwidth 6, padding 3).
"""
from __future__ import annotations

from .pods import pod_summary
from .tabwriter import tabwrite, GET_SETTINGS
from .timefmt import human_duration, translate_since, to_epoch

__all__ = ["format_labels", "format_label_selector", "print_table", "COLUMNS", "row_for"]


def format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: ``app=web,tier=front`` sorted by key, ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def format_label_selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector: ``app=web,tier in (a,b)``; ``<none>`` for nil or empty."""
    if not selector:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        op = expr.get("operator")
        key = expr.get("key")
        values = ",".join(sorted(expr.get("values") or []))
        if op == "In":
            parts.append(f"{key} in ({values})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({values})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts) if parts else "<none>"


def _meta(obj):
    return obj.get("metadata") or {}


def _age(obj, now, cluster):
    return translate_since(_meta(obj).get("creationTimestamp"), now, cluster)


def _containers_images(template_spec: dict) -> tuple[str, str]:
    containers = template_spec.get("containers") or []
    return (",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers))


# ------------------------------------------------------------------------------ rows
def pod_row(pod, now, cluster, wide):
    s = pod_summary(pod, now, cluster)
    cells = [_meta(pod).get("name", ""), s["ready"], s["status"], s["restarts"],
             _age(pod, now, cluster)]
    if wide:
        status = pod.get("status") or {}
        spec = pod.get("spec") or {}
        ips = status.get("podIPs") or []
        ip = (ips[0].get("ip") if ips else None) or status.get("podIP") or "<none>"
        gates = spec.get("readinessGates") or []
        gates_str = "<none>"
        if gates:
            conds = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
            true = sum(1 for g in gates if conds.get(g.get("conditionType")) == "True")
            gates_str = f"{true}/{len(gates)}"
        cells += [ip, spec.get("nodeName") or "<none>",
                  status.get("nominatedNodeName") or "<none>", gates_str]
    return cells


def node_roles(node: dict) -> list[str]:
    """findNodeRoles: ``node-role.kubernetes.io/<role>`` keys and ``kubernetes.io/role`` values."""
    roles = set()
    for k, v in (_meta(node).get("labels") or {}).items():
        if k.startswith("node-role.kubernetes.io/"):
            role = k[len("node-role.kubernetes.io/"):]
            if role:
                roles.add(role)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return sorted(roles)


def node_status(node: dict) -> str:
    """``Ready``, ``NotReady``, ``Unknown``, plus ``,SchedulingDisabled`` when cordoned."""
    conds = {c.get("type"): c.get("status") for c in (node.get("status") or {}).get("conditions") or []}
    parts = []
    if "Ready" in conds:
        parts.append("Ready" if conds["Ready"] == "True" else "NotReady")
    if not parts:
        parts.append("Unknown")
    if (node.get("spec") or {}).get("unschedulable"):
        parts.append("SchedulingDisabled")
    return ",".join(parts)


def node_row(node, now, cluster, wide):
    info = (node.get("status") or {}).get("nodeInfo") or {}
    cells = [_meta(node).get("name", ""), node_status(node), ",".join(node_roles(node)) or "<none>",
             _age(node, now, cluster), info.get("kubeletVersion", "")]
    if wide:
        addrs = (node.get("status") or {}).get("addresses") or []

        def addr(kind):
            return next((a.get("address") for a in addrs if a.get("type") == kind), "<none>")
        cells += [addr("InternalIP"), addr("ExternalIP"), info.get("osImage") or "<unknown>",
                  info.get("kernelVersion") or "<unknown>",
                  info.get("containerRuntimeVersion") or "<unknown>"]
    return cells


def event_times(ev: dict, cluster) -> tuple[float | None, float | None, int]:
    """(first, last, count) of an event: API timestamps, else the simulator's virtual ``time``."""
    first = to_epoch(ev.get("firstTimestamp"), cluster)
    if first is None:
        first = to_epoch(ev.get("eventTime"), cluster)
    last = to_epoch(ev.get("lastTimestamp"), cluster)
    if last is None and ev.get("time") is not None:
        last = to_epoch(ev["time"], cluster)
    if first is None:
        first = last
    if last is None:
        last = first
    count = int(ev.get("count") or 0) or 1
    return first, last, count


def fetch_events(cluster, name=None, kind=None, namespace=None) -> list[dict]:
    """Events of the cluster, one per series; uses the simulator's ``events(aggregate=True)``
    and filters when it can, else aggregates and filters here."""
    if not hasattr(cluster, "events"):
        return []
    try:
        events = list(cluster.events(name=name, kind=kind, namespace=namespace, aggregate=True))
    except TypeError:
        events = aggregate_events(list(cluster.events()))
    out = []
    for ev in events:
        obj = ev.get("involvedObject") or {}
        if name is not None and obj.get("name") != name:
            continue
        if kind is not None and (obj.get("kind") or "").lower() != kind.lower():
            continue
        if namespace is not None and (obj.get("namespace") or (ev.get("metadata") or {}).get("namespace")
                                      or "default") != namespace:
            continue
        out.append(ev)
    return out


def aggregate_events(events: list[dict]) -> list[dict]:
    """One entry per event series (the last occurrence, with its running count), as the API keeps
    one Event object per series: same object, type, reason, message and source."""
    last: dict = {}
    for ev in events:
        obj = ev.get("involvedObject") or {}
        key = (obj.get("kind"), obj.get("namespace"), obj.get("name"), obj.get("uid"), obj.get("fieldPath"),
               ev.get("type"), ev.get("reason"), ev.get("message"), (ev.get("source") or {}).get("component"))
        last.pop(key, None)
        last[key] = ev
    return list(last.values())


def event_row(ev, now, cluster, wide):
    _first, last, _count = event_times(ev, cluster)
    obj = ev.get("involvedObject") or {}
    kind = (obj.get("kind") or "").lower()
    target = f"{kind}/{obj['name']}" if obj.get("name") else kind
    last_seen = human_duration(now - last) if last is not None else "<unknown>"
    return [last_seen, ev.get("type", ""), ev.get("reason", ""), target,
            (ev.get("message") or "").strip()]


def namespace_row(ns, now, cluster, wide):
    return [_meta(ns).get("name", ""), (ns.get("status") or {}).get("phase") or "Active",
            _age(ns, now, cluster)]


def _port_string(ports):
    pieces = []
    for p in ports or []:
        proto = p.get("protocol") or "TCP"
        if p.get("nodePort"):
            pieces.append(f"{p.get('port')}:{p['nodePort']}/{proto}")
        else:
            pieces.append(f"{p.get('port')}/{proto}")
    return ",".join(pieces) or "<none>"


def service_row(svc, now, cluster, wide):
    spec = svc.get("spec") or {}
    stype = spec.get("type") or "ClusterIP"
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    external = "<none>"
    if stype in ("ClusterIP", "NodePort"):
        if spec.get("externalIPs"):
            external = ",".join(spec["externalIPs"])
    elif stype == "LoadBalancer":
        ing = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        lb = ",".join(sorted({i.get("ip") or i.get("hostname") for i in ing if i.get("ip") or i.get("hostname")}))
        if not wide and len(lb) > 16:
            lb = lb[:13] + "..."
        results = ([*lb.split(",")] if lb else []) + list(spec.get("externalIPs") or [])
        external = ",".join(results) if results else "<pending>"
    elif stype == "ExternalName":
        external = spec.get("externalName", "")
    cells = [_meta(svc).get("name", ""), stype, ips[0] if ips else "<none>", external,
             _port_string(spec.get("ports")), _age(svc, now, cluster)]
    if wide:
        cells.append(format_labels(spec.get("selector")) if spec.get("selector") else "<none>")
    return cells


def deployment_row(d, now, cluster, wide):
    spec = d.get("spec") or {}
    st = d.get("status") or {}
    replicas = spec.get("replicas", 1)
    cells = [_meta(d).get("name", ""), f"{int(st.get('readyReplicas') or 0)}/{replicas}",
             str(int(st.get("updatedReplicas") or 0)), str(int(st.get("availableReplicas") or 0)),
             _age(d, now, cluster)]
    if wide:
        names, images = _containers_images(((spec.get("template") or {}).get("spec")) or {})
        cells += [names, images, format_label_selector(spec.get("selector"))]
    return cells


def replicaset_row(rs, now, cluster, wide):
    spec = rs.get("spec") or {}
    st = rs.get("status") or {}
    cells = [_meta(rs).get("name", ""), str(spec.get("replicas", 1)), str(int(st.get("replicas") or 0)),
             str(int(st.get("readyReplicas") or 0)), _age(rs, now, cluster)]
    if wide:
        names, images = _containers_images(((spec.get("template") or {}).get("spec")) or {})
        cells += [names, images, format_label_selector(spec.get("selector"))]
    return cells


def statefulset_row(sts, now, cluster, wide):
    spec = sts.get("spec") or {}
    st = sts.get("status") or {}
    cells = [_meta(sts).get("name", ""), f"{int(st.get('readyReplicas') or 0)}/{spec.get('replicas', 1)}",
             _age(sts, now, cluster)]
    if wide:
        cells += list(_containers_images(((spec.get("template") or {}).get("spec")) or {}))
    return cells


def daemonset_row(ds, now, cluster, wide):
    spec = ds.get("spec") or {}
    st = ds.get("status") or {}
    tspec = ((spec.get("template") or {}).get("spec")) or {}
    cells = [_meta(ds).get("name", "")] + [
        str(int(st.get(k) or 0)) for k in ("desiredNumberScheduled", "currentNumberScheduled",
                                           "numberReady", "updatedNumberScheduled", "numberAvailable")]
    cells += [format_labels(tspec.get("nodeSelector")), _age(ds, now, cluster)]
    if wide:
        names, images = _containers_images(tspec)
        cells += [names, images, format_label_selector(spec.get("selector"))]
    return cells


def generic_row(obj, now, cluster, wide):
    return [_meta(obj).get("name", ""), _age(obj, now, cluster)]


# kind -> (columns, wide-only columns, row function)
COLUMNS = {
    "Pod": (["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"], pod_row),
    "Node": (["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
             ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"], node_row),
    "Event": (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], [], event_row),
    "Namespace": (["NAME", "STATUS", "AGE"], [], namespace_row),
    "Service": (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], ["SELECTOR"], service_row),
    "Deployment": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
                   ["CONTAINERS", "IMAGES", "SELECTOR"], deployment_row),
    "ReplicaSet": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
                   ["CONTAINERS", "IMAGES", "SELECTOR"], replicaset_row),
    "StatefulSet": (["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"], statefulset_row),
    "DaemonSet": (["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
                  ["CONTAINERS", "IMAGES", "SELECTOR"], daemonset_row),
}
GENERIC = (["NAME", "AGE"], [], generic_row)


def row_for(kind: str):
    return COLUMNS.get(kind, GENERIC)


def print_table(kind: str, objects: list[dict], now: float, cluster=None, *, wide: bool = False,
                all_namespaces: bool = False, show_labels: bool = False,
                no_headers: bool = False) -> str:
    """The text of ``kubectl get <kind>`` for ``objects`` (already filtered), ending in a newline."""
    columns, wide_columns, fn = row_for(kind)
    headers = list(columns) + (list(wide_columns) if wide else [])
    rows = [fn(obj, now, cluster, wide) for obj in objects]
    if all_namespaces:
        headers.insert(0, "NAMESPACE")
        rows = [[_meta(o).get("namespace") or (o.get("involvedObject") or {}).get("namespace") or ""] + r
                for o, r in zip(objects, rows)]
    if show_labels:
        headers.append("LABELS")
        rows = [r + [format_labels(_meta(o).get("labels"))] for o, r in zip(objects, rows)]
    lines = ([] if no_headers else ["\t".join(headers)]) + ["\t".join(r) for r in rows]
    return tabwrite("\n".join(lines) + "\n", **GET_SETTINGS)
