"""kubectl.run and the widgets on the real simulated Cluster (k8s_helpers.cluster).

Expected texts are rebuilt from the API dicts the cluster returns, so a printer that
drifts from the data (or from kubectl's format) fails here.
"""
from __future__ import annotations

import re

import pytest

from k8s_helpers import Cluster
from k8s_helpers.kubectl.timefmt import human_duration, to_epoch
from k8s_helpers.widgets.cluster_view import ClusterView, render_cluster_html
from k8s_helpers.widgets.probe_timeline import ProbeTimeline, timeline_data

NOTES_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
  annotations:
    sim.k8s-course.io/startup-seconds: "{startup}"
spec:
  containers:
  - name: web
    image: registry.k8s-course.io/web:1.0
    ports: [{containerPort: 80}]
    startupProbe:
      httpGet: {path: /status, port: 80}
      initialDelaySeconds: 60
      timeoutSeconds: 5
      periodSeconds: 5
      failureThreshold: 48
    readinessProbe:
      httpGet: {path: /ready, port: 80}
      periodSeconds: 5
"""

CRASH_POD = """
apiVersion: v1
kind: Pod
metadata: {name: crash, labels: {app: crash}}
spec:
  containers:
  - name: crash
    image: busybox:1.36
    command: ["sh", "-c", "echo arrancando; exit 1"]
"""


def notes_pod(startup):
    return NOTES_POD.replace("{startup}", str(startup))


@pytest.fixture
def cluster():
    c = Cluster.kind(workers=2)
    return c


def _ago(c, iso):
    return human_duration(c.epoch.timestamp() + c.now - to_epoch(iso))


def test_get_pods_line_matches_the_pod(cluster):
    c = cluster
    c.apply(notes_pod(90))
    c.run(seconds=125)
    pod = c.get("pod", "web")
    assert pod["status"]["phase"] == "Running"
    assert c.kubectl("kubectl get pods") == (
        "NAME   READY   STATUS    RESTARTS   AGE\n"
        "web    1/1     Running   0          2m5s\n")
    wide = c.kubectl("get pods -o wide").splitlines()[1].split()
    assert wide[5:7] == [pod["status"]["podIP"], pod["spec"]["nodeName"]]
    text = c.kubectl("describe pod web")
    assert ("    Startup:        http-get http://:80/status delay=60s timeout=5s period=5s #success=1 #failure=48\n"
            in text)
    assert f"Node:             {pod['spec']['nodeName']}/{pod['status']['hostIP']}\n" in text


def test_startup_budget_kill_shows_restart_in_kubectl_and_timeline(cluster):
    c = cluster
    c.apply(notes_pod(100000))
    c.run(seconds=330)
    pod = c.get("pod", "web")
    (cs,) = pod["status"]["containerStatuses"]
    assert cs["restartCount"] == 1
    finished = cs["lastState"]["terminated"]["finishedAt"]
    line = c.kubectl("get pod web").splitlines()[1]
    assert re.split(r"\s{3,}", line) == ["web", "0/1", "Running", f"1 ({_ago(c, finished)} ago)", "5m30s"]
    (web,) = timeline_data(c, "web")["containers"]
    first_start = web["starts"][0]
    assert web["budget"]["worst_case_seconds"] == 300
    # the kill comes at the 48th failure, inside the 300 s budget counted from admission (PRB-3)
    (kill, kind), = web["kills"]
    assert kind == "startup" and first_start + 60 <= kill <= 300
    assert len([r for r in web["results"]["startup"] if r[0] <= kill]) == 48
    assert web["starts"][1] >= kill
    assert all(not ready for _a, _b, ready in web["ready"])
    w = ProbeTimeline(c, "web")
    assert w.svg_html.value.count('class="container-kill"') == 1
    assert 'data-end="330"' in w.svg_html.value


def test_crashloop_and_logs(cluster):
    c = cluster
    c.apply(CRASH_POD)
    c.run(seconds=60)
    pod = c.get("pod", "crash")
    (cs,) = pod["status"]["containerStatuses"]
    reason = (cs["state"].get("waiting") or cs["state"].get("terminated"))["reason"]
    assert reason in ("CrashLoopBackOff", "Error")
    line = c.kubectl("get pods").splitlines()[1]
    restarts = f"{cs['restartCount']} ({_ago(c, cs['lastState']['terminated']['finishedAt'])} ago)"
    assert re.split(r"\s{3,}", line) == ["crash", "0/1", reason, restarts, "60s"]
    assert c.kubectl("logs crash --previous") == "arrancando\n"
    assert c.kubectl("logs crash -c nope") == "error: container nope is not valid for pod crash\n"
    events = c.kubectl("get events")
    assert "Warning   BackOff" in events and "pod/crash" in events


def test_errors_and_delete(cluster):
    c = cluster
    c.apply(notes_pod(5))
    c.run(seconds=10)
    assert c.kubectl("get pod nope") == 'Error from server (NotFound): pods "nope" not found\n'
    assert c.kubectl("get pods -n kube-system") == "No resources found in kube-system namespace.\n"
    assert c.kubectl("get nodes").splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert c.kubectl("delete pod web") == 'pod "web" deleted from default namespace\n'
    assert c.kubectl("get pods") == "No resources found in default namespace.\n"


def test_cluster_view_on_a_real_cluster(cluster):
    c = cluster
    c.apply(notes_pod(90))
    c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: grande}
spec:
  containers:
  - name: grande
    image: registry.k8s-course.io/web:1.0
    resources: {requests: {cpu: "64"}}
""")
    view = ClusterView(c)
    before = view.html.value
    assert "Reloj: t = 0 s" in before
    view.step_buttons[1].click()
    assert c.now == 10
    html = view.html.value
    assert html != before and "Reloj: t = 10 s" in html
    node = c.get("pod", "web")["spec"]["nodeName"]
    box = html.split(f'data-node="{node}"')[1].split('<div class="k8s-node"')[0]
    assert 'data-pod="web"' in box and 'data-colour="not-ready"' in box
    unscheduled = html.split('class="k8s-unscheduled"')[1]
    assert 'data-pod="grande"' in unscheduled and 'data-colour="pending"' in unscheduled
    view.step_buttons[2].click()
    view.step_buttons[2].click()
    assert c.now == 130
    assert 'data-pod="web" data-namespace="default" data-status="Running" data-colour="ready"' in render_cluster_html(c)
