"""DefaultPreemption: victims (lowest priority first, minimal set, PodDisruptionBudgets counted),
the choice of node, and the preemption part of the FailedScheduling message
(plugins/defaultpreemption/default_preemption.go, framework/preemption/preemption.go)."""
from __future__ import annotations

from k8s_helpers.scheduler.framework import UNSCHEDULABLE, CycleState, Status
from k8s_helpers.scheduler.plugins.default_preemption import disruptions_allowed
from k8s_helpers.scheduler.profile import default_framework
from scheduler_support import FakeHandle, build_snapshot, make_node, make_pod, pod_info

CAP = {"cpu": "3", "memory": "10Gi"}


def setup(nodes, pods, objects=()):
    snap = build_snapshot(nodes, pods)
    handle = FakeHandle(objects=objects, snapshot=snap)
    fw = default_framework(handle)
    return handle, fw, snap


def preempt(preemptor, nodes, pods, objects=()):
    handle, fw, snap = setup(nodes, pods, objects)
    pi = pod_info(preemptor)
    state = CycleState()
    fw.run_pre_filter(state, pi, snap)
    statuses = {}
    for ni in snap.nodes:
        st = fw.run_filter(state, pi, ni)
        if st is not None:
            statuses[ni.name] = st
    nominated, st = fw.run_post_filter(state, pi, statuses, None, len(snap.nodes))
    return nominated, st, handle.preempted


def cpu(n):
    return [{"cpu": n}]


def test_lowest_priority_victims_and_minimal_set():
    pods = [make_pod("p1", node="n1", reqs=cpu("1"), priority=10), make_pod("p2", node="n1", reqs=cpu("1"), priority=20),
            make_pod("p3", node="n1", reqs=cpu("1"), priority=30)]
    nominated, st, preempted = preempt(make_pod("vip", reqs=cpu("1"), priority=100),
                                       [make_node("n1", capacity=CAP)], pods)
    # Removing all lower-priority pods makes room; then the most important ones are given back
    # while the pod still fits: only the lowest-priority pod is evicted.
    assert (nominated, st.success, preempted) == ("n1", True, [("n1", ["p1"])])


def test_pdb_violating_pods_are_given_back_first():
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "pdb", "namespace": "default"},
           "spec": {"selector": {"matchLabels": {"app": "db"}}}, "status": {"disruptionsAllowed": 0}}
    pods = [make_pod("db", node="n1", labels={"app": "db"}, reqs=cpu("1"), priority=10),
            make_pod("web", node="n1", labels={"app": "web"}, reqs=cpu("1"), priority=20),
            make_pod("other", node="n1", reqs=cpu("1"), priority=30)]
    _, st, preempted = preempt(make_pod("vip", reqs=cpu("1"), priority=100), [make_node("n1", capacity=CAP)], pods,
                               [pdb])
    # "db" (protected by a PDB with no disruptions left) is reprieved first and keeps its place.
    assert st.success and preempted == [("n1", ["web"])]


def test_node_with_fewer_pdb_violations_then_lower_priority_wins():
    pods = [make_pod("a", node="n1", reqs=cpu("3"), priority=50),
            make_pod("b", node="n2", reqs=cpu("3"), priority=10)]
    nominated, _, preempted = preempt(make_pod("vip", reqs=cpu("3"), priority=100),
                                      [make_node("n1", capacity=CAP), make_node("n2", capacity=CAP)], pods)
    assert nominated == "n2" and preempted == [("n2", ["b"])]


def test_no_victims_message():
    pods = [make_pod("same", node="n1", reqs=cpu("3"), priority=100)]
    nominated, st, preempted = preempt(make_pod("vip", reqs=cpu("1"), priority=100),
                                       [make_node("n1", capacity=CAP), make_node("n2", capacity=CAP, unschedulable=True)],
                                       pods)
    assert nominated == "" and preempted == []
    assert st.code == UNSCHEDULABLE and st.reasons == [
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
        "1 Preemption is not helpful for scheduling."]


def test_victims_removed_but_still_too_big_keeps_the_filter_reason():
    pods = [make_pod("low", node="n1", reqs=cpu("1"), priority=1)]
    _, st, _ = preempt(make_pod("vip", reqs=[{"cpu": "3", "memory": "20Gi"}], priority=100),
                       [make_node("n1", capacity={"cpu": "3", "memory": "30Gi"})],
                       pods + [make_pod("high", node="n1", reqs=[{"memory": "15Gi"}], priority=1000)])
    assert st.reasons == ["preemption: 0/1 nodes are available: 1 Insufficient memory."]


def test_disruptions_allowed_without_status():
    pods = [pod_info(make_pod(f"p{i}", node="n1", labels={"app": "db"})) for i in range(3)]
    pdb = {"metadata": {"name": "x", "namespace": "default"},
           "spec": {"selector": {"matchLabels": {"app": "db"}}, "minAvailable": 2}}
    assert disruptions_allowed(pdb, pods) == 1
    pdb["spec"] = {"selector": {"matchLabels": {"app": "db"}}, "maxUnavailable": "50%"}
    # 50 % of 3 rounded up (GetScaledValueFromIntOrPercent with roundUp) = 2 may be unavailable.
    assert disruptions_allowed(pdb, pods) == 2
    pdb["status"] = {"disruptionsAllowed": 0}  # the controller's figure wins when present
    assert disruptions_allowed(pdb, pods) == 0


def test_preemption_policy_never():
    _, st, _ = preempt(make_pod("vip", reqs=cpu("3"), priority=100, preemption_policy="Never"),
                       [make_node("n1", capacity=CAP)], [make_pod("low", node="n1", reqs=cpu("3"), priority=1)])
    assert st.reasons == ["preemption: not eligible due to preemptionPolicy=Never."]
    assert isinstance(st, Status)
