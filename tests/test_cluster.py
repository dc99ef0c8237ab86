"""The student-facing Cluster API: apply, get, delete, run, events, logs, determinism."""
from __future__ import annotations

import subprocess
import sys

import pytest

from k8s_helpers import Cluster, ManifestError, NotFoundError

WEB = """
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports:
    - containerPort: 80
"""


def _cluster():
    c = Cluster(seed=0)
    c.add_node("nodo1", cpu="4", memory="10Gi", labels={"zona": "europa"})
    return c


def test_new_cluster_is_empty_at_time_zero():
    c = Cluster(seed=0)
    assert c.now == 0
    assert c.get("nodes") == []
    assert c.get("pods") == []
    assert [n["metadata"]["name"] for n in c.get("namespaces")] == [
        "default", "kube-node-lease", "kube-public", "kube-system"]


def test_add_node_shape():
    c = Cluster(seed=0)
    node = c.add_node("nodo1", cpu="4", memory="10Gi", labels={"zona": "europa"}, taints=["gpu=true:NoSchedule"])
    assert node["status"]["allocatable"]["cpu"] == "4"
    assert node["status"]["capacity"]["memory"] == "10Gi"
    assert node["metadata"]["labels"]["zona"] == "europa"
    assert node["spec"]["taints"] == [{"key": "gpu", "value": "true", "effect": "NoSchedule"}]
    with pytest.raises(ValueError):
        c.add_node("nodo1")
    with pytest.raises(ValueError):
        c.add_node("nodo2", labels={"gpu": True})  # label values are strings (AFF-1)
    with pytest.raises(ValueError):
        c.add_node("nodo3", memory="10GB")


def test_apply_get_and_api_shape():
    c = _cluster()
    assert c.apply(WEB) == ["pod/web created"]
    pod = c.get("pod", "web")
    meta = pod["metadata"]
    assert meta["namespace"] == "default"
    assert meta["creationTimestamp"] == "2026-01-01T00:00:00Z"
    assert len(meta["uid"]) == 36 and meta["resourceVersion"].isdigit()
    spec = pod["spec"]
    # POD-1, IMG-4, TNT-3 defaults
    assert spec["restartPolicy"] == "Always"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert spec["containers"][0]["ports"][0]["protocol"] == "TCP"
    assert {t["key"]: t["tolerationSeconds"] for t in spec["tolerations"]} == {
        "node.kubernetes.io/not-ready": 300, "node.kubernetes.io/unreachable": 300}
    assert pod["status"]["phase"] == "Pending"
    assert pod["status"]["qosClass"] == "BestEffort"
    assert "nodeName" not in spec  # nothing happens until the clock runs
    c.run(0)
    pod = c.get("po", "web")
    assert pod["spec"]["nodeName"] == "nodo1"
    assert pod["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "ContainerCreating"}}
    c.run(2)
    pod = c.get("pods", "web")
    status = pod["status"]
    assert status["phase"] == "Running"
    assert status["hostIP"] == "172.18.0.2"
    assert status["podIP"] == "10.244.0.2"
    assert status["startTime"] == "2026-01-01T00:00:00Z"
    cs = status["containerStatuses"][0]
    assert cs["state"] == {"running": {"startedAt": "2026-01-01T00:00:02Z"}}
    assert cs["ready"] is True and cs["started"] is True and cs["restartCount"] == 0
    assert cs["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert cs["containerID"].startswith("containerd://")
    conds = {x["type"]: x["status"] for x in status["conditions"]}
    assert conds == {"PodReadyToStartContainers": "True", "Initialized": "True", "Ready": "True",
                     "ContainersReady": "True", "PodScheduled": "True"}


def test_get_is_a_copy_and_accepts_kubectl_names_namespaces_and_selectors():
    c = _cluster()
    c.apply(WEB)
    c.apply(WEB.replace("name: web\n  labels:\n    app: web", "name: db\n  labels:\n    app: db"))
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "pruebas"}})
    c.apply(WEB.replace("name: web\n", "name: otro\n  namespace: pruebas\n", 1))
    pod = c.get("pod", "web")
    pod["metadata"]["labels"]["app"] = "cambiado"
    assert c.get("pod", "web")["metadata"]["labels"]["app"] == "web"
    assert [p["metadata"]["name"] for p in c.get("pods")] == ["db", "web"]
    assert [p["metadata"]["name"] for p in c.get("po", selector="app=web")] == ["web"]
    assert [p["metadata"]["name"] for p in c.get("pods", selector="app in (web,db)")] == ["db", "web"]
    assert [p["metadata"]["name"] for p in c.get("pods", namespace="pruebas")] == ["otro"]
    assert len(c.get("pods", namespace=None)) == 3
    assert len(c.get("pods", all_namespaces=True)) == 3
    assert c.get("Pod", "otro", namespace="pruebas")["metadata"]["namespace"] == "pruebas"
    assert c.get("no", "nodo1")["metadata"]["name"] == "nodo1"
    with pytest.raises(NotFoundError) as err:
        c.get("pod", "nadie")
    assert 'pods "nadie" not found' in str(err.value)
    assert isinstance(err.value, LookupError)


def test_reapply_unchanged_configured_and_forbidden():
    c = _cluster()
    c.apply(WEB)
    c.run(5)
    assert c.apply(WEB) == ["pod/web unchanged"]
    assert c.apply(WEB.replace("app: web", "app: web2")) == ["pod/web configured"]
    assert c.get("pod", "web")["metadata"]["labels"] == {"app": "web2"}
    rv = c.get("pod", "web")["metadata"]["resourceVersion"]
    with pytest.raises(ManifestError) as err:
        c.apply(WEB.replace("containerPort: 80", "containerPort: 8080"))
    assert "Forbidden" in str(err.value) and "Pod" in str(err.value)
    assert c.get("pod", "web")["spec"]["containers"][0]["ports"][0]["containerPort"] == 80
    assert c.get("pod", "web")["metadata"]["resourceVersion"] == rv


def test_image_change_restarts_the_container():
    c = _cluster()
    c.apply(WEB)
    c.run(5)
    assert c.apply(WEB.replace("nginx:1.27", "nginx:1.28")) == ["pod/web configured"]
    c.run(5)
    cs = c.get("pod", "web")["status"]["containerStatuses"][0]
    assert cs["image"] == "nginx:1.28"
    assert cs["restartCount"] == 1
    assert c.events(name="web", reason="Killing")[0]["message"] == \
        "Container web definition changed, will be restarted"


def test_invalid_manifest_raises_manifest_error_with_the_validation_report():
    from k8s_helpers.api.validation import validate_text

    bad = WEB.replace("image: nginx:1.27", "imagen: nginx:1.27")
    c = _cluster()
    with pytest.raises(ManifestError) as err:
        c.apply(bad)
    assert isinstance(err.value, ValueError)
    assert str(err.value) == str(validate_text(bad))
    assert "imagen" in str(err.value)


def test_failed_apply_leaves_the_cluster_unchanged():
    c = _cluster()
    c.apply(WEB)
    c.run(3)
    before = (c.get("pods"), c.events(), c.now)
    good = WEB.replace("name: web\n", "name: nuevo\n", 1)
    bad = WEB.replace("name: web\n", "name: Malo_Nombre\n", 1)
    with pytest.raises(ManifestError):
        c.apply(good + "---" + bad)
    with pytest.raises(ManifestError):  # namespace that does not exist
        c.apply(good + "---" + WEB.replace("name: web\n", "name: x\n  namespace: nada\n", 1))
    assert (c.get("pods"), c.events(), c.now) == before
    # A namespace created in the same apply is fine.
    ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: nada\n"
    assert c.apply(ns + "---" + WEB.replace("name: web\n", "name: x\n  namespace: nada\n", 1)) == [
        "namespace/nada created", "pod/x created"]


def test_apply_accepts_dicts_and_lists_and_other_kinds():
    c = _cluster()
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}}
    assert c.apply([svc, cm]) == ["service/web created", "configmap/cfg created"]
    assert c.apply(cm) == ["configmap/cfg unchanged"]
    assert c.get("svc", "web")["spec"]["selector"] == {"app": "web"}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
           "spec": {"selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}
    assert c.apply(dep) == ["deployment.apps/web created"]


def test_run_requires_non_negative_seconds_and_advances_the_clock():
    c = _cluster()
    c.run(12.5)
    assert c.now == 12.5
    with pytest.raises(ValueError):
        c.run(-1)


def test_events_shape():
    c = _cluster()
    c.apply(WEB)
    c.run(5)
    ev = c.events(name="web")
    assert [e["reason"] for e in ev] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    e = ev[0]
    assert e["type"] == "Normal"
    assert e["message"] == "Successfully assigned default/web to nodo1"
    assert e["involvedObject"]["kind"] == "Pod" and e["involvedObject"]["namespace"] == "default"
    assert e["time"] == 0 and e["count"] == 1
    assert e["firstTimestamp"] == e["lastTimestamp"] == "2026-01-01T00:00:00Z"
    assert ev[3]["involvedObject"]["fieldPath"] == "spec.containers{web}"
    assert ev[3]["message"] == "Created container: web"
    assert ev[4]["message"] == "Started container web"


def test_event_series_counts_and_aggregation():
    c = _cluster()
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crash"},
             "spec": {"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}]}})
    c.run(100)
    started = c.events(name="crash", reason="Started")
    assert [e["count"] for e in started] == list(range(1, len(started) + 1))
    agg = [e for e in c.events(name="crash", aggregate=True) if e["reason"] == "Started"]
    assert len(agg) == 1 and agg[0]["count"] == len(started)
    assert agg[0]["firstTimestamp"] == "2026-01-01T00:00:02Z"


def test_logs_and_errors():
    c = _cluster()
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hola"},
             "spec": {"restartPolicy": "Never",
                      "containers": [{"name": "app", "image": "busybox:1.36",
                                      "command": ["sh", "-c", "echo hola && false || echo fallo; exit 0"]}]}})
    with pytest.raises(ValueError):
        c.logs("hola")  # not scheduled yet
    c.run(5)
    assert c.logs("hola") == "hola\nfallo\n"
    assert c.logs("hola", container="app") == "hola\nfallo\n"
    with pytest.raises(ValueError):
        c.logs("hola", container="otro")
    with pytest.raises(ValueError):
        c.logs("hola", previous=True)
    with pytest.raises(NotFoundError):
        c.logs("nadie")


def test_delete_not_found_and_other_kinds():
    c = _cluster()
    with pytest.raises(NotFoundError):
        c.delete("pod", "nadie")
    c.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}})
    assert c.delete("cm", "cfg") == 'configmap "cfg" deleted'
    assert c.get("configmaps") == []


def test_delete_pending_pod_is_immediate():
    c = Cluster(seed=0)
    c.apply(WEB)
    c.run(5)
    assert c.delete("pod", "web") == 'pod "web" deleted'
    assert c.get("pods") == [] and c.now == 5


def test_determinism_same_seed_same_history():
    def history(seed):
        c = Cluster.kind(workers=3, seed=seed)
        docs = [WEB.replace("name: web\n", f"name: web{i}\n", 1) for i in range(6)]
        c.apply("---".join(docs))
        c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crash"},
                 "spec": {"containers": [{"name": "a", "image": "busybox", "command": ["sh", "-c", "sleep 5; exit 1"]}]}})
        c.run(300)
        return c.events(), c.get("pods"), c.probe_results()

    assert history(1) == history(1)
    placements = set()
    for seed in range(5):
        pods = history(seed)[1]
        placements.add(tuple(p["spec"]["nodeName"] for p in pods))
    assert len(placements) > 1


def test_import_is_cheap():
    code = ("import sys, k8s_helpers; heavy = [m for m in ('yaml', 'k8s_helpers.cluster', 'kubernetes', "
            "'ipywidgets', 'k8s_helpers.api.validation') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_kubectl_delegates_to_the_kubectl_package():
    pytest.importorskip("k8s_helpers.kubectl.command")
    c = _cluster()
    c.apply(WEB)
    c.run(5)
    out = c.kubectl("get pods")
    assert isinstance(out, str) and "web" in out


@pytest.mark.parametrize("resources, qos", [
    ({}, "BestEffort"),
    ({"limits": {"cpu": "500m", "memory": "128Mi"}}, "Guaranteed"),  # requests copied from limits (POD-1)
    ({"requests": {"cpu": "250m"}}, "Burstable"),
    ({"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "64Mi"}}, "Burstable"),
])
def test_qos_class_and_limits_copied_to_requests(resources, qos):
    c = _cluster()
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"},
             "spec": {"containers": [{"name": "q", "image": "nginx:1.27", "resources": resources}]}})
    pod = c.get("pod", "q")
    assert pod["status"]["qosClass"] == qos
    if qos == "Guaranteed":
        assert pod["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "500m", "memory": "128Mi"}
    c.run(5)
    assert c.get("pod", "q")["status"]["qosClass"] == qos


def test_probe_defaults_prb1():
    c = _cluster()
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
             "spec": {"containers": [{"name": "p", "image": "nginx:1.27",
                                      "livenessProbe": {"httpGet": {"port": 80}}}]}})
    probe = c.get("pod", "p")["spec"]["containers"][0]["livenessProbe"]
    assert probe == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                     "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
