"""The cluster view: pure HTML rendering (colours, nodes, unscheduled pods) and clock controls."""
from __future__ import annotations

import re

from k8s_helpers.widgets.cluster_view import COLOURS, ClusterView, pod_colour, render_cluster_html

from test_kubectl_fixtures import SteppingCluster, container_status, node, pod, ts


def crashing():
    return pod("crash", statuses=[container_status(
        "crash", ready=False, restarts=4, state={"waiting": {"reason": "CrashLoopBackOff"}},
        last={"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ts(100)}})])


def cluster():
    not_ready = pod("slow", statuses=[container_status("slow", ready=False)],
                    conditions=[{"type": "Ready", "status": "False"}])
    done = pod("job", node="nodo2", phase="Succeeded", conditions=[{"type": "Ready", "status": "False"}],
               statuses=[container_status("job", ready=False, state={"terminated": {"exitCode": 0, "reason": "Completed"}})])
    pending = pod("big", node=None, phase="Pending", statuses=[],
                  conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}])
    return SteppingCluster([pod("web"), not_ready, crashing(), done, pending, pod("db", ns="prod", node="nodo2"),
                            node("nodo1", roles=["control-plane"]),
                            node("nodo2", taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}])])


def chips(html):
    return re.findall(r'<div class="k8s-pod k8s-pod-([a-z-]+)" data-pod="([^"]+)" data-namespace="([^"]+)" '
                      r'data-status="([^"]+)"', html)


def test_pod_colours():
    c = cluster()
    colours = {p["metadata"]["name"]: pod_colour(p) for p in c.get("pods", namespace=None)}
    assert colours == {"web": "ready", "slow": "not-ready", "crash": "error", "job": "succeeded",
                       "big": "pending", "db": "ready"}
    assert pod_colour(pod("gone", deletion=100)) == "terminating"
    assert COLOURS["ready"][0] == "#16a34a" and COLOURS["error"][0] == "#dc2626"


def test_nodes_hold_their_pods_and_pending_pods_have_no_node():
    html = render_cluster_html(cluster())
    nodes = re.split(r'<div class="k8s-node" ', html)
    assert [re.match(r'data-node="([^"]+)"', n).group(1) for n in nodes[1:]] == ["nodo1", "nodo2"]
    nodo1 = nodes[1].split('<div class="k8s-unscheduled"')[0]
    assert [c[1] for c in chips(nodo1)] == ["web", "slow", "crash"]
    nodo2, unscheduled = nodes[2].split('<div class="k8s-unscheduled"')
    assert [(c[1], c[2]) for c in chips(nodo2)] == [("job", "default"), ("db", "prod")]
    assert chips(unscheduled) == [("pending", "big", "default", "Pending")]
    assert "roles: control-plane" in nodes[1]
    assert "taints: gpu=true:NoSchedule" in nodes[2]
    assert "allocatable: cpu 4, memoria 10Gi, pods 110" in nodes[1]
    assert "Reloj: t = 125 s" in html


def test_chip_shows_kubectl_status_ready_and_restarts():
    html = render_cluster_html(cluster())
    assert ("error", "crash", "default", "CrashLoopBackOff") in chips(html)
    crash = html[html.index('data-pod="crash"'):]
    crash = crash[:crash.index("</div>")]
    assert "0/1" in crash and "↻4" in crash and "background:#fee2e2" in crash
    assert "<b>prod/db</b>" in html  # other namespaces are prefixed


def test_step_buttons_advance_the_clock_and_redraw():
    c = cluster()
    view = ClusterView(c)
    assert "k8s-cluster-view" in view.widget._dom_classes
    labels = [b.description for b in view.step_buttons]
    assert labels == ["+1 s", "+10 s", "+1 min"]
    assert all("k8s-clock-step" in b._dom_classes for b in view.step_buttons)
    before = view.html.value
    view.step_buttons[1].click()
    assert c.now == 135 and c.runs == [10]
    assert view.clock.value == "<b>t = 135 s</b>"
    assert view.html.value != before and "reloj en 135" in view.html.value
    view.step_buttons[2].click()
    assert c.now == 195


def test_play_ticks_run_the_cluster():
    c = cluster()
    view = ClusterView(c)
    assert "k8s-clock-play" in view.play._dom_classes
    view.speed.value = 10
    view.play.value = 3  # three ticks arrive at once
    assert c.runs == [30] and c.now == 155
    assert "Reloj: t = 155 s" in view.html.value


def test_event_list_shows_one_line_per_series():
    c = cluster()
    for t, n in ((10, 1), (20, 2), (30, 3)):
        c._events.append({"type": "Warning", "reason": "BackOff", "message": "Back-off restarting failed container",
                          "involvedObject": {"kind": "Pod", "name": "crash", "namespace": "default"},
                          "time": t, "count": n})
    html = render_cluster_html(c)
    events = html[html.index('class="k8s-events"'):]
    assert events.count("BackOff") == 1
    assert "<code>t = 30 s</code> <b>BackOff</b> pod/crash: Back-off restarting failed container (×3)" in events
