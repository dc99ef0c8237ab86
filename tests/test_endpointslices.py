"""The EndpointSlice controller (SVC-3) and the legacy Endpoints object.

Cases follow ``staging/src/k8s.io/endpointslice/reconciler_test.go`` (TestReconcileEmpty,
TestReconcile1Pod's IPv4 cases, the 250-pod slicing, placeholder handling, updates that keep
slices) and ``utils_test.go`` (TestPodToEndpoint's condition table, FindPort).
"""
from __future__ import annotations

import random

import pytest

from k8s_helpers.network.endpointslices import (CONTROLLER_NAME, LABEL_HEADLESS, LABEL_MANAGED_BY, LABEL_SERVICE_NAME,
                                                apply_plan, desired_slices, endpoints_object, find_port,
                                                generate_name, pod_to_endpoint, reconcile)

NS = "test"


def service(name="foo", cluster_ip="10.96.5.5", ports=None, labels=None, **spec):
    return {"metadata": {"name": name, "namespace": NS, "uid": f"uid-{name}", "labels": labels or {}},
            "spec": {"selector": {"foo": "bar"}, "clusterIP": cluster_ip,
                     "ports": ports or [{"name": "", "port": 80, "protocol": "TCP", "targetPort": 80}], **spec}}


def pod(n, ready=True, ip=None, node="node-1", terminating=False, phase="Running", port_name=None, port=8080,
        labels=None, hostname=None, subdomain=None, namespace=NS):
    container = {"name": "c", "ports": [{"name": port_name, "containerPort": port, "protocol": "TCP"}] if port_name
                 else []}
    meta = {"name": f"pod{n}", "namespace": namespace, "uid": f"uid{n}", "labels": labels or {"foo": "bar"}}
    if terminating:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    spec = {"nodeName": node, "containers": [container]}
    if hostname:
        spec["hostname"] = hostname
    if subdomain:
        spec["subdomain"] = subdomain
    status = {"phase": phase, "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}
    if ip is not False:
        status["podIP"] = ip or f"1.2.3.{4 + n}"
    return {"metadata": meta, "spec": spec, "status": status}


NODES = [{"metadata": {"name": "node-1", "labels": {"topology.kubernetes.io/zone": "us-central1-a"}}},
         {"metadata": {"name": "node-2"}}]


def names(rng=None):
    rng = rng or random.Random(0)
    return lambda prefix: generate_name(prefix, rng)


def test_reconcile_empty_creates_a_placeholder():
    plan = reconcile(service(), [], NODES)
    assert len(plan.create) == 1 and not plan.update and not plan.delete
    s = plan.create[0]
    assert s["metadata"]["generateName"] == "foo-"
    assert s["metadata"]["labels"] == {LABEL_SERVICE_NAME: "foo", LABEL_MANAGED_BY: CONTROLLER_NAME}
    assert s["ports"] == [] and s["endpoints"] == [] and s["addressType"] == "IPv4"
    assert s["metadata"]["ownerReferences"] == [{"apiVersion": "v1", "kind": "Service", "name": "foo",
                                                 "uid": "uid-foo", "controller": True, "blockOwnerDeletion": True}]


def test_existing_placeholder_is_left_alone():
    first = desired_slices(service(), [], NODES, name_generator=names())
    assert reconcile(service(), [], NODES, first).empty


def test_reconcile_1_pod_ipv4():
    """TestReconcile1Pod "ipv4-clusterip": conditions, zone, nodeName, targetRef; the pod's
    hostname without a matching subdomain is not published."""
    p = pod(1, ip="1.2.3.4", hostname="example-hostname")
    [s] = desired_slices(service(cluster_ip="1.1.1.1"), [p], NODES, name_generator=names())
    assert s["metadata"]["name"].startswith("foo-") and len(s["metadata"]["name"]) == len("foo-") + 5
    assert s["metadata"]["labels"] == {LABEL_SERVICE_NAME: "foo", LABEL_MANAGED_BY: CONTROLLER_NAME}
    assert s["endpoints"] == [{"addresses": ["1.2.3.4"],
                               "conditions": {"ready": True, "serving": True, "terminating": False},
                               "nodeName": "node-1",
                               "targetRef": {"kind": "Pod", "namespace": NS, "name": "pod1", "uid": "uid1"},
                               "zone": "us-central1-a"}]


@pytest.mark.parametrize("labels,cluster_ip,expected", [
    ({}, None, {LABEL_SERVICE_NAME: "foo", LABEL_MANAGED_BY: CONTROLLER_NAME, LABEL_HEADLESS: ""}),
    ({"foo": "bar"}, None, {LABEL_SERVICE_NAME: "foo", LABEL_MANAGED_BY: CONTROLLER_NAME, LABEL_HEADLESS: "",
                            "foo": "bar"}),
    ({LABEL_SERVICE_NAME: "bad", LABEL_MANAGED_BY: "actor", LABEL_HEADLESS: "invalid"}, None,
     {LABEL_SERVICE_NAME: "foo", LABEL_MANAGED_BY: CONTROLLER_NAME, LABEL_HEADLESS: ""}),
    ({}, "1.1.1.1", {LABEL_SERVICE_NAME: "foo", LABEL_MANAGED_BY: CONTROLLER_NAME}),
])
def test_slice_labels(labels, cluster_ip, expected):
    [s] = desired_slices(service(labels=labels, cluster_ip=cluster_ip), [pod(1)], NODES, name_generator=names())
    assert s["metadata"]["labels"] == expected


# TestPodToEndpoint: serving = Ready, terminating = deletionTimestamp,
# ready = publishNotReadyAddresses or (serving and not terminating)
@pytest.mark.parametrize("ready,terminating,publish,expected", [
    (True, False, False, (True, True, False)),
    (False, False, False, (False, False, False)),
    (True, True, False, (False, True, True)),
    (False, True, False, (False, False, True)),
    (False, False, True, (True, False, False)),
    (True, True, True, (True, True, True)),
    (False, True, True, (True, False, True)),
])
def test_endpoint_conditions(ready, terminating, publish, expected):
    svc = service(publishNotReadyAddresses=publish)
    c = pod_to_endpoint(pod(1, ready=ready, terminating=terminating), NODES[0], svc)["conditions"]
    assert (c["ready"], c["serving"], c["terminating"]) == expected


def test_not_ready_and_terminating_pods_stay_listed_terminal_and_ipless_do_not():
    pods = [pod(1), pod(2, ready=False), pod(3, terminating=True), pod(4, phase="Succeeded"),
            pod(5, phase="Failed"), pod(6, ip=False), pod(7, labels={"foo": "other"}), pod(8, namespace="other")]
    [s] = desired_slices(service(), pods, NODES, name_generator=names())
    assert [e["targetRef"]["name"] for e in s["endpoints"]] == ["pod1", "pod2", "pod3"]
    assert [e["conditions"]["ready"] for e in s["endpoints"]] == [True, False, False]


def test_service_without_selector_gets_no_slices():
    svc = service()
    svc["spec"].pop("selector")
    assert reconcile(svc, [pod(1)], NODES).empty
    assert desired_slices(svc, [pod(1)], NODES) == []
    assert endpoints_object(svc, [pod(1)]) is None


def test_pod_on_a_missing_node_is_skipped_unless_publishing():
    p = pod(1, node="node-gone")
    [s] = desired_slices(service(), [p], NODES, name_generator=names())
    assert s["endpoints"] is None  # the placeholder
    [s] = desired_slices(service(publishNotReadyAddresses=True), [p], NODES, name_generator=names())
    assert s["endpoints"][0]["targetRef"]["name"] == "pod1"


def test_named_target_port_per_pod_gives_one_group_of_slices_per_port():
    svc = service(ports=[{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "web"}])
    pods = [pod(1, port_name="web", port=8080), pod(2, port_name="web", port=9090), pod(3, port_name="web", port=8080),
            pod(4)]
    slices = desired_slices(svc, pods, NODES, name_generator=names())
    by_port = {tuple(p["port"] for p in s["ports"] or []): sorted(e["targetRef"]["name"] for e in s["endpoints"])
               for s in slices}
    assert by_port == {(8080,): ["pod1", "pod3"], (9090,): ["pod2"], (): ["pod4"]}


def test_find_port():
    p = {"spec": {"containers": [{"ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"},
                                            {"name": "dns", "containerPort": 53, "protocol": "UDP"}]}],
                  "initContainers": [{"restartPolicy": "Always", "ports": [{"name": "side", "containerPort": 9000}]},
                                     {"ports": [{"name": "init", "containerPort": 9001}]}]}}
    assert find_port(p, {"targetPort": 81}) == 81
    assert find_port(p, {"targetPort": "http", "protocol": "TCP"}) == 8080
    assert find_port(p, {"targetPort": "http", "protocol": "UDP"}) is None
    assert find_port(p, {"targetPort": "dns", "protocol": "UDP"}) == 53
    assert find_port(p, {"targetPort": "side"}) == 9000
    assert find_port(p, {"targetPort": "init"}) is None


def test_250_pods_make_three_slices_of_at_most_100():
    pods = [pod(i, ip=f"10.0.{i // 200}.{i % 200 + 1}") for i in range(250)]
    slices = desired_slices(service(), pods, NODES, name_generator=names())
    assert sorted(len(s["endpoints"]) for s in slices) == [50, 100, 100]
    assert len({s["metadata"]["name"] for s in slices}) == 3


def test_updates_touch_only_the_slice_that_changed():
    pods = [pod(i, ip=f"10.0.{i // 200}.{i % 200 + 1}") for i in range(250)]
    slices = desired_slices(service(), pods, NODES, name_generator=names())
    target = slices[0]["endpoints"][0]["targetRef"]["name"]
    changed = [dict(p, status=dict(p["status"], conditions=[{"type": "Ready", "status": "False"}]))
               if p["metadata"]["name"] == target else p for p in pods]
    plan = reconcile(service(), changed, NODES, slices)
    assert not plan.create and not plan.delete and len(plan.update) == 1
    assert plan.update[0]["metadata"]["name"] == slices[0]["metadata"]["name"]


def test_new_pods_fill_an_existing_slice_before_creating_one():
    slices = desired_slices(service(), [pod(i) for i in range(10)], NODES, name_generator=names())
    plan = reconcile(service(), [pod(i) for i in range(15)], NODES, slices)
    assert not plan.create and len(plan.update) == 1 and len(plan.update[0]["endpoints"]) == 15


def test_losing_every_pod_turns_a_slice_back_into_the_placeholder():
    slices = desired_slices(service(), [pod(1)], NODES, name_generator=names())
    plan = reconcile(service(), [], NODES, slices)
    assert not plan.create and not plan.delete and len(plan.update) == 1
    assert plan.update[0]["metadata"]["name"] == slices[0]["metadata"]["name"]
    assert plan.update[0]["endpoints"] == [] and plan.update[0]["ports"] == []


def test_slices_owned_by_someone_else_are_deleted():
    stale = desired_slices(service(), [pod(1)], NODES, name_generator=names())
    stale[0]["metadata"]["ownerReferences"][0]["uid"] = "old-uid"
    plan = reconcile(service(), [pod(1)], NODES, stale)
    assert [s["metadata"]["name"] for s in plan.delete] == [stale[0]["metadata"]["name"]]
    assert len(plan.create) == 1


def test_trigger_time_annotation():
    plan = reconcile(service(), [pod(1)], NODES, trigger_time="2026-01-01T00:00:05Z")
    ann = plan.create[0]["metadata"]["annotations"]
    assert ann == {"endpoints.kubernetes.io/last-change-trigger-time": "2026-01-01T00:00:05Z"}


def test_statefulset_hostnames_are_published():
    svc = service(name="web", cluster_ip="None")
    pods = [pod(0, hostname="web-0", subdomain="web"), pod(1, hostname="web-1", subdomain="other")]
    [s] = desired_slices(svc, pods, NODES, name_generator=names())
    assert [e.get("hostname") for e in s["endpoints"]] == ["web-0", None]


def test_apply_plan_names_new_slices_deterministically():
    a = desired_slices(service(), [pod(1)], NODES, rng=random.Random(5))
    b = desired_slices(service(), [pod(1)], NODES, rng=random.Random(5))
    assert a[0]["metadata"]["name"] == b[0]["metadata"]["name"]
    assert all(c in "bcdfghjklmnpqrstvwxz2456789" for c in a[0]["metadata"]["name"][4:])
    assert apply_plan(a, reconcile(service(), [pod(1)], NODES, a), names()) == a


# ----------------------------------------------------------------------------- v1/Endpoints
def test_endpoints_object_ready_and_not_ready_addresses():
    svc = service(labels={"app": "foo"}, ports=[{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}])
    ep = endpoints_object(svc, [pod(2, ready=False), pod(1), pod(3, terminating=True)])
    assert ep["metadata"] == {"name": "foo", "namespace": NS, "labels": {"app": "foo"}}
    [subset] = ep["subsets"]
    assert [a["ip"] for a in subset["addresses"]] == ["1.2.3.5"]
    assert [a["ip"] for a in subset["notReadyAddresses"]] == ["1.2.3.6"]
    assert subset["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]


def test_endpoints_object_publish_not_ready_and_headless_label():
    svc = service(cluster_ip="None", publishNotReadyAddresses=True)
    ep = endpoints_object(svc, [pod(1, ready=False), pod(2, terminating=True)])
    assert [a["ip"] for a in ep["subsets"][0]["addresses"]] == ["1.2.3.5", "1.2.3.6"]
    assert ep["metadata"]["labels"] == {LABEL_HEADLESS: ""}
    assert endpoints_object(service(), [])["subsets"] is None
