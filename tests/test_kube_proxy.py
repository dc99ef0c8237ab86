"""kube-proxy's iptables rules (SVC-4): chain names, rule texts, and what they do to packets.

Chain-name vectors come from ``pkg/proxy/iptables/proxier_test.go`` (``ns1/svc1:p80`` ->
``KUBE-SVC-XPGD46QRK7WJZT7O``...) and from any real cluster (``default/kubernetes:https``,
``kube-system/kube-dns:dns``). Behaviour cases follow ``proxier_test.go`` (no endpoints ->
REJECT, Local traffic policies, session affinity, terminating endpoints) and
``pkg/proxy/topology_test.go`` (CategorizeEndpoints).
"""
from __future__ import annotations

import random
from collections import Counter

import pytest

from k8s_helpers.api.defaults import default_service
from k8s_helpers.network.endpointslices import desired_slices
from k8s_helpers.network.kube_proxy import (EndpointInfo, ServicePortInfo, categorize_endpoints, endpoint_chain,
                                            probability, service_chain, sync_proxy_rules)
from k8s_helpers.network.service_ips import LoadBalancerPool, ServiceRegistry


@pytest.mark.parametrize("name,proto,chain", [
    ("ns1/svc1:p80", "tcp", "KUBE-SVC-XPGD46QRK7WJZT7O"),
    ("ns2/svc2:p80", "tcp", "KUBE-SVC-GNZBNJ2PO5MGZ6GT"),
    ("ns3/svc3:p80", "tcp", "KUBE-SVC-X27LE4BHSL4DOUIK"),
    ("ns4/svc4:p80", "tcp", "KUBE-SVC-4SW47YFZTEDKD3PK"),
    ("ns5/svc5:p80", "tcp", "KUBE-SVC-NUKIZ6OKUXPJNT4C"),
    ("ns2/svc2:p8080", "tcp", "KUBE-SVC-2VJB64SDSIJUP5T6"),
    ("default/kubernetes:https", "tcp", "KUBE-SVC-NPX46M4PTMTKRN6Y"),
    ("kube-system/kube-dns:dns", "udp", "KUBE-SVC-TCOU7JCQXEZGVUNU"),
    ("kube-system/kube-dns:dns-tcp", "tcp", "KUBE-SVC-ERIFXISQEP7F7OF4"),
    ("kube-system/kube-dns:metrics", "tcp", "KUBE-SVC-JD5MR3NA4I4DYORP"),
])
def test_service_chain_names(name, proto, chain):
    assert service_chain(name, proto) == chain


@pytest.mark.parametrize("name,endpoint,chain", [
    ("ns1/svc1:p80", "10.180.0.1:80", "KUBE-SEP-SXIVWICOYRO3J4NJ"),
    ("ns1/svc1:p80", "10.0.1.1:80", "KUBE-SEP-SNQ3ZNILQDEJNDQO"),
    ("ns2/svc2:p8080", "10.0.2.1:8080", "KUBE-SEP-UHEGFW77JX3KXTOV"),
])
def test_endpoint_chain_names(name, endpoint, chain):
    assert endpoint_chain(name, "tcp", endpoint) == chain


def test_probability_text():
    assert [probability(n) for n in (4, 3, 2)] == ["0.2500000000", "0.3333333333", "0.5000000000"]


# ----------------------------------------------------------------------------- a small cluster
NODE = {"metadata": {"name": "node-1"}, "spec": {"podCIDR": "10.244.1.0/24"},
        "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.3"}]}}
OTHER = "node-2"


def pod(n, node="node-1", ready=True, terminating=False, port=80):
    meta = {"name": f"web-{n}", "namespace": "ns1", "uid": f"u{n}", "labels": {"app": "web"}}
    if terminating:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {"metadata": meta, "spec": {"nodeName": node, "containers": [{"name": "c", "ports": [
        {"name": "http", "containerPort": port}]}]},
            "status": {"phase": "Running", "podIP": f"10.244.{1 if node == 'node-1' else 2}.{10 + n}",
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def svc(registry, name="svc1", lb=False, **spec):
    spec.setdefault("ports", [{"name": "p80", "port": 80, "targetPort": "http"}])
    body = default_service({"metadata": {"name": name, "namespace": "ns1", "uid": f"uid-{name}"},
                            "spec": {"selector": {"app": "web"}, **spec}})
    s = registry.allocate(body)
    s["status"] = registry.load_balancer_status(s)
    return s


def rules_for(services, pods, node=NODE):
    slices = [sl for s in services for sl in desired_slices(s, pods, [NODE, {"metadata": {"name": OTHER}}])]
    return sync_proxy_rules(services, slices, node)


@pytest.fixture
def registry():
    return ServiceRegistry(rng=random.Random(1), load_balancer=LoadBalancerPool())


def test_cluster_ip_rules_as_iptables_save_prints_them(registry):
    s = svc(registry, clusterIP="10.96.30.41")
    text = rules_for([s], [pod(1)]).render()
    sep = endpoint_chain("ns1/svc1:p80", "tcp", "10.244.1.11:80")
    for line in [
        '-A KUBE-SERVICES -d 10.96.30.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp '
        '--dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
        '-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.244.0.0/16 -d 10.96.30.41/32 -p tcp -m comment --comment '
        '"ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
        f'-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.244.1.11:80" -j {sep}',
        f'-A {sep} -s 10.244.1.11/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ',
        f'-A {sep} -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.244.1.11:80',
        "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE '
        "--random-fully",
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in '
        'this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
        ":KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]", "*nat", "*filter", "COMMIT",
    ]:
        assert line in text.splitlines(), line
    # the nodeports jump is the last rule of KUBE-SERVICES
    services_rules = [line for line in text.splitlines() if line.startswith("-A KUBE-SERVICES ")]
    assert "KUBE-NODEPORTS" in services_rules[-1]


def test_probabilities_as_iptables_save_prints_them(registry):
    s = svc(registry)
    text = rules_for([s], [pod(i) for i in range(4)]).render()
    probs = [line.split("--probability ")[1].split()[0] for line in text.splitlines() if "--probability" in line]
    assert probs == ["0.25000000000", "0.33333333349", "0.50000000000"]


def test_random_choice_is_uniform_and_seeded(registry):
    s = svc(registry)
    rules = rules_for([s], [pod(i) for i in range(3)])
    ip = s["spec"]["clusterIP"]
    counts = Counter(str(rules.connect("10.244.2.50", ip, 80, rng=random.Random(i)).endpoint) for i in range(3000))
    assert set(counts) == {"10.244.1.10:80", "10.244.1.11:80", "10.244.1.12:80"}
    assert all(900 < c < 1100 for c in counts.values())
    rng_a, rng_b = random.Random(42), random.Random(42)
    a = [str(rules.connect("10.244.2.50", ip, 80, rng=rng_a).endpoint) for _ in range(20)]
    b = [str(rules.connect("10.244.2.50", ip, 80, rng=rng_b).endpoint) for _ in range(20)]
    assert a == b and len(set(a)) > 1


def test_pod_traffic_is_not_masqueraded_host_traffic_is(registry):
    s = svc(registry)
    rules = rules_for([s], [pod(1)])
    ip = s["spec"]["clusterIP"]
    assert not rules.connect("10.244.2.50", ip, 80, rng=random.Random(0)).masquerade
    assert rules.connect("172.18.0.3", ip, 80, rng=random.Random(0), from_host=True).masquerade
    # hairpin: the endpoint reaching itself through the Service is masqueraded (KUBE-SEP -s ep)
    assert rules.connect("10.244.1.11", ip, 80, rng=random.Random(0)).masquerade


def test_no_endpoints_is_rejected_in_the_filter_table(registry):
    s = svc(registry, clusterIP="10.96.30.42")
    rules = rules_for([s], [])
    assert ('-A KUBE-SERVICES -d 10.96.30.42/32 -p tcp -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp '
            "--dport 80 -j REJECT --reject-with icmp-port-unreachable") in rules.render().splitlines()
    v = rules.connect("10.244.2.50", "10.96.30.42", 80, rng=random.Random(0))
    assert v.action == "REJECT" and v.comment == "ns1/svc1:p80 has no endpoints"


def test_not_ready_endpoints_get_no_traffic(registry):
    s = svc(registry)
    rules = rules_for([s], [pod(1), pod(2, ready=False)])
    eps = {str(rules.connect("10.244.2.50", s["spec"]["clusterIP"], 80, rng=random.Random(i)).endpoint)
           for i in range(50)}
    assert eps == {"10.244.1.11:80"}
    # publishNotReadyAddresses makes them ready for kube-proxy too
    s2 = svc(registry, name="svc2", publishNotReadyAddresses=True)
    rules = rules_for([s2], [pod(2, ready=False)])
    assert rules.connect("10.244.2.50", s2["spec"]["clusterIP"], 80, rng=random.Random(0)).action == "DNAT"


def test_unknown_port_of_a_cluster_ip_matches_no_rule(registry):
    s = svc(registry)
    rules = rules_for([s], [pod(1)])
    assert rules.connect("10.244.2.50", s["spec"]["clusterIP"], 8080, rng=random.Random(0)).action == "NONE"


def test_terminating_endpoints_only_as_a_fallback(registry):
    s = svc(registry)
    ip = s["spec"]["clusterIP"]
    both = rules_for([s], [pod(1), pod(2, terminating=True)])
    assert {str(both.connect("10.244.2.50", ip, 80, rng=random.Random(i)).endpoint) for i in range(40)} == \
        {"10.244.1.11:80"}
    only = rules_for([s], [pod(2, terminating=True)])
    assert str(only.connect("10.244.2.50", ip, 80, rng=random.Random(0)).endpoint) == "10.244.1.12:80"
    gone = rules_for([s], [pod(2, terminating=True, ready=False)])
    assert gone.connect("10.244.2.50", ip, 80, rng=random.Random(0)).action == "REJECT"


def test_session_affinity_sticks_per_client_and_expires(registry):
    s = svc(registry, sessionAffinity="ClientIP")
    rules = rules_for([s], [pod(i) for i in range(3)])
    ip = s["spec"]["clusterIP"]
    text = rules.render()
    assert "-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-" in text
    assert "-m recent --set --name KUBE-SEP-" in text
    rng = random.Random(3)
    first = rules.connect("10.244.2.50", ip, 80, rng=rng, now=0).endpoint
    assert all(rules.connect("10.244.2.50", ip, 80, rng=rng, now=t).endpoint == first for t in range(1, 200, 7))
    others = {str(rules.connect(f"10.244.2.{60 + i}", ip, 80, rng=rng, now=5).endpoint) for i in range(40)}
    assert len(others) == 3
    later = {str(rules.connect("10.244.2.50", ip, 80, rng=random.Random(i), now=10800 * 3 + i * 11000).endpoint)
             for i in range(30)}
    assert len(later) > 1  # after the timeout the client is placed again


def test_node_port_cluster_policy_masquerades(registry):
    s = svc(registry, type="NodePort")
    np = s["spec"]["ports"][0]["nodePort"]
    rules = rules_for([s], [pod(1), pod(3, node=OTHER)])
    v = rules.connect("192.168.0.101", "172.18.0.3", np, rng=random.Random(0))
    assert v.action == "DNAT" and v.masquerade and v.via == "nodePort"
    assert "KUBE-EXT-XPGD46QRK7WJZT7O" in v.path
    assert (f'-A KUBE-NODEPORTS -p tcp -m comment --comment "ns1/svc1:p80" -m tcp --dport {np} '
            "-j KUBE-EXT-XPGD46QRK7WJZT7O") in rules.render().splitlines()


def test_external_traffic_policy_local(registry):
    s = svc(registry, type="NodePort", externalTrafficPolicy="Local")
    np = s["spec"]["ports"][0]["nodePort"]
    with_local = rules_for([s], [pod(1), pod(3, node=OTHER)])
    for i in range(30):
        v = with_local.connect("192.168.0.101", "172.18.0.3", np, rng=random.Random(i))
        assert v.action == "DNAT" and str(v.endpoint) == "10.244.1.11:80" and not v.masquerade
    without = rules_for([s], [pod(3, node=OTHER)])
    assert without.connect("192.168.0.101", "172.18.0.3", np, rng=random.Random(0)).action == "DROP"
    assert '"ns1/svc1:p80 has no local endpoints"' in without.render()
    # pods on the node still reach it ("pod traffic for ... external destinations")
    assert without.connect("10.244.1.99", "172.18.0.3", np, rng=random.Random(0)).action == "DNAT"
    # and the ClusterIP keeps using every endpoint
    assert without.connect("10.244.1.99", s["spec"]["clusterIP"], 80, rng=random.Random(0)).action == "DNAT"


def test_internal_traffic_policy_local(registry):
    s = svc(registry, internalTrafficPolicy="Local")
    ip = s["spec"]["clusterIP"]
    local = rules_for([s], [pod(1), pod(3, node=OTHER)])
    assert {str(local.connect("10.244.1.99", ip, 80, rng=random.Random(i)).endpoint) for i in range(30)} == \
        {"10.244.1.11:80"}
    assert "KUBE-SVL-XPGD46QRK7WJZT7O" in local.render()
    none = rules_for([s], [pod(3, node=OTHER)])
    v = none.connect("10.244.1.99", ip, 80, rng=random.Random(0))
    assert v.action == "DROP" and v.comment == "ns1/svc1:p80 has no local endpoints"


def test_load_balancer_ip_and_source_ranges(registry):
    s = svc(registry, type="LoadBalancer", loadBalancerSourceRanges=["192.168.0.0/24"])
    lb = s["status"]["loadBalancer"]["ingress"][0]["ip"]
    rules = rules_for([s], [pod(1)])
    text = rules.render()
    assert f'-A KUBE-SERVICES -d {lb}/32 -p tcp -m comment --comment "ns1/svc1:p80 loadbalancer IP" -m tcp --dport 80 ' \
           "-j KUBE-FW-XPGD46QRK7WJZT7O" in text.splitlines()
    assert rules.connect("192.168.0.101", lb, 80, rng=random.Random(0)).action == "DNAT"
    v = rules.connect("10.1.1.1", lb, 80, rng=random.Random(0))
    assert v.action == "DROP" and v.comment == "ns1/svc1:p80 traffic not accepted by KUBE-FW-XPGD46QRK7WJZT7O"


def test_headless_and_external_name_services_get_no_rules(registry):
    headless = svc(registry, name="db", clusterIP="None")
    rules = rules_for([headless], [pod(1)])
    assert "ns1/db" not in rules.render()


def test_render_header_and_jumps(registry):
    text = rules_for([svc(registry)], [pod(1)]).render(when="Mon Dec  7 05:55:29 2026")
    lines = text.splitlines()
    assert lines[0] == "# Generated by iptables-save v1.8.9 (nf_tables) on Mon Dec  7 05:55:29 2026"
    assert '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' in lines
    assert '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING' in lines
    assert "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP" in lines


# ----------------------------------------------------------------------------- CategorizeEndpoints
def ep(ip, ready=True, serving=True, terminating=False, node="node-1"):
    return EndpointInfo(ip, 80, node, ready, serving, terminating)


def info(internal_local=False, external_local=False, node_port=0):
    return ServicePortInfo("ns", "svc", "", "TCP", "10.96.0.5", 80, node_port=node_port,
                           internal_local=internal_local, external_local=external_local)


@pytest.mark.parametrize("svc_info,endpoints,cluster,local,reachable,has_any", [
    (info(), [ep("10.0.0.1"), ep("10.0.0.2", ready=False, serving=False)], ["10.0.0.1"], [], ["10.0.0.1"], True),
    (info(), [ep("10.0.0.1", ready=False, terminating=True), ep("10.0.0.2", ready=False, serving=False,
                                                                 terminating=True)],
     ["10.0.0.1"], [], ["10.0.0.1"], True),
    (info(), [], [], [], [], False),
    (info(internal_local=True), [ep("10.0.0.1"), ep("10.0.0.2", node="node-2")], [], ["10.0.0.1"], ["10.0.0.1"],
     True),
    (info(internal_local=True), [ep("10.0.0.2", node="node-2")], [], [], [], True),
    (info(external_local=True, node_port=30001), [ep("10.0.0.1"), ep("10.0.0.2", node="node-2")],
     ["10.0.0.1", "10.0.0.2"], ["10.0.0.1"], ["10.0.0.1", "10.0.0.2"], True),
    (info(external_local=True, node_port=30001),
     [ep("10.0.0.1", ready=False, terminating=True), ep("10.0.0.2", node="node-2")],
     ["10.0.0.2"], ["10.0.0.1"], ["10.0.0.1", "10.0.0.2"], True),
])
def test_categorize_endpoints(svc_info, endpoints, cluster, local, reachable, has_any):
    c, lo, r, anyep = categorize_endpoints(endpoints, svc_info, "node-1")
    assert [e.ip for e in c] == cluster and [e.ip for e in lo] == local
    assert sorted(e.ip for e in r) == reachable and anyep == has_any
