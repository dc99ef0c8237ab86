"""The 1.36 default profile in the cluster: inter-pod affinity (AFF-2), topology spreading,
system default spreading, priorities and preemption, retries and FailedScheduling repetition,
and ``explain_scheduling``."""
from __future__ import annotations

import pytest

from k8s_helpers import Cluster

HOST = "kubernetes.io/hostname"


def pod(name, labels=None, node=None, affinity=None, requests=None, **spec):
    c = {"name": "app", "image": "nginx:1.27"}
    if requests:
        c["resources"] = {"requests": requests}
    s = dict(spec, containers=[c])
    if node:
        s["nodeName"] = node
    if affinity:
        s["affinity"] = affinity
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}}, "spec": s}


def node_of(c, name):
    return c.get("pod", name)["spec"].get("nodeName")


def failed_messages(c, name):
    return [e["message"] for e in c.events(name=name, reason="FailedScheduling")]


# The notes' REGLA 1 and REGLA 2 (apuntes, "Afinidades y antiafinidades"), weights 100.
REGLAS = {
    "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
        "weight": 100, "podAffinityTerm": {
            "labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["mi-wp"]}]},
            "topologyKey": HOST}}]},
    "podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
        "weight": 100, "podAffinityTerm": {
            "labelSelector": {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["mi-wp"]}]},
            "topologyKey": HOST}}]},
}


def notes_cluster(seed):
    c = Cluster(seed=seed)
    for n in ("nodo1", "nodo2", "nodo3", "nodo4"):
        c.add_node(n)
    c.apply([pod("mariadb-1", {"app": "mariadb"}, "nodo1"), pod("mariadb-2", {"app": "mariadb"}, "nodo2"),
             pod("mi-wp-1", {"app": "mi-wp"}, "nodo1", REGLAS), pod("mi-wp-3", {"app": "mi-wp"}, "nodo3", REGLAS)])
    c.run(5)
    return c


@pytest.mark.parametrize("seed", range(10))
def test_notes_regla_example_goes_to_nodo2(seed):
    c = notes_cluster(seed)
    c.apply(pod("mi-wp-nuevo", {"app": "mi-wp"}, affinity=REGLAS))
    c.run(1)
    assert node_of(c, "mi-wp-nuevo") == "nodo2"


def test_notes_regla_example_explained():
    c = notes_cluster(0)
    c.apply(pod("mi-wp-nuevo", {"app": "mi-wp"}, affinity=REGLAS))
    c.run(0)
    ex = c.explain_scheduling("mi-wp-nuevo")
    assert ex["pod"] == "default/mi-wp-nuevo" and ex["selected_node"] == "nodo2" and ex["message"] is None
    ipa = {n: ex["nodes"][n]["scores"]["InterPodAffinity"] for n in ("nodo1", "nodo2", "nodo3", "nodo4")}
    # Raw: REGLA 2 +100 per non-mi-wp pod, REGLA 1 -100 per mi-wp pod, and the existing mi-wp pods'
    # own REGLA 1 -100 (symmetry). Normalised with min -200 and max 100 (1.36 NormalizeScore).
    assert {n: v["raw"] for n, v in ipa.items()} == {"nodo1": -100, "nodo2": 100, "nodo3": -200, "nodo4": 0}
    assert {n: v["normalized"] for n, v in ipa.items()} == {"nodo1": 33, "nodo2": 100, "nodo3": 0, "nodo4": 66}
    assert ipa["nodo2"]["weight"] == 2 and ipa["nodo2"]["weighted"] == 200
    totals = {n: ex["nodes"][n]["total"] for n in ex["nodes"]}
    assert max(totals, key=totals.get) == "nodo2"
    for n, e in ex["nodes"].items():
        assert e["total"] == sum(s["weighted"] for s in e["scores"].values())
        assert set(e["filters"].values()) == {"passed"}


def anti(labels, topology=HOST, required=True):
    term = {"labelSelector": {"matchLabels": labels}, "topologyKey": topology}
    if required:
        return {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    return {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "podAffinityTerm": term}]}}


def test_required_anti_affinity_is_enforced():
    c = Cluster(seed=1)
    for n in ("a", "b"):
        c.add_node(n)
    c.apply([pod(f"web-{i}", {"app": "web"}, affinity=anti({"app": "web"})) for i in range(3)])
    c.run(1)
    placed = [node_of(c, f"web-{i}") for i in range(3)]
    assert sorted(p for p in placed if p) == ["a", "b"] and placed.count(None) == 1
    pending = placed.index(None)
    assert failed_messages(c, f"web-{pending}")[0] == (
        "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are "
        "available: 2 No preemption victims found for incoming pod.")


def test_existing_pods_anti_affinity_is_symmetric():
    c = Cluster(seed=0)
    for n in ("a", "b"):
        c.add_node(n)
    c.apply(pod("solo", {"app": "db"}, "a", anti({"app": "web"})))
    c.run(1)
    c.apply([pod(f"web-{i}", {"app": "web"}) for i in range(3)])
    c.run(1)
    assert {node_of(c, f"web-{i}") for i in range(3)} == {"b"}
    ex = c.explain_scheduling("web-0")
    assert ex["nodes"]["a"]["filters"]["InterPodAffinity"] == "node(s) didn't satisfy existing pods anti-affinity rules"
    assert "scores" not in ex["nodes"]["a"]


def test_pod_affinity_to_nothing_stays_pending_but_first_of_a_group_schedules():
    aff = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": HOST}]}}
    c = Cluster(seed=0)
    for n in ("a", "b"):
        c.add_node(n)
    c.apply(pod("lonely", {"app": "web"}, affinity=aff))
    c.run(1)
    assert node_of(c, "lonely") is None
    assert failed_messages(c, "lonely") == [
        "0/2 nodes are available: 2 node(s) didn't match pod affinity rules. preemption: 0/2 nodes are "
        "available: 2 Preemption is not helpful for scheduling."]
    # A cache pod appears: the pending pod is retried (InterPodAffinity's hint) and follows it.
    c.apply(pod("cache", {"app": "cache"}, "b"))
    c.run(1)
    assert node_of(c, "lonely") == "b"
    # First of its group: it matches its own term and no pod in the cluster does yet.
    c2 = Cluster(seed=0)
    c2.add_node("a")
    c2.apply(pod("first", {"app": "cache"}, affinity=aff))
    c2.run(1)
    assert node_of(c2, "first") == "a"


def test_do_not_schedule_skew_is_enforced():
    spread = [{"maxSkew": 1, "topologyKey": "zona", "whenUnsatisfiable": "DoNotSchedule",
               "labelSelector": {"matchLabels": {"app": "web"}}}]
    c = Cluster(seed=0)
    c.add_node("eu1", labels={"zona": "europa"}, pods=3)
    c.add_node("eu2", labels={"zona": "europa"}, pods=3)
    c.add_node("as1", labels={"zona": "asia"}, pods=1)
    c.apply([pod(f"web-{i}", {"app": "web"}, topologySpreadConstraints=spread) for i in range(4)])
    c.run(1)
    zones = {"eu1": "europa", "eu2": "europa", "as1": "asia"}
    placed = [node_of(c, f"web-{i}") for i in range(4)]
    # asia holds one pod (its pod limit); europa can then only reach 2: the fourth pod waits.
    assert sorted(zones[p] for p in placed if p) == ["asia", "europa", "europa"]
    pending = placed.index(None)
    msg = failed_messages(c, f"web-{pending}")[0]
    assert msg.startswith("0/3 nodes are available: 1 Too many pods, 2 node(s) didn't match pod topology "
                          "spread constraints.")


def test_missing_topology_label_is_unresolvable():
    spread = [{"maxSkew": 1, "topologyKey": "zona", "whenUnsatisfiable": "DoNotSchedule",
               "labelSelector": {"matchLabels": {"app": "web"}}}]
    c = Cluster(seed=0)
    c.add_node("sin-zona")
    c.add_node("con-zona", labels={"zona": "a"})
    c.apply(pod("web", {"app": "web"}, topologySpreadConstraints=spread))
    c.run(1)
    assert node_of(c, "web") == "con-zona"
    ex = c.explain_scheduling("web")
    assert ex["nodes"]["sin-zona"]["filters"]["PodTopologySpread"] == (
        "node(s) didn't match pod topology spread constraints (missing required label)")


def test_system_default_spreading_for_pods_a_service_selects():
    # Three nodes, six pods a Service selects: the default constraint (hostname, maxSkew 3,
    # ScheduleAnyway) scores nodes with fewer matching pods higher.
    c = Cluster(seed=0)
    for n in ("a", "b", "c"):
        c.add_node(n)
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
             "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    c.apply([pod(f"web-{i}", {"app": "web"}) for i in range(2)] + [pod("web-x", {"app": "web"}, "a")])
    c.run(1)
    c.apply(pod("probe", {"app": "web"}))
    c.run(1)
    ex = c.explain_scheduling("probe")
    pts = {n: e["scores"]["PodTopologySpread"] for n, e in ex["nodes"].items()}
    assert all(v["weight"] == 2 for v in pts.values())
    counts = {n: len([p for p in c.get("pods") if p["spec"].get("nodeName") == n and p["metadata"]["name"] != "probe"])
              for n in ("a", "b", "c")}
    fewest = min(counts, key=counts.get)
    assert pts[fewest]["normalized"] == max(v["normalized"] for v in pts.values())
    # Without a Service (or ReplicaSet/StatefulSet) the plugin skips.
    c2 = Cluster(seed=0)
    c2.add_node("a")
    c2.add_node("b")
    c2.apply(pod("alone", {"app": "other"}))
    c2.run(1)
    assert "PodTopologySpread" in c2.explain_scheduling("alone")["skipped"]["score"]


PRIORITY = [{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "alta"},
             "value": 1000, "description": "importante"},
            {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "nunca"},
             "value": 1000, "preemptionPolicy": "Never"}]


def test_preemption_evicts_lower_priority_pods_and_nominates_the_node():
    c = Cluster(seed=0)
    c.add_node("solo", cpu="2", memory="4Gi")
    c.apply(PRIORITY)
    slow = {"sim.k8s-course.io/stop-seconds": "20"}  # graceful termination takes 20 s
    low = [pod("low-1", {"app": "low"}, requests={"cpu": "800m"}), pod("low-2", {"app": "low"}, requests={"cpu": "800m"})]
    for p in low:
        p["metadata"]["annotations"] = slow
    c.apply(low)
    c.run(5)
    low_uids = {p["metadata"]["name"]: p["metadata"]["uid"] for p in c.get("pods")}
    c.apply(pod("vip", {"app": "vip"}, requests={"cpu": "1"}, priorityClassName="alta"))
    c.run(0)
    vip = c.get("pod", "vip")
    assert vip["spec"].get("nodeName") is None and vip["status"]["nominatedNodeName"] == "solo"
    # Preemption succeeded: the FailedScheduling message has no preemption part.
    assert failed_messages(c, "vip") == ["0/1 nodes are available: 1 Insufficient cpu."]
    preempted = c.events(reason="Preempted")
    assert len(preempted) == 1  # one victim is enough (minimal set)
    victim = preempted[0]["involvedObject"]["name"]
    assert preempted[0]["message"] == f"Preempted by pod {vip['metadata']['uid']} on node solo"
    assert preempted[0]["type"] == "Normal" and preempted[0]["source"]["component"] == "default-scheduler"
    assert victim in low_uids
    assert c.get("pod", victim)["metadata"].get("deletionTimestamp")  # graceful deletion
    c.run(40)
    assert node_of(c, "vip") == "solo"
    assert c.get("pod", "vip")["status"]["phase"] == "Running"
    survivors = {p["metadata"]["name"] for p in c.get("pods")}
    assert survivors == {"vip", ({"low-1", "low-2"} - {victim}).pop()}


def test_preemption_messages_when_it_cannot_help():
    c = Cluster(seed=0)
    c.add_node("solo", cpu="1", memory="4Gi")
    c.apply(PRIORITY)
    c.apply(pod("same", requests={"cpu": "800m"}, priorityClassName="alta"))
    c.run(1)
    c.apply(pod("equal", requests={"cpu": "800m"}, priorityClassName="alta"))
    c.apply(pod("never", requests={"cpu": "800m"}, priorityClassName="nunca"))
    c.run(1)
    assert failed_messages(c, "equal") == [
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption "
        "victims found for incoming pod."]
    assert failed_messages(c, "never") == [
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."]


def test_failed_scheduling_is_repeated_every_five_minutes_and_on_events():
    c = Cluster(seed=0)
    c.add_node("a", labels={"disco": "hdd"})
    c.apply(pod("ssd", nodeSelector={"disco": "ssd"}))
    c.run(1000)
    times = [e["time"] for e in c.events(name="ssd", reason="FailedScheduling")]
    # flushUnschedulablePodsLeftover runs every 30 s and retries pods waiting > 5 min.
    assert times == [0, 330, 660, 990]
    agg = c.events(name="ssd", reason="FailedScheduling", aggregate=True)
    assert len(agg) == 1 and agg[0]["count"] == 4
    # An unrelated pod ending does not retry it (NodeAffinity has no interest in pods)...
    c.apply(pod("other"))
    c.run(1)
    c.delete("pod", "other", wait=True)
    assert [e["time"] for e in c.events(name="ssd", reason="FailedScheduling")] == times
    # ...a node that matches does, at once.
    c.add_node("b", labels={"disco": "ssd"})
    c.run(0)
    assert node_of(c, "ssd") == "b"


def test_no_nodes_retries_with_backoff():
    c = Cluster(seed=0)
    c.apply(pod("web"))
    c.run(40)
    times = [e["time"] for e in c.events(name="web", reason="FailedScheduling")]
    assert times[:6] == [0, 1, 3, 7, 15, 25]  # error back-off 1, 2, 4, 8, 10, 10 s
    assert c.events(name="web", reason="FailedScheduling")[0]["message"] == "no nodes available to schedule pods"


def test_explain_failed_pod_and_errors():
    c = Cluster.kind(workers=2, cpu="1")
    c.apply(pod("grande", requests={"cpu": "2"}))
    c.run(0)
    ex = c.explain_scheduling("grande")
    assert ex["selected_node"] is None
    assert ex["message"].startswith("0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu.")
    assert ex["nodes"]["kind-control-plane"]["filters"] == {
        "NodeUnschedulable": "passed", "NodeName": "passed", "TaintToleration": "node(s) had untolerated taint(s)"}
    assert ex["nodes"]["kind-worker"]["filters"]["NodeResourcesFit"] == "Insufficient cpu"
    assert all("scores" not in e for e in ex["nodes"].values())
    with pytest.raises(LookupError):
        c.explain_scheduling("nadie")
    c.apply(pod("fijo", node="kind-worker"))
    with pytest.raises(ValueError):
        c.explain_scheduling("fijo")


def test_explain_replays_the_old_snapshot():
    c = Cluster(seed=0)
    c.add_node("a")
    c.add_node("b")
    c.apply(pod("first"))
    c.run(0)
    before = c.explain_scheduling("first")
    c.apply([pod(f"more-{i}", requests={"cpu": "1"}) for i in range(4)])
    c.add_node("c")
    c.run(1)
    assert c.explain_scheduling("first") == before
    assert set(before["nodes"]) == {"a", "b"}


def test_node_events_requeue_as_the_queueing_hints_say():
    # Own required anti-affinity: a new node may help (InterPodAffinity's hint), so it goes at once.
    c = Cluster(seed=0)
    c.add_node("a")
    c.apply([pod("web-1", {"app": "web"}, affinity=anti({"app": "web"})),
             pod("web-2", {"app": "web"}, affinity=anti({"app": "web"}))])
    c.run(1)
    pending = next(n for n in ("web-1", "web-2") if node_of(c, n) is None)
    c.add_node("b")
    c.run(0)
    assert node_of(c, pending) == "b"
    # Rejected only by an existing pod's anti-affinity: upstream's hint ignores new nodes, so the
    # pod waits for the 5-minute flush (FailedScheduling at 0 s, scheduled at 330 s).
    c2 = Cluster(seed=0)
    c2.add_node("a")
    c2.apply(pod("guard", {"app": "db"}, "a", anti({"app": "web"})))
    c2.run(1)
    c2.apply(pod("web", {"app": "web"}))
    c2.run(1)
    c2.add_node("b")
    c2.run(100)
    assert node_of(c2, "web") is None
    c2.run(300)
    assert node_of(c2, "web") == "b"
    assert [e["time"] for e in c2.events(name="web", reason="Scheduled")] == [330]


def test_cache_history_is_pruned_when_old_attempts_go_away():
    c = Cluster(seed=0)
    c.add_node("a")
    c.add_node("b")
    for round_ in range(40):
        c.apply([pod(f"p{round_}-{i}") for i in range(30)])
        c.run(0)
        for i in range(30):
            c.delete("pod", f"p{round_}-{i}", wait=False, grace_period=0)
        c.run(1)
    cache = c._scheduler.cache
    assert cache.history_size() < 4 * (2 + 30) + 1000 + 100
    c.apply(pod("last"))
    c.run(0)
    assert c.explain_scheduling("last")["selected_node"] in ("a", "b")


def test_notes_zone_table():
    # The notes' second table: REGLA 2 with topologyKey zona. Europa holds two mariadb pods, Asia one,
    # Oceania none (and a mi-wp): Europa's nodes score highest on REGLA 2; REGLA 1 (hostname) pushes
    # away from nodo1 and nodo3, and the empty nodo4 wins on resources.
    reglas = {"podAntiAffinity": REGLAS["podAntiAffinity"], "podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [dict(
            REGLAS["podAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0],
            podAffinityTerm=dict(REGLAS["podAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
                                 ["podAffinityTerm"], topologyKey="zona"))]}}
    c = Cluster(seed=0)
    zones = {1: "europa", 2: "europa", 3: "europa", 4: "europa", 5: "asia", 6: "asia", 7: "oceania", 8: "oceania"}
    for i, z in zones.items():
        c.add_node(f"nodo{i}", labels={"zona": z})
    c.apply([pod("mariadb-1", {"app": "mariadb"}, "nodo1"), pod("mariadb-2", {"app": "mariadb"}, "nodo2"),
             pod("mariadb-5", {"app": "mariadb"}, "nodo5"), pod("mi-wp-1", {"app": "mi-wp"}, "nodo1", reglas),
             pod("mi-wp-3", {"app": "mi-wp"}, "nodo3", reglas), pod("mi-wp-8", {"app": "mi-wp"}, "nodo8", reglas)])
    c.run(5)
    c.apply(pod("mi-wp-nuevo", {"app": "mi-wp"}, affinity=reglas))
    c.run(0)
    ex = c.explain_scheduling("mi-wp-nuevo")
    raw = {n: e["scores"]["InterPodAffinity"]["raw"] for n, e in ex["nodes"].items()}
    assert raw == {"nodo1": 0, "nodo2": 200, "nodo3": 0, "nodo4": 200, "nodo5": 100, "nodo6": 100,
                   "nodo7": 0, "nodo8": -200}
    assert ex["selected_node"] == "nodo4"
