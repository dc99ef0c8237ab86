"""Pods as the kubelet runs them (POD-1..9): containers, init containers, sidecars, back-off, phases."""
from __future__ import annotations

import pytest

from k8s_helpers import Cluster
from k8s_helpers.kubelet.backoff import BackOff
from k8s_helpers.kubelet.shell import program_for


def _cluster(seed=0):
    c = Cluster(seed=seed)
    c.add_node("nodo1", cpu="4", memory="8Gi")
    return c


def _pod(name, containers, init=None, policy=None, annotations=None, volumes=None):
    spec = {"containers": containers}
    if init:
        spec["initContainers"] = init
    if policy:
        spec["restartPolicy"] = policy
    if volumes:
        spec["volumes"] = volumes
    meta = {"name": name}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def _sh(name, script, image="busybox:1.36", **extra):
    return dict({"name": name, "image": image, "command": ["sh", "-c", script]}, **extra)


def _cs(c, pod, container=None, init=False):
    key = "initContainerStatuses" if init else "containerStatuses"
    statuses = c.get("pod", pod)["status"][key]
    return statuses[0] if container is None else next(s for s in statuses if s["name"] == container)


def _state(cs):
    (name, detail), = cs["state"].items()
    return name, detail.get("reason")


def _phase(c, pod):
    return c.get("pod", pod)["status"]["phase"]


# --------------------------------------------------------------------------- CrashLoopBackOff (POD-8)
def test_crashloopbackoff_growing_delays_10_20_40():
    c = _cluster()
    c.apply(_pod("crash", [_sh("app", "sleep 5; exit 1")]))
    c.run(200)
    starts = [e["time"] for e in c.events(name="crash", reason="Started")]
    # Start at t=2 (sandbox 1 s + pull 1 s); each run lasts 5 s.
    assert starts == [2, 7, 22, 47, 92, 177]
    exits = [h["end"] for h in c.container_history("crash")]
    assert exits == [7, 12, 27, 52, 97, 182]
    waits = [s - e for s, e in zip(starts[1:], exits)]
    assert waits == [0, 10, 20, 40, 80]  # first crash restarts immediately, then doubles
    backoffs = c.events(name="crash", reason="BackOff")
    assert [e["time"] for e in backoffs] == [12, 27, 52, 97, 182]
    uid = c.get("pod", "crash")["metadata"]["uid"]
    assert backoffs[0]["message"] == f"Back-off restarting failed container app in pod crash_default({uid})"
    assert backoffs[0]["type"] == "Warning"


def test_crashloop_status_fields_at_the_right_times():
    c = _cluster()
    c.apply(_pod("crash", [_sh("app", "sleep 5; exit 1")]))
    c.run(1)
    assert _state(_cs(c, "crash")) == ("waiting", "ContainerCreating")
    c.run(1)  # t=2
    assert _state(_cs(c, "crash")) == ("running", None)
    expected = {
        # t: (state, reason, restartCount, phase)
        10: ("running", None, 1, "Running"),
        12: ("waiting", "CrashLoopBackOff", 1, "Running"),
        21: ("waiting", "CrashLoopBackOff", 1, "Running"),
        22: ("running", None, 2, "Running"),
        30: ("waiting", "CrashLoopBackOff", 2, "Running"),
        46: ("waiting", "CrashLoopBackOff", 2, "Running"),
        47: ("running", None, 3, "Running"),
        60: ("waiting", "CrashLoopBackOff", 3, "Running"),
    }
    for t, (state, reason, restarts, phase) in expected.items():
        c.run(t - c.now)
        cs = _cs(c, "crash")
        assert (_state(cs), cs["restartCount"], _phase(c, "crash")) == ((state, reason), restarts, phase), t
    cs = _cs(c, "crash")
    assert cs["state"]["waiting"]["message"].startswith("back-off 40s restarting failed container=app pod=crash_default(")
    last = cs["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"]) == (1, "Error")
    assert (last["startedAt"], last["finishedAt"]) == ("2026-01-01T00:00:47Z", "2026-01-01T00:00:52Z")
    assert cs["ready"] is False
    ready = next(x for x in c.get("pod", "crash")["status"]["conditions"] if x["type"] == "Ready")
    assert ready["status"] == "False" and ready["reason"] == "ContainersNotReady"


def test_backoff_is_capped_at_300s():
    c = _cluster()
    c.apply(_pod("crash", [_sh("app", "exit 2")]))
    c.run(3000)
    starts = [e["time"] for e in c.events(name="crash", reason="Started")]
    waits = [b - a for a, b in zip(starts, starts[1:])]
    assert waits[:8] == [0, 10, 20, 40, 80, 160, 300, 300]
    assert max(waits) == 300


def test_backoff_resets_after_ten_minutes_running_fine():
    b = BackOff()
    assert [b.next_delay(0, 1), b.next_delay(1, 2), b.next_delay(12, 13)] == [0, 10, 20]
    assert b.next_delay(33, 33 + 600) == 0       # ran 10 minutes: reset
    assert b.next_delay(633, 634) == 10


def test_restart_policy_always_restarts_even_after_exit_0():
    c = _cluster()
    c.apply(_pod("ok", [_sh("app", "echo listo")]))
    c.run(60)
    cs = _cs(c, "ok")
    assert cs["restartCount"] >= 3
    assert cs["lastState"]["terminated"]["reason"] == "Completed"
    assert _phase(c, "ok") == "Running"


# --------------------------------------------------------------------------- phases (POD-6)
@pytest.mark.parametrize("policy, script, phase, restarts", [
    ("Never", "sleep 3; exit 0", "Succeeded", 0),
    ("Never", "sleep 3; exit 1", "Failed", 0),
    ("OnFailure", "sleep 3; exit 0", "Succeeded", 0),
    ("OnFailure", "sleep 3; exit 1", "Running", 3),
])
def test_phases(policy, script, phase, restarts):
    c = _cluster()
    c.apply(_pod("job", [_sh("app", script)], policy=policy))
    c.run(4)
    assert _phase(c, "job") == "Running"
    c.run(40)
    status = c.get("pod", "job")["status"]
    assert status["phase"] == phase
    assert status["containerStatuses"][0]["restartCount"] == restarts
    if phase == "Succeeded":
        t = status["containerStatuses"][0]["state"]["terminated"]
        assert (t["exitCode"], t["reason"]) == (0, "Completed")
        ready = next(x for x in status["conditions"] if x["type"] == "Ready")
        assert ready["reason"] == "PodCompleted"
    if phase == "Failed":
        t = status["containerStatuses"][0]["state"]["terminated"]
        assert (t["exitCode"], t["reason"]) == (1, "Error")


def test_completed_pod_frees_its_resources():
    c = Cluster(seed=0)
    c.add_node("nodo1", cpu="1", memory="1Gi")
    res = {"requests": {"cpu": "800m"}}
    c.apply(_pod("a", [_sh("app", "sleep 10", resources=res)], policy="Never"))
    c.apply(_pod("b", [_sh("app", "sleep 10", resources=res)], policy="Never"))
    c.run(0)
    assert c.get("pod", "b")["spec"].get("nodeName") is None
    c.run(12)  # a: started t=2, ends t=12 -> Succeeded; b is scheduled then
    assert _phase(c, "a") == "Succeeded"
    assert c.get("pod", "b")["spec"]["nodeName"] == "nodo1"


# --------------------------------------------------------------------------- init containers (POD-2)
def test_init_containers_run_one_after_another_before_the_app():
    c = _cluster()
    c.apply(_pod("web", [{"name": "web", "image": "nginx:1.27"}],
                 init=[_sh("init-1", "echo uno; sleep 10"), _sh("init-2", "echo dos; sleep 5")]))
    c.run(0)
    status = c.get("pod", "web")["status"]
    assert status["phase"] == "Pending"
    assert _state(status["initContainerStatuses"][0]) == ("waiting", "PodInitializing")
    assert _state(status["containerStatuses"][0]) == ("waiting", "PodInitializing")
    c.run(5)
    status = c.get("pod", "web")["status"]
    assert _state(status["initContainerStatuses"][0]) == ("running", None)
    assert _state(status["initContainerStatuses"][1]) == ("waiting", "PodInitializing")
    init_cond = next(x for x in status["conditions"] if x["type"] == "Initialized")
    assert init_cond["status"] == "False" and init_cond["reason"] == "ContainersNotInitialized"
    c.run(30)
    history = {(h["container"]): (h["start"], h["end"]) for h in c.container_history("web")}
    assert history["init-1"] == (2, 12)   # busybox pulled in 1 s after the 1 s sandbox
    assert history["init-2"] == (12, 17)  # starts when init-1 has exited 0 (image present)
    assert history["web"][0] == 18        # nginx pulled in 1 s after init-2 finished
    status = c.get("pod", "web")["status"]
    assert status["phase"] == "Running"
    assert [_state(s) for s in status["initContainerStatuses"]] == [("terminated", "Completed")] * 2
    assert next(x for x in status["conditions"] if x["type"] == "Initialized")["status"] == "True"
    assert c.logs("web", container="init-1") == "uno\n"
    assert c.logs("web", container="init-2") == "dos\n"


def test_failed_init_container_is_restarted_with_backoff_and_app_never_starts():
    c = _cluster()
    c.apply(_pod("web", [{"name": "web", "image": "nginx:1.27"}], init=[_sh("check", "sleep 1; exit 1")]))
    c.run(60)
    status = c.get("pod", "web")["status"]
    assert status["phase"] == "Pending"
    init = status["initContainerStatuses"][0]
    assert init["restartCount"] >= 2
    assert _state(status["containerStatuses"][0]) == ("waiting", "PodInitializing")
    assert not c.events(name="web", reason="Started")[-1]["message"].endswith(" web")


def test_failed_init_container_with_restart_policy_never_fails_the_pod():
    c = _cluster()
    c.apply(_pod("web", [{"name": "web", "image": "nginx:1.27"}], init=[_sh("check", "exit 3")], policy="Never"))
    c.run(10)
    status = c.get("pod", "web")["status"]
    assert status["phase"] == "Failed"
    assert status["initContainerStatuses"][0]["state"]["terminated"]["exitCode"] == 3


# --------------------------------------------------------------------------- sidecars (POD-3)
def test_sidecar_starts_before_next_init_and_runs_with_the_app():
    c = _cluster()
    sidecar = {"name": "logs", "image": "fluent/fluent-bit:3.0", "restartPolicy": "Always"}
    c.apply(_pod("web", [{"name": "web", "image": "nginx:1.27"}],
                 init=[_sh("prepare", "sleep 3"), sidecar, _sh("migrate", "sleep 4")]))
    c.run(30)
    h = {x["container"]: (x["start"], x["end"]) for x in c.container_history("web")}
    assert h["prepare"] == (2, 5)
    assert h["logs"] == (6, None)        # pulled 1 s, then started; still running
    assert h["migrate"] == (6, 10)       # starts once the sidecar is started (busybox present)
    assert h["web"] == (11, None)
    status = c.get("pod", "web")["status"]
    assert status["phase"] == "Running"
    sc = next(s for s in status["initContainerStatuses"] if s["name"] == "logs")
    assert _state(sc) == ("running", None) and sc["ready"] is True and sc["started"] is True
    assert next(x for x in status["conditions"] if x["type"] == "Ready")["status"] == "True"


def test_sidecar_with_startup_probe_blocks_next_init_until_started():
    c = _cluster()
    sidecar = {"name": "proxy", "image": "envoyproxy/envoy:v1.31", "restartPolicy": "Always",
               "startupProbe": {"tcpSocket": {"port": 9901}, "periodSeconds": 5}}
    c.apply(_pod("web", [{"name": "web", "image": "nginx:1.27"}], init=[sidecar, _sh("after", "sleep 1")],
                 annotations={"proxy.sim.k8s-course.io/startup-seconds": "12"}))
    c.run(40)
    h = {x["container"]: x["start"] for x in c.container_history("web")}
    # proxy started t=2; healthy from 14; probes at 5, 10, 15 -> started at 15.
    assert h["proxy"] == 2
    assert h["after"] == 16  # busybox pulled 1 s after the sidecar was started


def test_sidecar_does_not_block_completion_and_is_stopped_after_the_app():
    c = _cluster()
    sidecar = {"name": "logs", "image": "fluent/fluent-bit:3.0", "restartPolicy": "Always"}
    c.apply(_pod("job", [_sh("work", "sleep 5")], init=[sidecar], policy="Never"))
    c.run(30)
    status = c.get("pod", "job")["status"]
    assert status["phase"] == "Succeeded"
    assert "terminated" in status["initContainerStatuses"][0]["state"]
    killing = c.events(name="job", reason="Killing")
    assert [e["message"] for e in killing] == ["Stopping container logs"]


# --------------------------------------------------------------------------- volumes and network (POD-4, POD-5)
def test_emptydir_is_shared_by_the_containers_that_mount_it():
    c = _cluster()
    vol = [{"name": "datos", "emptyDir": {}}]
    mount = [{"name": "datos", "mountPath": "/datos"}]
    c.apply(_pod("web",
                 [_sh("lector", "sleep 2; cat /datos/index.html; cat /tmp/privado; sleep 3600", volumeMounts=mount)],
                 init=[_sh("escritor", "echo hola > /datos/index.html; echo secreto > /tmp/privado",
                           volumeMounts=mount)],
                 volumes=vol))
    c.run(20)
    logs = c.logs("web", container="lector")
    assert logs.startswith("hola\n")
    assert "cat: can't open '/tmp/privado': No such file or directory" in logs


def test_emptydir_survives_container_restarts():
    c = _cluster()
    mount = [{"name": "datos", "mountPath": "/datos"}]
    c.apply(_pod("web", [_sh("app", "echo x >> /datos/n; cat /datos/n; sleep 1; exit 1", volumeMounts=mount)],
                 volumes=[{"name": "datos"}]))  # no source: defaulted to emptyDir (POD-1)
    c.run(30)
    assert c.get("pod", "web")["spec"]["volumes"][0]["emptyDir"] == {}
    assert c.logs("web") == "x\nx\nx\n"
    assert c.logs("web", previous=True) == "x\nx\n"


def test_port_collision_in_a_pod_crashes_the_second_container():
    c = _cluster()
    c.apply(_pod("web", [{"name": "a", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
                         {"name": "b", "image": "httpd:2.4", "ports": [{"containerPort": 80}]}]))
    c.run(15)
    status = c.get("pod", "web")["status"]
    a = next(s for s in status["containerStatuses"] if s["name"] == "a")
    b = next(s for s in status["containerStatuses"] if s["name"] == "b")
    assert _state(a) == ("running", None) and a["restartCount"] == 0
    assert b["restartCount"] >= 1 and b["lastState"]["terminated"]["exitCode"] == 1
    assert "address already in use" in c.logs("web", container="b", previous=True)
    # One network namespace: one pod IP for both containers.
    assert status["podIP"].startswith("10.244.")


# --------------------------------------------------------------------------- images (IMG-3, IMG-4)
def test_invalid_image_name_waits_with_invalidimagename():
    c = _cluster()
    c.apply(_pod("web", [{"name": "web", "image": "Nginx:1.27"}]))
    c.run(30)
    cs = _cs(c, "web")
    assert _state(cs) == ("waiting", "InvalidImageName")
    assert _phase(c, "web") == "Pending"
    assert c.events(name="web", reason="InspectFailed")[0]["type"] == "Warning"


def test_image_pull_policy_defaulting_and_pull_events():
    c = _cluster()
    c.apply(_pod("a", [{"name": "a", "image": "nginx"}]))
    c.apply(_pod("b", [{"name": "b", "image": "nginx:1.27"}]))
    c.run(5)
    assert c.get("pod", "a")["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    assert c.get("pod", "b")["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    pulled = [e["message"] for e in c.events(reason="Pulled")]
    # pkg/kubelet/images/image_manager.go: "... in 1s (1s including waiting). Image size: N bytes."
    assert any(m.startswith('Successfully pulled image "nginx" in 1s (1s including waiting). Image size: ')
               for m in pulled)
    c.apply(_pod("c", [{"name": "c", "image": "nginx:1.27"}]))
    c.run(5)
    assert c.events(name="c", reason="Pulled")[0]["message"] == \
        'Container image "nginx:1.27" already present on machine'


# --------------------------------------------------------------------------- container programs
@pytest.mark.parametrize("container, kind", [
    ({"image": "nginx"}, "server"),
    ({"image": "busybox"}, "exit"),                          # default shell, no tty: exits 0
    ({"image": "busybox", "stdin": True, "tty": True}, "server"),
    ({"image": "busybox", "command": ["sleep", "3600"]}, "script"),
    ({"image": "busybox", "args": ["sh", "-c", "sleep 1"]}, "script"),
    ({"image": "python:3.12", "command": ["python", "app.py"]}, "exit"),  # no /app.py: exit 2
    ({"image": "busybox", "command": ["sh", "-c", "ps aux | grep x"]}, "opaque"),  # ps is not simulated
])
def test_program_kind(container, kind):
    assert program_for(container).kind == kind


def test_busybox_without_command_completes_at_once():
    c = _cluster()
    c.apply(_pod("bb", [{"name": "bb", "image": "busybox:1.36"}], policy="Never"))
    c.run(5)
    status = c.get("pod", "bb")["status"]
    assert status["phase"] == "Succeeded"
    assert status["containerStatuses"][0]["state"]["terminated"]["finishedAt"] == "2026-01-01T00:00:02Z"


def test_shell_loops_and_env_in_logs():
    c = _cluster()
    c.apply(_pod("loop", [_sh("app", "for i in 1 2 3; do echo \"$SALUDO $i\"; sleep 10; done",
                              env=[{"name": "SALUDO", "value": "hola"}])], policy="Never"))
    c.run(15)
    assert c.logs("loop") == "hola 1\nhola 2\n"
    c.run(30)
    assert c.logs("loop") == "hola 1\nhola 2\nhola 3\n"
    assert _phase(c, "loop") == "Succeeded"


# --------------------------------------------------------------------------- deletion
def test_delete_server_pod_stops_promptly():
    c = _cluster()
    c.apply(_pod("web", [{"name": "web", "image": "nginx:1.27"}]))
    c.run(10)
    assert c.delete("pod", "web") == 'pod "web" deleted'
    assert c.now == 10
    assert c.get("pods") == []
    assert c.events(name="web", reason="Killing")[0]["message"] == "Stopping container web"


def test_delete_shell_pod_waits_the_grace_period_and_shows_terminating():
    c = _cluster()
    c.apply(_pod("sleeper", [_sh("app", "sleep 3600")]))
    c.run(10)
    c.delete("pod", "sleeper", wait=False)
    pod = c.get("pod", "sleeper")
    assert pod["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:40Z"
    assert pod["metadata"]["deletionGracePeriodSeconds"] == 30
    c.run(29)
    assert c.get("pods")[0]["metadata"]["name"] == "sleeper"
    c.run(1)  # PID 1 ignores SIGTERM: SIGKILL at the end of the 30 s grace period
    assert c.get("pods") == []


def test_active_deadline_seconds_fails_the_pod():
    c = _cluster()
    pod = _pod("lento", [_sh("app", "sleep 3600")], policy="Never")
    pod["spec"]["activeDeadlineSeconds"] = 20
    c.apply(pod)
    c.run(19)
    assert _phase(c, "lento") == "Running"
    c.run(1)
    status = c.get("pod", "lento")["status"]
    assert (status["phase"], status["reason"]) == ("Failed", "DeadlineExceeded")
    c.run(40)
    assert "terminated" in status["containerStatuses"][0]["state"] or \
        "terminated" in c.get("pod", "lento")["status"]["containerStatuses"][0]["state"]


def test_missing_image_err_image_pull_then_image_pull_backoff():
    c = _cluster()
    c.missing_images.add("ngnix")
    c.apply(_pod("web", [{"name": "web", "image": "ngnix:1.27"}]))
    c.run(2)  # sandbox 1 s, failed pull 1 s: ErrImagePull until the pod worker's next sync
    assert _state(_cs(c, "web")) == ("waiting", "ErrImagePull")
    failed = [e["message"] for e in c.events(name="web", reason="Failed")]
    assert failed[0].startswith('Failed to pull image "ngnix:1.27": rpc error: code = NotFound')
    assert failed[1:] == ["Error: ErrImagePull"]
    c.run(21)  # t = 23: pulled again at 12 (back-off 10 s over), still in the 20 s back-off now
    assert _state(_cs(c, "web")) == ("waiting", "ImagePullBackOff")
    assert "Error: ImagePullBackOff" in [e["message"] for e in c.events(name="web", reason="Failed")]
    c.run(37)
    pulls = [e["time"] for e in c.events(name="web", reason="Pulling")]
    assert pulls == [1, 12, 33]  # retried after 10 s, then 20 s (each pull attempt takes 1 s)
    assert _phase(c, "web") == "Pending"
    # Fixing the image (allowed change on a Pod) starts it.
    c.apply(_pod("web", [{"name": "web", "image": "nginx:1.27"}]))
    c.run(1)  # tried again at once: pulled in 1 s
    assert _state(_cs(c, "web")) == ("running", None)
