"""ImageLocality, TaintToleration, NodeAffinity and NodePorts with the cases and expected results
of kube-scheduler 1.36's tables (pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go,
tainttoleration/taint_toleration_test.go, nodeaffinity/node_affinity_test.go,
nodeports/node_ports_test.go)."""
from __future__ import annotations

import pytest

from k8s_helpers.scheduler.framework import SKIP, UNRESOLVABLE, UNSCHEDULABLE, CycleState
from k8s_helpers.scheduler.plugins.image_locality import ImageLocality
from k8s_helpers.scheduler.plugins.node_affinity import REASON as AFFINITY_REASON, NodeAffinity
from k8s_helpers.scheduler.plugins.node_ports import REASON as PORTS_REASON, NodePorts
from k8s_helpers.scheduler.plugins.taint_toleration import REASON as TAINT_REASON, TaintToleration
from scheduler_support import build_snapshot, make_node, make_pod, pod_info, run_filter, run_score

MB = 1024 * 1024


# ------------------------------------------------------------------ image_locality_test.go
def inode(name, images):
    n = make_node(name)
    n["status"]["images"] = [{"names": names, "sizeBytes": size * MB} for names, size in images]
    return n


NODE_40_300_2000 = [(["gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"], 40),
                    (["gcr.io/300:latest", "gcr.io/300:v1"], 300), (["gcr.io/2000:latest"], 2000)]
NODE_250_10 = [(["gcr.io/250:latest"], 250), (["gcr.io/10:latest", "gcr.io/10:v1"], 10)]
NODE_600_40_900 = [(["gcr.io/600:latest"], 600), (["gcr.io/40:latest"], 40), (["gcr.io/900:latest"], 900)]
NODE_300_600_900 = [(["gcr.io/300:latest"], 300), (["gcr.io/600:latest"], 600), (["gcr.io/900:latest"], 900)]
NODE_4000_30 = [(["gcr.io/4000:latest"], 4000), (["gcr.io/30:latest"], 30)]
NODE_20_30_40 = [(["gcr.io/20:latest"], 20), (["gcr.io/30:latest"], 30), (["gcr.io/40:latest"], 40)]


def ipod(*images, init=(), volume=None):
    pod, prio = make_pod(images=images)
    if init:
        pod["spec"]["initContainers"] = [{"name": f"i{i}", "image": img} for i, img in enumerate(init)]
    if volume:
        pod["spec"]["volumes"] = [{"name": "imageVolume", "image": {"reference": volume}}]
    return pod, prio


IMAGES = [
    ("two images spread on two nodes, prefer the larger image one", ipod("gcr.io/40", "gcr.io/250"),
     [NODE_40_300_2000, NODE_250_10], [0, 5]),
    ("two images on one node, prefer this node", ipod("gcr.io/40", "gcr.io/300"), [NODE_40_300_2000, NODE_250_10],
     [7, 0]),
    ("if exceed limit, use limit", ipod("gcr.io/10", "gcr.io/4000"), [NODE_4000_30, NODE_250_10], [100, 0]),
    ("if exceed limit, use limit (with node which has no images present)", ipod("gcr.io/10", "gcr.io/4000"),
     [NODE_4000_30, NODE_250_10, []], [66, 0, 0]),
    ("pod with multiple large images, node2 is preferred", ipod("gcr.io/300", "gcr.io/600", "gcr.io/900"),
     [NODE_600_40_900, NODE_300_600_900, []], [32, 36, 0]),
    ("pod with multiple small images", ipod("gcr.io/30", "gcr.io/40"), [NODE_20_30_40, NODE_4000_30], [1, 0]),
    ("pod with ImageVolume", ipod("gcr.io/30", volume="gcr.io/300"), [NODE_300_600_900, NODE_4000_30], [12, 0]),
    ("include InitContainers", ipod("gcr.io/30", init=["gcr.io/300"]), [NODE_40_300_2000, NODE_20_30_40], [6, 0]),
]


@pytest.mark.parametrize("name, pod, node_images, want", IMAGES, ids=[c[0] for c in IMAGES])
def test_image_locality(name, pod, node_images, want):
    nodes = [inode(f"node{i + 1}", imgs) for i, imgs in enumerate(node_images)]
    assert list(run_score(ImageLocality(), pod, nodes).values()) == want


# ------------------------------------------------------------------ taint_toleration_test.go
def tnode(name, taints):
    return make_node(name, taints=taints)


def tpod(*tolerations):
    return make_pod(tolerations=list(tolerations))


def taint(key, value, effect="NoSchedule"):
    return {"key": key, "value": value, "effect": effect}


def tol(key, value=None, effect=None, op=None):
    t = {"key": key}
    if value is not None:
        t["value"] = value
    if effect:
        t["effect"] = effect
    if op:
        t["operator"] = op
    return t


PNS = "PreferNoSchedule"
TAINT_SCORES = [
    ("node with taints tolerated by the pod scores higher than one with intolerable taints",
     tpod(tol("foo", "bar", PNS, "Equal")), [[taint("foo", "bar", PNS)], [taint("foo", "blah", PNS)]], [100, 0]),
    ("the count of tolerated taints does not matter",
     tpod(tol("cpu-type", "arm64", PNS, "Equal"), tol("disk-type", "ssd", PNS, "Equal")),
     [[], [taint("cpu-type", "arm64", PNS)], [taint("cpu-type", "arm64", PNS), taint("disk-type", "ssd", PNS)]],
     [100, 100, 100]),
    ("the more intolerable taints a node has, the lower score it gets", tpod(tol("foo", "bar", PNS, "Equal")),
     [[], [taint("cpu-type", "arm64", PNS)], [taint("cpu-type", "arm64", PNS), taint("disk-type", "ssd", PNS)]],
     [100, 50, 0]),
    ("only PreferNoSchedule taints and tolerations count",
     tpod(tol("cpu-type", "arm64", "NoSchedule", "Equal"), tol("disk-type", "ssd", "NoSchedule", "Equal")),
     [[], [taint("cpu-type", "arm64")], [taint("cpu-type", "arm64", PNS), taint("disk-type", "ssd", PNS)]],
     [100, 100, 0]),
    ("no taints and tolerations: lands on the node without taints", tpod(), [[], [taint("cpu-type", "arm64", PNS)]],
     [100, 0]),
]


@pytest.mark.parametrize("name, pod, taints, want", TAINT_SCORES, ids=[c[0] for c in TAINT_SCORES])
def test_taint_toleration_score(name, pod, taints, want):
    nodes = [tnode(f"node{i}", t) for i, t in enumerate(taints)]
    assert list(run_score(TaintToleration(), pod, nodes).values()) == want


TAINT_FILTER = [
    ("no tolerations, node with taints", tpod(), [taint("dedicated", "user1")], False),
    ("tolerates the dedicated user1 taint", tpod(tol("dedicated", "user1", "NoSchedule")), [taint("dedicated", "user1")],
     True),
    ("toleration for user2 on a user1 node", tpod(tol("dedicated", "user2", "NoSchedule", "Equal")),
     [taint("dedicated", "user1")], False),
    ("Exists tolerates the taint", tpod(tol("foo", effect="NoSchedule", op="Exists")), [taint("foo", "bar")], True),
    ("multiple tolerations, all taints tolerated",
     tpod(tol("dedicated", "user2", "NoSchedule", "Equal"), tol("foo", effect="NoSchedule", op="Exists")),
     [taint("dedicated", "user2"), taint("foo", "bar")], True),
    ("key and value match but the non-empty effect does not", tpod(tol("foo", "bar", PNS, "Equal")),
     [taint("foo", "bar")], False),
    ("empty toleration effect matches NoSchedule", tpod(tol("foo", "bar", op="Equal")), [taint("foo", "bar")], True),
    ("PreferNoSchedule taints never reject", tpod(tol("dedicated", "user2", "NoSchedule", "Equal")),
     [taint("dedicated", "user1", PNS)], True),
    ("no tolerations, only a PreferNoSchedule taint", tpod(), [taint("dedicated", "user1", PNS)], True),
    ("Gt is an alpha operator, off in 1.36: it tolerates nothing",
     tpod(tol("node.kubernetes.io/sla", "750", "NoSchedule", "Gt")), [taint("node.kubernetes.io/sla", "950")], False),
]


@pytest.mark.parametrize("name, pod, taints, fits", TAINT_FILTER, ids=[c[0] for c in TAINT_FILTER])
def test_taint_toleration_filter(name, pod, taints, fits):
    st = run_filter(TaintToleration(), pod, [tnode("nodeA", taints)])["nodeA"]
    if fits:
        assert st is None
    else:
        assert (st.code, st.reasons) == (UNRESOLVABLE, [TAINT_REASON])


# ------------------------------------------------------------------ node_affinity_test.go
def naff(*terms):
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}


def expr(key, op, values=None):
    e = {"key": key, "operator": op}
    if values is not None:
        e["values"] = values
    return e


def fields(*names):
    return {"key": "metadata.name", "operator": "In", "values": list(names)}


def anode(name, **labels):
    n = make_node(name)
    n["metadata"]["labels"] = dict(labels)
    return n


NODE_AFFINITY = [
    ("missing labels", make_pod(node_selector={"foo": "bar"}), "node1", {}, False),
    ("same labels", make_pod(node_selector={"foo": "bar"}), "node1", {"foo": "bar"}, True),
    ("node labels are superset", make_pod(node_selector={"foo": "bar"}), "node1", {"foo": "bar", "baz": "blah"}, True),
    ("node labels are subset", make_pod(node_selector={"foo": "bar", "baz": "blah"}), "node1", {"foo": "bar"}, False),
    ("In operator matches", make_pod(affinity=naff({"matchExpressions": [expr("foo", "In", ["bar", "value2"])]})),
     "node1", {"foo": "bar"}, True),
    ("Gt operator matches", make_pod(affinity=naff({"matchExpressions": [expr("kernel-version", "Gt", ["0204"])]})),
     "node1", {"kernel-version": "0206"}, True),
    ("NotIn operator matches", make_pod(affinity=naff({"matchExpressions": [expr("mem-type", "NotIn", ["DDR", "DDR2"])]})),
     "node1", {"mem-type": "DDR3"}, True),
    ("Exists operator matches", make_pod(affinity=naff({"matchExpressions": [expr("GPU", "Exists")]})),
     "node1", {"GPU": "NVIDIA-GRID-K1"}, True),
    ("affinity not matching the node's labels",
     make_pod(affinity=naff({"matchExpressions": [expr("foo", "In", ["value1", "value2"])]})),
     "node1", {"foo": "bar"}, False),
    ("empty matchExpressions matches no objects", make_pod(affinity=naff({"matchExpressions": []})),
     "node1", {"foo": "bar"}, False),
    ("no affinity: Skip", make_pod(), "node1", {"foo": "bar"}, "skip"),
    ("multiple matchExpressions ANDed, match",
     make_pod(affinity=naff({"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "NotIn", ["AMD", "INTER"])]})),
     "node1", {"GPU": "NVIDIA-GRID-K1"}, True),
    ("multiple matchExpressions ANDed, no match",
     make_pod(affinity=naff({"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "In", ["AMD", "INTER"])]})),
     "node1", {"GPU": "NVIDIA-GRID-K1"}, False),
    ("multiple nodeSelectorTerms ORed",
     make_pod(affinity=naff({"matchExpressions": [expr("foo", "In", ["bar", "value2"])]},
                            {"matchExpressions": [expr("diffkey", "In", ["wrong", "value2"])]})),
     "node1", {"foo": "bar"}, True),
    ("affinity and nodeSelector both match",
     make_pod(node_selector={"foo": "bar"}, affinity=naff({"matchExpressions": [expr("foo", "Exists")]})),
     "node1", {"foo": "bar"}, True),
    ("affinity matches but nodeSelector does not",
     make_pod(node_selector={"foo": "bar"}, affinity=naff({"matchExpressions": [expr("foo", "Exists")]})),
     "node1", {"foo": "barrrrrr"}, False),
    ("an invalid value in the term: no match",
     make_pod(affinity=naff({"matchExpressions": [expr("foo", "NotIn", ["invalid value: ___@#$%^"])]})),
     "node1", {"foo": "bar"}, False),
    ("matchFields In matches", make_pod(affinity=naff({"matchFields": [fields("node1")]})), "node1", {"foo": "bar"},
     True),
    ("matchFields In does not match", make_pod(affinity=naff({"matchFields": [fields("node1")]})), "node2",
     {"foo": "bar"}, False),
    ("two terms: matchFields does not match, matchExpressions does",
     make_pod(affinity=naff({"matchFields": [fields("node1")]}, {"matchExpressions": [expr("foo", "In", ["bar"])]})),
     "node2", {"foo": "bar"}, True),
    ("one term: matchFields does not match, matchExpressions does",
     make_pod(affinity=naff({"matchFields": [fields("node1")], "matchExpressions": [expr("foo", "In", ["bar"])]})),
     "node2", {"foo": "bar"}, False),
    ("one term: both match",
     make_pod(affinity=naff({"matchFields": [fields("node1")], "matchExpressions": [expr("foo", "In", ["bar"])]})),
     "node1", {"foo": "bar"}, True),
    ("two terms: neither matches",
     make_pod(affinity=naff({"matchFields": [fields("node1")]},
                            {"matchExpressions": [expr("foo", "In", ["not-match-to-bar"])]})),
     "node2", {"foo": "bar"}, False),
]


@pytest.mark.parametrize("name, pod, node_name, labels, fits", NODE_AFFINITY, ids=[c[0] for c in NODE_AFFINITY])
def test_node_affinity_filter(name, pod, node_name, labels, fits):
    got = run_filter(NodeAffinity(), pod, [anode(node_name, **labels)])[node_name]
    if fits is True or fits == "skip":
        assert got is None
    else:
        assert (got.code, got.reasons) == (UNRESOLVABLE, [AFFINITY_REASON])
    if fits == "skip":
        _, st = NodeAffinity().pre_filter(CycleState(), pod_info(pod), build_snapshot([anode(node_name, **labels)]))
        assert st.code == SKIP


def test_node_affinity_pre_filter_result_narrows_nodes():
    pod = make_pod(affinity=naff({"matchFields": [fields("node1")]}, {"matchFields": [fields("node2")]}))
    res, st = NodeAffinity().pre_filter(CycleState(), pod_info(pod), build_snapshot([anode("node1")]))
    assert st is None and res.node_names == {"node1", "node2"}


def paff(*prefs):
    return {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": w, "preference": {"matchExpressions": list(es)}} for w, es in prefs]}}


AFF1 = paff((2, [expr("foo", "In", ["bar"])]))
AFF2 = paff((2, [expr("foo", "In", ["bar"])]), (4, [expr("key", "In", ["value"])]),
            (5, [expr("foo", "In", ["bar"]), expr("key", "In", ["value"]), expr("az", "In", ["az1"])]))
L1, L2, L3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
L4, L5 = {"abc": "az11", "def": "az22"}, {"foo": "bar", "key": "value", "az": "az1"}

PRIORITY = [
    ("no preferred terms: PreScore skips", make_pod(), [L1, L2, L3], None),
    ("no node matches the preferred terms", make_pod(affinity=AFF1), [L4, L2, L3], [0, 0, 0]),
    ("only node1 matches", make_pod(affinity=AFF1), [L1, L2, L3], [100, 0, 0]),
    ("all nodes match with different priorities", make_pod(affinity=AFF2), [L1, L5, L2], [18, 100, 36]),
]


@pytest.mark.parametrize("name, pod, labels, want", PRIORITY, ids=[c[0] for c in PRIORITY])
def test_node_affinity_priority(name, pod, labels, want):
    nodes = [anode(f"node{i + 1}", **lab) for i, lab in enumerate(labels)]
    got = run_score(NodeAffinity(), pod, nodes)
    assert (None if got is None else list(got.values())) == want


# ------------------------------------------------------------------ node_ports_test.go
def ports(*specs):
    """'UDP/127.0.0.1/8080' -> (port, protocol, hostIP)."""
    out = []
    for s in specs:
        proto, ip, port = s.split("/")
        out.append((int(port), proto, ip))
    return out


NODE_PORTS = [
    ("skip filter", [], [], True),
    ("other port", ["UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/9090"], True),
    ("same udp port", ["UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/8080"], False),
    ("same tcp port", ["TCP/127.0.0.1/8080"], ["TCP/127.0.0.1/8080"], False),
    ("different host ip", ["TCP/127.0.0.1/8080"], ["TCP/127.0.0.2/8080"], True),
    ("different protocol", ["UDP/127.0.0.1/8080"], ["TCP/127.0.0.1/8080"], True),
    ("second udp port conflict", ["UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/8080"], False),
    ("first tcp port conflict", ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"],
     ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"], False),
    ("first tcp port conflict due to 0.0.0.0 hostIP", ["TCP/0.0.0.0/8001"], ["TCP/127.0.0.1/8001"], False),
    ("TCP hostPort conflict due to 0.0.0.0 hostIP", ["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"],
     ["TCP/127.0.0.1/8001"], False),
    ("second tcp port conflict to 0.0.0.0 hostIP", ["TCP/127.0.0.1/8001"], ["TCP/0.0.0.0/8001"], False),
    ("second different protocol", ["UDP/127.0.0.1/8001"], ["TCP/0.0.0.0/8001"], True),
    ("UDP hostPort conflict due to 0.0.0.0 hostIP", ["UDP/127.0.0.1/8001"], ["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"],
     False),
]


@pytest.mark.parametrize("name, wanted, used, fits", NODE_PORTS, ids=[c[0] for c in NODE_PORTS])
def test_node_ports(name, wanted, used, fits):
    existing = [make_pod(node="n", host_ports=ports(*used))] if used else []
    st = run_filter(NodePorts(), make_pod(host_ports=ports(*wanted)), [make_node("n")], existing)["n"]
    if fits:
        assert st is None
    else:
        assert (st.code, st.reasons) == (UNSCHEDULABLE, [PORTS_REASON])


def test_node_ports_ignore_non_sidecar_init_containers():
    pod, prio = make_pod()
    pod["spec"]["initContainers"] = [{"name": "init", "image": "x",
                                      "ports": [{"containerPort": 8001, "hostPort": 8001}]}]
    existing = [make_pod(node="n", host_ports=ports("TCP/0.0.0.0/8001"))]
    assert run_filter(NodePorts(), (pod, prio), [make_node("n")], existing)["n"] is None
    pod["spec"]["initContainers"][0]["restartPolicy"] = "Always"  # a sidecar keeps its port
    st = run_filter(NodePorts(), (pod, prio), [make_node("n")], existing)["n"]
    assert st.reasons == [PORTS_REASON]
