"""kubectl.run: parsing, verbs and kubectl's own error texts, on a fake cluster of API-shaped dicts."""
from __future__ import annotations

import json

import pytest

from k8s_helpers.kubectl import run

from test_kubectl_fixtures import FakeCluster, container_status, node, pod, ts

EVENTS = [
    {"type": "Normal", "reason": "Scheduled", "message": "Successfully assigned default/web to nodo1",
     "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"}, "time": 0, "count": 1},
    {"type": "Warning", "reason": "Unhealthy", "message": "Liveness probe failed: HTTP probe failed with statuscode: 500",
     "involvedObject": {"kind": "Pod", "name": "api", "namespace": "default"}, "time": 115,
     "firstTimestamp": ts(95), "lastTimestamp": ts(115), "count": 3},
    {"type": "Normal", "reason": "Scheduled", "message": "Successfully assigned prod/db to nodo2",
     "involvedObject": {"kind": "Pod", "name": "db", "namespace": "prod"}, "time": 5, "count": 1},
]


def api_pod():
    probe = {"httpGet": {"path": "/status", "port": 80, "scheme": "HTTP"}, "initialDelaySeconds": 60,
             "timeoutSeconds": 5, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 48}
    containers = [{"name": "api", "image": "registry.example.com/api:2.1",
                   "ports": [{"containerPort": 80, "protocol": "TCP"}],
                   "startupProbe": probe,
                   "livenessProbe": {**probe, "initialDelaySeconds": 0, "failureThreshold": 3},
                   "resources": {"requests": {"cpu": "250m", "memory": "128Mi"},
                                 "limits": {"cpu": "500m", "memory": "256Mi"}}}]
    return pod("api", created=5, containers=containers, labels={"app": "api", "tier": "back"},
               statuses=[container_status(
                   "api", "registry.example.com/api:2.1", ready=False, restarts=2,
                   state={"running": {"startedAt": ts(116)}},
                   last={"terminated": {"exitCode": 137, "reason": "Error", "startedAt": ts(60), "finishedAt": ts(115)}})],
               conditions=[{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"},
                           {"type": "ContainersReady", "status": "False"}, {"type": "PodScheduled", "status": "True"}])


@pytest.fixture
def cluster():
    return FakeCluster(
        [pod("web"), api_pod(), pod("db", ns="prod", node="nodo2", created=3, ip="10.244.2.7"),
         node("nodo1", roles=["control-plane"]), node("nodo2", created=2, ip="172.18.0.4",
                                                       taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}])],
        events=EVENTS, logs={("web", "web", False): "hola\nadios\n", ("api", "api", True): "panic: boom\n"})


def test_get_pods_default_namespace(cluster):
    assert run(cluster, "get pods") == (
        "NAME   READY   STATUS    RESTARTS      AGE\n"
        "api    0/1     Running   2 (10s ago)   2m\n"
        "web    1/1     Running   0             2m5s\n")


def test_kind_aliases_and_leading_kubectl(cluster):
    expected = run(cluster, "get pods")
    for cmd in ("kubectl get pod", "get po", "kubectl get Pods"):
        assert run(cluster, cmd) == expected


def test_get_all_namespaces_wide(cluster):
    assert run(cluster, "get pods -A -o wide") == (
        "NAMESPACE   NAME   READY   STATUS    RESTARTS      AGE    IP           NODE    NOMINATED NODE   READINESS GATES\n"
        "default     api    0/1     Running   2 (10s ago)   2m     10.244.1.5   nodo1   <none>           <none>\n"
        "default     web    1/1     Running   0             2m5s   10.244.1.5   nodo1   <none>           <none>\n"
        "prod        db     1/1     Running   0             2m2s   10.244.2.7   nodo2   <none>           <none>\n")


def test_namespace_flag_forms(cluster):
    expected = ("NAME   READY   STATUS    RESTARTS   AGE\n"
                "db     1/1     Running   0          2m2s\n")
    for cmd in ("get pods -n prod", "get pods --namespace prod", "get pods --namespace=prod", "get pods -nprod"):
        assert run(cluster, cmd) == expected


def test_selector_and_show_labels(cluster):
    assert run(cluster, "get pods -l app=api --show-labels") == (
        "NAME   READY   STATUS    RESTARTS      AGE   LABELS\n"
        "api    0/1     Running   2 (10s ago)   2m    app=api,tier=back\n")
    assert run(cluster, "get pods -l tier=front") == "No resources found in default namespace.\n"


def test_get_by_name_forms_and_not_found(cluster):
    one = ("NAME   READY   STATUS    RESTARTS   AGE\n"
           "web    1/1     Running   0          2m5s\n")
    assert run(cluster, "get pod web") == one
    assert run(cluster, "get pod/web") == one
    assert run(cluster, "get pod nope") == 'Error from server (NotFound): pods "nope" not found\n'
    assert run(cluster, "get pods web nope") == one + 'Error from server (NotFound): pods "nope" not found\n'


def test_output_name_json_yaml(cluster):
    assert run(cluster, "get pods -o name") == "pod/api\npod/web\n"
    obj = json.loads(run(cluster, "get pod web -o json"))
    assert (obj["kind"], obj["metadata"]["name"], obj["status"]["phase"]) == ("Pod", "web", "Running")
    text = run(cluster, "get pod web -o yaml")
    assert text.startswith("apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: \"2026-01-01T00:00:00Z\"\n")
    assert "  - image: nginx:1.27\n    name: web\n" in text
    lst = run(cluster, "get pods -o yaml")
    assert lst.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n")
    assert lst.endswith("kind: List\nmetadata:\n  resourceVersion: \"\"\n")


def test_get_nodes(cluster):
    assert run(cluster, "get nodes") == (
        "NAME    STATUS   ROLES           AGE    VERSION\n"
        "nodo1   Ready    control-plane   2m5s   v1.36.3\n"
        "nodo2   Ready    <none>          2m3s   v1.36.3\n")
    assert run(cluster, "get no nodo2 -o wide") == (
        "NAME    STATUS   ROLES    AGE    VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         "
        "KERNEL-VERSION   CONTAINER-RUNTIME\n"
        "nodo2   Ready    <none>   2m3s   v1.36.3   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   "
        "6.8.0            containerd://2.1.0\n")


def test_get_events(cluster):
    assert run(cluster, "get events") == (
        "LAST SEEN   TYPE      REASON      OBJECT    MESSAGE\n"
        "10s         Warning   Unhealthy   pod/api   Liveness probe failed: HTTP probe failed with statuscode: 500\n"
        "2m5s        Normal    Scheduled   pod/web   Successfully assigned default/web to nodo1\n")
    assert run(cluster, "get ev -n prod") == (
        "LAST SEEN   TYPE     REASON      OBJECT   MESSAGE\n"
        "2m          Normal   Scheduled   pod/db   Successfully assigned prod/db to nodo2\n")


def test_unknown_resource_command_and_flags(cluster):
    assert run(cluster, "get foo") == 'error: the server doesn\'t have a resource type "foo"\n'
    out = run(cluster, "get pods --watchh")
    assert out.startswith("error: unknown flag: --watchh\nSee 'kubectl get --help' for usage.\n")
    assert "Pista" in out
    assert run(cluster, "get pods -z").startswith("error: unknown shorthand flag: 'z' in -z\n")
    assert run(cluster, "apply -f x.yaml").startswith('error: unknown command "apply" for "kubectl"\n')
    assert run(cluster, "get pods -o table").startswith(
        'error: unable to match a printer suitable for the output format "table"')


def test_generic_kind_without_printer(cluster):
    cluster.objects.append({"apiVersion": "v1", "kind": "configmaps",
                            "metadata": {"name": "cfg", "namespace": "default", "creationTimestamp": ts(65)}})
    assert run(cluster, "get cm") == "NAME   AGE\ncfg    60s\n"


def test_describe_pod_exact(cluster):
    assert run(cluster, "describe pod api") == """\
Name:         api
Namespace:    default
Node:         nodo1/172.18.0.3
Start Time:   Thu, 01 Jan 2026 00:00:06 +0000
Labels:       app=api
              tier=back
Annotations:  <none>
Status:       Running
IP:           10.244.1.5
IPs:
  IP:  10.244.1.5
Containers:
  api:
    Container ID:   containerd://api
    Image:          registry.example.com/api:2.1
    Image ID:       
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 01 Jan 2026 00:01:56 +0000
    Last State:     Terminated
      Reason:       Error
      Exit Code:    137
      Started:      Thu, 01 Jan 2026 00:01:00 +0000
      Finished:     Thu, 01 Jan 2026 00:01:55 +0000
    Ready:          False
    Restart Count:  2
    Limits:
      cpu:     500m
      memory:  256Mi
    Requests:
      cpu:        250m
      memory:     128Mi
    Liveness:     http-get http://:80/status delay=0s timeout=5s period=5s #success=1 #failure=3
    Startup:      http-get http://:80/status delay=60s timeout=5s period=5s #success=1 #failure=48
    Environment:  <none>
    Mounts:       <none>
Conditions:
  Type              Status
  Initialized       True 
  Ready             False 
  ContainersReady   False 
  PodScheduled      True 
Volumes:            <none>
QoS Class:          Burstable
Node-Selectors:     <none>
Tolerations:        node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                    node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                From     Message
  ----     ------     ----               ----     -------
  Warning  Unhealthy  10s (x3 over 30s)  kubelet  Liveness probe failed: HTTP probe failed with statuscode: 500
"""


def test_describe_errors(cluster):
    assert run(cluster, "describe pod nope") == 'Error from server (NotFound): pods "nope" not found\n'
    assert run(cluster, "describe node nodo2").startswith(
        "Name:               nodo2\nRoles:              <none>\n")
    assert "Taints:             gpu=true:NoSchedule\n" in run(cluster, "describe node nodo2")


def test_delete(cluster):
    assert run(cluster, "delete pod web") == 'pod "web" deleted from default namespace\n'
    assert cluster.deleted == [("pod", "web", "default")]
    assert run(cluster, "delete pod web") == 'Error from server (NotFound): pods "web" not found\n'
    assert run(cluster, "delete po/db -n prod") == 'pod "db" deleted from prod namespace\n'
    assert run(cluster, "delete pod").startswith("error: resource(s) were provided, but no name was specified")


def test_logs(cluster):
    assert run(cluster, "logs web") == "hola\nadios\n"
    assert run(cluster, "logs web --tail=1") == "adios\n"
    assert run(cluster, "logs api --previous") == "panic: boom\n"
    assert run(cluster, "logs web -p") == (
        'Error from server (BadRequest): previous terminated container "web" in pod "web" not found\n')
    assert run(cluster, "logs web -c nope") == "error: container nope is not valid for pod web\n"
    assert run(cluster, "logs nope") == 'Error from server (NotFound): pods "nope" not found\n'


def test_event_occurrences_are_aggregated_like_api_series(cluster):
    for t, n in ((30, 1), (60, 2), (90, 3)):
        cluster._events.append({"type": "Warning", "reason": "BackOff",
                                "message": "Back-off restarting failed container web in pod web_default(uid-web)",
                                "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
                                "source": {"component": "kubelet"}, "time": t, "count": n,
                                "firstTimestamp": ts(30), "lastTimestamp": ts(t)})
    rows = [line for line in run(cluster, "get events").splitlines() if "BackOff" in line]
    assert rows == ["35s         Warning   BackOff     pod/web   Back-off restarting failed container web in pod "
                    "web_default(uid-web)"]
    assert "  Warning  BackOff    35s (x3 over 95s)  kubelet            Back-off restarting" in run(cluster, "describe pod web")


def test_simulator_hints_are_spanish(cluster):
    out = run(cluster, "get pods -w")
    assert out.startswith("error: unknown shorthand flag: 'w' in -w\nSee 'kubectl get --help' for usage.\n")
    assert "c.run(seconds=...)" in out
    assert run(cluster, "delete -f web.yaml").startswith("error: el clúster simulado no lee ficheros con -f")
    assert run(cluster, "") .startswith("error: falta la orden.")
    assert run(cluster, "describe svc web").startswith("error: el simulador solo sabe describir pods y nodos")
    assert run(cluster, "get pod web -o jsonpath={.status.podIP}") == (
        "error: el clúster simulado todavía no admite -o jsonpath; usa -o yaml, -o json, -o wide o -o name.\n")
    assert run(cluster, "get pods --sort-by=.metadata.name") == (
        "error: el clúster simulado todavía no admite --sort-by; filtra con -l (etiquetas) o -n (espacio de nombres).\n")


def test_describe_node_resources(cluster):
    p = [o for o in cluster.objects if o["metadata"]["name"] == "api"][0]
    assert p["spec"]["nodeName"] == "nodo1"
    text = run(cluster, "describe node nodo1")
    tail = text[text.index("Non-terminated Pods:"):]
    # the header aligns with the System Info block above it, as in kubectl
    assert tail.startswith("Non-terminated Pods:          (2 in total)\n")
    assert ("  default                     api     250m (6%)     500m (12%)  128Mi (1%)       256Mi (2%)     2m\n"
            "  default                     web     0 (0%)        0 (0%)      0 (0%)           0 (0%)         2m5s\n"
            in tail)
    assert ("  Resource           Requests    Limits\n"
            "  --------           --------    ------\n"
            "  cpu                250m (6%)   500m (12%)\n"
            "  memory             128Mi (1%)  256Mi (2%)\n"
            "  ephemeral-storage  0 (0%)      0 (0%)\n") in tail
