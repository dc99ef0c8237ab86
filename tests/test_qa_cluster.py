"""Adversarial QA of the simulated cluster: regressions for bugs found by poking at the
public API the way a different author would (``Cluster``, ``apply``, ``run``, ``get``,
``delete``, ``kubectl``, ``events``), each compared with real Kubernetes."""
from __future__ import annotations

import json

import pytest
import yaml

from k8s_helpers import Cluster, ManifestError, NotFoundError
from k8s_helpers.kubelet.backoff import go_duration
from k8s_helpers.kubelet.shell import program_for


def _pod(name, containers, policy=None, annotations=None, init=None, namespace=None, labels=None):
    meta = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if annotations:
        meta["annotations"] = annotations
    if labels:
        meta["labels"] = labels
    spec = {"containers": containers}
    if policy:
        spec["restartPolicy"] = policy
    if init:
        spec["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def _sh(name, script, image="busybox:1.36", **extra):
    return dict({"name": name, "image": image, "command": ["sh", "-c", script]}, **extra)


def _cond(pod, ctype):
    return next(c for c in pod["status"]["conditions"] if c["type"] == ctype)


# --------------------------------------------------------------------------- scheduling
def test_no_nodes_failed_scheduling_says_no_nodes_available():
    """schedule_one.go: with zero nodes the scheduler fails with ErrNoNodesAvailable,
    "no nodes available to schedule pods" (not a "0/0 nodes are available" FitError)."""
    c = Cluster(seed=0)
    c.apply(_pod("web", [{"name": "web", "image": "nginx"}]))
    c.run(0)
    pod = c.get("pod", "web")
    assert pod["status"]["phase"] == "Pending"
    cond = _cond(pod, "PodScheduled")
    assert (cond["status"], cond["reason"]) == ("False", "Unschedulable")
    assert cond["message"] == "no nodes available to schedule pods"
    (ev,) = c.events(reason="FailedScheduling")
    assert ev["type"] == "Warning" and ev["message"] == "no nodes available to schedule pods"


def test_kind_without_workers_leaves_pods_pending_on_the_control_plane_taint():
    c = Cluster.kind(workers=0)
    c.apply(_pod("web", [{"name": "web", "image": "nginx"}]))
    c.run(30)
    assert c.get("pod", "web")["status"]["phase"] == "Pending"
    (ev,) = c.events(name="web", reason="FailedScheduling")
    # 1.36 names no taint in the reason (TNT-1b, tainttoleration/taint_toleration.go).
    assert ev["message"] == ("0/1 nodes are available: 1 node(s) had untolerated taint(s). preemption: "
                             "0/1 nodes are available: 1 Preemption is not helpful for scheduling.")


def test_registered_node_event_refers_to_the_node_uid():
    c = Cluster.kind(workers=1)
    for node in c.get("nodes"):
        (ev,) = c.events(name=node["metadata"]["name"], reason="RegisteredNode")
        assert ev["involvedObject"]["uid"] == node["metadata"]["uid"]


# --------------------------------------------------------------------------- back-off (POD-8)
@pytest.mark.parametrize("seconds, text", [
    (0, "0s"), (10, "10s"), (40, "40s"), (80, "1m20s"), (160, "2m40s"), (300, "5m0s"), (3600, "1h0m0s"),
    (1.5, "1.5s"),
])
def test_go_duration(seconds, text):
    assert go_duration(seconds) == text


def test_crashloop_waiting_message_uses_go_durations():
    """kuberuntime_manager.go doBackOff: "back-off %s restarting failed container=%s pod=%s"
    with a time.Duration: 80 s prints as 1m20s, the cap as 5m0s."""
    c = Cluster.kind(workers=1)
    c.apply(_pod("crash", [_sh("c", "sleep 5; exit 1")]))
    seen = []
    while c.now < 700:
        c.run(1)
        waiting = c.get("pod", "crash")["status"]["containerStatuses"][0]["state"].get("waiting") or {}
        message = waiting.get("message") or ""
        if message and (not seen or seen[-1] != message.split()[1]):
            seen.append(message.split()[1])
    assert seen[:6] == ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s"]


def test_restart_counts_for_sleep5_exit1_at_12_25_50_seconds():
    c = Cluster.kind(workers=3)
    c.apply(_pod("crash", [_sh("c", "sleep 5; exit 1")]))
    counts = []
    for t in (12, 25, 50):
        c.run(t - c.now)
        counts.append(c.get("pod", "crash")["status"]["containerStatuses"][0]["restartCount"])
    assert counts == [1, 2, 3]


# --------------------------------------------------------------------------- terminal conditions
def test_failed_pod_is_not_ready_with_reason_pod_failed():
    """status/generate.go: a Failed pod's ContainersReady and Ready are False with reason
    PodFailed (and no "unready containers" message)."""
    c = Cluster.kind(workers=1)
    c.apply(_pod("job", [_sh("c", "sleep 2; exit 3")], policy="Never"))
    c.run(10)
    pod = c.get("pod", "job")
    assert pod["status"]["phase"] == "Failed"
    for ctype in ("Ready", "ContainersReady"):
        cond = _cond(pod, ctype)
        assert (cond["status"], cond.get("reason"), cond.get("message")) == ("False", "PodFailed", None)


def test_failed_init_container_with_never_gives_pod_failed_conditions():
    c = Cluster.kind(workers=1)
    c.apply(_pod("i", [{"name": "main", "image": "nginx"}], policy="Never", init=[_sh("i1", "exit 3")]))
    c.run(10)
    pod = c.get("pod", "i")
    assert pod["status"]["phase"] == "Failed"
    assert _cond(pod, "Ready")["reason"] == "PodFailed"
    assert "Init:Error" in c.kubectl("get pod i")


def test_succeeded_pod_initialized_condition_says_pod_completed():
    c = Cluster.kind(workers=1)
    c.apply(_pod("ok", [_sh("c", "echo a")], policy="Never", init=[_sh("i1", "sleep 1")]))
    c.run(10)
    pod = c.get("pod", "ok")
    assert pod["status"]["phase"] == "Succeeded"
    init = _cond(pod, "Initialized")
    assert (init["status"], init.get("reason")) == ("True", "PodCompleted")
    assert _cond(pod, "Ready")["reason"] == "PodCompleted"


# --------------------------------------------------------------------------- apply
def test_reapplying_a_namespace_and_pod_is_unchanged():
    c = Cluster.kind(workers=1)
    docs = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tienda"}},
            _pod("web", [{"name": "web", "image": "nginx"}], namespace="tienda")]
    assert c.apply(docs) == ["namespace/tienda created", "pod/web created"]
    c.run(5)
    assert c.apply(docs) == ["namespace/tienda unchanged", "pod/web unchanged"]
    ns = c.get("namespace", "tienda")
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "tienda"}
    docs[0]["metadata"]["labels"] = {"equipo": "a"}
    assert c.apply(docs)[0] == "namespace/tienda configured"
    assert c.get("ns", "tienda")["metadata"]["labels"] == {"equipo": "a", "kubernetes.io/metadata.name": "tienda"}


def test_apply_kind_list_and_missing_namespace():
    c = Cluster.kind(workers=1)
    lines = c.apply({"apiVersion": "v1", "kind": "List", "items": [
        _pod("a", [{"name": "a", "image": "nginx"}]),
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"k": "v"}}]})
    assert lines == ["pod/a created", "configmap/cm created"]
    with pytest.raises(ManifestError) as err:
        c.apply(_pod("z", [{"name": "a", "image": "nginx"}], namespace="nope"))
    assert "nope" in str(err.value)


# --------------------------------------------------------------------------- get / delete
def test_get_and_delete_errors_are_lookup_errors_with_kubectl_text():
    c = Cluster.kind(workers=1)
    for call in (lambda: c.get("pod", "nope"), lambda: c.delete("pod", "nope"), lambda: c.get("po", "nope")):
        with pytest.raises(LookupError) as err:
            call()
        assert isinstance(err.value, (KeyError, NotFoundError))
        assert 'pods "nope" not found' in str(err.value) and "no existe" in str(err.value)


def test_get_accepts_kind_slash_name():
    c = Cluster.kind(workers=1)
    c.apply(_pod("web", [{"name": "web", "image": "nginx"}], labels={"app": "web"}))
    c.run(3)
    assert c.get("pod/web") == c.get("pod", "web") == c.get("po", "web")
    assert [p["metadata"]["name"] for p in c.get("pod")] == ["web"]
    assert [p["metadata"]["name"] for p in c.get("pods", selector="app in (web, api)")] == ["web"]
    assert c.get("pods", selector="app notin (web)") == []
    assert c.delete("pod/web") == 'pod "web" deleted'
    assert c.get("pods") == []
    with pytest.raises(ValueError):
        c.delete("pod")


def test_kubectl_yaml_and_json_round_trip_to_get():
    c = Cluster.kind(workers=2)
    c.apply(_pod("web", [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]))
    c.run(5)
    assert yaml.safe_load(c.kubectl("get pod web -o yaml")) == c.get("pod", "web")
    assert json.loads(c.kubectl("get pod web -o json")) == c.get("pod", "web")
    assert yaml.safe_load(c.kubectl("get pods -o yaml"))["items"] == c.get("pods")


# --------------------------------------------------------------------------- events
def test_pulled_event_has_the_image_size_like_the_kubelet():
    c = Cluster.kind(workers=1)
    c.apply(_pod("web", [{"name": "web", "image": "nginx:1.27"}]))
    c.run(5)
    (ev,) = c.events(name="web", reason="Pulled")
    assert ev["message"].startswith('Successfully pulled image "nginx:1.27" in 1s (1s including waiting). '
                                    "Image size: ")
    assert ev["message"].endswith(" bytes.")
    for e in c.events():
        assert {"type", "reason", "message", "involvedObject", "time"} <= set(e)


# --------------------------------------------------------------------------- shell scripts
@pytest.mark.parametrize("script, logs, code", [
    # The Kubernetes docs' "counter" logging example: arithmetic and $(date).
    ('i=0; while [ $i -lt 3 ]; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done',
     "0: Thu Jan  1 00:00:02 UTC 2026\n1: Thu Jan  1 00:00:03 UTC 2026\n2: Thu Jan  1 00:00:04 UTC 2026\n", 0),
    ("for i in $(seq 1 3); do echo paso $i; done", "paso 1\npaso 2\npaso 3\n", 0),
    ("echo error >&2; exit 7", "error\n", 7),
    ("cat /no/existe 2>/dev/null || echo no hay fichero", "no hay fichero\n", 0),
    ("echo ${NOMBRE:-mundo} $((7 / 2)) $((-7 % 3))", "mundo 3 -1\n", 0),
    ("echo oculto > /dev/null; echo visible 2>&1", "visible\n", 0),
    ("X=`hostname`; echo soy $X", "soy job\n", 0),
])
def test_common_shell_idioms_are_interpreted(script, logs, code):
    c = Cluster.kind(workers=1)
    c.apply(_pod("job", [_sh("c", script)], policy="Never"))
    c.run(30)
    pod = c.get("pod", "job")
    assert pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == code
    assert c.logs("job") == logs


@pytest.mark.parametrize("script", ["ps aux | grep x", "echo $((i++))", "python app.py &"])
def test_uninterpretable_scripts_still_run_as_servers(script):
    program = program_for({"image": "busybox", "command": ["sh", "-c", script]})
    assert program.is_server and program.kind == "opaque"
    assert program.notice.startswith("[simulador] ")  # said in the logs and events, in Spanish


# --------------------------------------------------------------------------- kubelet admission (SCH-1)
def test_kubelet_rejection_event_and_status_messages():
    """kubelet.go rejectPod: the event says the predicate message; status.message adds
    "Pod was rejected: ". Resources are checked before affinity and taints
    (lifecycle/predicate.go generalFilter), and the taint text names no taint."""
    c = Cluster(seed=0)
    c.add_node("sucio", cpu="1", taints=["roto=si:NoExecute"])
    c.apply(_pod("grande", [{"name": "a", "image": "nginx", "resources": {"requests": {"cpu": "2"}}}]))
    c.apply(dict(_pod("sin-tol", [{"name": "a", "image": "nginx"}]), spec={
        "nodeName": "sucio", "containers": [{"name": "a", "image": "nginx"}]}))
    c.apply(dict(_pod("ambos", [{"name": "a", "image": "nginx"}]), spec={
        "nodeName": "sucio", "containers": [{"name": "a", "image": "nginx",
                                              "resources": {"requests": {"cpu": "2"}}}]}))
    c.run(3)
    status = c.get("pod", "sin-tol")["status"]
    text = "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate"
    assert (status["phase"], status["reason"], status["message"]) == ("Failed", "TaintToleration",
                                                                        "Pod was rejected: " + text)
    (ev,) = c.events(name="sin-tol", reason="TaintToleration")
    assert ev["message"] == text
    both = c.get("pod", "ambos")["status"]
    assert both["reason"] == "OutOfcpu"
    assert both["message"] == ("Pod was rejected: Node didn't have enough resource: cpu, requested: 2000, "
                               "used: 0, capacity: 1000")


def test_reapplying_a_node_keeps_the_kubelet_labels():
    c = Cluster(seed=0)
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "extra", "labels": {"disco": "ssd"}}}
    assert c.apply(node) == ["node/extra created"]
    assert c.apply(node) == ["node/extra unchanged"]
    node["metadata"]["labels"] = {"disco": "hdd"}
    assert c.apply(node) == ["node/extra configured"]
    labels = c.get("node", "extra")["metadata"]["labels"]
    assert labels["disco"] == "hdd" and labels["kubernetes.io/hostname"] == "extra"
    assert labels["kubernetes.io/os"] == "linux" and labels["kubernetes.io/arch"] == "amd64"
    c.apply(_pod("web", [{"name": "web", "image": "nginx"}]))
    c.apply(dict(_pod("fijo", [{"name": "a", "image": "nginx"}]), spec={
        "nodeSelector": {"kubernetes.io/hostname": "extra"}, "containers": [{"name": "a", "image": "nginx"}]}))
    c.run(3)
    assert c.get("pod", "fijo")["status"]["phase"] == "Running"


# --------------------------------------------------------------------------- kubectl logs
def test_kubectl_logs_prints_only_kubectls_text():
    """strategy.go LogLocation: no node yet -> no location, kubectl prints nothing; a
    waiting container -> the kubelet's BadRequest text, without the Spanish hint."""
    c = Cluster.kind(workers=1)
    c.apply(_pod("web", [{"name": "web", "image": "nginx"}]))
    assert c.kubectl("logs web") == ""
    c.run(0)
    assert c.kubectl("logs web") == ('Error from server (BadRequest): container "web" in pod "web" is waiting '
                                     "to start: ContainerCreating\n")
    c.apply(_pod("eco", [_sh("c", "echo hola; echo adios")], policy="Never"))
    c.run(5)
    assert c.kubectl("logs eco") == c.logs("eco") == "hola\nadios\n"
    assert c.kubectl("logs pod/eco -c c") == "hola\nadios\n"


def test_freed_resources_requeue_only_pods_rejected_for_resources():
    """kube-scheduler queueing hints: a pod leaving a node can only help pods rejected by
    NodeResourcesFit; a pod blocked by a taint is not retried (no new FailedScheduling)."""
    c = Cluster(seed=0)
    c.add_node("nodo1", cpu="1", taints=["gpu=true:NoSchedule"])
    c.add_node("nodo2", cpu="1")
    tol = [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}]
    req = {"requests": {"cpu": "800m"}}
    c.apply(dict(_pod("corto", [_sh("c", "sleep 10", resources=req)], policy="Never"),
                 spec={"restartPolicy": "Never", "tolerations": tol,
                       "nodeSelector": {"kubernetes.io/hostname": "nodo1"},
                       "containers": [_sh("c", "sleep 10", resources=req)]}))
    c.run(0)
    c.apply(dict(_pod("espera", [{"name": "a", "image": "nginx", "resources": req}]),
                 spec={"tolerations": tol, "nodeSelector": {"kubernetes.io/hostname": "nodo1"},
                       "containers": [{"name": "a", "image": "nginx", "resources": req}]}))
    c.apply(_pod("sin-tol", [{"name": "a", "image": "nginx"}], labels={"x": "y"}))
    c.apply(dict(_pod("gpu", [{"name": "a", "image": "nginx"}]),
                 spec={"nodeSelector": {"kubernetes.io/hostname": "nodo1"},
                       "containers": [{"name": "a", "image": "nginx"}]}))
    c.run(1)
    assert c.get("pod", "espera")["status"]["phase"] == "Pending"
    assert len(c.events(name="gpu", reason="FailedScheduling")) == 1
    c.run(20)  # "corto" finishes at ~12 s and frees its 800m
    assert c.get("pod", "corto")["status"]["phase"] == "Succeeded"
    assert c.get("pod", "espera")["spec"]["nodeName"] == "nodo1"
    assert len(c.events(name="gpu", reason="FailedScheduling")) == 1


# --------------------------------------------------------------------------- acceptance, as another author
NOTES_STARTUP = {"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 60, "periodSeconds": 5,
                 "timeoutSeconds": 5, "failureThreshold": 48}


def _app(name, annotations, **probes):
    container = {"name": "app", "image": "registry.k8s-course.io/image-recognition:1.0",
                 "ports": [{"containerPort": 8080}], **probes}
    return _pod(name, [container], annotations=annotations)


@pytest.mark.parametrize("seconds", ["100000", None])
def test_notes_startup_probe_on_an_app_that_never_starts(seconds):
    annotations = {"sim.k8s-course.io/startup-seconds": seconds} if seconds else {
        "sim.k8s-course.io/fail-after-seconds": "0"}
    c = Cluster.kind(workers=3)
    c.apply(_app("lenta", annotations, startupProbe=NOTES_STARTUP))
    c.run(295)
    assert c.get("pod", "lenta")["status"]["containerStatuses"][0]["restartCount"] == 0
    c.run(15)  # t = 310
    cs = c.get("pod", "lenta")["status"]["containerStatuses"][0]
    assert cs["restartCount"] == 1
    killing = c.events(name="lenta", reason="Killing")
    assert len(killing) == 1 and 295 <= killing[0]["time"] <= 305
    assert killing[0]["message"] == "Container app failed startup probe, will be restarted"


def test_notes_startup_probe_on_an_app_healthy_at_200s():
    c = Cluster.kind(workers=3)
    c.apply(_app("lenta", {"sim.k8s-course.io/startup-seconds": "200"}, startupProbe=NOTES_STARTUP))
    c.run(199)
    pod = c.get("pod", "lenta")
    assert _cond(pod, "Ready")["status"] == "False"
    c.run(16)  # t = 215
    pod = c.get("pod", "lenta")
    assert _cond(pod, "Ready")["status"] == "True"
    c.run(600)
    assert c.get("pod", "lenta")["status"]["containerStatuses"][0]["restartCount"] == 0
    assert c.events(name="lenta", reason="Killing") == []


def test_failing_readiness_probe_only_never_restarts():
    c = Cluster.kind(workers=1)
    c.apply(_app("web", {"sim.k8s-course.io/fail-after-seconds": "30"},
                 readinessProbe={"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 5}))
    c.run(20)
    assert c.kubectl("get pod web").splitlines()[1].split()[1:4] == ["1/1", "Running", "0"]
    c.run(1000)
    pod = c.get("pod", "web")
    assert c.kubectl("get pod web").splitlines()[1].split()[1:4] == ["0/1", "Running", "0"]
    assert pod["status"]["containerStatuses"][0]["restartCount"] == 0
    assert _cond(pod, "Ready")["status"] == "False"
    assert any(e["message"].startswith("Readiness probe failed:") for e in c.events(name="web", reason="Unhealthy"))
    assert c.events(name="web", reason="Killing") == []


def test_clock_run_semantics():
    c = Cluster(seed=0)
    assert c.now == 0
    c.run(30)
    c.run(seconds=30)
    assert c.now == 60
    c.add_node("n1")
    c.apply(_pod("web", [{"name": "web", "image": "nginx"}]))
    assert "nodeName" not in c.get("pod", "web")["spec"]  # nothing happens between calls
    c.run(0)
    assert c.now == 60 and c.get("pod", "web")["spec"]["nodeName"] == "n1"
    with pytest.raises(ValueError):
        c.run(-1)
