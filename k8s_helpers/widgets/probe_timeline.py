"""Línea de tiempo de las sondas de un pod: arranques, cada resultado y Ready a lo largo del tiempo.

Pure parts (no Jupyter needed, chapter 04 can reuse them):

* ``probe_budget(probe)``: the arithmetic of one probe (PRB-1 defaults, PRB-3 budget).
* ``timeline_data(cluster, pod)``: per container, starts, kills, probe results, Ready spans.
* ``probe_timeline_svg(data)``: the drawing, as an SVG string.

Widget (one line in a notebook, after ``c.run(...)``)::

    from k8s_helpers.widgets.probe_timeline import ProbeTimeline
    ProbeTimeline(c, "web")

Stable CSS classes for browser tests: ``k8s-probe-timeline`` (the widget), ``k8s-probe-refresh``
(button), ``k8s-probe-svg`` (the HTML holding the SVG and ``k8s-probe-budgets``, one sentence
per probe); inside the SVG ``probe-dot`` (with
``data-probe``, ``data-result``, ``data-time``), ``container-start``, ``container-kill``,
``ready-span`` (``data-ready="true|false"``) and ``startup-budget``.
"""
from __future__ import annotations

from html import escape

__all__ = ["probe_budget", "timeline_data", "probe_timeline_svg", "budgets_html", "ProbeTimeline",
           "PROBE_COLOURS"]

# PRB-1 defaults.
_DEFAULTS = {"initialDelaySeconds": 0, "timeoutSeconds": 1, "periodSeconds": 10,
             "successThreshold": 1, "failureThreshold": 3}
_FIELDS = {"startup": "startupProbe", "liveness": "livenessProbe", "readiness": "readinessProbe"}
_LANES = ("startup", "liveness", "readiness")
_LANE_TITLES = {"startup": "startup", "liveness": "liveness", "readiness": "readiness"}
PROBE_COLOURS = {"Success": "#16a34a", "Failure": "#dc2626"}
_READY_COLOURS = {True: "#86efac", False: "#e5e7eb"}


def _fmt_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min" if rest == 0 else f"{minutes} min {rest} s"


def probe_budget(probe: dict | None, kind: str = "startup") -> dict:
    """Cuentas de una sonda: cuándo empieza a probar y cuánto tarda, como mucho, en actuar.

    ``probe`` es el dict de ``startupProbe``/``livenessProbe``/``readinessProbe``; los campos
    ausentes toman los valores por defecto (PRB-1). Devuelve un dict con:

    - ``initial_delay``, ``period``, ``timeout``, ``success_threshold``, ``failure_threshold``;
    - ``first_probe_after``: segundos desde que arranca el contenedor hasta la primera prueba;
    - ``failure_window``: ``failureThreshold × periodSeconds``, fallos seguidos que se toleran;
    - ``worst_case_seconds``: ``initialDelaySeconds + failureThreshold × periodSeconds`` (PRB-3):
      para ``startup``, lo máximo que puede tardar en arrancar antes de que lo reinicien; para
      ``liveness``, lo que tarda como mucho en reiniciarse si se cuelga nada más empezar;
      para ``readiness``, lo que tarda en salir del balanceo;
    - ``earliest_success_seconds``: ``initialDelaySeconds + (successThreshold - 1) × periodSeconds``;
    - ``action``: qué hace el kubelet al agotar los fallos; ``summary``: una frase en español.

    Ejemplo de los apuntes (60 s de espera, cada 5 s, 48 oportunidades)::

        >>> probe_budget({"initialDelaySeconds": 60, "periodSeconds": 5, "failureThreshold": 48})["worst_case_seconds"]
        300
    """
    p = {**_DEFAULTS, **{k: v for k, v in (probe or {}).items() if v is not None}}
    delay = int(p["initialDelaySeconds"])
    period = int(p["periodSeconds"])
    failures = int(p["failureThreshold"])
    successes = int(p["successThreshold"])
    window = failures * period
    worst = delay + window
    action = {"startup": "reinicia el contenedor", "liveness": "reinicia el contenedor",
              "readiness": "saca el pod del balanceo (Ready=False), sin reiniciarlo"}[kind]
    if kind == "startup":
        summary = (f"La startupProbe hace su primera prueba {delay} s después de arrancar el "
                   f"contenedor y repite cada {period} s; tolera {failures} fallos seguidos, así que el contenedor "
                   f"tiene hasta {delay} + {failures} × {period} = {worst} s ({_fmt_seconds(worst)}) "
                   "para arrancar antes de que el kubelet lo reinicie.")
    elif kind == "liveness":
        summary = (f"La livenessProbe prueba cada {_fmt_seconds(period)}; tras {failures} fallos seguidos "
                   f"({failures} × {period} = {window} s) el kubelet reinicia el contenedor.")
    else:
        summary = (f"La readinessProbe prueba cada {_fmt_seconds(period)}; tras {failures} fallos "
                   f"seguidos ({window} s) el contenedor deja de estar listo y el pod sale del balanceo; "
                   f"vuelve tras {successes} éxito{'s' if successes != 1 else ''}.")
    return {"kind": kind, "initial_delay": delay, "period": period, "timeout": int(p["timeoutSeconds"]),
            "success_threshold": successes, "failure_threshold": failures,
            "first_probe_after": delay, "failure_window": window, "worst_case_seconds": worst,
            "earliest_success_seconds": delay + (successes - 1) * period,
            "action": action, "summary": summary}


# ------------------------------------------------------------------------------ data
def _now(cluster) -> float:
    now = getattr(cluster, "now", 0)
    return float(now() if callable(now) else now)


def _to_virtual(value, cluster):
    """Virtual seconds of a timestamp (number as is; ISO text via the cluster's epoch)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    from ..kubectl.timefmt import to_epoch, _epoch_of
    t = to_epoch(value, cluster)
    return None if t is None else t - _epoch_of(cluster)


def _get_pod(cluster, name, namespace):
    try:
        pod = cluster.get("pod", name, namespace=namespace)
    except Exception:  # noqa: BLE001 - deleted pods still have results
        return None
    if isinstance(pod, list):
        pod = pod[0] if pod else None
    return pod


def _containers(pod):
    spec = (pod or {}).get("spec") or {}
    sidecars = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    return sidecars + list(spec.get("containers") or [])


def timeline_data(cluster, pod: str, namespace: str = "default") -> dict:
    """What the timeline draws, from ``cluster.probe_results`` and the pod (PRB-3).

    Returns ``{"pod", "namespace", "end", "containers": [{"name", "probes": {type: spec},
    "budget": probe_budget(startup) or None, "starts": [t], "kills": [(t, type)],
    "results": {type: [(t, "Success"|"Failure")]}, "ready": [(t0, t1, bool)]}]}``.
    Kills are the moments a startup/liveness failure streak reaches ``failureThreshold``;
    starts come from ``cluster.container_history`` (the simulator), else the kubelet's
    ``Started`` events (one per occurrence), else the pod status and the first probe after
    each kill (a live cluster keeps only the last two starts). Ready spans follow the
    readiness results with their thresholds (a container without readiness probe is
    ready once started; with a startup probe, once it succeeds).
    """
    pod_obj = _get_pod(cluster, pod, namespace)
    results = list(cluster.probe_results(pod=pod, namespace=namespace)) if hasattr(cluster, "probe_results") else []
    end = _now(cluster)
    history = None
    if hasattr(cluster, "container_history"):
        try:
            history = cluster.container_history(pod, namespace=namespace)
        except Exception:  # noqa: BLE001
            history = None

    events_cache: list = []

    def pod_events():
        """Every occurrence of the pod's events (only fetched when there is no history)."""
        if not events_cache and hasattr(cluster, "events"):
            try:
                evs = cluster.events(name=pod, kind="Pod", namespace=namespace)
            except TypeError:
                evs = cluster.events()
            events_cache.append([e for e in evs if (e.get("involvedObject") or {}).get("kind") == "Pod"
                                 and (e.get("involvedObject") or {}).get("name") == pod
                                 and ((e.get("involvedObject") or {}).get("namespace") or "default") == namespace])
        return events_cache[0] if events_cache else []
    specs = _containers(pod_obj)
    names = [c.get("name") for c in specs]
    for r in results:
        if r.get("container") not in names:
            names.append(r.get("container"))
            specs.append({"name": r.get("container")})
    statuses = {}
    st = (pod_obj or {}).get("status") or {}
    for cs in (st.get("initContainerStatuses") or []) + (st.get("containerStatuses") or []):
        statuses[cs.get("name")] = cs

    out = []
    for spec in specs:
        name = spec.get("name")
        probes = {k: spec[f] for k, f in _FIELDS.items() if spec.get(f)}
        mine = sorted((r for r in results if r.get("container") == name), key=lambda r: r.get("time", 0))
        by_type = {k: [(float(r["time"]), r["result"]) for r in mine if r.get("probe") == k] for k in _LANES}

        # kills: startup/liveness failure streaks reaching the threshold
        kills = []
        for kind in ("startup", "liveness"):
            if kind not in probes:
                continue
            threshold = probe_budget(probes[kind], kind)["failure_threshold"]
            streak = 0
            for t, res in by_type[kind]:
                streak = streak + 1 if res == "Failure" else 0
                if streak >= threshold:
                    kills.append((t, kind))
                    streak = 0
        kills.sort()

        starts = []
        if history:
            starts = sorted(float(h["start"]) for h in history
                            if h.get("container") == name and h.get("start") is not None)
        if not starts:
            for ev in pod_events():
                obj = ev.get("involvedObject") or {}
                fp = obj.get("fieldPath") or ""
                if ev.get("reason") == "Started" and isinstance(ev.get("time"), (int, float)) and (
                        ev.get("message") == f"Started container {name}" or fp.endswith("{" + str(name) + "}")):
                    starts.append(float(ev["time"]))
            starts = sorted(set(starts))
        if not starts:
            cs = statuses.get(name) or {}
            first = _to_virtual(st.get("startTime"), cluster)
            known = [t for t in (
                _to_virtual(((cs.get("lastState") or {}).get("terminated") or {}).get("startedAt"), cluster),
                _to_virtual(((cs.get("state") or {}).get("running") or {}).get("startedAt"), cluster)) if t is not None]
            if first is None:
                first = known[0] if known else (mine[0]["time"] - probe_budget(
                    probes.get(mine[0]["probe"]), mine[0]["probe"])["initial_delay"] if mine else 0.0)
            starts = [float(first)]
            for k, _kind in kills:
                nxt = [t for t in known if t > k]
                after = [r for r in mine if r["time"] > k]
                if nxt:
                    starts.append(min(nxt))
                elif after:
                    delay = probe_budget(probes.get(after[0]["probe"]), after[0]["probe"])["initial_delay"]
                    starts.append(max(k, float(after[0]["time"]) - delay))
            starts = sorted(set(starts))

        # Ready spans per container life
        ready = []
        bounds = starts + [end]
        for i, s in enumerate(starts):
            e = bounds[i + 1]
            kill_in = [k for k, _ in kills if s <= k < e]
            life_end = min(kill_in) if kill_in else e
            if "startup" in probes:
                ok = [t for t, res in by_type["startup"] if s <= t < life_end and res == "Success"]
                started_at = ok[0] if ok else None
            else:
                started_at = s
            state, since = False, s
            if started_at is not None:
                if "readiness" not in probes:
                    ready.append((s, started_at, False))
                    state, since = True, started_at
                else:
                    rb = probe_budget(probes["readiness"], "readiness")
                    run_kind, run = None, 0
                    for t, res in by_type["readiness"]:
                        if not (s <= t < life_end):
                            continue
                        run = run + 1 if res == run_kind else 1
                        run_kind = res
                        want = res == "Success"
                        need = rb["success_threshold"] if want else rb["failure_threshold"]
                        if run >= need and want != state:
                            ready.append((since, t, state))
                            state, since = want, t
            ready.append((since, life_end, state))
            if life_end < e:
                ready.append((life_end, e, False))
        ready = [(a, b, r) for a, b, r in ready if b > a]
        budget = probe_budget(probes["startup"], "startup") if "startup" in probes else None
        out.append({"name": name, "probes": probes, "budget": budget, "starts": starts, "kills": kills,
                    "results": by_type, "ready": ready})
    return {"pod": pod, "namespace": namespace, "end": end, "containers": out}


# ------------------------------------------------------------------------------ drawing
def _nice_step(span: float) -> int:
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400):
        if span / step <= 10:
            return step
    return 86400


def _tick_label(t: int) -> str:
    if t < 60 or t % 60:
        return f"{t} s"
    if t < 3600 or t % 3600:
        return f"{t // 60} min"
    return f"{t // 3600} h"


def probe_timeline_svg(data: dict, width: int = 900) -> str:
    """SVG of ``timeline_data``: per container an axis, starts/kills, result dots, Ready band."""
    end = max(float(data.get("end") or 0), 1.0)
    left, right = 110, 20
    scale = (width - left - right) / end

    def x(t):
        return left + max(0.0, min(float(t), end)) * scale

    parts = []
    y = 10
    for c in data["containers"]:
        lanes = [k for k in _LANES if k in c["probes"] or c["results"].get(k)]
        height = 48 + 22 * len(lanes) + 26 + 30
        parts.append(f'<g class="container" data-container="{escape(c["name"])}" transform="translate(0,{y})">')
        parts.append(f'<text x="4" y="16" font-weight="bold" font-size="13">contenedor {escape(c["name"])}</text>')
        top = 28
        axis_y = top + 22 * len(lanes) + 26 + 8
        # startup budget (PRB-3), from every start
        b = c.get("budget")
        if b:
            for s in c["starts"]:
                x0, x1 = x(s), x(s + b["worst_case_seconds"])
                xd = x(s + b["initial_delay"])
                parts.append(
                    f'<rect class="startup-budget" x="{x0:.1f}" y="{top - 4}" width="{max(x1 - x0, 0):.1f}" '
                    f'height="{axis_y - top + 4}" fill="#fef3c7" opacity="0.6">'
                    f'<title>{escape(b["summary"])}</title></rect>')
                if b["initial_delay"]:
                    parts.append(f'<line class="initial-delay" x1="{xd:.1f}" x2="{xd:.1f}" y1="{top - 4}" '
                                 f'y2="{axis_y}" stroke="#d97706" stroke-dasharray="2,2"/>')
            s0 = c["starts"][0] if c["starts"] else 0
            parts.append(
                f'<text class="startup-budget-label" x="{x(s0) + 4:.1f}" y="{top - 8}" font-size="11" fill="#92400e">'
                f'presupuesto de arranque: {b["initial_delay"]} s + {b["failure_threshold"]} × {b["period"]} s = '
                f'{b["worst_case_seconds"]} s ({_fmt_seconds(b["worst_case_seconds"])})</text>')
        for i, lane in enumerate(lanes):
            ly = top + 22 * i + 10
            parts.append(f'<text x="4" y="{ly + 4}" font-size="12" fill="#374151">{_LANE_TITLES[lane]}</text>')
            parts.append(f'<line x1="{left}" x2="{width - right}" y1="{ly}" y2="{ly}" stroke="#e5e7eb"/>')
            for t, res in c["results"].get(lane, []):
                parts.append(
                    f'<circle class="probe-dot" data-probe="{lane}" data-result="{res}" data-time="{t:g}" '
                    f'cx="{x(t):.1f}" cy="{ly}" r="3.5" fill="{PROBE_COLOURS.get(res, "#6b7280")}">'
                    f'<title>t = {t:g} s: {lane} {"correcta" if res == "Success" else "fallida"}</title></circle>')
        ry = top + 22 * len(lanes) + 4
        parts.append(f'<text x="4" y="{ry + 12}" font-size="12" fill="#374151">Ready</text>')
        for a, bnd, r in c["ready"]:
            parts.append(
                f'<rect class="ready-span" data-ready="{"true" if r else "false"}" data-from="{a:g}" data-to="{bnd:g}" '
                f'x="{x(a):.1f}" y="{ry}" width="{max(x(bnd) - x(a), 0.5):.1f}" height="14" '
                f'fill="{_READY_COLOURS[r]}"><title>{"Ready" if r else "no Ready"} de {a:g} s a {bnd:g} s</title></rect>')
        for n, s in enumerate(c["starts"]):
            label = "inicio" if n == 0 else f"reinicio {n}"
            parts.append(
                f'<line class="container-start" data-time="{s:g}" x1="{x(s):.1f}" x2="{x(s):.1f}" y1="{top - 4}" '
                f'y2="{axis_y}" stroke="#2563eb" stroke-width="1.5"><title>{label}: t = {s:g} s</title></line>')
        for k, kind in c["kills"]:
            parts.append(
                f'<text class="container-kill" data-time="{k:g}" data-probe="{kind}" x="{x(k):.1f}" y="{axis_y - 2}" '
                f'text-anchor="middle" font-size="14" fill="#b91c1c">✕<title>t = {k:g} s: la sonda de '
                f'{kind} agota sus fallos y el kubelet reinicia el contenedor</title></text>')
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{axis_y}" y2="{axis_y}" stroke="#6b7280"/>')
        step = _nice_step(end)
        t = 0
        while t <= end + 1e-9:
            parts.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{axis_y}" y2="{axis_y + 4}" stroke="#6b7280"/>')
            parts.append(f'<text x="{x(t):.1f}" y="{axis_y + 16}" font-size="10" text-anchor="middle" '
                         f'fill="#6b7280">{_tick_label(t)}</text>')
            t += step
        parts.append("</g>")
        y += height
    if not data["containers"]:
        parts.append('<text x="4" y="20" font-size="13">Este pod no tiene contenedores que mostrar.</text>')
        y += 30
    legend = ('<g class="legend" font-size="11" fill="#374151" transform="translate(4,{y})">'
              '<circle cx="6" cy="6" r="4" fill="#16a34a"/><text x="14" y="10">intento correcto</text>'
              '<circle cx="120" cy="6" r="4" fill="#dc2626"/><text x="128" y="10">intento fallido</text>'
              '<rect x="230" y="1" width="14" height="10" fill="#86efac"/><text x="248" y="10">Ready</text>'
              '<line x1="310" x2="310" y1="0" y2="12" stroke="#2563eb" stroke-width="1.5"/>'
              '<text x="316" y="10">(re)inicio</text>'
              '<text x="400" y="11" fill="#b91c1c" font-size="13">✕</text><text x="412" y="10">reinicio por sonda</text>'
              '<rect x="530" y="1" width="14" height="10" fill="#fef3c7"/><text x="548" y="10">presupuesto de arranque</text>'
              '</g>').format(y=y)
    total = y + 20
    return (f'<svg class="k8s-probe-timeline-svg" xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{total}" viewBox="0 0 {width} {total}" font-family="sans-serif" '
            f'data-pod="{escape(data["pod"])}" data-end="{data["end"]:g}">'
            + "".join(parts) + legend + "</svg>")


def budgets_html(data: dict) -> str:
    """The arithmetic of every probe of the pod, one Spanish sentence each (PRB-1, PRB-3)."""
    items = []
    for c in data["containers"]:
        for kind in _LANES:
            if kind in c["probes"]:
                b = probe_budget(c["probes"][kind], kind)
                items.append(f'<li data-container="{escape(c["name"])}" data-probe="{kind}">'
                             f'<b>{escape(c["name"])}</b>, {kind}: {escape(b["summary"])}</li>')
    if not items:
        return '<div class="k8s-probe-budgets">Este pod no tiene sondas.</div>'
    return ('<div class="k8s-probe-budgets" style="font-size:13px;font-family:sans-serif"><ul style="margin:4px 0">'
            + "".join(items) + "</ul></div>")


# ------------------------------------------------------------------------------ widget
def ProbeTimeline(cluster, pod: str, namespace: str = "default"):  # noqa: N802 - reads like a class
    """Widget con la línea de tiempo de las sondas del pod ``pod``; «Actualizar» la vuelve a dibujar."""
    import ipywidgets as widgets

    html = widgets.HTML()
    html.add_class("k8s-probe-svg")
    title = widgets.HTML()
    refresh = widgets.Button(description="Actualizar", icon="refresh", tooltip="Volver a dibujar con el estado actual")
    refresh.add_class("k8s-probe-refresh")

    def render(_=None):
        data = timeline_data(cluster, pod, namespace)
        title.value = (f"<b>Sondas del pod {escape(pod)}</b> (espacio de nombres {escape(namespace)}), "
                       f"t = {data['end']:g} s")
        html.value = probe_timeline_svg(data) + budgets_html(data)

    refresh.on_click(render)
    render()
    box = widgets.VBox([widgets.HBox([title, refresh]), html])
    box.add_class("k8s-probe-timeline")
    box.refresh = render
    box.svg_html = html
    box.refresh_button = refresh
    return box
