"""Exact-text tests of the kubectl printers on hand-written API-shaped pods (POD-9, HumanDuration)."""
from __future__ import annotations

import pytest

from k8s_helpers.kubectl import printers
from k8s_helpers.kubectl.describe import describe_probe
from k8s_helpers.kubectl.pods import pod_summary
from k8s_helpers.kubectl.tabwriter import tabwrite
from k8s_helpers.kubectl.timefmt import human_duration, to_epoch

from test_kubectl_fixtures import EPOCH, container_status, pod, ts

NOW = EPOCH.timestamp() + 125


def cells(p):
    s = pod_summary(p, NOW)
    return s["ready"], s["status"], s["restarts"]


@pytest.mark.parametrize("seconds, text", [
    (0, "0s"), (-1, "0s"), (-3, "<invalid>"), (59, "59s"), (119, "119s"), (120, "2m"), (125, "2m5s"),
    (599, "9m59s"), (600, "10m"), (179 * 60 + 59, "179m"), (3 * 3600, "3h"), (3 * 3600 + 300, "3h5m"),
    (8 * 3600, "8h"), (47 * 3600, "47h"), (48 * 3600, "2d"), (49 * 3600, "2d1h"), (8 * 86400, "8d"),
    (729 * 86400, "729d"), (730 * 86400, "2y"), (731 * 86400, "2y1d"), (8 * 365 * 86400, "8y")])
def test_human_duration_matches_apimachinery(seconds, text):
    assert human_duration(seconds) == text


def test_tabwriter_columns_and_unpadded_last_cell():
    text = tabwrite("NAME\tAGE\nweb\t5s\nlonger-name\t10m\n", minwidth=6, padding=3)
    assert text == "NAME          AGE\nweb           5s\nlonger-name   10m\n"
    # minwidth 6 wins over narrow cells
    assert tabwrite("A\tB\nx\ty\n", minwidth=6, padding=3) == "A     B\nx     y\n"


def test_tabwriter_line_without_tab_ends_the_block():
    text = tabwrite("Name:\tweb\nContainers:\n  web:\n    Image:\tnginx\n", minwidth=0, padding=2)
    assert text == "Name:  web\nContainers:\n  web:\n    Image:  nginx\n"


def test_running_pod():
    assert cells(pod("web")) == ("1/1", "Running", "0")


def test_crashloopbackoff_with_last_restart_age():
    p = pod("web", statuses=[container_status(
        "web", ready=False, restarts=3,
        state={"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container"}},
        last={"terminated": {"exitCode": 1, "reason": "Error", "startedAt": ts(110), "finishedAt": ts(113)}})])
    assert cells(p) == ("0/1", "CrashLoopBackOff", "3 (12s ago)")
    table = printers.print_table("Pod", [p], NOW)
    assert table == ("NAME   READY   STATUS             RESTARTS      AGE\n"
                     "web    0/1     CrashLoopBackOff   3 (12s ago)   2m5s\n")


def _init(name, sidecar=False):
    c = {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5"]}
    if sidecar:
        c["restartPolicy"] = "Always"
    return c


def test_init_progress():
    p = pod("web", phase="Pending", init=[_init("migrate"), _init("seed")],
            init_statuses=[container_status("migrate", "busybox:1.36", ready=False),
                           container_status("seed", "busybox:1.36", ready=False,
                                            state={"waiting": {"reason": "PodInitializing"}})],
            statuses=[container_status("web", ready=False, state={"waiting": {"reason": "PodInitializing"}})],
            conditions=[{"type": "Initialized", "status": "False"}, {"type": "Ready", "status": "False"}])
    assert cells(p) == ("0/1", "Init:0/2", "0")
    p["status"]["initContainerStatuses"][0]["state"] = {"terminated": {"exitCode": 0, "reason": "Completed"}}
    p["status"]["initContainerStatuses"][1]["state"] = {"running": {"startedAt": ts(20)}}
    assert cells(p) == ("0/1", "Init:1/2", "0")


def test_init_crashloop_error_and_exit_code():
    base = dict(phase="Pending", init=[_init("migrate")],
                statuses=[container_status("web", ready=False, state={"waiting": {"reason": "PodInitializing"}})],
                conditions=[{"type": "Initialized", "status": "False"}])
    p = pod("web", init_statuses=[container_status(
        "migrate", "busybox:1.36", ready=False, restarts=2, state={"waiting": {"reason": "CrashLoopBackOff"}},
        last={"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ts(100)}})], **base)
    assert cells(p) == ("0/1", "Init:CrashLoopBackOff", "2 (25s ago)")
    p = pod("web", init_statuses=[container_status(
        "migrate", "busybox:1.36", ready=False, state={"terminated": {"exitCode": 1, "reason": "Error"}})], **base)
    assert cells(p)[1] == "Init:Error"
    p = pod("web", init_statuses=[container_status(
        "migrate", "busybox:1.36", ready=False, state={"terminated": {"exitCode": 2}})], **base)
    assert cells(p)[1] == "Init:ExitCode:2"


def test_completed_error_oomkilled():
    done = pod("job", phase="Succeeded", conditions=[{"type": "Ready", "status": "False"}],
               statuses=[container_status("job", ready=False, state={"terminated": {"exitCode": 0, "reason": "Completed"}})])
    assert cells(done) == ("0/1", "Completed", "0")
    failed = pod("job", phase="Failed",
                 statuses=[container_status("job", ready=False, state={"terminated": {"exitCode": 1, "reason": "Error"}})])
    assert cells(failed) == ("0/1", "Error", "0")
    oom = pod("mem", statuses=[container_status(
        "mem", ready=False, restarts=1, state={"terminated": {"exitCode": 137, "reason": "OOMKilled"}},
        last={"terminated": {"exitCode": 137, "reason": "OOMKilled", "finishedAt": ts(65)}})])
    assert cells(oom) == ("0/1", "OOMKilled", "1 (60s ago)")


def test_first_container_with_a_reason_wins():
    # printPod walks containers from last to first, so the first one's reason is shown.
    p = pod("web", containers=[{"name": "a", "image": "x"}, {"name": "b", "image": "y"}],
            statuses=[container_status("a", ready=False, state={"waiting": {"reason": "ImagePullBackOff"}}),
                      container_status("b", ready=False, state={"waiting": {"reason": "CrashLoopBackOff"}})])
    assert cells(p) == ("0/2", "ImagePullBackOff", "0")


def test_completed_with_running_container_is_notready_or_running():
    p = pod("web", containers=[{"name": "a", "image": "x"}, {"name": "b", "image": "y"}],
            statuses=[container_status("a", ready=True),
                      container_status("b", ready=False, state={"terminated": {"exitCode": 0, "reason": "Completed"}})],
            conditions=[{"type": "Ready", "status": "False"}])
    assert cells(p) == ("1/2", "NotReady", "0")
    p["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    assert cells(p)[1] == "Running"


def test_terminating():
    p = pod("web", deletion=120)
    assert cells(p) == ("1/1", "Terminating", "0")
    done = pod("job", phase="Succeeded", deletion=120,
               statuses=[container_status("job", ready=False, state={"terminated": {"exitCode": 0, "reason": "Completed"}})])
    assert cells(done)[1] == "Completed"


def test_sidecars_count_in_ready_and_restarts():
    init = [_init("log-shipper", sidecar=True)]
    ready_sidecar = container_status("log-shipper", "busybox:1.36", ready=True, started=True, restarts=1,
                                     last={"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ts(95)}})
    p = pod("web", init=init, init_statuses=[ready_sidecar])
    assert cells(p) == ("2/2", "Running", "1 (30s ago)")
    p["status"]["initContainerStatuses"][0]["ready"] = False
    assert cells(p) == ("1/2", "Running", "1 (30s ago)")


def test_container_not_ready_running():
    p = pod("web", containers=[{"name": "web", "image": "x"}, {"name": "proxy", "image": "y"}],
            statuses=[container_status("web", ready=True), container_status("proxy", ready=False)],
            conditions=[{"type": "Ready", "status": "False"}])
    assert cells(p) == ("1/2", "Running", "0")


def test_pending_pod_wide_row_has_none_cells():
    p = pod("big", node=None, phase="Pending", statuses=[],
            conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}])
    assert printers.print_table("Pod", [p], NOW, wide=True) == (
        "NAME   READY   STATUS    RESTARTS   AGE    IP       NODE     NOMINATED NODE   READINESS GATES\n"
        "big    0/1     Pending   0          2m5s   <none>   <none>   <none>           <none>\n")


def test_probe_description_matches_kubectl():
    probe = {"httpGet": {"path": "/status", "port": 80, "scheme": "HTTP"}, "initialDelaySeconds": 60,
             "timeoutSeconds": 5, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 48}
    assert describe_probe(probe) == (
        "http-get http://:80/status delay=60s timeout=5s period=5s #success=1 #failure=48")
    assert describe_probe({"exec": {"command": ["cat", "/tmp/healthy"]}}) == (
        "exec [cat /tmp/healthy] delay=0s timeout=1s period=10s #success=1 #failure=3")
    assert describe_probe({"tcpSocket": {"port": 5432}, "periodSeconds": 5}) == (
        "tcp-socket :5432 delay=0s timeout=1s period=5s #success=1 #failure=3")


def test_timestamps_iso_and_virtual_seconds():
    class C:
        epoch = EPOCH
    assert to_epoch("2026-01-01T00:02:05Z") == NOW
    assert to_epoch(125, C()) == NOW


def test_live_pod_from_the_official_client_prints_the_same():
    """A pod as ApiClient().sanitize_for_serialization gives it (datetimes -> ISO text, None dropped)."""
    from datetime import timedelta

    from kubernetes import client

    t = lambda s: EPOCH + timedelta(seconds=s)  # noqa: E731
    v1pod = client.V1Pod(
        api_version="v1", kind="Pod",
        metadata=client.V1ObjectMeta(name="web", namespace="default", creation_timestamp=t(0), labels={"app": "web"}),
        spec=client.V1PodSpec(node_name="kind-worker", containers=[client.V1Container(name="web", image="nginx")]),
        status=client.V1PodStatus(
            phase="Running", pod_ip="10.244.1.3", pod_ips=[client.V1PodIP(ip="10.244.1.3")],
            conditions=[client.V1PodCondition(type="Ready", status="True")],
            container_statuses=[client.V1ContainerStatus(
                name="web", image="nginx", image_id="", ready=False, restart_count=3, started=False,
                state=client.V1ContainerState(waiting=client.V1ContainerStateWaiting(reason="CrashLoopBackOff")),
                last_state=client.V1ContainerState(terminated=client.V1ContainerStateTerminated(
                    exit_code=1, reason="Error", finished_at=t(113))))]))
    live = client.ApiClient().sanitize_for_serialization(v1pod)
    assert isinstance(live["metadata"]["creationTimestamp"], str)
    assert printers.print_table("Pod", [live], NOW, wide=True) == (
        "NAME   READY   STATUS             RESTARTS      AGE    IP           NODE          NOMINATED NODE   READINESS GATES\n"
        "web    0/1     CrashLoopBackOff   3 (12s ago)   2m5s   10.244.1.3   kind-worker   <none>           <none>\n")
