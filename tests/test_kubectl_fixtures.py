"""Hand-written API-shaped objects (shapes of real ``kubectl get -o yaml``) and a tiny fake cluster."""
from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


def ts(seconds: float) -> str:
    """ISO timestamp ``seconds`` after the fake cluster's epoch."""
    return (EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def container_status(name, image="nginx:1.27", *, ready=True, restarts=0, state=None, last=None, started=None):
    st = {"name": name, "image": image, "imageID": "", "containerID": f"containerd://{name}",
          "ready": ready, "restartCount": restarts,
          "state": state if state is not None else {"running": {"startedAt": ts(5)}},
          "lastState": last or {}}
    if started is not None:
        st["started"] = started
    return st


def pod(name, *, ns="default", labels=None, containers=None, init=None, statuses=None, init_statuses=None,
        phase="Running", node="nodo1", created=0, conditions=None, deletion=None, ip="10.244.1.5"):
    containers = containers or [{"name": name, "image": "nginx:1.27"}]
    p = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels or {"app": name},
                     "creationTimestamp": ts(created), "uid": f"uid-{name}"},
        "spec": {"containers": containers, "nodeName": node, "restartPolicy": "Always",
                 "tolerations": [
                     {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                      "tolerationSeconds": 300},
                     {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                      "tolerationSeconds": 300}]},
        "status": {"phase": phase, "hostIP": "172.18.0.3", "podIP": ip, "podIPs": [{"ip": ip}],
                   "startTime": ts(created + 1),
                   "conditions": conditions if conditions is not None else [
                       {"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
                       {"type": "ContainersReady", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
                   "containerStatuses": statuses if statuses is not None else [
                       container_status(c["name"], c.get("image", "nginx:1.27")) for c in containers]},
    }
    if init is not None:
        p["spec"]["initContainers"] = init
        p["status"]["initContainerStatuses"] = init_statuses or []
    if deletion is not None:
        p["metadata"]["deletionTimestamp"] = ts(deletion)
        p["metadata"]["deletionGracePeriodSeconds"] = 30
    if not node:
        del p["spec"]["nodeName"]
        p["status"].pop("podIP")
        p["status"].pop("podIPs")
        p["status"].pop("hostIP")
    return p


def node(name, *, roles=(), created=0, cpu="4", memory="10Gi", taints=None, ready=True, ip="172.18.0.3"):
    labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    for r in roles:
        labels[f"node-role.kubernetes.io/{r}"] = ""
    n = {"apiVersion": "v1", "kind": "Node",
         "metadata": {"name": name, "labels": labels, "creationTimestamp": ts(created)},
         "spec": {"taints": taints or []},
         "status": {"capacity": {"cpu": cpu, "memory": memory, "pods": "110"},
                    "allocatable": {"cpu": cpu, "memory": memory, "pods": "110"},
                    "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                    "reason": "KubeletReady", "message": "kubelet is posting ready status",
                                    "lastHeartbeatTime": ts(created), "lastTransitionTime": ts(created)}],
                    "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                    "nodeInfo": {"kubeletVersion": "v1.36.3", "osImage": "Debian GNU/Linux 12 (bookworm)",
                                 "kernelVersion": "6.8.0", "containerRuntimeVersion": "containerd://2.1.0",
                                 "operatingSystem": "linux", "architecture": "amd64"}}}
    if not taints:
        del n["spec"]["taints"]
    return n


class FakeCluster:
    """The Cluster methods kubectl.run uses, over plain dicts; clock in virtual seconds."""

    epoch = EPOCH

    def __init__(self, objects=(), events=(), logs=None, now=125):
        self.objects = [copy.deepcopy(o) for o in objects]
        self._events = list(events)
        self._logs = logs or {}
        self.now = now
        self.deleted = []

    def _plural(self, kind):
        return {"pod": "Pod", "pods": "Pod", "node": "Node", "nodes": "Node", "services": "Service",
                "deployments": "Deployment", "namespaces": "Namespace", "replicasets": "ReplicaSet"}.get(kind, kind)

    def get(self, kind, name=None, namespace="default", selector=None):
        k = self._plural(kind)
        items = [o for o in self.objects if o["kind"] == k]
        if k not in ("Node", "Namespace") and namespace is not None:
            items = [o for o in items if o["metadata"].get("namespace", "default") == namespace]
        if selector:
            from k8s_helpers.api.labels import parse_selector
            sel = parse_selector(selector)
            items = [o for o in items if sel.matches(o["metadata"].get("labels") or {})]
        if name is None:
            return copy.deepcopy(items)
        for o in items:
            if o["metadata"]["name"] == name:
                return copy.deepcopy(o)
        raise KeyError(f'{kind} "{name}" not found')

    def events(self):
        return list(self._events)

    def logs(self, pod, container=None, namespace="default", previous=False):
        key = (pod, container, previous)
        if key not in self._logs:
            raise KeyError("no logs")
        return self._logs[key]

    def delete(self, kind, name, namespace="default"):
        self.deleted.append((kind, name, namespace))
        self.objects = [o for o in self.objects if not (o["kind"] == self._plural(kind) and
                                                        o["metadata"]["name"] == name)]
        return [f"{kind}/{name} deleted"]


class SteppingCluster(FakeCluster):
    """FakeCluster whose clock advances with run(seconds=...), adding one event per call."""

    def __init__(self, *a, probe_results=(), **kw):
        super().__init__(*a, **kw)
        self._results = list(probe_results)
        self.runs = []

    def run(self, seconds=0, **_kw):
        self.runs.append(seconds)
        self.now += seconds
        self._events.append({"type": "Normal", "reason": "Tick", "message": f"reloj en {self.now}",
                             "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
                             "time": self.now, "count": 1})

    def probe_results(self, pod=None, namespace="default"):
        return [r for r in self._results if (pod is None or r["pod"] == pod) and r["namespace"] == namespace]
