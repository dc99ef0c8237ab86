"""Probes on the simulated cluster (PRB-1..3): exact times of probes, kills and readiness."""
from __future__ import annotations

import pytest

from k8s_helpers import Cluster

# The notes' startup probe: initialDelaySeconds 60, periodSeconds 5, timeoutSeconds 5, failureThreshold 48.
NOTES_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    sim.k8s-course.io/startup-seconds: "{startup}"
spec:
  containers:
  - name: web
    image: registry.k8s-course.io/web:1.0
    ports:
    - containerPort: 80
    startupProbe:
      httpGet:
        path: /status
        port: 80
      initialDelaySeconds: 60
      periodSeconds: 5
      timeoutSeconds: 5
      failureThreshold: 48
"""


def _status(c, name="web"):
    return c.get("pod", name)["status"]


def _cs(c, name="web", container=None):
    statuses = _status(c, name)["containerStatuses"]
    if container is None:
        return statuses[0]
    return next(s for s in statuses if s["name"] == container)


def _condition(c, ctype, name="web"):
    return next(x for x in _status(c, name)["conditions"] if x["type"] == ctype)


def _kills(c, name="web"):
    return [e["time"] for e in c.events(name=name, reason="Killing")]


def test_startup_probe_never_ready_restarts_at_300s_and_not_before():
    c = Cluster.kind(workers=3)
    c.apply(NOTES_POD.format(startup=100000))
    c.run(0)
    # Pod admitted at t=0, sandbox 1 s, image pulled 1 s: container started at t=2.
    c.run(299)
    assert _cs(c)["restartCount"] == 0
    assert _kills(c) == []
    results = c.probe_results("web")
    # No probe before initialDelaySeconds; 47 failures so far, every 5 s.
    assert all(r["time"] - 2 >= 60 for r in results)
    assert [r["time"] for r in results] == list(range(65, 300, 5))
    assert {r["result"] for r in results} == {"Failure"}
    c.run(1)  # t = 300 = 60 + 48 x 5
    assert _kills(c) == [300]
    kill = c.events(name="web", reason="Killing")[0]
    assert kill["message"] == "Container web failed startup probe, will be restarted"
    assert kill["type"] == "Normal"
    assert kill["involvedObject"]["fieldPath"] == "spec.containers{web}"
    cs = _cs(c)
    assert cs["restartCount"] == 1  # first crash: restarted immediately (POD-8)
    assert "running" in cs["state"]
    assert cs["lastState"]["terminated"]["exitCode"] == 143
    assert len(c.probe_results("web")) == 48
    unhealthy = c.events(name="web", reason="Unhealthy")
    assert len(unhealthy) == 48
    assert unhealthy[0]["message"].startswith('Startup probe failed: Get "http://10.244.')
    assert unhealthy[0]["message"].endswith("connect: connection refused")
    assert _condition(c, "Ready")["status"] == "False"


def test_startup_probe_app_healthy_at_200s_no_restart_and_ready_shortly_after():
    c = Cluster.kind(workers=3)
    c.apply(NOTES_POD.format(startup=200))
    c.run(200)
    assert _cs(c)["started"] is False
    assert _condition(c, "Ready")["status"] == "False"
    c.run(10)  # container started at t=2: healthy from t=202, next probe tick at t=205
    cs = _cs(c)
    assert cs["started"] is True and cs["ready"] is True
    assert _condition(c, "Ready")["status"] == "True"
    assert _condition(c, "Ready")["lastTransitionTime"] == "2026-01-01T00:03:25Z"  # 205 s
    c.run(3600)
    assert _cs(c)["restartCount"] == 0
    assert _kills(c) == []
    results = c.probe_results("web")
    assert results[-1] == {"time": 205, "pod": "web", "namespace": "default", "container": "web",
                           "probe": "startup", "result": "Success"}
    # After success the startup probe stops.
    assert len(results) == len(range(65, 206, 5))


LIVENESS_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    sim.k8s-course.io/fail-after-seconds: "30"
spec:
  restartPolicy: {policy}
  containers:
  - name: web
    image: registry.k8s-course.io/web:1.0
    livenessProbe:
      httpGet: {{path: /healthz, port: 80}}
      periodSeconds: 10
"""


def test_liveness_failure_restarts_after_failure_threshold():
    c = Cluster(seed=1)
    c.add_node("nodo1")
    c.apply(LIVENESS_POD.format(policy="Always"))
    c.run(60)
    # Started t=2; ticks every 10 s from t=0: probes at 10, 20, 30 ok (elapsed 8, 18, 28),
    # fail at 40, 50, 60 (elapsed >= 30): third consecutive failure kills at t=60.
    results = [(r["time"], r["result"]) for r in c.probe_results("web")]
    assert results == [(10, "Success"), (20, "Success"), (30, "Success"),
                       (40, "Failure"), (50, "Failure"), (60, "Failure")]
    assert _kills(c) == [60]
    assert c.events(name="web", reason="Killing")[0]["message"] == \
        "Container web failed liveness probe, will be restarted"
    assert _cs(c)["restartCount"] == 1
    unhealthy = c.events(name="web", reason="Unhealthy")
    assert [e["time"] for e in unhealthy] == [40, 50, 60]
    assert "context deadline exceeded" in unhealthy[0]["message"]
    assert unhealthy[0]["message"].startswith("Liveness probe failed: ")


def test_liveness_kill_with_restart_policy_never_does_not_restart():
    c = Cluster(seed=1)
    c.add_node("nodo1")
    c.apply(LIVENESS_POD.format(policy="Never"))
    c.run(120)
    assert c.events(name="web", reason="Killing")[0]["message"] == "Container web failed liveness probe"
    status = _status(c)
    assert status["phase"] == "Failed"
    assert status["containerStatuses"][0]["restartCount"] == 0
    assert status["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 143


READINESS_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    sim.k8s-course.io/ready-after-seconds: "20"
    sim.k8s-course.io/unready-after-seconds: "100"
spec:
  containers:
  - name: web
    image: registry.k8s-course.io/web:1.0
    readinessProbe:
      httpGet: {path: /ready, port: 80}
      periodSeconds: 5
      failureThreshold: 3
"""


def test_readiness_failure_never_restarts_the_container():
    c = Cluster(seed=1)
    c.add_node("nodo1")
    c.apply(READINESS_POD)
    c.run(2)
    # Readiness is probed as soon as the container starts (kubelet's manual trigger).
    assert c.probe_results("web")[0]["time"] == 2
    assert _condition(c, "Ready")["status"] == "False"
    c.run(23)  # t=25: elapsed 23 >= 20 -> success at the 25 s tick
    assert _cs(c)["ready"] is True
    assert _condition(c, "Ready")["lastTransitionTime"] == "2026-01-01T00:00:25Z"
    c.run(600)
    cs = _cs(c)
    assert cs["ready"] is False
    assert cs["restartCount"] == 0
    assert "running" in cs["state"]
    assert _kills(c) == []
    assert _status(c)["phase"] == "Running"
    # Became unready at the 3rd consecutive failure: elapsed >= 100 from t=105; failures 105, 110, 115.
    assert _condition(c, "Ready")["lastTransitionTime"] == "2026-01-01T00:01:55Z"
    # Readiness keeps probing for the whole container lifetime.
    assert c.probe_results("web")[-1]["time"] == 625
    assert all(e["message"].startswith("Readiness probe failed: HTTP probe failed with statuscode: 503")
               for e in c.events(name="web", reason="Unhealthy"))


def test_startup_gates_liveness_and_readiness():
    c = Cluster(seed=2)
    c.add_node("nodo1")
    c.apply("""
apiVersion: v1
kind: Pod
metadata:
  name: app
  annotations:
    sim.k8s-course.io/startup-seconds: "30"
spec:
  containers:
  - name: app
    image: registry.k8s-course.io/web:1.0
    startupProbe:
      tcpSocket: {port: 80}
      periodSeconds: 10
      failureThreshold: 10
    livenessProbe:
      tcpSocket: {port: 80}
      periodSeconds: 10
    readinessProbe:
      tcpSocket: {port: 80}
      periodSeconds: 10
""")
    c.run(100)
    res = c.probe_results("app")
    startup = [r["time"] for r in res if r["probe"] == "startup"]
    others = [r for r in res if r["probe"] != "startup"]
    assert startup == [10, 20, 30, 40]  # elapsed 8, 18, 28 fail; 38 succeeds
    assert min(r["time"] for r in others) >= 40
    assert [r["time"] for r in others if r["probe"] == "readiness"][0] == 40  # triggered at once
    assert [r["time"] for r in others if r["probe"] == "liveness"][0] == 50   # next tick
    assert all(r["result"] == "Success" for r in others)
    assert _cs(c, "app")["ready"] is True


def test_exec_probe_reads_the_container_files():
    c = Cluster(seed=0)
    c.add_node("nodo1")
    c.apply("""
apiVersion: v1
kind: Pod
metadata:
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox
    args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"]
    livenessProbe:
      exec:
        command: ["cat", "/tmp/healthy"]
      initialDelaySeconds: 5
      periodSeconds: 5
""")
    c.run(70)
    res = [(r["time"], r["result"]) for r in c.probe_results("liveness-exec")]
    # Started at t=2, file removed at t=32: failures at 35, 40, 45 -> killed at 45.
    assert res[:7] == [(10, "Success"), (15, "Success"), (20, "Success"), (25, "Success"),
                       (30, "Success"), (35, "Failure"), (40, "Failure")]
    assert _kills(c, "liveness-exec")[0] == 45
    msg = c.events(name="liveness-exec", reason="Unhealthy")[0]["message"]
    assert msg == "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"


@pytest.mark.parametrize("handler", ["exec", "grpc"])
def test_probe_handlers_all_follow_the_annotations(handler):
    spec = {handler: {"exec": {"command": ["pg_isready"]}, "grpc": {"port": 9090}}[handler]}
    c = Cluster(seed=0)
    c.add_node("nodo1")
    # pg_isready is a program of the image the simulator does not run; the gRPC app is a
    # teacher's own image (not in the catalog): only the annotations can say how they answer.
    c.registries.publish("miusuario/grpc-app:1.0")
    image = {"exec": "postgres:16", "grpc": "miusuario/grpc-app:1.0"}[handler]
    c.apply({"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "db", "annotations": {"sim.k8s-course.io/startup-seconds": "15"}},
             "spec": {"containers": [{"name": "db", "image": image,
                                      "env": [{"name": "POSTGRES_PASSWORD", "value": "secreto"}],
                                      "readinessProbe": dict(spec, periodSeconds=5)}]}})
    c.run(30)
    res = [(r["time"], r["result"]) for r in c.probe_results("db")]
    assert res[:5] == [(2, "Failure"), (5, "Failure"), (10, "Failure"), (15, "Failure"), (20, "Success")]
    assert _cs(c, "db")["ready"] is True
