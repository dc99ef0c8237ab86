"""Vista del clúster: nodos como cajas con sus pods dentro, y controles del reloj virtual.

Pure part: ``render_cluster_html(cluster)`` (testable without a browser). Widget::

    from k8s_helpers.widgets.cluster_view import ClusterView
    ClusterView(c)

Colours (``pod_colour``): Running and Ready green, Running not ready amber, Pending grey,
CrashLoopBackOff / Error / Failed red, Succeeded / Completed blue, Terminating purple.
STATUS and READY are kubectl's (POD-9), so the view and ``kubectl get pods`` agree.

Stable CSS classes for browser tests: ``k8s-cluster-view`` (widget), ``k8s-clock-step``
(each step button; also ``k8s-clock-step-1``, ``-10``, ``-60``), ``k8s-clock-play`` (Play),
``k8s-clock-speed`` (seconds per Play tick), ``k8s-clock`` (clock text),
``k8s-cluster-html`` (the drawing). Inside the drawing: ``k8s-node`` (``data-node``),
``k8s-unscheduled``, ``k8s-pod`` (``data-pod``, ``data-namespace``, ``data-status``,
``data-colour``), ``k8s-events``.
"""
from __future__ import annotations

from html import escape

from ..kubectl.pods import pod_summary
from ..kubectl.printers import fetch_events, node_roles, node_status

__all__ = ["ClusterView", "render_cluster_html", "pod_colour", "COLOURS"]

COLOURS = {
    "ready": ("#16a34a", "#dcfce7"),        # Running and Ready
    "not-ready": ("#d97706", "#fef3c7"),    # Running, not Ready
    "pending": ("#6b7280", "#f3f4f6"),      # Pending, Init:..., ContainerCreating
    "error": ("#dc2626", "#fee2e2"),        # CrashLoopBackOff, Error, Failed, OOMKilled...
    "succeeded": ("#2563eb", "#dbeafe"),    # Succeeded / Completed
    "terminating": ("#7c3aed", "#ede9fe"),  # deletionTimestamp set
}
_ERROR_REASONS = ("CrashLoopBackOff", "Error", "OOMKilled", "ImagePullBackOff", "ErrImagePull",
                  "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
                  "ContainerStatusUnknown", "Evicted", "OutOfcpu", "OutOfmemory", "NodeAffinity")


def pod_colour(pod: dict) -> str:
    """Category of a pod for the view: ready, not-ready, pending, error, succeeded, terminating."""
    s = pod_summary(pod)
    status = s["status"]
    phase = (pod.get("status") or {}).get("phase")
    if status == "Terminating":
        return "terminating"
    if any(r in status for r in _ERROR_REASONS) or phase == "Failed" or status.startswith("Init:Exit") \
            or status.startswith("ExitCode") or status.startswith("Signal"):
        return "error"
    if phase == "Succeeded" or status == "Completed":
        return "succeeded"
    if phase == "Running":
        conds = {c.get("type"): c.get("status") for c in (pod.get("status") or {}).get("conditions") or []}
        ready = conds.get("Ready") == "True" if "Ready" in conds else s["ready_count"] == s["total"]
        return "ready" if ready else "not-ready"
    return "pending"


def _list(cluster, kind):
    try:
        items = cluster.get(kind)
    except Exception:  # noqa: BLE001
        return []
    return list(items or [])


def _all_pods(cluster):
    try:
        items = cluster.get("pods", namespace=None)
    except TypeError:
        items = cluster.get("pods")
    return list(items or [])


def _chip(pod: dict) -> str:
    meta = pod.get("metadata") or {}
    s = pod_summary(pod)
    cat = pod_colour(pod)
    border, fill = COLOURS[cat]
    ns = meta.get("namespace") or "default"
    name = meta.get("name", "")
    label = escape(name if ns == "default" else f"{ns}/{name}")
    restarts = s["restart_count"]
    restart_html = (f'<span class="k8s-restarts" title="reinicios" style="margin-left:6px;font-weight:bold;'
                    f'color:#b91c1c">↻{restarts}</span>') if restarts else ""
    return (f'<div class="k8s-pod k8s-pod-{cat}" data-pod="{escape(name)}" data-namespace="{escape(ns)}" '
            f'data-status="{escape(s["status"])}" data-colour="{cat}" '
            f'title="{escape(ns)}/{escape(name)}: {escape(s["status"])}, READY {s["ready"]}, '
            f'{restarts} reinicios" '
            f'style="display:inline-block;margin:3px;padding:3px 8px;border:2px solid {border};'
            f'{"border-style:dashed;" if cat == "terminating" else ""}'
            f'background:{fill};border-radius:12px;font-size:12px;font-family:monospace">'
            f'<b>{label}</b> <span style="color:{border}">{escape(s["status"])}</span> '
            f'<span style="color:#374151">{s["ready"]}</span>{restart_html}</div>')


def _node_box(node: dict, pods: list[dict]) -> str:
    meta = node.get("metadata") or {}
    name = meta.get("name", "")
    status = node_status(node)
    roles = ",".join(node_roles(node)) or "<none>"
    taints = (node.get("spec") or {}).get("taints") or []
    taint_text = ", ".join(f'{t.get("key")}{"=" + t["value"] if t.get("value") else ""}:{t.get("effect")}'
                           for t in taints) or "ninguno"
    alloc = (node.get("status") or {}).get("allocatable") or {}
    alloc_text = f'cpu {alloc.get("cpu", "?")}, memoria {alloc.get("memory", "?")}, pods {alloc.get("pods", "?")}'
    ok = status.startswith("Ready")
    chips = "".join(_chip(p) for p in pods) or '<span style="color:#9ca3af;font-size:12px">(sin pods)</span>'
    return (f'<div class="k8s-node" data-node="{escape(name)}" data-status="{escape(status)}" '
            f'style="display:inline-block;vertical-align:top;width:300px;margin:6px;padding:8px;'
            f'border:2px solid {"#374151" if ok else "#dc2626"};border-radius:8px;background:#fff">'
            f'<div style="font-weight:bold">Nodo {escape(name)} '
            f'<span style="font-weight:normal;color:{"#16a34a" if ok else "#dc2626"}">{escape(status)}</span></div>'
            f'<div style="font-size:11px;color:#4b5563">roles: {escape(roles)}<br>taints: {escape(taint_text)}'
            f'<br>allocatable: {escape(alloc_text)}</div>'
            f'<div class="k8s-node-pods" style="margin-top:6px">{chips}</div></div>')


def _events_html(cluster, limit: int) -> str:
    events = fetch_events(cluster)
    events.sort(key=lambda e: e.get("time") if isinstance(e.get("time"), (int, float)) else 0)
    events = events[-limit:] if limit else []
    if not events:
        rows = '<li style="color:#9ca3af">(todavía no hay eventos)</li>'
    else:
        rows = ""
        for ev in reversed(events):
            obj = ev.get("involvedObject") or {}
            colour = "#b91c1c" if ev.get("type") == "Warning" else "#374151"
            count = f' (×{ev["count"]})' if int(ev.get("count") or 1) > 1 else ""
            t = ev.get("time")
            when = f"t = {t:g} s" if isinstance(t, (int, float)) else escape(str(ev.get("lastTimestamp") or ""))
            rows += (f'<li style="color:{colour}"><code>{when}</code> <b>{escape(ev.get("reason", ""))}</b> '
                     f'{escape((obj.get("kind") or "").lower())}/{escape(obj.get("name") or "")}: '
                     f'{escape(ev.get("message") or "")}{count}</li>')
    return (f'<div class="k8s-events" style="margin-top:8px"><b>Últimos eventos</b>'
            f'<ul style="font-size:12px;margin:4px 0;padding-left:18px">{rows}</ul></div>')


def _clock_text(cluster) -> str:
    now = getattr(cluster, "now", 0)
    now = now() if callable(now) else now
    return f"t = {now:g} s"


def render_cluster_html(cluster, events: int = 8) -> str:
    """HTML of the whole cluster: clock, a box per node with its pods, unscheduled pods, events."""
    nodes = _list(cluster, "nodes")
    pods = _all_pods(cluster)
    by_node: dict[str, list] = {}
    pending = []
    for p in pods:
        n = (p.get("spec") or {}).get("nodeName")
        if n:
            by_node.setdefault(n, []).append(p)
        else:
            pending.append(p)
    boxes = "".join(_node_box(n, by_node.pop((n.get("metadata") or {}).get("name"), [])) for n in nodes)
    for missing, ps in by_node.items():  # pods bound to a node that no longer exists
        boxes += _node_box({"metadata": {"name": missing}, "status": {}}, ps)
    if not nodes and not by_node:
        boxes = '<div style="color:#6b7280">El clúster no tiene nodos todavía: añade uno con <code>c.add_node(...)</code>.</div>'
    unscheduled = "".join(_chip(p) for p in pending) or '<span style="color:#9ca3af;font-size:12px">(ninguno)</span>'
    return (f'<div class="k8s-cluster" style="font-family:sans-serif">'
            f'<div class="k8s-clock-text" style="font-weight:bold;margin-bottom:4px">Reloj: {_clock_text(cluster)}</div>'
            f'<div class="k8s-nodes">{boxes}</div>'
            f'<div class="k8s-unscheduled" style="margin:6px;padding:6px;border:2px dashed #9ca3af;border-radius:8px">'
            f'<b>Sin nodo</b> <span style="font-size:11px;color:#6b7280">(pods pendientes de planificar)</span><br>'
            f'{unscheduled}</div>'
            f'{_events_html(cluster, events)}</div>')


class _View:
    """Holds the ipywidgets of a ClusterView; displays as its VBox."""

    def __init__(self, cluster, steps=(1, 10, 60), events=8, interval_ms=1000):
        import ipywidgets as widgets

        self.cluster = cluster
        self.events = events
        self.html = widgets.HTML()
        self.html.add_class("k8s-cluster-html")
        self.clock = widgets.HTML()
        self.clock.add_class("k8s-clock")
        self.step_buttons = []
        for s in steps:
            label = f"+{s // 60} min" if s >= 60 and s % 60 == 0 else f"+{s} s"
            b = widgets.Button(description=label, tooltip=f"Avanzar el reloj {label[1:]}",
                               layout=widgets.Layout(width="80px"))
            b.add_class("k8s-clock-step")
            b.add_class(f"k8s-clock-step-{s}")
            b.on_click(lambda _b, s=s: self.step(s))
            self.step_buttons.append(b)
        self.speed = widgets.Dropdown(options=[("1 s por tic", 1), ("5 s por tic", 5), ("10 s por tic", 10),
                                               ("30 s por tic", 30), ("1 min por tic", 60)],
                                      value=5, description="Velocidad:", layout=widgets.Layout(width="210px"))
        self.speed.add_class("k8s-clock-speed")
        self.play = widgets.Play(value=0, min=0, max=10 ** 9, step=1, interval=interval_ms,
                                 description="Reproducir", show_repeat=False)
        self.play.add_class("k8s-clock-play")
        self.play.observe(self._on_play, names="value")
        controls = widgets.HBox([*self.step_buttons, self.play, self.speed, self.clock])
        self.widget = widgets.VBox([controls, self.html])
        self.widget.add_class("k8s-cluster-view")
        self.refresh()

    def _on_play(self, change):
        ticks = change["new"] - change["old"]
        if ticks > 0:
            self.step(ticks * self.speed.value)

    def step(self, seconds: float) -> None:
        """Advance the virtual clock and redraw."""
        self.cluster.run(seconds=seconds)
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the cluster's current state (after ``c.apply(...)`` in another cell)."""
        self.clock.value = f"<b>{_clock_text(self.cluster)}</b>"
        self.html.value = render_cluster_html(self.cluster, self.events)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)


def ClusterView(cluster, steps=(1, 10, 60), events: int = 8, interval_ms: int = 1000):  # noqa: N802
    """Vista del clúster con botones para avanzar el reloj (+1 s, +10 s, +1 min) y reproducción.

    Devuelve un objeto que se muestra como widget; ``.step(30)`` avanza 30 s y
    ``.refresh()`` vuelve a dibujar (por ejemplo, tras ``c.apply(...)`` en otra celda).
    """
    return _View(cluster, steps, events, interval_ms)
