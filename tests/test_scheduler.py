"""The scheduler (SCH-1..3, FIT-1, TNT-1, AFF-1): where pods land and why they stay Pending."""
from __future__ import annotations

import pytest

from k8s_helpers import Cluster
from k8s_helpers.scheduler.framework import UNRESOLVABLE, UNSCHEDULABLE, Status, fit_error_message
from k8s_helpers.scheduler.node_info import pod_requests
from k8s_helpers.scheduler.profile import default_framework
from k8s_helpers.scheduler.plugins.taint_toleration import parse_taint, tolerates


def _pod(name, **spec):
    containers = spec.pop("containers", None) or [{"name": "app", "image": "nginx:1.27"}]
    if "requests" in spec:
        containers[0]["resources"] = {"requests": spec.pop("requests")}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": dict(spec, containers=containers)}


def _node_of(c, name):
    return c.get("pod", name)["spec"].get("nodeName")


def _scheduled_cond(c, name):
    return next(x for x in c.get("pod", name)["status"]["conditions"] if x["type"] == "PodScheduled")


def test_kind_cluster_shape():
    c = Cluster.kind(workers=3)
    nodes = c.get("nodes")
    assert [n["metadata"]["name"] for n in nodes] == ["kind-control-plane", "kind-worker", "kind-worker2",
                                                     "kind-worker3"]
    cp = nodes[0]
    assert cp["spec"]["taints"] == [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    assert cp["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] == ""
    for n in nodes:
        labels = n["metadata"]["labels"]
        assert labels["kubernetes.io/hostname"] == n["metadata"]["name"]
        assert labels["kubernetes.io/os"] == "linux" and labels["kubernetes.io/arch"] == "amd64"
        assert n["status"]["allocatable"]["pods"] == "110"
        assert {x["type"]: x["status"] for x in n["status"]["conditions"]}["Ready"] == "True"
    assert "node-role.kubernetes.io/control-plane" not in nodes[1]["metadata"]["labels"]


def test_kind_control_plane_gets_nothing_without_toleration():
    c = Cluster.kind(workers=3)
    c.apply([_pod(f"p{i}") for i in range(30)])
    c.run(5)
    nodes = {_node_of(c, f"p{i}") for i in range(30)}
    assert "kind-control-plane" not in nodes
    assert nodes == {"kind-worker", "kind-worker2", "kind-worker3"}
    assert all(p["status"]["phase"] == "Running" for p in c.get("pods"))


def test_toleration_allows_the_control_plane():
    c = Cluster.kind(workers=1)
    tol = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]
    c.apply(_pod("admin", tolerations=tol, nodeSelector={"node-role.kubernetes.io/control-plane": ""}))
    c.run(0)
    assert _node_of(c, "admin") == "kind-control-plane"


def test_node_selector():
    c = Cluster(seed=0)
    c.add_node("nodo1", labels={"zona": "europa"})
    c.add_node("nodo2", labels={"zona": "america"})
    c.add_node("nodo3")
    c.apply([_pod(f"eu{i}", nodeSelector={"zona": "europa"}) for i in range(5)])
    c.apply(_pod("asia", nodeSelector={"zona": "asia"}))
    c.run(0)
    assert {_node_of(c, f"eu{i}") for i in range(5)} == {"nodo1"}
    assert _node_of(c, "asia") is None
    assert c.get("pod", "asia")["status"]["phase"] == "Pending"
    cond = _scheduled_cond(c, "asia")
    assert (cond["status"], cond["reason"]) == ("False", "Unschedulable")
    msg = ("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. "
           "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    assert cond["message"] == msg
    ev = c.events(name="asia", reason="FailedScheduling")
    assert len(ev) == 1 and ev[0]["type"] == "Warning" and ev[0]["message"] == msg
    # A node with the label arrives: the pending pod is retried and scheduled.
    c.add_node("nodo4", labels={"zona": "asia"})
    c.run(0)
    assert _node_of(c, "asia") == "nodo4"
    assert c.events(name="asia", reason="Scheduled")[0]["message"] == "Successfully assigned default/asia to nodo4"


def test_required_and_preferred_node_affinity():
    c = Cluster(seed=3)
    c.add_node("a", labels={"disco": "ssd", "gpu": "true"})
    c.add_node("b", labels={"disco": "ssd"})
    c.add_node("c", labels={"disco": "hdd"})
    affinity = {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "disco", "operator": "In", "values": ["ssd"]}]}]},
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 50, "preference": {"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}}]}}
    c.apply([_pod(f"p{i}", affinity=affinity) for i in range(3)])
    c.run(0)
    assert [_node_of(c, f"p{i}") for i in range(3)] == ["a", "a", "a"]


def test_insufficient_resources_pending_with_failed_scheduling():
    c = Cluster.kind(workers=3, cpu="2", memory="4Gi")
    c.apply(_pod("big", requests={"cpu": "3", "memory": "1Gi"}))
    c.run(0)
    assert c.get("pod", "big")["status"]["phase"] == "Pending"
    # 1.36: the taint reason names no taint (TNT-1b); a request larger than the node's whole
    # allocatable is UnschedulableAndUnresolvable (fit.go), so preemption is not even tried there.
    msg = ("0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 Insufficient cpu. "
           "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.")
    assert _scheduled_cond(c, "big")["message"] == msg
    assert c.events(name="big", reason="FailedScheduling")[0]["message"] == msg


def test_requests_fill_a_node_then_pending_until_a_pod_is_deleted():
    c = Cluster(seed=0)
    c.add_node("nodo1", cpu="1", memory="1Gi")
    c.apply([_pod(f"p{i}", requests={"cpu": "300m"}) for i in range(4)])
    c.run(5)
    assert [_node_of(c, f"p{i}") for i in range(4)] == ["nodo1", "nodo1", "nodo1", None]
    assert "1 Insufficient cpu" in _scheduled_cond(c, "p3")["message"]
    c.delete("pod", "p0")
    c.run(0)
    assert _node_of(c, "p3") == "nodo1"


def test_memory_and_pod_count_limits():
    c = Cluster(seed=0)
    c.add_node("small", cpu="8", memory="1Gi", pods=2)
    c.apply(_pod("m", requests={"memory": "2Gi"}))
    c.apply([_pod(f"p{i}") for i in range(3)])
    c.run(0)
    assert "1 Insufficient memory" in _scheduled_cond(c, "m")["message"]
    assert [_node_of(c, f"p{i}") for i in range(3)] == ["small", "small", None]
    assert "1 Too many pods" in _scheduled_cond(c, "p2")["message"]


def test_noschedule_taint_and_toleration():
    c = Cluster(seed=0)
    c.add_node("gpu1", taints=["gpu=true:NoSchedule"])
    c.apply(_pod("normal"))
    c.apply(_pod("ia", tolerations=[{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]))
    c.run(0)
    assert _node_of(c, "normal") is None
    assert _scheduled_cond(c, "normal")["message"].startswith(
        "0/1 nodes are available: 1 node(s) had untolerated taint(s).")
    assert _node_of(c, "ia") == "gpu1"


def test_prefer_no_schedule_is_only_a_preference():
    c = Cluster(seed=0)
    c.add_node("a", taints=["viejo=si:PreferNoSchedule"])
    c.add_node("b")
    c.apply(_pod("p1"))
    c.run(0)
    assert _node_of(c, "p1") == "b"
    c2 = Cluster(seed=0)
    c2.add_node("a", taints=["viejo=si:PreferNoSchedule"])
    c2.apply(_pod("p1"))
    c2.run(0)
    assert _node_of(c2, "p1") == "a"


def test_least_allocated_spreads_pods():
    c = Cluster(seed=0)
    for n in ("a", "b", "c"):
        c.add_node(n, cpu="4", memory="8Gi")
    c.apply([_pod(f"p{i}", requests={"cpu": "1", "memory": "1Gi"}) for i in range(6)])
    c.run(0)
    placed = [_node_of(c, f"p{i}") for i in range(6)]
    assert sorted(placed) == ["a", "a", "b", "b", "c", "c"]


def test_node_name_bypasses_the_scheduler_and_taints():
    c = Cluster.kind(workers=1)
    c.apply(_pod("fijo", nodeName="kind-control-plane"))
    c.run(5)
    pod = c.get("pod", "fijo")
    assert pod["spec"]["nodeName"] == "kind-control-plane"
    assert pod["status"]["phase"] == "Running"
    assert c.events(name="fijo", reason="Scheduled") == []  # the scheduler never saw it
    assert _scheduled_cond(c, "fijo")["status"] == "True"


def test_node_name_kubelet_rejects_when_resources_do_not_fit():
    c = Cluster(seed=0)
    c.add_node("nodo1", cpu="1", memory="1Gi")
    c.apply(_pod("enorme", nodeName="nodo1", requests={"cpu": "2"}))
    c.run(5)
    status = c.get("pod", "enorme")["status"]
    assert status["phase"] == "Failed"
    assert status["reason"] == "OutOfcpu"
    assert "Node didn't have enough resource: cpu" in status["message"]


def test_node_name_to_missing_node_stays_pending_until_it_appears():
    c = Cluster(seed=0)
    c.apply(_pod("espera", nodeName="futuro"))
    c.run(10)
    assert c.get("pod", "espera")["status"]["phase"] == "Pending"
    c.add_node("futuro")
    c.run(5)
    assert c.get("pod", "espera")["status"]["phase"] == "Running"


def test_same_seed_same_placement_different_seed_may_differ():
    def placement(seed):
        c = Cluster(seed=seed)
        for n in ("a", "b", "c", "d"):
            c.add_node(n)
        c.apply([_pod(f"p{i}") for i in range(8)])
        c.run(0)
        return [_node_of(c, f"p{i}") for i in range(8)]

    assert placement(7) == placement(7)
    assert len({tuple(placement(s)) for s in range(6)}) > 1


# --------------------------------------------------------------------------- units
@pytest.mark.parametrize("toleration, taint, expected", [
    ({"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"},
     {"key": "gpu", "value": "true", "effect": "NoSchedule"}, True),
    ({"key": "gpu", "value": "true"}, {"key": "gpu", "value": "true", "effect": "NoExecute"}, True),
    ({"key": "gpu", "value": "false"}, {"key": "gpu", "value": "true", "effect": "NoSchedule"}, False),
    ({"key": "gpu", "operator": "Exists"}, {"key": "gpu", "value": "x", "effect": "NoSchedule"}, True),
    ({"operator": "Exists"}, {"key": "any", "value": "x", "effect": "NoExecute"}, True),
    ({"key": "gpu", "operator": "Exists", "effect": "NoExecute"}, {"key": "gpu", "effect": "NoSchedule"}, False),
    ({"key": "gpu", "operator": "In", "value": "true"}, {"key": "gpu", "value": "true", "effect": "NoSchedule"},
     False),
])
def test_tolerates(toleration, taint, expected):
    assert tolerates(toleration, taint) is expected


def test_parse_taint():
    assert parse_taint("gpu=true:NoSchedule") == {"key": "gpu", "value": "true", "effect": "NoSchedule"}
    assert parse_taint("dedicado:NoExecute") == {"key": "dedicado", "effect": "NoExecute"}
    with pytest.raises(ValueError):
        parse_taint("gpu=true:Nope")


def test_pod_requests_with_init_and_sidecars():
    spec = {
        "initContainers": [
            {"name": "i1", "resources": {"requests": {"cpu": "2"}}},
            {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m"}}},
            {"name": "i2", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}},
        ],
        "containers": [{"name": "a", "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}},
                       {"name": "b", "resources": {"requests": {"cpu": "250m"}}}],
        "overhead": {"cpu": "10m"},
    }
    req = pod_requests(spec)
    # cpu: max(0.25+0.25+0.5 = 1, i1 2, i2 1+0.5 = 1.5) = 2 (+10m overhead)
    assert req["cpu"] == 2010
    # memory: max(256Mi, 1Gi) = 1Gi, in bytes (Quantity.Value)
    assert req["memory"] == 1024 ** 3


def test_fit_error_message_sorting():
    failures = {"a": Status(UNSCHEDULABLE, "Insufficient cpu", "Insufficient memory"),
                "b": Status(UNSCHEDULABLE, "Insufficient cpu"),
                "c": Status(UNRESOLVABLE, "node(s) had untolerated taint(s)")}
    assert fit_error_message(3, failures) == (
        "0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s), 2 Insufficient cpu.")
    # Nodes without a status of their own count with the absent status (PreFilterResult).
    absent = Status(UNRESOLVABLE, "node(s) didn't satisfy plugin(s) [NodeAffinity]")
    assert fit_error_message(4, {"a": Status(UNSCHEDULABLE, "Insufficient cpu")}, absent,
                             post_filter_msg="preemption: x") == (
        "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
        "preemption: x")


def test_default_profile_weights():
    # pkg/scheduler/apis/config/v1/default_plugins.go (1.36), MultiPoint order.
    fw = default_framework()
    assert [(p.name, fw.weights[p.name]) for p in fw.score_plugins] == [
        ("TaintToleration", 3), ("NodeAffinity", 2), ("NodeResourcesFit", 1), ("PodTopologySpread", 2),
        ("InterPodAffinity", 2), ("NodeResourcesBalancedAllocation", 1), ("ImageLocality", 1)]
    assert [p.name for p in fw.filter_plugins] == [
        "NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit",
        "VolumeBinding", "PodTopologySpread", "InterPodAffinity"]
    assert [p.name for p in fw.post_filter_plugins] == ["DefaultPreemption"]


def test_node_name_kubelet_checks_noexecute_taints_and_selector():
    c = Cluster(seed=0)
    c.add_node("sucio", taints=["roto=si:NoExecute"])
    c.add_node("limpio", labels={"zona": "a"})
    c.apply(_pod("x", nodeName="sucio"))
    c.apply(_pod("y", nodeName="limpio", nodeSelector={"zona": "b"}))
    c.run(3)
    x, y = c.get("pod", "x")["status"], c.get("pod", "y")["status"]
    assert (x["phase"], x["reason"]) == ("Failed", "TaintToleration")
    # pkg/kubelet/lifecycle/predicate.go: the kubelet uses tainttoleration.ErrReasonNotMatch
    # (no taint named), and rejectPod prefixes status.message with "Pod was rejected: ".
    assert x["message"] == ("Pod was rejected: Predicate TaintToleration failed: node(s) had taints that "
                            "the pod didn't tolerate")
    assert (y["phase"], y["reason"]) == ("Failed", "NodeAffinity")
