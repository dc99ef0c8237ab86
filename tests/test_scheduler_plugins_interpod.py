"""InterPodAffinity: Filter and Score with the cases and expected results of kube-scheduler
1.36's tables (pkg/scheduler/framework/plugins/interpodaffinity/filtering_test.go
TestRequiredAffinitySingleNode / TestRequiredAffinityMultipleNodes, scoring_test.go
TestPreferredAffinity). Nodes carry only the labels the upstream case gives them."""
from __future__ import annotations

import pytest

from k8s_helpers.scheduler.framework import UNRESOLVABLE, UNSCHEDULABLE
from k8s_helpers.scheduler.plugins.inter_pod_affinity import (REASON_AFFINITY, REASON_ANTI_AFFINITY,
                                                              REASON_EXISTING_ANTI_AFFINITY, InterPodAffinity)
from scheduler_support import FakeHandle, make_node, make_pod, run_filter, run_score

NAMESPACES = {"default": {}, "ns": {}, "subteam1.team1": {"team": "team1"}, "subteam2.team1": {"team": "team1"},
              "subteam1.team2": {"team": "team2"}, "subteam2.team2": {"team": "team2"}}


def plugin():
    return InterPodAffinity(FakeHandle(NAMESPACES))


def node(name, **labels):
    n = make_node(name, labels=labels)
    n["metadata"]["labels"] = dict(labels)  # only the case's labels, as upstream
    return n


def term(key, op, values, tk, namespaces=None, ns_selector=None):
    expr = {"key": key, "operator": op}
    if values is not None:
        expr["values"] = list(values)
    t = {"labelSelector": {"matchExpressions": [expr]}, "topologyKey": tk}
    if namespaces:
        t["namespaces"] = namespaces
    if ns_selector is not None:
        t["namespaceSelector"] = ns_selector
    return t


def multi(exprs, tk, **kw):
    t = {"labelSelector": {"matchExpressions": exprs}, "topologyKey": tk}
    t.update(kw)
    return t


def aff(req=(), anti=(), pref=(), pref_anti=()):
    out = {}
    if req or pref:
        out["podAffinity"] = {}
        if req:
            out["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = list(req)
        if pref:
            out["podAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = [
                {"weight": w, "podAffinityTerm": t} for w, t in pref]
    if anti or pref_anti:
        out["podAntiAffinity"] = {}
        if anti:
            out["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = list(anti)
        if pref_anti:
            out["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = [
                {"weight": w, "podAffinityTerm": t} for w, t in pref_anti]
    return out


SCAN = {"service": "securityscan"}
S1 = {"security": "S1"}
NODE1 = {"region": "r1", "zone": "z11"}
EXISTING = make_pod(labels=SCAN, node="node1")
TEAM1 = {"matchExpressions": [{"key": "team", "operator": "In", "values": ["team1"]}]}
AFF_ERR = (UNRESOLVABLE, REASON_AFFINITY)
ANTI_ERR = (UNSCHEDULABLE, REASON_ANTI_AFFINITY)
EXISTING_ERR = (UNSCHEDULABLE, REASON_EXISTING_ANTI_AFFINITY)

SINGLE = [
    ("no required pod affinity: Skip", make_pod(), [], "skip"),
    ("PodAffinity In matches the existing pod",
     make_pod(labels=S1, affinity=aff(req=[term("service", "In", ["securityscan", "value2"], "region")])),
     [EXISTING], None),
    ("PodAffinity NotIn matches the existing pod",
     make_pod(labels=S1, affinity=aff(req=[term("service", "NotIn", ["securityscan3", "value3"], "region")])),
     [EXISTING], None),
    ("does not satisfy PodAffinity because of a different namespace",
     make_pod(labels=S1, affinity=aff(req=[term("service", "In", ["securityscan", "value2"], "",
                                                namespaces=["DiffNameSpace"])])),
     [make_pod(ns="ns", labels=SCAN, node="node1")], AFF_ERR),
    ("unmatching labelSelector",
     make_pod(labels=SCAN, affinity=aff(req=[term("service", "In", ["antivirusscan", "value2"], "")])),
     [EXISTING], AFF_ERR),
    ("different operators in multiple required terms",
     make_pod(labels=S1, affinity=aff(req=[
         multi([{"key": "service", "operator": "Exists"}, {"key": "wrongkey", "operator": "DoesNotExist"}], "region"),
         multi([{"key": "service", "operator": "In", "values": ["securityscan"]},
                {"key": "service", "operator": "NotIn", "values": ["WrongValue"]}], "region")])),
     [EXISTING], None),
    ("matchExpressions are ANDed: one item does not match",
     make_pod(labels=S1, affinity=aff(req=[
         multi([{"key": "service", "operator": "Exists"}, {"key": "wrongkey", "operator": "DoesNotExist"}], "region"),
         multi([{"key": "service", "operator": "In", "values": ["securityscan2"]},
                {"key": "service", "operator": "NotIn", "values": ["WrongValue"]}], "region")])),
     [EXISTING], AFF_ERR),
    ("satisfies PodAffinity and PodAntiAffinity",
     make_pod(labels=S1, affinity=aff(req=[term("service", "In", ["securityscan", "value2"], "region")],
                                      anti=[term("service", "In", ["antivirusscan", "value2"], "node")])),
     [EXISTING], None),
    ("satisfies PodAffinity, PodAntiAffinity and the symmetry",
     make_pod(labels=S1, affinity=aff(req=[term("service", "In", ["securityscan", "value2"], "region")],
                                      anti=[term("service", "In", ["antivirusscan", "value2"], "node")])),
     [make_pod(labels=SCAN, node="node1", affinity=aff(anti=[term("service", "In", ["antivirusscan", "value2"], "node")]))],
     None),
    ("satisfies PodAffinity but not PodAntiAffinity",
     make_pod(labels=S1, affinity=aff(req=[term("service", "In", ["securityscan", "value2"], "region")],
                                      anti=[term("service", "In", ["securityscan", "value2"], "zone")])),
     [EXISTING], ANTI_ERR),
    ("does not satisfy PodAntiAffinity symmetry with the existing pod",
     make_pod(labels=SCAN, affinity=aff(req=[term("service", "In", ["securityscan", "value2"], "region")],
                                        anti=[term("service", "In", ["antivirusscan", "value2"], "node")])),
     [make_pod(labels=SCAN, node="node1", affinity=aff(anti=[term("service", "In", ["securityscan", "value2"], "zone")]))],
     EXISTING_ERR),
    ("pod matches its own label in PodAffinity, and another pod matches elsewhere",
     make_pod(labels=SCAN, affinity=aff(req=[term("service", "NotIn", ["securityscan", "value2"], "region")])),
     [make_pod(labels=SCAN, node="node2")], AFF_ERR),
    ("existing pod's PodAntiAffinity is respected when the pod has none",
     make_pod(labels=SCAN),
     [make_pod(labels=SCAN, node="node1", affinity=aff(anti=[term("service", "In", ["securityscan", "value2"], "zone")]))],
     EXISTING_ERR),
    ("existing pod's PodAntiAffinity NotIn does not match: Skip",
     make_pod(labels=SCAN),
     [make_pod(labels=SCAN, node="node1", affinity=aff(anti=[term("service", "NotIn", ["securityscan", "value2"], "zone")]))],
     "skip"),
    ("satisfies PodAntiAffinity of the existing pod but not the incoming pod's",
     make_pod(labels=SCAN, affinity=aff(anti=[term("service", "Exists", None, "region"),
                                              term("security", "Exists", None, "region")])),
     [make_pod(labels=S1, node="node1", affinity=aff(anti=[term("security", "Exists", None, "zone")]))], ANTI_ERR),
    ("symmetry a1: partial matches on terms",
     make_pod(labels=SCAN, affinity=aff(anti=[term("service", "Exists", None, "zone"),
                                              term("security", "Exists", None, "zone")])),
     [make_pod(labels=S1, node="node1", affinity=aff(anti=[term("security", "Exists", None, "zone")]))], ANTI_ERR),
    ("symmetry a2: partial matches on terms",
     make_pod(labels=S1, affinity=aff(anti=[term("security", "Exists", None, "zone")])),
     [make_pod(labels=SCAN, node="node1", affinity=aff(anti=[term("service", "Exists", None, "zone"),
                                                             term("security", "Exists", None, "zone")]))],
     EXISTING_ERR),
    ("symmetry b1", make_pod(labels={"abc": "", "xyz": ""}, affinity=aff(anti=[term("abc", "Exists", None, "zone"),
                                                                              term("def", "Exists", None, "zone")])),
     [make_pod(labels={"def": "", "xyz": ""}, node="node1",
               affinity=aff(anti=[term("abc", "Exists", None, "zone"), term("def", "Exists", None, "zone")]))], ANTI_ERR),
    ("affinity with namespaceSelector",
     make_pod(labels=S1, affinity=aff(req=[term("service", "In", ["securityscan", "value2"], "region",
                                                ns_selector=TEAM1)])),
     [make_pod(ns="subteam1.team1", labels=SCAN, node="node1")], None),
    ("affinity with non-matching namespaceSelector",
     make_pod(labels=S1, affinity=aff(req=[term("service", "In", ["securityscan", "value2"], "region",
                                                ns_selector=TEAM1)])),
     [make_pod(ns="subteam1.team2", labels=SCAN, node="node1")], AFF_ERR),
    ("anti-affinity with matching namespaceSelector",
     make_pod(ns="subteam1.team1", labels=S1,
              affinity=aff(anti=[term("service", "In", ["securityscan", "value2"], "zone", ns_selector=TEAM1)])),
     [make_pod(ns="subteam2.team1", labels=SCAN, node="node1")], ANTI_ERR),
    ("anti-affinity with the match-all namespaceSelector {}",
     make_pod(ns="subteam1.team1", labels=S1,
              affinity=aff(anti=[term("service", "In", ["securityscan", "value2"], "zone", ns_selector={})])),
     [make_pod(ns="subteam2.team1", labels=SCAN, node="node1")], ANTI_ERR),
    ("anti-affinity with non-matching namespaceSelector",
     make_pod(ns="subteam1.team1", labels=S1,
              affinity=aff(anti=[term("service", "In", ["securityscan", "value2"], "zone", ns_selector=TEAM1)])),
     [make_pod(ns="subteam1.team2", labels=SCAN, node="node1")], None),
]


@pytest.mark.parametrize("name, pod, pods, want", SINGLE, ids=[c[0] for c in SINGLE])
def test_required_affinity_single_node(name, pod, pods, want):
    got = run_filter(plugin(), pod, [node("node1", **NODE1)], pods)
    if want == "skip":  # upstream: PreFilter returns Skip
        assert got == {"node1": None}
        pi = InterPodAffinity(FakeHandle(NAMESPACES))
        from scheduler_support import build_snapshot, pod_info
        from k8s_helpers.scheduler.framework import SKIP, CycleState
        _, st = pi.pre_filter(CycleState(), pod_info(pod), build_snapshot([node("node1", **NODE1)], pods))
        assert st.code == SKIP
        return
    st = got["node1"]
    assert (None if st is None else (st.code, st.reasons[0])) == want


FOO = {"foo": "bar"}
CHINA, CHINA_AZ1, INDIA = {"region": "China"}, {"region": "China", "az": "az1"}, {"region": "India"}
N3 = lambda: [node("node1", **CHINA), node("node2", **CHINA_AZ1), node("node3", **INDIA)]  # noqa: E731

MULTIPLE = [
    ("all the nodes sharing the topology value of a matching pod pass",
     make_pod(affinity=aff(req=[term("foo", "In", ["bar"], "region")])), [make_pod(labels=FOO, node="node1")], N3,
     [None, None, AFF_ERR]),
    ("first pod of a collection: can go to any node with the topology keys",
     make_pod(labels={"foo": "bar", "service": "securityscan"},
              affinity=aff(req=[term("foo", "In", ["bar"], "zone"), term("service", "In", ["securityscan"], "zone")])),
     [], lambda: [node("nodeA", zone="az1", hostname="h1"), node("nodeB", zone="az2", hostname="h2")], [None, None]),
    ("first pod of a collection: only nodes labelled with the requested topology keys",
     make_pod(labels={"foo": "abc"}, affinity=aff(req=[term("foo", "In", ["abc"], "region"),
                                                      term("foo", "In", ["abc"], "zone")])),
     [], lambda: [node("nodeA", region="r1"), node("nodeB", zone="z2"), node("nodeC", region="r1", zone="z1")],
     [AFF_ERR, AFF_ERR, None]),
    ("nodeA and nodeB share the topology value: anti-affinity rejects both",
     make_pod(affinity=aff(anti=[term("foo", "In", ["abc"], "region")])), [make_pod(labels={"foo": "abc"}, node="nodeA")],
     lambda: [node("nodeA", region="r1", hostname="nodeA"), node("nodeB", region="r1", hostname="nodeB")],
     [ANTI_ERR, ANTI_ERR]),
    ("anti-affinity matches when any term matches",
     make_pod(affinity=aff(anti=[term("foo", "In", ["abc"], "region"), term("service", "In", ["securityscan"], "zone")])),
     [make_pod(labels={"foo": "abc", "service": "securityscan"}, node="nodeA")],
     lambda: [node("nodeA", region="r1", zone="z1", hostname="nodeA"), node("nodeB", region="r1", zone="z2", hostname="nodeB")],
     [ANTI_ERR, ANTI_ERR]),
    ("anti-affinity: nodeC in another topology value passes",
     make_pod(affinity=aff(anti=[term("foo", "In", ["abc"], "region")])), [make_pod(labels={"foo": "abc"}, node="nodeA")],
     lambda: [node("nodeA", region="r1", hostname="nodeA"), node("nodeB", region="r1", hostname="nodeB"),
              node("nodeC", region="r2", hostname="nodeC")], [ANTI_ERR, ANTI_ERR, None]),
    ("anti-affinity: a matching pod in another namespace does not count",
     make_pod(ns="NS1", labels={"foo": "123"}, affinity=aff(anti=[term("foo", "In", ["bar"], "region")])),
     [make_pod(ns="NS1", labels={"foo": "bar"}, node="nodeA"), make_pod(ns="NS2", labels={"foo": "bar"}, node="nodeC")],
     lambda: [node("nodeA", region="r1", hostname="nodeA"), node("nodeB", region="r1", hostname="nodeB"),
              node("nodeC", region="r2", hostname="nodeC")], [ANTI_ERR, ANTI_ERR, None]),
    ("existing pod's anti-affinity: the term's topologyKey must be on the node",
     make_pod(labels={"foo": ""}),
     [make_pod(node="nodeA", labels={"foo": ""}, affinity=aff(anti=[term("foo", "Exists", None, "invalid-node-label")]))],
     lambda: [node("nodeA", zone="z1", hostname="nodeA"), node("nodeB", zone="z1", hostname="nodeB")], [None, None]),
    ("incoming pod's anti-affinity: the topologyKey is checked too",
     make_pod(labels={"foo": ""}, affinity=aff(anti=[term("foo", "Exists", None, "invalid-node-label")])),
     [make_pod(node="nodeA", labels={"foo": ""})],
     lambda: [node("nodeA", zone="z1", hostname="nodeA"), node("nodeB", zone="z1", hostname="nodeB")], [None, None]),
    ("existing pods' anti-affinity terms violated on every node",
     make_pod(labels={"foo": "", "bar": ""}),
     [make_pod(node="nodeA", affinity=aff(anti=[term("foo", "Exists", None, "zone"), term("bar", "Exists", None, "zone")])),
      make_pod(node="nodeB", affinity=aff(anti=[term("foo", "Exists", None, "zone"), term("bar", "Exists", None, "zone")]))],
     lambda: [node("nodeA", zone="z1", hostname="nodeA"), node("nodeB", zone="z2", hostname="nodeB")],
     [EXISTING_ERR, EXISTING_ERR]),
    ("incoming pod's affinity: all terms must match the same pod",
     make_pod(affinity=aff(req=[term("foo", "Exists", None, "region"), term("bar", "Exists", None, "zone")])),
     [make_pod(node="nodeA", labels={"foo": ""}), make_pod(node="nodeB", labels={"bar": ""})],
     lambda: [node("nodeA", region="r1", zone="z1", hostname="nodeA"),
              node("nodeB", region="r1", zone="z2", hostname="nodeB")],
     [AFF_ERR, AFF_ERR]),
]


@pytest.mark.parametrize("name, pod, pods, nodes, want", MULTIPLE, ids=[c[0] for c in MULTIPLE])
def test_required_affinity_multiple_nodes(name, pod, pods, nodes, want):
    got = run_filter(plugin(), pod, nodes(), pods)
    assert [None if st is None else (st.code, st.reasons[0]) for st in got.values()] == want


# ------------------------------------------------------------------ scoring_test.go TestPreferredAffinity
S2 = {"security": "S2"}
AZ1, AZ2 = {"az": "az1"}, {"az": "az2"}
STAY_S1_REGION = aff(pref=[(5, term("security", "In", ["S1"], "region"))])
STAY_S2_REGION = aff(pref=[(6, term("security", "In", ["S2"], "region"))])
AFFINITY3 = aff(pref=[(8, multi([{"key": "security", "operator": "NotIn", "values": ["S1"]},
                                 {"key": "security", "operator": "In", "values": ["S2"]}], "region")),
                      (2, multi([{"key": "security", "operator": "Exists"},
                                 {"key": "wrongkey", "operator": "DoesNotExist"}], "region"))])
HARD = aff(req=[term("security", "In", ["S1", "value2"], "region"),
                multi([{"key": "security", "operator": "Exists"}, {"key": "wrongkey", "operator": "DoesNotExist"}],
                      "region")])
AWAY_S1_AZ = aff(pref_anti=[(5, term("security", "In", ["S1"], "az"))])
AWAY_S2_AZ = aff(pref_anti=[(5, term("security", "In", ["S2"], "az"))])
STAY_S1_AWAY_S2 = aff(pref=[(8, term("security", "In", ["S1"], "region"))],
                      pref_anti=[(5, term("security", "In", ["S2"], "az"))])
NS_SEL = {"namespaces": ["subteam2.team2"], "namespaceSelector": TEAM1}
AFF_NS = aff(pref=[(5, dict(term("security", "In", ["S1"], "region"), **NS_SEL))])
ANTI_NS = aff(pref_anti=[(5, dict(term("security", "In", ["S1"], "region"), **NS_SEL))])


def nodes_of(*labels):
    return lambda: [node(f"node{i + 1}", **lab) for i, lab in enumerate(labels)]


def on(n, labels=None, affinity=None, ns="default"):
    return make_pod(ns=ns, node=n, labels=labels, affinity=affinity)


PREFERRED = [
    ("all nodes are same priority as Affinity is nil", make_pod(labels=S1), [],
     nodes_of(CHINA, INDIA, AZ1), None),
    ("Affinity: matching topology key and pods get the highest score", make_pod(labels=S1, affinity=STAY_S1_REGION),
     [on("node1", S1), on("node2", S2), on("node3", S1)], nodes_of(CHINA, INDIA, AZ1), [100, 0, 0]),
    ("nodes sharing the topology value of a matching pod get the same score", make_pod(affinity=STAY_S1_REGION),
     [on("node1", S1)], nodes_of(CHINA, CHINA_AZ1, INDIA), [100, 100, 0]),
    ("the region with more matching pods scores higher", make_pod(labels=S1, affinity=STAY_S2_REGION),
     [on("node1", S2), on("node1", S2), on("node2", S2), on("node3", S2), on("node4", S2), on("node5", S2)],
     nodes_of(CHINA, INDIA, CHINA, CHINA, INDIA), [100, 0, 100, 100, 0]),
    ("different label operators and values, some failing", make_pod(labels=S1, affinity=AFFINITY3),
     [on("node1", S1), on("node2", S2), on("node3", S1)], nodes_of(CHINA, INDIA, AZ1), [20, 100, 0]),
    ("symmetry: existing pods' preferred affinity", make_pod(labels=S2),
     [on("node1", S1, STAY_S1_REGION), on("node2", S2, STAY_S2_REGION)], nodes_of(CHINA, INDIA, AZ1), [0, 100, 0]),
    ("symmetry with namespace selector", make_pod(ns="subteam1.team1", labels=S1),
     [on("node1", S1, AFF_NS), on("node2", S2, STAY_S2_REGION)], nodes_of(CHINA, INDIA, AZ1), [100, 0, 0]),
    ("anti-affinity symmetry with namespace selector", make_pod(ns="subteam1.team1", labels=S1),
     [on("node1", S1, ANTI_NS), on("node2", S2, STAY_S2_REGION)], nodes_of(CHINA, INDIA, AZ1), [0, 100, 100]),
    ("symmetry: existing pods' required affinity (hardPodAffinityWeight)", make_pod(labels=S1),
     [on("node1", S1, HARD), on("node2", S2, HARD)], nodes_of(CHINA, INDIA, AZ1), [100, 100, 0]),
    ("anti-affinity: not matching existing pods scores high", make_pod(labels=S1, affinity=AWAY_S1_AZ),
     [on("node1", S1), on("node2", S2)], nodes_of(AZ1, CHINA), [0, 100]),
    ("anti-affinity: not matching the topology key scores higher", make_pod(labels=S1, affinity=AWAY_S1_AZ),
     [on("node1", S1), on("node2", S1)], nodes_of(AZ1, CHINA), [0, 100]),
    ("anti-affinity: the node with more matches scores lower", make_pod(labels=S1, affinity=AWAY_S1_AZ),
     [on("node1", S1), on("node1", S1), on("node2", S2)], nodes_of(AZ1, INDIA), [0, 100]),
    ("anti-affinity symmetry", make_pod(labels=S2),
     [on("node1", S1, AWAY_S2_AZ), on("node2", S2, AWAY_S1_AZ)], nodes_of(AZ1, AZ2), [0, 100]),
    ("affinity and anti-affinity", make_pod(labels=S1, affinity=STAY_S1_AWAY_S2),
     [on("node1", S1), on("node2", S1)], nodes_of(CHINA, AZ1), [100, 0]),
    ("affinity and anti-affinity, same labels on incoming and existing pods", make_pod(labels=S1, affinity=STAY_S1_AWAY_S2),
     [on("node1", S1), on("node1", S1), on("node2", S1), on("node3", S1), on("node3", S1), on("node4", S1),
      on("node5", S1)], nodes_of(CHINA_AZ1, INDIA, CHINA, CHINA, INDIA), [100, 0, 100, 100, 0]),
    ("affinity, anti-affinity and symmetry", make_pod(labels=S1, affinity=STAY_S1_AWAY_S2),
     [on("node1", S1), on("node2", S2), on("node3", None, STAY_S1_AWAY_S2), on("node4", None, AWAY_S1_AZ)],
     nodes_of(CHINA, AZ1, INDIA, AZ2), [100, 0, 100, 0]),
    ("partial nodes in a topology without pods with affinity", make_pod(labels=S1),
     [on("node1", S1), on("node2", None, STAY_S1_AWAY_S2)], nodes_of(CHINA, CHINA), [0, 0]),
    ("affinity with pods matching the namespaceSelector", make_pod(ns="subteam1.team1", labels=S1, affinity=AFF_NS),
     [on("node1", S1, ns="subteam1.team1"), on("node1", S1, ns="subteam1.team1"), on("node1", S1, ns="subteam1.team2"),
      on("node2", S1, ns="subteam2.team1")], nodes_of(CHINA, INDIA), [100, 0]),
]


@pytest.mark.parametrize("name, pod, pods, nodes, want", PREFERRED, ids=[c[0] for c in PREFERRED])
def test_preferred_affinity(name, pod, pods, nodes, want):
    got = run_score(plugin(), pod, nodes(), pods)
    assert (None if got is None else list(got.values())) == want


def test_normalize_uses_the_actual_min_and_max():
    # 1.36 NormalizeScore: min and max over the nodes' scores (not including 0): raw 5 and 10 -> 0 and 100.
    pod = make_pod(labels=S1, affinity=aff(pref=[(5, term("security", "In", ["S1"], "region"))]))
    pods = [on("node1", S1), on("node2", S1), on("node2", S1)]
    assert list(run_score(plugin(), pod, nodes_of(CHINA, INDIA)(), pods).values()) == [0, 100]
    raw = run_score(plugin(), pod, nodes_of(CHINA, INDIA)(), pods, normalize=False)
    assert list(raw.values()) == [5, 10]


def test_match_label_keys_are_merged_into_the_selector():
    # matchLabelKeys: the pod's own value for the key is ANDed (key In (value)).
    t = dict(term("app", "Exists", None, "region"), matchLabelKeys=["version"])
    pod = make_pod(labels={"app": "web", "version": "v2"}, affinity=aff(anti=[t]))
    pods = [on("node1", {"app": "web", "version": "v1"}), on("node2", {"app": "web", "version": "v2"})]
    got = run_filter(plugin(), pod, nodes_of(CHINA, INDIA)(), pods)
    assert [None if st is None else st.reasons[0] for st in got.values()] == [None, REASON_ANTI_AFFINITY]
    # mismatchLabelKeys: key NotIn (value).
    t2 = dict(term("app", "Exists", None, "region"), mismatchLabelKeys=["version"])
    pod2 = make_pod(labels={"app": "web", "version": "v2"}, affinity=aff(anti=[t2]))
    got2 = run_filter(plugin(), pod2, nodes_of(CHINA, INDIA)(), pods)
    assert [None if st is None else st.reasons[0] for st in got2.values()] == [REASON_ANTI_AFFINITY, None]
