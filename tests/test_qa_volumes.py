"""emptyDir volumes the kubelet cannot set up (POD-5, POD-7, POD-9).

The API server does not validate ``emptyDir.medium`` (validation.go validateVolumeSource
only checks sizeLimit), so ``medium: memory`` in lower case is accepted; the kubelet's
emptyDir plugin fails SetUpAt with ``unknown storage medium "memory"``
(pkg/volume/emptydir/empty_dir.go) and the pod waits in ContainerCreating, with
FailedMount warnings "MountVolume.SetUp failed for volume ... : ..." retried with
exponential back-off (operation_generator.go, goroutinemap/exponentialbackoff).
"""
from __future__ import annotations

from k8s_helpers import Cluster


def _cluster():
    c = Cluster(seed=0)
    c.add_node("nodo1", cpu="4", memory="8Gi")
    return c


def _pod(name="web", medium="memory", mounted=True, init=False, resources=None):
    mount = [{"name": "cache", "mountPath": "/cache"}] if mounted else []
    app = {"name": "web", "image": "nginx:1.27", "volumeMounts": mount}
    if resources:
        app["resources"] = resources
    spec = {"containers": [app], "volumes": [{"name": "cache", "emptyDir": {"medium": medium}}]}
    if init:
        spec["initContainers"] = [{"name": "prepara", "image": "busybox:1.36", "command": ["sh", "-c", "true"],
                                   "volumeMounts": mount}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


MESSAGE = 'MountVolume.SetUp failed for volume "cache" : unknown storage medium "memory"'


def test_lowercase_memory_medium_is_accepted_but_the_pod_never_starts():
    c = _cluster()
    c.apply(_pod())  # no validation error: medium is not validated by the API server
    c.run(300)
    status = c.get("pod", "web")["status"]
    assert status["phase"] == "Pending"
    assert status["containerStatuses"][0]["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert "podIP" not in status
    ready_to_start = next(x for x in status["conditions"] if x["type"] == "PodReadyToStartContainers")
    assert ready_to_start["status"] == "False"
    assert "ContainerCreating" in c.kubectl("get pod web")
    failed = c.events(name="web", reason="FailedMount")
    assert {e["message"] for e in failed} == {MESSAGE}
    assert all(e["type"] == "Warning" and e["source"]["component"] == "kubelet" for e in failed)
    # Retries with exponential back-off: 0.5 s doubling, capped at 2m2s.
    assert [e["time"] for e in failed] == [0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 63.5, 127.5, 249.5]
    assert c.events(name="web", reason="Started") == []


def test_describe_shows_the_aggregated_failedmount_warning():
    c = _cluster()
    c.apply(_pod())
    c.run(300)
    out = c.kubectl("describe pod web")
    assert "Medium:      memory" in out
    assert "FailedMount" in out and "(x10 over 5m)" in out and MESSAGE in out


def test_with_init_containers_the_status_is_init_0_of_1():
    c = _cluster()
    c.apply(_pod(init=True))
    c.run(60)
    assert "Init:0/1" in c.kubectl("get pod web")
    init = c.get("pod", "web")["status"]["initContainerStatuses"][0]
    assert init["state"] == {"waiting": {"reason": "PodInitializing"}}


def test_memory_with_capital_m_works():
    c = _cluster()
    c.apply(_pod(medium="Memory"))
    c.run(10)
    assert c.get("pod", "web")["status"]["phase"] == "Running"
    assert c.events(name="web", reason="FailedMount") == []


def test_a_volume_no_container_mounts_is_not_set_up():
    c = _cluster()
    c.apply(_pod(mounted=False))
    c.run(10)
    assert c.get("pod", "web")["status"]["phase"] == "Running"
    assert c.events(name="web", reason="FailedMount") == []


def test_hugepages_medium_without_a_hugepages_request_fails_setup():
    c = _cluster()
    c.apply(_pod(medium="HugePages"))
    c.run(5)
    messages = {e["message"] for e in c.events(name="web", reason="FailedMount")}
    assert messages == {'MountVolume.SetUp failed for volume "cache" : medium HugePages: hugePages storage '
                        'requested, but there is no resource request for huge pages'}


def test_deleting_the_pod_stops_the_retries():
    c = _cluster()
    c.apply(_pod())
    c.run(10)
    before = len(c.events(name="web", reason="FailedMount"))
    c.delete("pod", "web")
    c.run(600)
    assert c.get("pods") == []
    assert len(c.events(name="web", reason="FailedMount")) == before
