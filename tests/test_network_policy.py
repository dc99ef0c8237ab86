"""NetworkPolicy evaluation (NP-1), checked with the upstream e2e truth tables.

``test/e2e/network/netpol/network_policy.go``: namespaces x, y, z with pods a, b, c each
(label ``pod=<name>``, container ports named ``serve-<port>-<protocol>``); each case creates
policies and states the expected reachability of all 81 pairs, loopback ignored
(``ignoreLoopback``). The cases keep the upstream names. endPort and ipBlock-with-pod cases
come from the API reference (NetworkPolicyPort, IPBlock).
"""
from __future__ import annotations

import pytest

from k8s_helpers.network.network_policy import (allowed, connectivity_matrix, policy_types, port_matches,
                                                render_truth_table)

NAMESPACES = ["x", "y", "z"]
PODS = ["a", "b", "c"]
PORTS = (80, 81)
PROTOCOLS = ("TCP", "UDP", "SCTP")


def model_pod(ns, name):
    i = NAMESPACES.index(ns) * 3 + PODS.index(name)
    ports = [{"name": f"serve-{p}-{proto.lower()}", "containerPort": p, "protocol": proto}
             for p in PORTS for proto in PROTOCOLS]
    return {"metadata": {"name": name, "namespace": ns, "labels": {"pod": name}},
            "spec": {"containers": [{"name": f"cont-{name}", "ports": ports}]},
            "status": {"podIP": f"10.244.{i // 3}.{10 + i}"}}


ALL = [model_pod(ns, p) for ns in NAMESPACES for p in PODS]
KEYS = [f"{ns}/{p}" for ns in NAMESPACES for p in PODS]
IP = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p["status"]["podIP"] for p in ALL}


class Reachability:
    """``reachability.go``: expectations over (from, to) with Peer wildcards."""

    def __init__(self, default=True):
        self.table = {(a, b): default for a in KEYS for b in KEYS}

    def expect(self, a, b, value):
        self.table[(a, b)] = value

    def expect_peer(self, frm: dict, to: dict, value):
        for a in KEYS:
            for b in KEYS:
                if _peer(frm, a) and _peer(to, b):
                    self.table[(a, b)] = value

    def expect_all_ingress(self, pod, value):
        for a in KEYS:
            self.table[(a, pod)] = value

    def expect_all_egress(self, pod, value):
        for b in KEYS:
            self.table[(pod, b)] = value


def _peer(peer, key):
    ns, pod = key.split("/")
    return (not peer.get("ns") or peer["ns"] == ns) and (not peer.get("pod") or peer["pod"] == pod)


def validate(policies, reach: Reachability, port=80, protocol="TCP", namespaces=None):
    got = connectivity_matrix(ALL, port, protocol, policies=policies, namespaces=namespaces or {n: {} for n in
                                                                                                 NAMESPACES})
    wrong = [(a, b) for (a, b), v in reach.table.items() if a != b and got[(a, b)] != v]
    assert not wrong, "\n" + render_truth_table(got, KEYS) + f"\nwrong: {wrong}"


def policy(name, ns="x", pod_selector=None, ingress=None, egress=None, types=None):
    spec = {"podSelector": pod_selector if pod_selector is not None else {}}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    if types:
        spec["policyTypes"] = types
    elif ingress is not None and egress is not None:
        spec["policyTypes"] = ["Ingress", "Egress"]
    elif egress is not None:
        spec["policyTypes"] = ["Egress"]
    return {"metadata": {"name": name, "namespace": ns}, "spec": spec}


A = {"matchLabels": {"pod": "a"}}
B = {"matchLabels": {"pod": "b"}}
NS_Y = {"matchLabels": {"kubernetes.io/metadata.name": "y"}}
NOT_X = {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["x"]}]}


def test_default_deny_ingress():
    r = Reachability()
    r.expect_peer({}, {"ns": "x"}, False)
    validate([policy("deny-ingress", ingress=[])], r)


def test_default_deny_all():
    r = Reachability()
    r.expect_peer({}, {"ns": "x"}, False)
    r.expect_peer({"ns": "x"}, {}, False)
    validate([policy("deny-all", ingress=[], egress=[])], r)


def test_allow_traffic_from_pods_within_server_namespace_based_on_pod_selector():
    r = Reachability()
    r.expect_all_ingress("x/a", False)
    r.expect("x/b", "x/a", True)
    validate([policy("x-a-allows-x-b", pod_selector=A, ingress=[{"from": [{"podSelector": B}]}])], r)


def test_allow_ingress_traffic_for_a_target():
    r = Reachability()
    r.expect_all_ingress("x/a", True)
    r.expect_all_ingress("x/b", False)
    r.expect_all_ingress("x/c", False)
    validate([policy("deny-all", ingress=[]),
              policy("allow-all-to-a", pod_selector=A,
                     ingress=[{"from": [{"podSelector": {}, "namespaceSelector": {}}]}])], r)


def test_allow_ingress_traffic_from_pods_in_all_namespaces():
    validate([policy("allow-from-another-ns", pod_selector=A,
                     ingress=[{"from": [{"namespaceSelector": {"matchLabels": {}}}]}])], Reachability())


@pytest.mark.parametrize("ns_selector", [NS_Y, {"matchExpressions": [
    {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["y"]}]}])
def test_allow_traffic_only_from_a_different_namespace(ns_selector):
    r = Reachability()
    r.expect_peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False)
    r.expect_peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False)
    validate([policy("allow-client-a-via-ns-selector", pod_selector=A,
                     ingress=[{"from": [{"namespaceSelector": ns_selector}]}])], r)


def test_pod_selector_with_match_expressions():
    r = Reachability()
    r.expect_all_ingress("x/a", False)
    r.expect("x/b", "x/a", True)
    sel = {"matchExpressions": [{"key": "pod", "operator": "In", "values": ["b"]}]}
    validate([policy("x-a-allows-x-b", pod_selector=A, ingress=[{"from": [{"podSelector": sel}]}])], r)


def test_pod_selector_or_namespace_selector():
    """Two peers: ORed."""
    r = Reachability()
    r.expect("x/a", "x/a", False)
    r.expect("x/c", "x/a", False)
    validate([policy("allow-ns-y-match-selector", pod_selector=A,
                     ingress=[{"from": [{"namespaceSelector": NOT_X}, {"podSelector": B}]}])], r)


def test_pod_selector_and_namespace_selector():
    """One peer with both: ANDed."""
    r = Reachability()
    r.expect_all_ingress("x/a", False)
    r.expect("y/b", "x/a", True)
    r.expect("z/b", "x/a", True)
    validate([policy("allow-ns-y-podselector-and-nsselector", pod_selector=A,
                     ingress=[{"from": [{"namespaceSelector": NOT_X, "podSelector": B}]}])], r)


def test_multiple_pod_selectors_and_namespace_selectors():
    r = Reachability()
    r.expect_peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False)
    r.expect("y/a", "x/a", False)
    r.expect("z/a", "x/a", False)
    pods_bc = {"matchExpressions": [{"key": "pod", "operator": "In", "values": ["b", "c"]}]}
    validate([policy("allow-ns-y-z-pod-b-c", pod_selector=A,
                     ingress=[{"from": [{"namespaceSelector": NOT_X, "podSelector": pods_bc}]}])], r)


def test_any_pod_selectors():
    r = Reachability()
    r.expect_all_ingress("x/a", False)
    r.expect("x/b", "x/a", True)
    r.expect("x/c", "x/a", True)
    validate([policy("allow-ns-x-pod-b-c", pod_selector=A,
                     ingress=[{"from": [{"podSelector": B}, {"podSelector": {"matchLabels": {"pod": "c"}}}]}])], r)


def test_pod_in_a_different_namespace_by_pod_and_namespace_selector():
    r = Reachability()
    r.expect_all_ingress("x/a", False)
    r.expect("y/a", "x/a", True)
    validate([policy("allow-ns-y-pod-a", pod_selector=A,
                     ingress=[{"from": [{"namespaceSelector": NS_Y, "podSelector": A}]}])], r)


def _port81_policy(name="allow-client-a-via-ns-selector", port=81):
    return policy(name, pod_selector=A, ingress=[{"from": [{"namespaceSelector": NS_Y}],
                                                 "ports": [{"port": port, "protocol": "TCP"}]}])


def test_policy_based_on_ports():
    r = Reachability()
    r.expect_peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False)
    r.expect_peer({"ns": "y"}, {"ns": "x", "pod": "a"}, True)
    r.expect_peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False)
    validate([_port81_policy()], r, port=81)


def test_multiple_stacked_policies_with_overlapping_pod_selectors():
    allow = Reachability()
    allow.expect_peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False)
    allow.expect_peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False)
    deny = Reachability()
    deny.expect_all_ingress("x/a", False)
    validate([_port81_policy()], allow, port=81)
    validate([_port81_policy()], deny, port=80)
    validate([_port81_policy(), _port81_policy("allow-client-a-via-ns-selector-80", port=80)], allow, port=80)


def test_allow_all_policy():
    p = policy("allow-all", ingress=[{}])
    validate([p], Reachability(), port=80)
    validate([p], Reachability(), port=81)


def test_ingress_access_on_one_named_port():
    p = policy("allow-all", ingress=[{"ports": [{"port": "serve-81-tcp"}]}])
    validate([p], Reachability(), port=81)
    r = Reachability()
    r.expect_peer({}, {"ns": "x"}, False)
    validate([p], r, port=80)


def test_ingress_access_from_namespace_on_one_named_port():
    p = policy("allow-client-a-via-ns-selector-80", pod_selector=A,
               ingress=[{"from": [{"namespaceSelector": NS_Y}], "ports": [{"port": "serve-80-tcp", "protocol": "TCP"}]}])
    r = Reachability()
    r.expect_peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False)
    r.expect_peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False)
    validate([p], r, port=80)
    fail = Reachability()
    fail.expect_all_ingress("x/a", False)
    validate([p], fail, port=81)


def test_egress_access_on_one_named_port():
    p = policy("allow-egress", egress=[{"ports": [{"port": "serve-80-tcp"}]}])
    validate([p], Reachability(), port=80)
    r = Reachability()
    r.expect_peer({"ns": "x"}, {}, False)
    validate([p], r, port=81)


def test_enforce_updated_policy():
    validate([policy("allow-all-mutate-to-deny-all", ingress=[{}])], Reachability(), port=81)
    r = Reachability()
    r.expect_peer({}, {"ns": "x"}, False)
    validate([policy("allow-all-mutate-to-deny-all", ingress=[])], r, port=81)


def test_ingress_access_from_updated_namespace():
    p = policy("allow-client-a-via-ns-selector", pod_selector=A,
               ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"ns2": "updated"}}}]}])
    r = Reachability()
    r.expect_all_ingress("x/a", False)
    validate([p], r)
    r.expect_peer({"ns": "y"}, {}, True)
    validate([p], r, namespaces={"x": {}, "y": {"ns2": "updated"}, "z": {}})


def test_deny_ingress_from_pods_on_other_namespaces():
    r = Reachability()
    r.expect_peer({"ns": "y"}, {"ns": "x"}, False)
    r.expect_peer({"ns": "z"}, {"ns": "x"}, False)
    validate([policy("deny-empty-policy", ingress=[{"from": [{"podSelector": {"matchLabels": {}}}]}])], r)


def test_deny_egress_from_pods_based_on_pod_selector():
    r = Reachability()
    r.expect_all_egress("x/a", False)
    validate([policy("deny-egress-pod-a", pod_selector=A, egress=[])], r)


def test_deny_egress_from_all_pods_in_a_namespace():
    r = Reachability()
    r.expect_peer({"ns": "x"}, {}, False)
    validate([policy("deny-egress-ns-x", egress=[])], r)


def test_ingress_and_egress_specified_together():
    p = policy("allow-client-a-via-pod-selector", pod_selector=A, ingress=[{"from": [{"podSelector": B}]}],
               egress=[{"ports": [{"port": 80}]}])
    r80 = Reachability()
    r80.expect_all_ingress("x/a", False)
    r80.expect("x/b", "x/a", True)
    validate([p], r80, port=80)
    r81 = Reachability()
    r81.expect_all_ingress("x/a", False)
    r81.expect_all_egress("x/a", False)
    r81.expect("x/b", "x/a", True)
    validate([p], r81, port=81)


def test_egress_denied_on_the_client_side_even_if_the_server_allows():
    from_xa = {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "x"}},
                         "podSelector": A}]}
    policies = [policy("allow-to-ns-y-pod-a", pod_selector=A, egress=[{"to": [{"namespaceSelector": NS_Y,
                                                                              "podSelector": A}]}]),
                policy("allow-from-xa-on-ya", ns="y", pod_selector=A, ingress=[from_xa]),
                policy("allow-from-xa-on-yb", ns="y", pod_selector=B, ingress=[from_xa])]
    r = Reachability()
    r.expect_peer({"ns": "x", "pod": "a"}, {}, False)
    r.expect_peer({}, {"ns": "y", "pod": "a"}, False)
    r.expect_peer({"ns": "x", "pod": "a"}, {"ns": "y", "pod": "a"}, True)
    r.expect_peer({}, {"ns": "y", "pod": "b"}, False)
    validate(policies, r)


def test_egress_to_a_server_in_a_different_namespace():
    r = Reachability()
    r.expect_all_egress("x/a", False)
    r.expect("x/a", "y/a", True)
    validate([policy("allow-to-ns-y-pod-a", pod_selector=A,
                     egress=[{"to": [{"namespaceSelector": NS_Y, "podSelector": A}]}])], r)


def test_any_port_on_a_specific_protocol():
    p = policy("allow-ingress-by-proto", pod_selector=A, ingress=[{"ports": [{"protocol": "TCP"}]}])
    validate([p], Reachability(), port=80, protocol="TCP")
    r = Reachability()
    r.expect_peer({}, {"ns": "x", "pod": "a"}, False)
    validate([p], r, port=80, protocol="UDP")


def test_ingress_allow_all_takes_precedence():
    only80 = policy("allow-ingress-port-80", ingress=[{"ports": [{"port": 80}]}])
    r = Reachability()
    r.expect_peer({}, {"ns": "x"}, False)
    validate([only80], r, port=81)
    validate([only80, policy("allow-ingress", ingress=[{}])], Reachability(), port=81)


def test_egress_allow_all_takes_precedence():
    only80 = policy("allow-egress-port-80", egress=[{"ports": [{"port": 80}]}])
    r = Reachability()
    r.expect_peer({"ns": "x"}, {}, False)
    validate([only80], r, port=81)
    validate([only80, policy("allow-egress", egress=[{}])], Reachability(), port=81)


def test_stop_enforcing_after_deletion():
    r = Reachability()
    r.expect_peer({"ns": "x"}, {}, False)
    r.expect_peer({}, {"ns": "x"}, False)
    validate([policy("deny-all", ingress=[], egress=[])], r)
    validate([], Reachability())


def test_egress_to_server_in_cidr_block():
    r = Reachability()
    r.expect_all_egress("x/a", False)
    r.expect("x/a", "y/b", True)
    validate([policy("allow-client-a-via-cidr-egress-rule", pod_selector=A,
                     egress=[{"to": [{"ipBlock": {"cidr": f"{IP['y/b']}/32"}}]}])], r)


def test_except_clause_in_cidr_block():
    r = Reachability()
    r.expect("x/a", "x/b", False)
    validate([policy("allow-client-a-via-cidr-egress-rule", pod_selector=A,
                     egress=[{"to": [{"ipBlock": {"cidr": f"{IP['x/a']}/4", "except": [f"{IP['x/b']}/32"]}}]}])], r)


def test_ip_in_both_cidr_and_except_can_be_allowed_by_another_policy():
    first = policy("allow-client-a-via-cidr-egress-rule", pod_selector=A,
                   egress=[{"to": [{"ipBlock": {"cidr": f"{IP['x/a']}/4", "except": [f"{IP['x/b']}/32"]}}]}])
    second = policy("allow-client-a-via-cidr-egress-rule", pod_selector=A,
                    egress=[{"to": [{"ipBlock": {"cidr": f"{IP['x/b']}/32"}}]}])
    r = Reachability()
    r.expect("x/a", "x/b", False)
    validate([first], r)
    allow = Reachability()
    allow.expect_all_egress("x/a", False)
    allow.expect("x/a", "x/b", True)
    validate([second], allow)  # the policy was updated in place


def test_ingress_and_egress_controlled_independently():
    allow_egress = policy("allow-egress-for-target", pod_selector=A, egress=[{}])
    validate([allow_egress], Reachability())
    r = Reachability()
    r.expect_all_ingress("x/a", False)
    validate([allow_egress, policy("deny-ingress-via-label-selector", pod_selector=A, ingress=[])], r)


@pytest.mark.parametrize("sctp_port", [81, 80])
def test_sctp_is_not_tcp(sctp_port):
    r = Reachability()
    if sctp_port == 81:
        policies = [policy("deny-ingress", ingress=[]),
                    policy("allow-only-sctp-ingress-on-port-81", pod_selector=A,
                           ingress=[{"ports": [{"port": 81, "protocol": "SCTP"}]}])]
        r.expect_peer({}, {"ns": "x"}, False)
    else:
        policies = [policy("allow-only-sctp-ingress-on-port-80", pod_selector=A,
                           ingress=[{"ports": [{"port": 80, "protocol": "SCTP"}]}])]
        r.expect_all_ingress("x/a", False)
    validate(policies, r, port=81, protocol="TCP")


def test_udp_policy_does_not_allow_tcp():
    r = Reachability()
    r.expect_all_ingress("x/a", False)
    validate([policy("allow-only-udp-ingress-on-port-81", pod_selector=A,
                     ingress=[{"ports": [{"port": 81, "protocol": "UDP"}]}])], r, port=81)


def test_namespace_selector_match_expressions_on_the_default_label_egress():
    r = Reachability()
    r.expect_peer({"ns": "x", "pod": "a"}, {"ns": "y"}, False)
    sel = {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["y"]}]}
    validate([policy("allow-ns-y-match-selector-for-immutable-ns-label", pod_selector=A,
                     egress=[{"to": [{"namespaceSelector": sel}]}])], r)


@pytest.mark.parametrize("protocol", ["UDP", "SCTP"])
def test_other_protocols_default_deny_and_ports(protocol):
    r = Reachability()
    r.expect_peer({}, {"ns": "x"}, False)
    validate([policy("deny-all", ingress=[])], r, protocol=protocol)
    r = Reachability()
    r.expect_peer({"ns": "x"}, {"ns": "x", "pod": "a"}, False)
    r.expect_peer({"ns": "z"}, {"ns": "x", "pod": "a"}, False)
    validate([policy("allow-ingress-on-port-81-ns-x", pod_selector=A,
                     ingress=[{"from": [{"namespaceSelector": NS_Y}], "ports": [{"port": 81, "protocol": protocol}]}])],
             r, port=81, protocol=protocol)


# ----------------------------------------------------------------------------- API reference cases
@pytest.mark.parametrize("rule_port,port,expected", [
    ({"port": 32000, "endPort": 32768}, 32000, True),
    ({"port": 32000, "endPort": 32768}, 32768, True),
    ({"port": 32000, "endPort": 32768}, 32769, False),
    ({"port": 32000, "endPort": 32768}, 31999, False),
    ({"protocol": "TCP"}, 5, True),
    ({"port": 80, "protocol": "UDP"}, 80, False),
])
def test_end_port_ranges(rule_port, port, expected):
    assert port_matches(rule_port, port, "TCP", None) is expected


def test_policy_types_default():
    assert policy_types({"spec": {}}) == ["Ingress"]
    assert policy_types({"spec": {"egress": [{}]}}) == ["Ingress", "Egress"]
    assert policy_types({"spec": {"policyTypes": ["Egress"]}}) == ["Egress"]


def test_notes_example_database_reachable_only_from_its_namespace():
    """The notes' example: bbdd:3306 in miapp-prod only from the same namespace."""
    db = {"metadata": {"name": "bbdd-0", "namespace": "miapp-prod", "labels": {"app": "bbdd"}},
          "spec": {"containers": [{"ports": [{"containerPort": 3306}]}]}, "status": {"podIP": "10.244.1.20"}}
    web = {"metadata": {"name": "web", "namespace": "miapp-prod", "labels": {"app": "web"}}, "status": {}}
    intruder = {"metadata": {"name": "x", "namespace": "otro", "labels": {"app": "web"}}, "status": {}}
    pol = {"metadata": {"name": "bbdd-solo-mismo-ns", "namespace": "miapp-prod"},
           "spec": {"podSelector": {"matchLabels": {"app": "bbdd"}}, "policyTypes": ["Ingress"],
                    "ingress": [{"from": [{"podSelector": {}}], "ports": [{"protocol": "TCP", "port": 3306}]}]}}
    assert allowed(web, db, 3306, policies=[pol])
    blocked = allowed(intruder, db, 3306, policies=[pol])
    assert not blocked and blocked.blocked_by == "ingress"
    assert blocked.ingress_isolated_by == ["miapp-prod/bbdd-solo-mismo-ns"]
    assert not allowed(web, db, 3307, policies=[pol])
    assert allowed(intruder, db, 3306, policies=[pol], enforced=False)


def test_egress_deny_blocks_dns_unless_allowed():
    coredns = {"metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
               "spec": {"containers": [{"ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"}]}]}}
    app = {"metadata": {"name": "app", "namespace": "default", "labels": {"app": "web"}}}
    db = {"metadata": {"name": "db", "namespace": "default", "labels": {"app": "db"}}}
    only_db = {"metadata": {"name": "only-db", "namespace": "default"},
               "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Egress"],
                        "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "db"}}}]}]}}
    assert allowed(app, db, 5432, policies=[only_db])
    assert not allowed(app, coredns, 53, "UDP", policies=[only_db])
    dns_rule = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}
    fixed = dict(only_db, spec=dict(only_db["spec"], egress=only_db["spec"]["egress"] + [dns_rule]))
    assert allowed(app, coredns, 53, "UDP", policies=[fixed])


def test_node_of_the_pod_and_the_pod_itself_are_always_allowed():
    pod = model_pod("x", "a")
    deny = [policy("deny-all", ingress=[], egress=[])]
    assert allowed({"ip": "172.18.0.3"}, pod, 80, policies=deny, src_node_of_dst=True)
    assert not allowed({"ip": "172.18.0.3"}, pod, 80, policies=deny)
    assert allowed(pod, pod, 80, policies=deny)


def test_truth_table_rendering():
    table = render_truth_table(connectivity_matrix(ALL[:2], 80, policies=[policy("d", ingress=[])]), KEYS[:2])
    assert table == "-\tx/a\tx/b\nx/a\t.\tX\nx/b\tX\t."
