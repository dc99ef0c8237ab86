"""``kubectl describe pod|node``, ported from kubernetes/kubectl pkg/describe/describe.go.

The text is built as kubectl builds it: a PrefixWriter (two spaces per level) into a
tabwriter with minwidth 0, padding 2, so each section aligns on its own. Field order and
wording follow describePod / describeContainers / DescribeProbe / DescribeEvents /
describeNode. Works on simulated and live API-shaped dicts; fields the simulator does not
model (Container ID, Image ID...) print as kubectl prints empty values.
"""
from __future__ import annotations

from fractions import Fraction

from .pods import is_sidecar
from .printers import node_roles, event_times
from .tabwriter import tabwrite, DESCRIBE_SETTINGS
from .timefmt import human_duration, rfc1123z, to_epoch

__all__ = ["describe_pod", "describe_node", "describe_probe", "describe_events", "qos_class"]

# PRB-1 defaults, for hand-written dicts that were never defaulted by an API server.
_PROBE_DEFAULTS = {"initialDelaySeconds": 0, "timeoutSeconds": 1, "periodSeconds": 10,
                   "successThreshold": 1, "failureThreshold": 3}


class _Writer:
    """describe.go PrefixWriter: ``write(level, text)`` with two spaces per level."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.parts.append("  " * level + text)

    def text(self) -> str:
        return tabwrite("".join(self.parts), **DESCRIBE_SETTINGS)


def _multiline(w: _Writer, title: str, mapping: dict | None, initial: str = "") -> None:
    """printLabelsMultiline: first pair after the title, the rest on tab-indented lines."""
    w.write(0, f"{initial}{title}:\t")
    if not mapping:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(sorted(mapping)):
        if i:
            w.write(0, f"{initial}\t")
        w.write(0, f"{key}={mapping[key]}\n")


def _annotations(w: _Writer, title: str, annotations: dict | None) -> None:
    """printAnnotationsMultiline: like labels, skipping last-applied-configuration, max 140 chars."""
    skip = {"kubectl.kubernetes.io/last-applied-configuration"}
    shown = {k: v for k, v in (annotations or {}).items() if k not in skip}
    w.write(0, f"{title}:\t")
    if not shown:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(sorted(shown)):
        if i:
            w.write(0, "\t")
        value = str(shown[key])
        line = f"{key}: {value}"
        if "\n" in value or len(line) > 140:
            line = line.split("\n")[0][:140] + "..."
        w.write(0, line + "\n")


def _tolerations(w: _Writer, title: str, tolerations: list | None) -> None:
    """printPodTolerationsMultiline: ``key=value:Effect op=Exists for 300s``, sorted by key."""
    w.write(0, f"{title}:\t")
    if not tolerations:
        w.write(0, "<none>\n")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key") or "")):
        if i:
            w.write(0, "\t")
        text = t.get("key") or ""
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {int(t['tolerationSeconds'])}s"
        w.write(0, text + "\n")


def _taints(w: _Writer, title: str, taints: list | None) -> None:
    """printNodeTaintsMultiline: ``key=value:Effect`` sorted by effect then key... as kubectl."""
    w.write(0, f"{title}:\t")
    if not taints:
        w.write(0, "<none>\n")
        return
    order = {"NoExecute": 0, "NoSchedule": 1, "PreferNoSchedule": 2}
    ordered = sorted(taints, key=lambda t: (order.get(t.get("effect"), 3), t.get("key") or ""))
    for i, t in enumerate(ordered):
        if i:
            w.write(0, "\t")
        text = t.get("key") or ""
        if t.get("value"):
            text += f"={t['value']}"
        text += f":{t.get('effect', '')}"
        w.write(0, text + "\n")


def describe_probe(probe: dict) -> str:
    """DescribeProbe: ``http-get http://:80/status delay=60s timeout=5s period=5s #success=1 #failure=48``."""
    p = {**_PROBE_DEFAULTS, **(probe or {})}
    attrs = (f"delay={int(p['initialDelaySeconds'])}s timeout={int(p['timeoutSeconds'])}s "
             f"period={int(p['periodSeconds'])}s #success={int(p['successThreshold'])} "
             f"#failure={int(p['failureThreshold'])}")
    if p.get("exec") is not None:
        return f"exec [{' '.join(str(c) for c in p['exec'].get('command') or [])}] {attrs}"
    if p.get("httpGet") is not None:
        h = p["httpGet"]
        scheme = (h.get("scheme") or "HTTP").lower()
        host = h.get("host") or ""
        port = str(h.get("port", ""))
        hostport = (f"[{host}]:{port}" if ":" in host else f"{host}:{port}") if port else host
        return f"http-get {scheme}://{hostport}{h.get('path') or ''} {attrs}"
    if p.get("tcpSocket") is not None:
        t = p["tcpSocket"]
        return f"tcp-socket {t.get('host') or ''}:{t.get('port', '')} {attrs}"
    if p.get("grpc") is not None:
        g = p["grpc"]
        return f"grpc <pod>:{g.get('port')} {g.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _quantity(value) -> str:
    try:
        from ..api.quantity import parse_quantity
        return parse_quantity(str(value)).canonical()
    except Exception:  # noqa: BLE001 - print what we were given
        return str(value)


def _resources(w: _Writer, resources: dict | None, level: int) -> None:
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = (resources or {}).get(key) or {}
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{_quantity(values[name])}\n")


def _state(w: _Writer, title: str, state: dict, cluster) -> None:
    """describeStatus for State / Last State."""
    if state.get("running") is not None:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'), cluster)}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{int(t.get('exitCode') or 0)}\n")
        if t.get("signal"):
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'), cluster)}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'), cluster)}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")


def _containers(w: _Writer, label: str, containers: list, statuses: list, cluster) -> None:
    """describeContainers for one list (Init Containers / Containers)."""
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{label}:{'' if containers else ' <none>'}\n")
    for c in containers:
        status = by_name.get(c.get("name"))
        w.write(1, f"{c.get('name')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID') or ''}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID') or ''}\n")
        ports = c.get("ports") or []
        port_str = ", ".join(f"{p.get('containerPort')}/{p.get('protocol') or 'TCP'}" for p in ports)
        host_str = ", ".join(f"{p.get('hostPort') or 0}/{p.get('protocol') or 'TCP'}" for p in ports)
        if "," in port_str:
            w.write(2, f"Ports:\t{port_str}\n")
        else:
            w.write(2, f"Port:\t{port_str or '<none>'}\n")
        if "," in host_str:
            w.write(2, f"Host Ports:\t{host_str}\n")
        else:
            w.write(2, f"Host Port:\t{host_str or '<none>'}\n")
        for title, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w.write(2, f"{title}:\n")
                for item in c[key]:
                    for line in str(item).split("\n"):
                        w.write(3, f"{line}\n")
        if status is not None:
            _state(w, "State", status.get("state") or {}, cluster)
            if ((status.get("lastState") or {}).get("terminated")) is not None:
                _state(w, "Last State", status["lastState"], cluster)
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{int(status.get('restartCount') or 0)}\n")
        _resources(w, c.get("resources"), 2)
        for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"),
                           ("Startup", "startupProbe")):
            if c.get(key) is not None:
                w.write(2, f"{title}:\t{describe_probe(c[key])}\n")
        env = c.get("env") or []
        w.write(2, "Environment:" + ("" if env else "\t<none>") + "\n")
        for e in env:
            if e.get("valueFrom") is None:
                for i, line in enumerate(str(e.get("value", "")).split("\n")):
                    w.write(3, f"{e.get('name')}:\t{line}\n" if i == 0 else f"\t{line}\n")
                continue
            vf = e["valueFrom"]
            if vf.get("secretKeyRef"):
                r = vf["secretKeyRef"]
                w.write(3, f"{e.get('name')}:\t<set to the key '{r.get('key')}' in secret "
                           f"'{r.get('name')}'>\tOptional: {str(bool(r.get('optional'))).lower()}\n")
            elif vf.get("configMapKeyRef"):
                r = vf["configMapKeyRef"]
                w.write(3, f"{e.get('name')}:\t<set to the key '{r.get('key')}' of config map "
                           f"'{r.get('name')}'>\tOptional: {str(bool(r.get('optional'))).lower()}\n")
            elif vf.get("fieldRef"):
                r = vf["fieldRef"]
                w.write(3, f"{e.get('name')}:\t ({r.get('apiVersion', 'v1')}:{r.get('fieldPath')})\n")
            elif vf.get("resourceFieldRef"):
                w.write(3, f"{e.get('name')}:\t ({vf['resourceFieldRef'].get('resource')})\n")
        mounts = c.get("volumeMounts") or []
        w.write(2, "Mounts:" + ("" if mounts else "\t<none>") + "\n")
        for m in sorted(mounts, key=lambda m: m.get("mountPath", "")):
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")


def _volumes(w: _Writer, volumes: list | None) -> None:
    if not volumes:
        w.write(0, "Volumes:\t<none>\n")
        return
    w.write(0, "Volumes:\n")
    for v in volumes:
        w.write(1, f"{v.get('name')}:\n")
        if v.get("emptyDir") is not None:
            ed = v["emptyDir"] or {}
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                       f"    Medium:\t{ed.get('medium') or ''}\n"
                       f"    SizeLimit:\t{ed.get('sizeLimit') or '<unset>'}\n")
        elif v.get("hostPath") is not None:
            hp = v["hostPath"]
            w.write(2, "Type:\tHostPath (bare host directory volume)\n"
                       f"    Path:\t{hp.get('path')}\n"
                       f"    HostPathType:\t{hp.get('type') or '<none>'}\n")
        elif v.get("configMap") is not None:
            cm = v["configMap"]
            w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                       f"    Name:\t{cm.get('name')}\n"
                       f"    Optional:\t{str(bool(cm.get('optional'))).lower()}\n")
        elif v.get("secret") is not None:
            s = v["secret"]
            w.write(2, "Type:\tSecret (a volume populated by a Secret)\n"
                       f"    SecretName:\t{s.get('secretName')}\n"
                       f"    Optional:\t{str(bool(s.get('optional'))).lower()}\n")
        elif v.get("persistentVolumeClaim") is not None:
            p = v["persistentVolumeClaim"]
            w.write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
                       f"    ClaimName:\t{p.get('claimName')}\n"
                       f"    ReadOnly:\t{str(bool(p.get('readOnly'))).lower()}\n")
        elif v.get("projected") is not None:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
            for src in v["projected"].get("sources") or []:
                if src.get("serviceAccountToken") is not None:
                    w.write(2, f"TokenExpirationSeconds:\t{src['serviceAccountToken'].get('expirationSeconds', 3607)}\n")
                elif src.get("configMap") is not None:
                    w.write(2, f"ConfigMapName:\t{src['configMap'].get('name')}\n"
                               f"    Optional:\t{str(bool(src['configMap'].get('optional'))).lower()}\n")
                elif src.get("secret") is not None:
                    w.write(2, f"SecretName:\t{src['secret'].get('name')}\n"
                               f"    Optional:\t{str(bool(src['secret'].get('optional'))).lower()}\n")
                elif src.get("downwardAPI") is not None:
                    w.write(2, "DownwardAPI:\ttrue\n")
        else:
            w.write(1, "<unknown>\n")


def qos_class(pod: dict) -> str:
    """``status.qosClass`` when present, else computed as QOS-1 (Guaranteed, Burstable, BestEffort)."""
    given = (pod.get("status") or {}).get("qosClass")
    if given:
        return given
    spec = pod.get("spec") or {}
    containers = list(spec.get("containers") or []) + list(spec.get("initContainers") or [])
    any_set = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req = {k: v for k, v in (res.get("requests") or {}).items() if k in ("cpu", "memory")}
        lim = {k: v for k, v in (res.get("limits") or {}).items() if k in ("cpu", "memory")}
        if req or lim:
            any_set = True
        if set(lim) != {"cpu", "memory"}:
            guaranteed = False
            continue
        for k in ("cpu", "memory"):
            if k in req and _quantity(req[k]) != _quantity(lim[k]):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _event_source(ev: dict) -> str:
    src = (ev.get("source") or {}).get("component") or ev.get("reportingComponent") \
        or ev.get("reportingController") or ev.get("from")
    if src:
        return src
    if ev.get("reason") in ("Scheduled", "FailedScheduling", "Preempted"):
        return "default-scheduler"
    kind = (ev.get("involvedObject") or {}).get("kind")
    return "kubelet" if kind in ("Pod", "Node", None) else f"{kind.lower()}-controller"


def describe_events(w: _Writer, events: list[dict], now: float, cluster) -> None:
    """DescribeEvents: ``Events:  <none>`` or the Type / Reason / Age / From / Message table."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    rows = []
    for ev in events:
        first, last, count = event_times(ev, cluster)
        first_s = human_duration(now - first) if first is not None else "<unknown>"
        if count > 1:
            last_s = human_duration(now - last) if last is not None else "<unknown>"
            interval = f"{last_s} (x{count} over {first_s})"
        else:
            interval = first_s
        rows.append((last if last is not None else 0, ev, interval))
    rows.sort(key=lambda r: r[0])
    # DescribeEvents flushes before the table, so it aligns on its own.
    w.write(0, "Events:\n")
    w.write(1, "Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for _t, ev, interval in rows:
        w.write(1, f"{ev.get('type', '')}\t{ev.get('reason', '')}\t{interval}\t{_event_source(ev)}\t"
                   f"{(ev.get('message') or '').strip()}\n")


def describe_pod(pod: dict, events: list[dict] | None, now: float, cluster=None) -> str:
    """The text of ``kubectl describe pod`` for an API-shaped pod and the events about it."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', 'default')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("nodeName"):
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP') or ''}\n")
    else:
        w.write(0, "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'], cluster)}\n")
    _multiline(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase") or ""
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        since = to_epoch(meta["deletionTimestamp"], cluster)
        lasts = human_duration(now - since) if since is not None else "<unknown>"
        w.write(0, f"Status:\tTerminating (lasts {lasts})\n")
        w.write(0, f"Termination Grace Period:\t{int(meta.get('deletionGracePeriodSeconds') or 0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    w.write(0, f"IP:\t{status.get('podIP') or ''}\n")
    ips = status.get("podIPs") or ([{"ip": status["podIP"]}] if status.get("podIP") else [])
    if ips:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip.get('ip')}\n")
    else:
        w.write(0, "IPs:\t<none>\n")
    owner = next((o for o in meta.get("ownerReferences") or [] if o.get("controller")), None)
    if owner:
        w.write(0, f"Controlled By:\t{owner.get('kind')}/{owner.get('name')}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), cluster)
    _containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), cluster)
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \n")
    _volumes(w, spec.get("volumes"))
    w.write(0, f"QoS Class:\t{qos_class(pod)}\n")
    _multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "Tolerations", spec.get("tolerations"))
    if events is not None:
        describe_events(w, events, now, cluster)
    return w.text()


def describe_node(node: dict, pods: list[dict], events: list[dict] | None, now: float, cluster=None) -> str:
    """The text of ``kubectl describe node``; ``pods`` are the non-terminated pods bound to it."""
    from ..api.quantity import Quantity, parse_quantity
    meta = node.get("metadata") or {}
    spec = node.get("spec") or {}
    status = node.get("status") or {}
    info = status.get("nodeInfo") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    _multiline(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'), cluster)}\n")
    _taints(w, "Taints", spec.get("taints"))
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \t{rfc1123z(c.get('lastHeartbeatTime'), cluster)} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'), cluster)} \t{c.get('reason', '')} \t"
                       f"{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for a in status.get("addresses") or []:
        w.write(1, f"{a.get('type')}:\t{a.get('address')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        values = status.get(key) or {}
        if values:
            w.write(0, f"{title}:\n")
            for name in sorted(values):
                w.write(0, f"  {name}:\t{_quantity(values[name])}\n")
    w.write(0, "System Info:\n")
    for label, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion")):
        w.write(0, f"  {label}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")

    alloc = status.get("allocatable") or {}

    extra = [r for r in sorted(alloc) if r.startswith("hugepages-")]
    extended = [r for r in sorted(alloc) if r not in ("cpu", "memory", "pods", "ephemeral-storage")
                and not r.startswith("hugepages-") and "/" in r]
    names = ["cpu", "memory", "ephemeral-storage", *extra, *extended]

    def q(value) -> Fraction:
        return parse_quantity(str(value)).value

    def pod_totals(pod):
        """Per (requests|limits, resource): max(apps + sidecars, biggest init + earlier sidecars) (RES-3)."""
        totals = {}
        cspec = pod.get("spec") or {}
        for kind in ("requests", "limits"):
            for res in names:
                def amount(c):
                    return q(((c.get("resources") or {}).get(kind) or {}).get(res, "0"))
                apps = sum((amount(c) for c in cspec.get("containers") or []), Fraction(0))
                sidecars = Fraction(0)
                init_peak = Fraction(0)
                for c in cspec.get("initContainers") or []:
                    if is_sidecar(c):
                        sidecars += amount(c)
                    else:
                        init_peak = max(init_peak, amount(c) + sidecars)
                totals[(kind, res)] = max(apps + sidecars, init_peak)
        return totals

    def fmt(res, v):
        return Quantity(v, "DecimalSI" if res == "cpu" else "BinarySI").canonical()

    def pct(res, v):
        whole = q(alloc.get(res, "0"))
        return int(v / whole * 100) if whole else 0

    def cell(res, v):
        return f"{fmt(res, v)} ({pct(res, v)}%)"

    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(0, "  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(0, "  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    sums: dict = {}
    for pod in pods:
        t = pod_totals(pod)
        for k, v in t.items():
            sums[k] = sums.get(k, 0) + v
        pmeta = pod.get("metadata") or {}
        created = to_epoch(pmeta.get("creationTimestamp"), cluster)
        age = human_duration(now - created) if created is not None else "<unknown>"
        w.write(0, f"  {pmeta.get('namespace', 'default')}\t{pmeta.get('name')}\t\t"
                   f"{cell('cpu', t[('requests', 'cpu')])}\t{cell('cpu', t[('limits', 'cpu')])}\t"
                   f"{cell('memory', t[('requests', 'memory')])}\t{cell('memory', t[('limits', 'memory')])}\t{age}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(0, "  Resource\tRequests\tLimits\n")
    w.write(0, "  --------\t--------\t------\n")
    for res in names:
        req, lim = sums.get(("requests", res), 0), sums.get(("limits", res), 0)
        if res in extended:
            w.write(0, f"  {res}\t{fmt(res, req)}\t{fmt(res, lim)}\n")
        else:
            w.write(0, f"  {res}\t{cell(res, req)}\t{cell(res, lim)}\n")
    if events is not None:
        describe_events(w, events, now, cluster)
    return w.text()
