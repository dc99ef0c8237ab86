"""Probe timeline: the budget arithmetic (PRB-3), data derived from probe results, and the SVG."""
from __future__ import annotations

import re

from k8s_helpers.widgets.probe_timeline import ProbeTimeline, probe_budget, probe_timeline_svg, timeline_data

from test_kubectl_fixtures import SteppingCluster, container_status, pod, ts

STARTUP = {"httpGet": {"path": "/status", "port": 80}, "initialDelaySeconds": 60, "timeoutSeconds": 5,
           "periodSeconds": 5, "failureThreshold": 48}
LIVENESS = {"httpGet": {"path": "/status", "port": 80}, "periodSeconds": 5, "failureThreshold": 3}
READINESS = {"httpGet": {"path": "/ready", "port": 80}, "periodSeconds": 5, "failureThreshold": 3}


def test_budget_of_the_notes_example():
    b = probe_budget(STARTUP)
    assert (b["first_probe_after"], b["failure_window"], b["worst_case_seconds"]) == (60, 240, 300)
    assert b["summary"] == (
        "La startupProbe hace su primera prueba 60 s después de arrancar el contenedor y repite cada 5 s; "
        "tolera 48 fallos seguidos, así que el contenedor tiene hasta 60 + 48 × 5 = 300 s (5 min) para "
        "arrancar antes de que el kubelet lo reinicie.")
    # PRB-1 defaults when fields are missing
    d = probe_budget({"exec": {"command": ["true"]}}, "liveness")
    assert (d["period"], d["failure_threshold"], d["timeout"], d["worst_case_seconds"]) == (10, 3, 1, 30)
    r = probe_budget({"periodSeconds": 5, "successThreshold": 2}, "readiness")
    assert r["earliest_success_seconds"] == 5 and "sin reiniciarlo" in r["action"]


def results():
    out = []

    def add(t, probe, ok):
        out.append({"time": t, "pod": "web", "namespace": "default", "container": "web", "probe": probe,
                    "result": "Success" if ok else "Failure"})
    for t in (60, 65, 70, 75):
        add(t, "startup", False)
    add(80, "startup", True)
    add(80, "readiness", False)
    for t in range(85, 150, 5):
        add(t, "liveness", True)
        add(t, "readiness", True)
    for t in (150, 155, 160):
        add(t, "liveness", False)
        add(t, "readiness", t < 155)
    for t in (230, 235):
        add(t, "startup", False)
    return out


def cluster():
    c = {"name": "web", "image": "web:1", "startupProbe": STARTUP, "livenessProbe": LIVENESS,
         "readinessProbe": READINESS}
    p = pod("web", containers=[c], statuses=[container_status(
        "web", ready=False, restarts=1, state={"running": {"startedAt": ts(170)}},
        last={"terminated": {"exitCode": 137, "reason": "Error", "startedAt": ts(0), "finishedAt": ts(160)}})])
    p["status"]["startTime"] = ts(0)
    return SteppingCluster([p], probe_results=results(), now=250)


def test_timeline_data_starts_kills_and_ready_spans():
    data = timeline_data(cluster(), "web")
    (web,) = data["containers"]
    assert data["end"] == 250
    assert web["starts"] == [0.0, 170.0]
    assert web["kills"] == [(160.0, "liveness")]
    assert web["ready"] == [(0.0, 85.0, False), (85.0, 160.0, True), (160.0, 170.0, False), (170.0, 250, False)]
    assert web["budget"]["worst_case_seconds"] == 300
    assert len(web["results"]["startup"]) == 7


def test_svg_draws_dots_markers_bands_and_budget():
    svg = probe_timeline_svg(timeline_data(cluster(), "web"))
    dots = re.findall(r'class="probe-dot" data-probe="(\w+)" data-result="(\w+)" data-time="([\d.]+)"[^>]*fill="(#\w+)"',
                      svg)
    assert len(dots) == 7 + 16 + 17
    assert ("startup", "Failure", "60", "#dc2626") in dots
    assert ("startup", "Success", "80", "#16a34a") in dots
    assert ("liveness", "Failure", "160", "#dc2626") in dots
    assert re.findall(r'class="container-start" data-time="(\d+)"', svg) == ["0", "170"]
    assert re.findall(r'class="container-kill" data-time="(\d+)" data-probe="(\w+)"', svg) == [("160", "liveness")]
    assert re.findall(r'class="ready-span" data-ready="(\w+)" data-from="(\d+)" data-to="(\d+)"', svg) == [
        ("false", "0", "85"), ("true", "85", "160"), ("false", "160", "170"), ("false", "170", "250")]
    assert "presupuesto de arranque: 60 s + 48 × 5 s = 300 s (5 min)" in svg
    assert svg.count('class="startup-budget"') == 2


def test_widget_renders_and_refreshes_after_more_time():
    c = cluster()
    w = ProbeTimeline(c, "web")
    assert "k8s-probe-timeline" in w._dom_classes
    assert 'data-end="250"' in w.svg_html.value
    c.run(seconds=50)
    w.refresh_button.click()
    assert 'data-end="300"' in w.svg_html.value


def test_starts_from_started_events():
    c = cluster()
    for t in (2, 171):
        c._events.append({"type": "Normal", "reason": "Started", "message": "Started container web",
                          "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
                          "time": t, "count": 1})
    (web,) = timeline_data(c, "web")["containers"]
    assert web["starts"] == [2.0, 171.0]
    assert web["ready"][0] == (2.0, 85.0, False)


def test_widget_lists_every_probe_budget_in_spanish():
    w = ProbeTimeline(cluster(), "web")
    html = w.svg_html.value
    budgets = html[html.index('class="k8s-probe-budgets"'):]
    assert re.findall(r'data-probe="(\w+)"', budgets) == ["startup", "liveness", "readiness"]
    assert "tiene hasta 60 + 48 × 5 = 300 s (5 min) para arrancar" in budgets
    assert ("La livenessProbe prueba cada 5 s; tras 3 fallos seguidos (3 × 5 = 15 s) el kubelet reinicia el "
            "contenedor.") in budgets
