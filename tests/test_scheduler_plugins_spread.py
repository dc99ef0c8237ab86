"""PodTopologySpread: Filter and Score with the cases and expected results of kube-scheduler
1.36's tables (pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go
TestSingleConstraint / TestMultipleConstraints, scoring_test.go TestPodTopologySpreadScore).
Nodes carry only the labels the upstream case gives them."""
from __future__ import annotations

import pytest

from k8s_helpers.scheduler.framework import SUCCESS, UNRESOLVABLE, UNSCHEDULABLE
from k8s_helpers.scheduler.plugins.pod_topology_spread import REASON, REASON_LABEL, PodTopologySpread
from scheduler_support import FakeHandle, make_node, make_pod, run_filter, run_score

HOST = "kubernetes.io/hostname"
FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
BAR = {"matchExpressions": [{"key": "bar", "operator": "Exists"}]}


def node(name, taints=None, **labels):
    n = make_node(name, taints=taints)
    n["metadata"]["labels"] = {k.replace("__", "/").replace("_", "."): v for k, v in labels.items()}
    return n


def _h(name, labels):
    n = make_node(name)
    n["metadata"]["labels"] = {HOST: name, **labels}
    return n


def spread(max_skew, key, mode, selector, min_domains=None, affinity_policy=None, taints_policy=None, keys=None):
    c = {"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": mode}
    if selector is not None:
        c["labelSelector"] = selector
    if min_domains is not None:
        c["minDomains"] = min_domains
    if affinity_policy:
        c["nodeAffinityPolicy"] = affinity_policy
    if taints_policy:
        c["nodeTaintsPolicy"] = taints_policy
    if keys:
        c["matchLabelKeys"] = keys
    return c


def dns(*cs, labels=None, **kw):
    return make_pod("p", labels=labels if labels is not None else {"foo": ""}, spread=list(cs), **kw)


def on(n, labels=None, ns="default", terminating=False):
    return make_pod(ns=ns, node=n, labels={"foo": ""} if labels is None else labels, terminating=terminating)


def zone_nodes():
    return [node("node-a", zone="zone1", node="node-a"), node("node-b", zone="zone1", node="node-b"),
            node("node-x", zone="zone2", node="node-x"), node("node-y", zone="zone2", node="node-y")]


def pods_2103():
    return [on("node-a"), on("node-a"), on("node-b"), on("node-y"), on("node-y"), on("node-y")]


OK, NO, UN = SUCCESS, UNSCHEDULABLE, UNRESOLVABLE
NOT_READY = [{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}]

SINGLE = [
    ("no existing pods", dns(spread(1, "zone", "DoNotSchedule", FOO)), zone_nodes, [], [OK, OK, OK, OK]),
    ("no existing pods, incoming pod doesn't match itself", dns(spread(1, "zone", "DoNotSchedule", BAR)),
     zone_nodes, [], [OK, OK, OK, OK]),
    ("existing pods in a different namespace do not count", dns(spread(1, "zone", "DoNotSchedule", FOO)), zone_nodes,
     [on("node-a", ns="ns1"), on("node-a", ns="ns2"), on("node-x"), on("node-y")], [OK, OK, NO, NO]),
    ("existing pods do not match null selector", dns(spread(1, "zone", "DoNotSchedule", None)), zone_nodes,
     [on("node-x"), on("node-y")], [OK, OK, OK, OK]),
    ("pods spread across zones as 3/3, all nodes fit", dns(spread(1, "zone", "DoNotSchedule", FOO)), zone_nodes,
     [on("node-a"), on("node-a"), on("node-b"), on("node-y"), on("node-y"), on("node-y")], [OK, OK, OK, OK]),
    ("pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
     dns(spread(1, "zone", "DoNotSchedule", FOO)),
     lambda: [node("node-a", zone="zone1", node="node-a"), node("node-b", zon="zone1", node="node-b"),
              node("node-x", zone="zone2", node="node-x"), node("node-y", zone="zone2", node="node-y")],
     [on("node-a"), on("node-b"), on("node-x"), on("node-y")], [OK, UN, NO, NO]),
    ("pod cannot be scheduled as all nodes don't have label 'rack'", dns(spread(1, "rack", "DoNotSchedule", FOO)),
     lambda: [node("node-a", zone="zone1", node="node-a"), node("node-x", zone="zone2", node="node-x")], [],
     [UN, UN]),
    ("pods spread across nodes as 2/1/0/3, only node-x fits", dns(spread(1, "node", "DoNotSchedule", FOO)),
     zone_nodes, pods_2103(), [NO, NO, OK, NO]),
    ("pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
     dns(spread(2, "node", "DoNotSchedule", FOO)), zone_nodes, pods_2103(), [NO, OK, OK, NO]),
    ("pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
     dns(spread(1, "node", "DoNotSchedule", FOO), labels={"bar": ""}), zone_nodes, pods_2103(), [NO, OK, OK, NO]),
    ("incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
     dns(spread(1, "node", "DoNotSchedule", FOO), affinity={"nodeAffinity": {
         "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
             {"key": "node", "operator": "In", "values": ["node-a", "node-y"]}]}]}}}),
     zone_nodes, pods_2103(), [OK, OK, OK, NO]),
    ("terminating Pods should be excluded", dns(spread(1, "node", "DoNotSchedule", FOO)),
     lambda: [node("node-a", node="node-a"), node("node-b", node="node-b")],
     [on("node-a", terminating=True), on("node-b")], [OK, NO]),
    ("2/2/1, maxSkew 2, domains < minDomains: the third node fits",
     dns(spread(2, "node", "DoNotSchedule", FOO, min_domains=4)),
     lambda: [node("node-a", node="node-a"), node("node-b", node="node-b"), node("node-c", node="node-c")],
     [on("node-a"), on("node-a"), on("node-b"), on("node-b"), on("node-c")], [NO, NO, OK]),
    ("2/2/1, maxSkew 2, domains > minDomains: all nodes fit",
     dns(spread(2, "node", "DoNotSchedule", FOO, min_domains=2)),
     lambda: [node("node-a", node="node-a"), node("node-b", node="node-b"), node("node-c", node="node-c")],
     [on("node-a"), on("node-a"), on("node-b"), on("node-b"), on("node-c")], [OK, OK, OK]),
    ("zone 2/1, maxSkew 2, domains < minDomains: the third and fourth nodes fit",
     dns(spread(2, "zone", "DoNotSchedule", FOO, min_domains=3)), zone_nodes,
     [on("node-a"), on("node-b"), on("node-y")], [NO, NO, OK, OK]),
    ("zone 2/1, maxSkew 2, domains > minDomains: all nodes fit",
     dns(spread(2, "zone", "DoNotSchedule", FOO, min_domains=1)), zone_nodes,
     [on("node-a"), on("node-b"), on("node-y")], [OK, OK, OK, OK]),
    ("NodeAffinityPolicy honored with labelSelectors",
     dns(spread(1, "node", "DoNotSchedule", FOO), node_selector={"foo": ""}),
     lambda: [node("node-a", node="node-a", foo=""), node("node-b", node="node-b", foo=""),
              node("node-x", node="node-x", foo=""), node("node-y", node="node-y")],
     [on("node-a"), on("node-b"), on("node-y")], [NO, NO, OK, OK]),
    ("NodeAffinityPolicy ignored with labelSelectors",
     dns(spread(1, "node", "DoNotSchedule", FOO, affinity_policy="Ignore"), node_selector={"foo": ""}),
     lambda: [node("node-a", node="node-a", foo=""), node("node-b", node="node-b", foo=""),
              node("node-x", node="node-x", foo=""), node("node-y", node="node-y")],
     [on("node-a"), on("node-b"), on("node-y")], [NO, NO, OK, NO]),
    ("NodeTaintsPolicy honored", dns(spread(1, "node", "DoNotSchedule", FOO, taints_policy="Honor")),
     lambda: [node("node-a", node="node-a", foo=""), node("node-b", node="node-b", foo=""),
              node("node-x", node="node-x", foo=""), node("node-y", taints=NOT_READY, node="node-y")],
     [on("node-a"), on("node-b"), on("node-y")], [NO, NO, OK, OK]),
    ("NodeTaintsPolicy ignored", dns(spread(1, "node", "DoNotSchedule", FOO)),
     lambda: [node("node-a", node="node-a", foo=""), node("node-b", node="node-b", foo=""),
              node("node-x", node="node-x", foo=""), node("node-y", taints=NOT_READY, node="node-y")],
     [on("node-a"), on("node-b"), on("node-y")], [NO, NO, OK, NO]),
    ("matchLabelKeys: only pods with the same value count",
     dns(spread(1, "node", "DoNotSchedule", FOO, keys=["bar"]), labels={"foo": "", "bar": "a"}),
     lambda: [node("node-a", node="node-a"), node("node-b", node="node-b")],
     [on("node-a", {"foo": "", "bar": "a"}), on("node-b", {"foo": "", "bar": "b"}),
      on("node-b", {"foo": "", "bar": "b"})], [NO, OK]),
]


@pytest.mark.parametrize("name, pod, nodes, pods, want", SINGLE, ids=[c[0] for c in SINGLE])
def test_single_constraint(name, pod, nodes, pods, want):
    got = run_filter(PodTopologySpread(FakeHandle()), pod, nodes(), pods)
    assert [SUCCESS if st is None else st.code for st in got.values()] == want
    for st in got.values():
        if st is not None:
            assert st.reasons == [REASON_LABEL if st.code == UNRESOLVABLE else REASON]


MULTIPLE = [
    ("two constraints on zone and node, spreads = [3/3, 2/1/0/3]",
     dns(spread(1, "zone", "DoNotSchedule", FOO), spread(1, "node", "DoNotSchedule", FOO)), zone_nodes,
     [on("node-a"), on("node-a"), on("node-b"), on("node-y"), on("node-y"), on("node-y")], [NO, NO, OK, NO]),
    ("two constraints on zone and node, spreads = [3/4, 2/1/0/4]",
     dns(spread(1, "zone", "DoNotSchedule", FOO), spread(1, "node", "DoNotSchedule", FOO)), zone_nodes,
     [on("node-a"), on("node-a"), on("node-b"), on("node-y"), on("node-y"), on("node-y"), on("node-y")],
     [NO, NO, NO, NO]),
    ("constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]",
     dns(spread(1, "zone", "DoNotSchedule", FOO), spread(1, "node", "DoNotSchedule", BAR),
         labels={"foo": "", "bar": ""}), zone_nodes,
     [on("node-a", {"foo": ""}), on("node-y", {"bar": ""})], [NO, NO, OK, NO]),
    ("constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]",
     dns(spread(1, "zone", "DoNotSchedule", FOO), spread(1, "node", "DoNotSchedule", BAR),
         labels={"foo": "", "bar": ""}), zone_nodes,
     [on("node-a", {"foo": ""}), on("node-x", {"bar": ""}), on("node-y", {"bar": ""})], [NO, NO, NO, NO]),
    ("constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]",
     dns(spread(1, "zone", "DoNotSchedule", FOO), spread(1, "node", "DoNotSchedule", BAR),
         labels={"foo": "", "bar": ""}), zone_nodes,
     [on("node-a", {"foo": ""}), on("node-a", {"foo": "", "bar": ""}), on("node-y", {"foo": ""}),
      on("node-y", {"foo": "", "bar": ""}), on("node-y", {"foo": ""})], [NO, OK, NO, NO]),
    ("constraints hold different labelSelectors but pod doesn't match itself on 'zone' constraint",
     dns(spread(1, "zone", "DoNotSchedule", FOO), spread(1, "node", "DoNotSchedule", BAR), labels={"bar": ""}),
     zone_nodes, [on("node-a", {"foo": ""}), on("node-x", {"bar": ""}), on("node-y", {"bar": ""})],
     [OK, OK, NO, NO]),
    ("absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]",
     dns(spread(1, "zone", "DoNotSchedule", FOO), spread(1, "node", "DoNotSchedule", FOO)),
     lambda: [node("node-a", zone="zone1", node="node-a"), node("node-b", zone="zone1", node="node-b"),
              node("node-x", zone="zone2"), node("node-y", zone="zone2", node="node-y")],
     [on("node-a"), on("node-y")], [NO, OK, UN, NO]),
]


@pytest.mark.parametrize("name, pod, nodes, pods, want", MULTIPLE, ids=[c[0] for c in MULTIPLE])
def test_multiple_constraints(name, pod, nodes, pods, want):
    got = run_filter(PodTopologySpread(FakeHandle()), pod, nodes(), pods)
    assert [SUCCESS if st is None else st.code for st in got.values()] == want


# ------------------------------------------------------------------ scoring_test.go
def any_(*cs, labels=None, **kw):
    return make_pod("p", labels=labels if labels is not None else {"foo": ""}, spread=list(cs), **kw)


def many(spec):
    """'a:2,b:1' -> pods with foo on node-a (2) and node-b (1)."""
    out = []
    for part in spec.split(","):
        n, k = part.split(":")
        out += [on(f"node-{n}") for _ in range(int(k))]
    return out


def hnodes(*names):
    return lambda: [_h(f"node-{n}", {}) for n in names]


SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc", "namespace": "default"},
           "spec": {"selector": {"foo": ""}}}

SCORES = [
    ("one constraint on node, no existing pods", any_(spread(1, HOST, "ScheduleAnyway", FOO)), hnodes("a", "b"),
     [], None, {"node-a": 100, "node-b": 100}),
    ("one constraint on node, only one node is candidate", any_(spread(1, HOST, "ScheduleAnyway", FOO)),
     hnodes("a", "b"), many("a:2,b:1"), ["node-a"], {"node-a": 100}),
    ("one constraint on node, all nodes have the same number of matching pods",
     any_(spread(1, HOST, "ScheduleAnyway", FOO)), hnodes("a", "b"), many("a:1,b:1"), None,
     {"node-a": 100, "node-b": 100}),
    ("one constraint on node, all 4 nodes are candidates", any_(spread(1, HOST, "ScheduleAnyway", FOO)),
     hnodes("a", "b", "c", "d"), many("a:2,b:1,d:3"), None, {"node-a": 20, "node-b": 60, "node-c": 100, "node-d": 0}),
    ("one constraint on node, null selector", any_(spread(1, HOST, "ScheduleAnyway", None)),
     hnodes("a", "b", "c", "d"), many("a:2,b:1,d:3"), None,
     {"node-a": 100, "node-b": 100, "node-c": 100, "node-d": 100}),
    ("one constraint on node, all 4 nodes are candidates, maxSkew=2", any_(spread(2, HOST, "ScheduleAnyway", FOO)),
     hnodes("a", "b", "c", "d"), many("a:2,b:1,d:3"), None, {"node-a": 33, "node-b": 66, "node-c": 100, "node-d": 16}),
    ("one constraint on node, all 4 nodes are candidates, maxSkew=3", any_(spread(3, HOST, "ScheduleAnyway", FOO)),
     hnodes("a", "b", "c", "d"), many("a:4,b:3,c:2,d:1"), None,
     {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100}),
    ("system defaulting, nodes don't have zone, pods match service", make_pod("p", labels={"foo": ""}),
     hnodes("a", "b", "c", "d"), many("a:4,b:3,c:2,d:1"), None,
     {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100}),
    ("one constraint on node, 3 out of 4 nodes are candidates", any_(spread(1, HOST, "ScheduleAnyway", FOO)),
     hnodes("a", "b", "x", "y"), many("a:4,b:2,x:1,y:3"), ["node-a", "node-b", "node-x"],
     {"node-a": 33, "node-b": 83, "node-x": 100}),
    ("one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key",
     any_(spread(1, HOST, "ScheduleAnyway", FOO)),
     lambda: [_h("node-a", {}), node("node-b", n="node-b"), _h("node-x", {}), _h("node-y", {})],
     many("a:4,b:2,x:1,y:3"), ["node-a", "node-b", "node-x"], {"node-a": 16, "node-b": 0, "node-x": 100}),
    ("one constraint on zone, 3 out of 4 nodes are candidates", any_(spread(1, "zone", "ScheduleAnyway", FOO)),
     lambda: [_h("node-a", {"zone": "zone1"}), _h("node-b", {"zone": "zone1"}), _h("node-x", {"zone": "zone2"}),
              _h("node-y", {"zone": "zone2"})],
     many("a:4,b:2,x:1,y:3"), ["node-a", "node-b", "node-x"], {"node-a": 75, "node-b": 75, "node-x": 100}),
    ("two Constraints on zone and node, with different labelSelectors",
     any_(spread(1, "zone", "ScheduleAnyway", FOO), spread(1, HOST, "ScheduleAnyway", BAR), labels={"foo": "", "bar": ""}),
     lambda: [_h("node-a", {"zone": "zone1"}), _h("node-b", {"zone": "zone1"}), _h("node-x", {"zone": "zone2"}),
              _h("node-y", {"zone": "zone2"})],
     [on("node-a", {"foo": ""}), on("node-b", {"foo": "", "bar": ""}), on("node-y", {"foo": ""}),
      on("node-y", {"bar": ""})], None, {"node-a": 60, "node-b": 20, "node-x": 100, "node-y": 60}),
    ("two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods",
     any_(spread(1, "zone", "ScheduleAnyway", FOO), spread(1, HOST, "ScheduleAnyway", BAR), labels={"foo": "", "bar": ""}),
     lambda: [_h("node-a", {"zone": "zone1"}), _h("node-b", {"zone": "zone1"}), _h("node-x", {"zone": "zone2"}),
              _h("node-y", {"zone": "zone2"})],
     [on("node-b", {"bar": ""}), on("node-x", {"foo": ""}), on("node-y", {"foo": "", "bar": ""})], None,
     {"node-a": 100, "node-b": 60, "node-x": 40, "node-y": 0}),
    ("two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates",
     any_(spread(1, "zone", "ScheduleAnyway", FOO), spread(1, HOST, "ScheduleAnyway", BAR), labels={"foo": "", "bar": ""}),
     lambda: [_h("node-a", {"zone": "zone1"}), _h("node-b", {"zone": "zone1"}), _h("node-x", {"zone": "zone2"}),
              _h("node-y", {"zone": "zone2"})],
     [on("node-a", {"foo": ""}), on("node-b", {"foo": "", "bar": ""}), on("node-y", {"foo": ""}),
      on("node-y", {"bar": ""})], ["node-a", "node-b", "node-x"], {"node-a": 50, "node-b": 25, "node-x": 100}),
    ("existing pods in a different namespace do not count", any_(spread(1, HOST, "ScheduleAnyway", FOO)),
     hnodes("a", "b"), [on("node-a", ns="ns1"), on("node-a"), on("node-b"), on("node-b")], None,
     {"node-a": 100, "node-b": 33}),
    ("terminating Pods should be excluded", any_(spread(1, HOST, "ScheduleAnyway", FOO)), hnodes("a", "b"),
     [on("node-a", terminating=True), on("node-b")], None, {"node-a": 100, "node-b": 0}),
    ("minDomains has no effect when ScheduleAnyway", any_(spread(2, "node", "ScheduleAnyway", FOO, min_domains=10)),
     lambda: [node("node-a", node="node-a"), node("node-b", node="node-b"), node("node-c", node="node-c")],
     many("a:2,b:2,c:1"), None, {"node-a": 75, "node-b": 75, "node-c": 100}),
    ("NodeAffinityPolicy honored with labelSelectors",
     any_(spread(1, "node", "ScheduleAnyway", FOO), node_selector={"foo": ""}),
     lambda: [node("node-a", node="node-a", foo=""), node("node-b", node="node-b", foo=""), node("node-c", node="node-c")],
     many("a:2,b:1,c:1"), None, {"node-a": 0, "node-b": 33, "node-c": 100}),
    ("NodeAffinityPolicy ignored with labelSelectors",
     any_(spread(1, "node", "ScheduleAnyway", FOO, affinity_policy="Ignore"), node_selector={"foo": ""}),
     lambda: [node("node-a", node="node-a", foo=""), node("node-b", node="node-b", foo=""), node("node-c", node="node-c")],
     many("a:2,b:1,c:1"), None, {"node-a": 66, "node-b": 100, "node-c": 100}),
]


@pytest.mark.parametrize("name, pod, nodes, pods, feasible, want", SCORES, ids=[c[0] for c in SCORES])
def test_pod_topology_spread_score(name, pod, nodes, pods, feasible, want):
    got = run_score(PodTopologySpread(FakeHandle(objects=[SERVICE])), pod, nodes(), pods, feasible=feasible)
    assert got == want


def test_pre_score_skips_without_constraints_or_default_selector():
    # TestPreScoreSkip: no constraints of its own and nothing selecting the pod.
    assert run_score(PodTopologySpread(FakeHandle()), make_pod("p", labels={"foo": ""}), hnodes("a", "b")()) is None
    # A ReplicaSet controlling the pod gives default constraints (selector from the ReplicaSet).
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs", "namespace": "default"},
          "spec": {"selector": {"matchLabels": {"foo": ""}}}}
    pod = make_pod("p", labels={"foo": ""}, owner={"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs"})
    got = run_score(PodTopologySpread(FakeHandle(objects=[rs])), pod, hnodes("a", "b", "c", "d")(),
                    many("a:4,b:3,c:2,d:1"))
    assert got == {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100}
