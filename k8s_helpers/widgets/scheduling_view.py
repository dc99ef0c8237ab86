"""Por qué el planificador eligió un nodo: tabla nodo × plugin de ``Cluster.explain_scheduling``.

Pure parts (no Jupyter needed):

* ``FILTER_WORDS`` / ``filter_words(plugin, reason)``: the Spanish words for a filter's
  rejection, shown next to kube-scheduler's own English reason.
* ``scheduling_table_html(explanation)``: the table as HTML. One row per node the attempt
  looked at (the chosen one first, then by total, rejected nodes last); a column with the
  filters' verdict and one per Score plugin (weighted score, with raw and normalised score
  and the weight in the cell's title), and the total.

Widget (one line in a notebook, after ``c.run(...)``)::

    from k8s_helpers.widgets.scheduling_view import SchedulingView
    SchedulingView(c, "web")

Stable CSS classes for browser tests: ``k8s-scheduling-view`` (the widget),
``k8s-sched-refresh`` (button), ``k8s-sched-table``; rows ``k8s-sched-winner``,
``k8s-sched-failed`` (with ``data-node``), cells ``k8s-sched-reason``.
"""
from __future__ import annotations

from html import escape

__all__ = ["FILTER_WORDS", "filter_words", "scheduling_table_html", "SchedulingView"]

# Spanish words for the reasons kube-scheduler gives (the English text is shown too).
_REASON_WORDS = {
    "Too many pods": "ya tiene el máximo de pods",
    "Insufficient cpu": "no le queda CPU para los requests",
    "Insufficient memory": "no le queda memoria para los requests",
    "Insufficient ephemeral-storage": "no le queda almacenamiento efímero",
    "node(s) had untolerated taint(s)": "tiene un taint que el pod no tolera",
    "node(s) were unschedulable": "está acordonado (cordon)",
    "node(s) didn't match the requested node name": "no es el nodo de spec.nodeName",
    "node(s) didn't match Pod's node affinity/selector": "no cumple el nodeSelector o la afinidad de nodo",
    "node(s) didn't have free ports for the requested pod ports": "el hostPort ya está ocupado",
    "node(s) didn't match pod topology spread constraints": "romperíamos la dispersión (maxSkew)",
    "node(s) didn't match pod topology spread constraints (missing required label)":
        "le falta la etiqueta de topología",
    "node(s) didn't match pod affinity rules": "no hay cerca un pod con el que quiera estar (afinidad)",
    "node(s) didn't match pod anti-affinity rules": "hay cerca un pod del que quiere alejarse (antiafinidad)",
    "node(s) didn't satisfy existing pods anti-affinity rules":
        "un pod que ya está allí no lo quiere cerca (su antiafinidad)",
}
FILTER_WORDS = {
    "NodeUnschedulable": "nodo acordonado",
    "NodeName": "nodo distinto del pedido",
    "TaintToleration": "taint no tolerado",
    "NodeAffinity": "afinidad de nodo",
    "NodePorts": "puertos del host",
    "NodeResourcesFit": "recursos insuficientes",
    "VolumeBinding": "volúmenes",
    "PodTopologySpread": "dispersión por topología",
    "InterPodAffinity": "afinidad entre pods",
}


def filter_words(plugin: str, reason: str) -> str:
    """Spanish words for one rejection: per reason when known, else per plugin."""
    parts = [_REASON_WORDS.get(r.strip()) for r in reason.split(", ")]
    if all(parts):
        return "; ".join(parts)
    return FILTER_WORDS.get(plugin, "rechazado")


def _order(ex: dict) -> list:
    nodes = ex["nodes"]
    selected = ex.get("selected_node")

    def key(name):
        e = nodes[name]
        failed = "scores" not in e
        total = e.get("total")
        return (name != selected, failed, -(total if total is not None else -1), name)

    return sorted(nodes, key=key)


def scheduling_table_html(ex: dict) -> str:
    """The explanation as an HTML table (see the module docstring)."""
    pod = escape(ex["pod"])
    selected = ex.get("selected_node")
    nodes = ex["nodes"]
    plugins: list[str] = []
    for e in nodes.values():
        for p in e.get("scores") or {}:
            if p not in plugins:
                plugins.append(p)
    if selected:
        title = f"El pod <b>{pod}</b> fue al nodo <b>{escape(selected)}</b>"
    else:
        title = f"El pod <b>{pod}</b> no cabe en ningún nodo: sigue <b>Pending</b>"
    th = 'style="text-align:left;padding:3px 8px;border-bottom:1px solid #999"'
    head = "".join(f"<th {th}>{escape(h)}</th>" for h in ["Nodo", "Filtros", *plugins, "Total"])
    rows = []
    for name in _order(ex):
        e = nodes[name]
        failed = "scores" not in e
        rejected = [(p, v) for p, v in e.get("filters", {}).items() if v != "passed"]
        if rejected:
            p, reason = rejected[0]
            verdict = (f'<span class="k8s-sched-reason">✗ {escape(filter_words(p, reason))}</span> '
                       f'<span style="color:#666">({escape(p)}: <code>{escape(reason)}</code>)</span>')
        else:
            verdict = "✓ pasa todos"
        cells = [f"<td><b>{escape(name)}</b></td>", f"<td>{verdict}</td>"]
        for p in plugins:
            s = (e.get("scores") or {}).get(p)
            if s is None:
                cells.append('<td style="color:#999">—</td>')
            else:
                tip = escape(f"bruto {s['raw']}, normalizado {s['normalized']} × peso {s['weight']}")
                cells.append(f'<td title="{tip}">{s["weighted"]} <small style="color:#666">'
                             f'({s["normalized"]}×{s["weight"]})</small></td>')
        total = e.get("total")
        cells.append(f"<td><b>{'—' if total is None else total}</b></td>")
        cls, style = "", ""
        if name == selected:
            cls, style = "k8s-sched-winner", "background:#dcfce7"
        elif failed:
            cls, style = "k8s-sched-failed", "background:#fee2e2"
        rows.append(f'<tr class="{cls}" data-node="{escape(name)}" style="{style}">{"".join(cells)}</tr>')
    skipped = ex.get("skipped") or {}
    notes = []
    if skipped.get("score"):
        notes.append("Sin puntuar en este intento (no tenían nada que valorar): " + ", ".join(skipped["score"]) + ".")
    if selected and len(nodes) and all(not (e.get("scores")) for e in nodes.values() if "scores" in e):
        notes.append("Solo un nodo pasó los filtros: kube-scheduler no puntúa cuando hay uno solo.")
    message = ""
    if ex.get("message"):
        message = (f'<div style="margin-top:4px">FailedScheduling: <code>{escape(ex["message"])}</code></div>')
    return (f'<div style="font-family:sans-serif;font-size:13px"><div>{title}</div>'
            f'<table class="k8s-sched-table" style="border-collapse:collapse;margin-top:4px">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{message}"
            + "".join(f'<div style="color:#666">{escape(n)}</div>' for n in notes) + "</div>")


def SchedulingView(cluster, pod: str, namespace: str = "default"):  # noqa: N802 - reads like a class
    """Widget con la tabla nodo × plugin del último intento de planificar ``pod``."""
    import ipywidgets as widgets

    html = widgets.HTML()
    refresh = widgets.Button(description="Actualizar", icon="refresh", tooltip="Volver a leer el último intento")
    refresh.add_class("k8s-sched-refresh")

    def render(_=None):
        try:
            html.value = scheduling_table_html(cluster.explain_scheduling(pod, namespace))
        except (LookupError, ValueError) as e:
            html.value = f'<div style="color:#b91c1c">{escape(str(e))}</div>'

    refresh.on_click(render)
    render()
    box = widgets.VBox([refresh, html])
    box.add_class("k8s-scheduling-view")
    box.refresh = render
    box.table_html = html
    return box
