"""NetworkPolicy evaluation, as a CNI that enforces ``networking.k8s.io/v1`` does it (NP-1).

Rules (the API reference of NetworkPolicySpec, NetworkPolicyPeer and NetworkPolicyPort, and
the upstream e2e suite ``test/e2e/network/netpol``):

- a pod accepts and sends everything until a policy **selects** it (its ``podSelector``, in
  its namespace) for a direction; then that direction allows only what some selecting
  policy's rules allow. Policies add up (a union), they never deny;
- ``policyTypes`` defaults to ``["Ingress"]``, plus ``"Egress"`` when the policy has egress
  rules; ``ingress: []`` (or no ingress with ``policyTypes: [Ingress]``) isolates and allows
  nothing;
- a connection needs the source's egress **and** the destination's ingress;
- a rule without ``from``/``to`` allows every peer, without ``ports`` every port;
- the peers of a rule are ORed; inside one peer, ``namespaceSelector`` and ``podSelector`` are
  ANDed; a ``podSelector`` alone means the policy's namespace; ``namespaceSelector: {}`` means
  every namespace; ``ipBlock`` (with ``except``) matches addresses, pods' included;
- a port matches protocol (TCP by default) and number, a range ``port``..``endPort``, or a
  name looked up in the destination pod's container ports; a rule port with only a protocol
  matches every port of it;
- traffic goes through a Service's DNAT first: policies see the pod's address and its
  ``targetPort``, never the ClusterIP. An egress policy that allows only the application
  also blocks DNS (UDP and TCP 53 to the CoreDNS pods in ``kube-system``): the usual pitfall;
- the node hosting a pod can always reach it (kubelet probes), and a pod can always reach
  itself.

Enforcement depends on the CNI plugin (``enforced=False`` models a plugin without it, such as
kind's kindnet before kind 0.24).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from ..api.labels import label_selector_matches

__all__ = [
    "NAMESPACE_NAME_LABEL", "Verdict", "policy_types", "selects", "peer_matches", "port_matches",
    "allowed", "PolicyIndex", "connectivity_matrix", "render_truth_table",
]

#: set by the API server on every namespace (immutable), used by namespaceSelectors
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _ns(obj: dict) -> str:
    return _meta(obj).get("namespace") or "default"


def _name(obj: dict) -> str:
    return _meta(obj).get("name") or ""


def _pod_ip(pod: dict) -> str | None:
    status = pod.get("status") or {}
    return status.get("podIP") or next((p.get("ip") for p in status.get("podIPs") or []), None)


def policy_types(policy: dict) -> list[str]:
    """``spec.policyTypes`` or its default."""
    spec = policy.get("spec") or {}
    if spec.get("policyTypes"):
        return list(spec["policyTypes"])
    return ["Ingress"] + (["Egress"] if spec.get("egress") else [])


def selects(policy: dict, pod: dict) -> bool:
    """The policy applies to ``pod`` (same namespace, its ``podSelector`` matches)."""
    return _ns(policy) == _ns(pod) and label_selector_matches(
        (policy.get("spec") or {}).get("podSelector") or {}, _meta(pod).get("labels") or {})


def _namespace_labels(name: str, namespaces: dict) -> dict:
    labels = dict(namespaces.get(name) or {})
    labels.setdefault(NAMESPACE_NAME_LABEL, name)
    return labels


def _in_block(ip: str | None, block: dict) -> bool:
    if ip is None:
        return False
    try:
        addr = ipaddress.ip_address(ip)
        if addr not in ipaddress.ip_network(block.get("cidr"), strict=False):
            return False
        return not any(addr in ipaddress.ip_network(e, strict=False) for e in block.get("except") or [])
    except (ValueError, TypeError):
        return False


def peer_matches(peer: dict, policy_ns: str, other: dict, namespaces: dict) -> bool:
    """Whether ``other`` (a pod, or ``{"ip": ...}`` for something that is not a pod) is this peer."""
    if "ipBlock" in peer:
        return _in_block(other.get("ip") if "ip" in other else _pod_ip(other), peer["ipBlock"] or {})
    if "ip" in other and "metadata" not in other:
        return False
    pod_sel = peer.get("podSelector")
    ns_sel = peer.get("namespaceSelector")
    if ns_sel is None:
        if _ns(other) != policy_ns:
            return False
    elif not label_selector_matches(ns_sel, _namespace_labels(_ns(other), namespaces)):
        return False
    if pod_sel is not None and not label_selector_matches(pod_sel, _meta(other).get("labels") or {}):
        return False
    return True


def _named_port(pod: dict | None, name: str, protocol: str) -> int | None:
    if not pod:
        return None
    spec = pod.get("spec") or {}
    for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
        for p in c.get("ports") or []:
            if p.get("name") == name and (p.get("protocol") or "TCP") == protocol:
                return p.get("containerPort")
    return None


def port_matches(rule_port: dict, port: int, protocol: str, destination: dict | None) -> bool:
    """One ``NetworkPolicyPort`` against the destination's ``port``/``protocol``."""
    if (rule_port.get("protocol") or "TCP") != protocol:
        return False
    value = rule_port.get("port")
    if value is None:
        return True
    if isinstance(value, str) and not value.isdigit():
        return _named_port(destination if destination and "metadata" in destination else None,
                           value, protocol) == port
    first = int(value)
    last = int(rule_port.get("endPort") or first)
    return first <= port <= last


def _rules_allow(rules, direction: str, policy: dict, peer: dict, port: int, protocol: str,
                 destination: dict | None, namespaces: dict) -> bool:
    key = "from" if direction == "Ingress" else "to"
    for rule in rules or []:
        rule = rule or {}
        peers = rule.get(key)
        if peers and not any(peer_matches(p or {}, _ns(policy), peer, namespaces) for p in peers):
            continue
        ports = rule.get("ports")
        if ports and not any(port_matches(p or {}, port, protocol, destination) for p in ports):
            continue
        return True
    return False


@dataclass
class Verdict:
    """``allowed`` plus why: the policies that isolate each side and the ones that allowed."""

    allowed: bool
    egress_isolated_by: list = field(default_factory=list)
    egress_allowed_by: list = field(default_factory=list)
    ingress_isolated_by: list = field(default_factory=list)
    ingress_allowed_by: list = field(default_factory=list)
    blocked_by: str | None = None  # "egress" or "ingress"

    def __bool__(self) -> bool:
        return self.allowed


def _key(p: dict) -> str:
    return f"{_ns(p)}/{_name(p)}"


def allowed(src, dst, port: int, protocol: str = "TCP", *, policies=(), namespaces=None, enforced: bool = True,
            src_node_of_dst: bool = False, ingress_source=None) -> Verdict:
    """Whether a connection from ``src`` to ``dst`` on ``port``/``protocol`` is let through.

    ``src``/``dst``: pod dicts, or ``{"ip": ...}`` for what is not a pod (a node, a client
    outside the cluster). ``namespaces``: ``{name: labels}`` (the name label is implied).
    ``src_node_of_dst``: the source is the node that hosts ``dst``. ``ingress_source``: the
    source as ``dst`` sees it when it differs from ``src`` (traffic masqueraded to a node)."""
    namespaces = namespaces or {}
    ingress_source = src if ingress_source is None else ingress_source
    v = Verdict(True)
    if not enforced:
        return v
    src_is_pod = "metadata" in src
    dst_is_pod = "metadata" in dst
    if src_is_pod and dst_is_pod and _key(src) == _key(dst) and ingress_source is src:
        return v
    if src_is_pod:
        for pol in policies:
            if "Egress" in policy_types(pol) and selects(pol, src):
                v.egress_isolated_by.append(_key(pol))
                if _rules_allow((pol.get("spec") or {}).get("egress"), "Egress", pol, dst, port, protocol,
                                dst, namespaces):
                    v.egress_allowed_by.append(_key(pol))
        if v.egress_isolated_by and not v.egress_allowed_by:
            v.allowed, v.blocked_by = False, "egress"
            return v
    if dst_is_pod and not src_node_of_dst:
        for pol in policies:
            if "Ingress" in policy_types(pol) and selects(pol, dst):
                v.ingress_isolated_by.append(_key(pol))
                if _rules_allow((pol.get("spec") or {}).get("ingress"), "Ingress", pol, ingress_source, port,
                                protocol, dst, namespaces):
                    v.ingress_allowed_by.append(_key(pol))
        if v.ingress_isolated_by and not v.ingress_allowed_by:
            v.allowed, v.blocked_by = False, "ingress"
    return v


class PolicyIndex:
    """Policies grouped by namespace with their selections cached, for matrices over many pods."""

    def __init__(self, policies, namespaces=None):
        self.namespaces = namespaces or {}
        self.by_ns: dict[str, list] = {}
        for p in policies:
            self.by_ns.setdefault(_ns(p), []).append(p)
        self._selected: dict[tuple, list] = {}

    def _policies_of(self, pod: dict, direction: str) -> list:
        key = (_key(pod), direction)
        hit = self._selected.get(key)
        if hit is None:
            hit = [p for p in self.by_ns.get(_ns(pod), []) if direction in policy_types(p) and selects(p, pod)]
            self._selected[key] = hit
        return hit

    def allowed(self, src, dst, port: int, protocol: str = "TCP") -> bool:
        if "metadata" in src and "metadata" in dst and _key(src) == _key(dst):
            return True
        if "metadata" in src:
            pols = self._policies_of(src, "Egress")
            if pols and not any(_rules_allow((p.get("spec") or {}).get("egress"), "Egress", p, dst, port, protocol,
                                             dst, self.namespaces) for p in pols):
                return False
        if "metadata" in dst:
            pols = self._policies_of(dst, "Ingress")
            if pols and not any(_rules_allow((p.get("spec") or {}).get("ingress"), "Ingress", p, src, port, protocol,
                                             dst, self.namespaces) for p in pols):
                return False
        return True


def connectivity_matrix(pods, port: int, protocol: str = "TCP", *, policies=(), namespaces=None,
                        enforced: bool = True) -> dict:
    """``{(from "ns/pod", to "ns/pod"): allowed}`` for every pair (the e2e "reachability")."""
    index = PolicyIndex(policies if enforced else (), namespaces)
    keys = [(_key(p), p) for p in pods]
    return {(a, b): index.allowed(pa, pb, port, protocol) for a, pa in keys for b, pb in keys}


def render_truth_table(matrix: dict, names: list[str]) -> str:
    """The matrix as the e2e suite logs it (``truthtable.go`` PrettyPrint): ``.`` reachable,
    ``X`` blocked, one row per source."""
    lines = ["-\t" + "\t".join(names)]
    for a in names:
        lines.append(a + "\t" + "\t".join("." if matrix[(a, b)] else "X" for b in names))
    return "\n".join(lines)
