"""kube-proxy in iptables mode: the rules it writes on each node, and what they do to a packet (SVC-4).

A port of ``pkg/proxy/iptables/proxier.go`` ``syncProxyRules`` and
``pkg/proxy/topology.go`` ``CategorizeEndpoints``. :func:`sync_proxy_rules` builds one
node's ``nat`` and ``filter`` tables as data; :meth:`ProxyRules.render` prints them as
``iptables-save`` does on a real node (compare with ``docker exec kind-worker
iptables-save``), and :meth:`ProxyRules.connect` walks the same rules with a new
connection, so what is shown is what happens:

- ``KUBE-SERVICES`` catches each ClusterIP:port (``"default/web:http cluster IP"``), external
  IP and LoadBalancer IP, and ends with a jump to ``KUBE-NODEPORTS`` for packets to a local
  address; ``KUBE-NODEPORTS`` catches each nodePort;
- chain names are hashes: ``KUBE-SVC-`` + the first 16 characters of the base32 of the
  sha256 of ``"<ns>/<svc>:<port name>" + protocol`` (``portProtoHash``; ``default/kubernetes:https``
  + ``tcp`` gives ``KUBE-SVC-NPX46M4PTMTKRN6Y`` on every cluster); ``KUBE-SVL-`` (Local
  policy), ``KUBE-EXT-`` (external traffic), ``KUBE-FW-`` (loadBalancerSourceRanges);
  ``KUBE-SEP-`` hashes ``"<ns>/<svc>:<port name>" + protocol + "<ip>:<port>"``;
- a service chain jumps to endpoint *i* of *n* with ``-m statistic --mode random
  --probability 1/(n-i)`` (the last one unconditionally): each endpoint gets 1/n of the new
  connections, chosen at random, not in turn. The kernel draws 31 random bits and compares
  them with ``probability x 2^31``; so does :meth:`ProxyRules.connect`, with the seeded
  generator it is given;
- ``sessionAffinity: ClientIP`` adds ``-m recent --rcheck --seconds 10800 --reap`` rules
  before the random ones and ``--set`` in each endpoint chain: one client IP keeps its
  endpoint (per node: the ``recent`` lists live in each node's kernel);
- ``externalTrafficPolicy: Local`` sends external traffic only to endpoints on the node
  that received it, without SNAT (the pod sees the client's address); with ``Cluster`` the
  traffic is marked (``KUBE-MARK-MASQ``) and masqueraded to the node's address.
  ``internalTrafficPolicy: Local`` does the same for ClusterIP traffic;
- endpoints that are ``serving`` and ``terminating`` are used only when no endpoint is
  ready (for Cluster and Local policies separately);
- a service port without usable endpoints is rejected in the ``filter`` table
  (``REJECT``: the client gets "connection refused"); one whose Local policy has no local
  endpoint is dropped (``DROP``: the client times out). A ClusterIP on a port the Service
  does not have matches no rule at all: the packet is routed away and times out.

Simplifications, said here: IPv4 only; topology hints, ``nfacct`` counters, the
``largeClusterMode`` comment pruning and the kind-specific ``KIND-MASQ-AGENT`` /
``DOCKER_OUTPUT`` chains are not written; service and endpoint order is sorted (Go iterates a
map).
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import random
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "CLUSTER_CIDR", "MASQUERADE_MARK", "service_port_name", "port_proto_hash", "service_chain",
    "local_chain", "external_chain", "firewall_chain", "endpoint_chain", "probability",
    "EndpointInfo", "ServicePortInfo", "service_ports", "endpoints_for", "categorize_endpoints",
    "Rule", "ProxyRules", "Verdict", "sync_proxy_rules", "node_addresses",
]

#: kind's pod network (kube-proxy --cluster-cidr; the "local traffic detector")
CLUSTER_CIDR = "10.244.0.0/16"
#: --iptables-masquerade-bit 14
MASQUERADE_MARK = "0x4000"


# ----------------------------------------------------------------------------- names
def service_port_name(namespace: str, name: str, port_name: str = "") -> str:
    """``ServicePortName.String()``: ``default/web:http``, or ``default/web`` for an
    unnamed port."""
    return f"{namespace}/{name}" + (f":{port_name}" if port_name else "")


@lru_cache(maxsize=1 << 16)
def _hash16(text: str) -> str:
    """base32(sha256(text))[:16]: 16 base32 characters are the first 10 bytes of the digest."""
    return base64.b32encode(hashlib.sha256(text.encode()).digest()[:10]).decode()


def port_proto_hash(service_port: str, protocol: str) -> str:
    """``portProtoHash``: base32(sha256(name + protocol))[:16]."""
    return _hash16(service_port + protocol)


def service_chain(service_port: str, protocol: str) -> str:
    return "KUBE-SVC-" + port_proto_hash(service_port, protocol)


def local_chain(service_port: str, protocol: str) -> str:
    return "KUBE-SVL-" + port_proto_hash(service_port, protocol)


def external_chain(service_port: str, protocol: str) -> str:
    return "KUBE-EXT-" + port_proto_hash(service_port, protocol)


def firewall_chain(service_port: str, protocol: str) -> str:
    return "KUBE-FW-" + port_proto_hash(service_port, protocol)


def endpoint_chain(service_port: str, protocol: str, endpoint: str) -> str:
    """``servicePortEndpointChainName``: the endpoint is ``ip:port``."""
    return "KUBE-SEP-" + _hash16(service_port + protocol + endpoint)


@lru_cache(maxsize=4096)
def probability(n: int) -> str:
    """``computeProbability``: what kube-proxy writes, ``%0.10f`` of 1/n (precomputed upstream)."""
    return f"{1.0 / n:0.10f}"


def _stored_probability(text: str) -> int:
    """libxt_statistic keeps ``lround(p x 2^31)``; iptables-save prints it back with 11 decimals."""
    return round(float(text) * 0x80000000)


# ----------------------------------------------------------------------------- services and endpoints
@dataclass
class ServicePortInfo:
    """One port of one Service as kube-proxy sees it (``BaseServicePortInfo``)."""

    namespace: str
    name: str
    port_name: str
    protocol: str  # TCP/UDP/SCTP
    cluster_ip: str
    port: int
    node_port: int = 0
    load_balancer_ips: list = field(default_factory=list)
    external_ips: list = field(default_factory=list)
    source_ranges: list = field(default_factory=list)
    affinity_seconds: int = 0  # 0: sessionAffinity None
    external_local: bool = False  # externalTrafficPolicy Local
    internal_local: bool = False  # internalTrafficPolicy Local
    health_check_node_port: int = 0

    @property
    def name_string(self) -> str:
        return service_port_name(self.namespace, self.name, self.port_name)

    @property
    def proto(self) -> str:
        return self.protocol.lower()

    @property
    def externally_accessible(self) -> bool:
        return bool(self.node_port or self.load_balancer_ips or self.external_ips)

    @property
    def external_policy_local(self) -> bool:
        return self.externally_accessible and self.external_local

    @property
    def uses_cluster_endpoints(self) -> bool:
        return not self.internal_local or (self.externally_accessible and not self.external_local)

    @property
    def uses_local_endpoints(self) -> bool:
        return self.internal_local or self.external_policy_local


def service_ports(service: dict) -> list[ServicePortInfo]:
    """The service ports kube-proxy programs (``ShouldSkipService``: none for ExternalName or
    headless Services)."""
    meta = service.get("metadata") or {}
    spec = service.get("spec") or {}
    cluster_ip = spec.get("clusterIP")
    if spec.get("type") == "ExternalName" or cluster_ip in (None, "", "None"):
        return []
    lb_ips = [i.get("ip") for i in ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
              if i.get("ip")] if spec.get("type") == "LoadBalancer" else []
    affinity = 0
    if spec.get("sessionAffinity") == "ClientIP":
        affinity = int((((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {})
                        .get("timeoutSeconds")) or 10800)
    out = []
    for p in spec.get("ports") or []:
        out.append(ServicePortInfo(
            namespace=meta.get("namespace") or "default", name=meta.get("name") or "",
            port_name=p.get("name") or "", protocol=p.get("protocol") or "TCP", cluster_ip=cluster_ip,
            port=int(p.get("port")), node_port=int(p.get("nodePort") or 0) if spec.get("type") in (
                "NodePort", "LoadBalancer") else 0,
            load_balancer_ips=lb_ips, external_ips=list(spec.get("externalIPs") or []),
            source_ranges=list(spec.get("loadBalancerSourceRanges") or []), affinity_seconds=affinity,
            external_local=spec.get("externalTrafficPolicy") == "Local",
            internal_local=spec.get("internalTrafficPolicy") == "Local",
            health_check_node_port=int(spec.get("healthCheckNodePort") or 0)))
    return out


@dataclass
class EndpointInfo:
    """One endpoint of a service port (``BaseEndpointInfo``): ``ip:port`` and its conditions."""

    ip: str
    port: int
    node_name: str | None
    ready: bool
    serving: bool
    terminating: bool
    pod: str | None = None  # "ns/name" of the targetRef
    chain: str = ""

    def __str__(self) -> str:
        return f"{self.ip}:{self.port}"

    def is_local(self, node_name: str) -> bool:
        return self.node_name == node_name


def endpoints_for(info: ServicePortInfo, slices) -> list[EndpointInfo]:
    """The endpoints of one service port from the Service's EndpointSlices
    (``endpointslicecache.go``): the slice port with the same name and protocol; endpoints
    without a port or an address are left out; sorted by ``ip:port`` string."""
    seen: dict[str, EndpointInfo] = {}
    for s in slices:
        meta = s.get("metadata") or {}
        if (meta.get("namespace") or "default") != info.namespace \
                or (meta.get("labels") or {}).get("kubernetes.io/service-name") != info.name:
            continue
        if s.get("addressType", "IPv4") != "IPv4":
            continue
        port = next((p for p in s.get("ports") or [] if (p.get("name") or "") == info.port_name
                     and (p.get("protocol") or "TCP") == info.protocol), None)
        if port is None or port.get("port") is None:
            continue
        for ep in s.get("endpoints") or []:
            if not ep.get("addresses"):
                continue
            cond = ep.get("conditions") or {}
            ref = ep.get("targetRef") or {}
            e = EndpointInfo(ip=ep["addresses"][0], port=int(port["port"]), node_name=ep.get("nodeName"),
                             ready=cond.get("ready") is not False, serving=cond.get("serving") is not False,
                             terminating=cond.get("terminating") is True,
                             pod=f"{ref.get('namespace')}/{ref.get('name')}" if ref.get("name") else None)
            e.chain = endpoint_chain(info.name_string, info.proto, str(e))
            seen.setdefault(str(e), e)
    return [seen[k] for k in sorted(seen)]


def categorize_endpoints(endpoints: list[EndpointInfo], info: ServicePortInfo, node_name: str):
    """``CategorizeEndpoints`` (topology hints left out): ``(cluster, local, reachable, any)``.

    Cluster policy uses ready endpoints, else serving-and-terminating ones; Local policy the
    same choice among this node's endpoints."""
    cluster: list[EndpointInfo] | None = None
    local: list[EndpointInfo] | None = None
    has_any = False
    if info.uses_cluster_endpoints:
        cluster = [e for e in endpoints if e.ready]
        if not cluster:
            cluster = [e for e in endpoints if e.serving and e.terminating]
        has_any = bool(cluster)
    if not info.uses_local_endpoints:
        return cluster or [], [], cluster or [], has_any
    local_ready = local_term = False
    for e in endpoints:
        if e.ready:
            has_any = True
            local_ready |= e.is_local(node_name)
        elif e.serving and e.terminating:
            has_any = True
            local_term |= e.is_local(node_name)
    terminating_fallback = False
    if local_ready:
        local = [e for e in endpoints if e.is_local(node_name) and e.ready]
    elif local_term:
        terminating_fallback = True
        local = [e for e in endpoints if e.is_local(node_name) and e.serving and e.terminating]
    else:
        local = []
    if not info.uses_cluster_endpoints:
        return [], local, local, has_any
    if not terminating_fallback:
        return cluster or [], local, cluster or [], has_any
    merged = {str(e): e for e in (cluster or []) + local}
    return cluster or [], local, [merged[k] for k in sorted(merged)], has_any


# ----------------------------------------------------------------------------- rules
@dataclass
class Rule:
    """One iptables rule: the fields ``iptables-save`` prints, in its order, and the matches
    the packet walk checks. ``matches`` keeps kube-proxy's order of ``-m`` modules."""

    chain: str
    target: str
    target_args: str = ""
    src: str | None = None
    src_neg: bool = False
    dst: str | None = None
    dst_neg: bool = False
    proto: str | None = None
    matches: list = field(default_factory=list)  # [(module, value)]

    def text(self) -> str:
        parts = ["-A", self.chain]
        if self.src:
            parts += (["!"] if self.src_neg else []) + ["-s", _cidr(self.src)]
        if self.dst:
            parts += (["!"] if self.dst_neg else []) + ["-d", _cidr(self.dst)]
        if self.proto:
            parts += ["-p", self.proto]
        for module, value in self.matches:
            parts.append(_render_match(module, value, self.proto))
        if self.target:
            parts += ["-j", self.target]
        if self.target_args:
            parts.append(self.target_args)
        return " ".join(parts)


def _cidr(addr: str) -> str:
    return addr if "/" in addr else f"{addr}/32"


def _quote(text: str) -> str:
    """``xtables_save_string``: bare when only letters, digits, ``-``, ``_`` and ``.``."""
    if text and all(c.isalnum() or c in "-_." for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _render_match(module: str, value, proto: str | None) -> str:
    if module == "comment":
        return f"-m comment --comment {_quote(value)}"
    if module == "proto":  # -m tcp [--dport N]
        return f"-m {proto}" + (f" --dport {value}" if value is not None else "")
    if module == "statistic":
        return f"-m statistic --mode random --probability {_stored_probability(value) / 0x80000000:.11f}"
    if module == "recent":
        action, name, seconds = value
        if action == "set":
            return f"-m recent --set --name {name} --mask 255.255.255.255 --rsource"
        return f"-m recent --rcheck --seconds {seconds} --reap --name {name} --mask 255.255.255.255 --rsource"
    if module == "addrtype":
        kind, neg = value
        return f"-m addrtype {'! ' if neg else ''}--{kind}-type LOCAL"
    if module == "mark":
        mark, neg = value
        return f"-m mark {'! ' if neg else ''}--mark {mark}"
    if module == "conntrack":
        states, neg = value
        return f"-m conntrack {'! ' if neg else ''}--ctstate {states}"
    raise ValueError(module)


@dataclass
class Verdict:
    """What the node's rules did to a new connection.

    ``action``: ``"DNAT"`` (to ``endpoint``), ``"REJECT"`` (connection refused), ``"DROP"``
    (times out) or ``"NONE"`` (no kube-proxy rule: the packet goes where its address
    routes). ``masquerade``: the source is rewritten to the node's address. ``path`` lists
    the chains walked and ``comment`` the comment of the rule that decided."""

    action: str
    endpoint: EndpointInfo | None = None
    masquerade: bool = False
    path: list = field(default_factory=list)
    comment: str | None = None
    service: ServicePortInfo | None = None
    via: str = ""  # "cluster IP", "nodePort", "loadbalancer IP", "external IP"


_NAT_BUILTINS = ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING")
_FILTER_BUILTINS = ("INPUT", "FORWARD", "OUTPUT")


def node_addresses(node: dict) -> list[str]:
    """A node's InternalIP and ExternalIP addresses."""
    return [a.get("address") for a in (node.get("status") or {}).get("addresses") or []
            if a.get("type") in ("InternalIP", "ExternalIP") and a.get("address")]


class ProxyRules:
    """One node's kube-proxy state: ``nat`` and ``filter`` tables, the services behind them,
    and the per-node ``recent`` lists of session affinity."""

    def __init__(self, node_name: str, node_ips: list[str], cluster_cidr: str, local_ips: list[str]):
        self.node_name = node_name
        self.node_ips = list(node_ips)
        self.cluster_cidr = cluster_cidr
        self._cluster_net = ipaddress.ip_network(cluster_cidr)
        self.local_ips = set(local_ips) | set(node_ips) | {"127.0.0.1"}
        self.tables: dict[str, dict[str, list[Rule]]] = {"nat": {}, "filter": {}}
        self.services: dict[str, ServicePortInfo] = {}
        self.endpoints: dict[str, dict[str, EndpointInfo]] = {}
        self.recent: dict[str, dict[str, float]] = {}
        self._index: dict[tuple, dict] = {}

    # -- building ----------------------------------------------------------------------------
    def chain(self, table: str, name: str) -> list[Rule]:
        chains = self.tables[table]
        rules = chains.get(name)
        if rules is None:
            rules = chains[name] = []
        return rules

    def add(self, table: str, rule: Rule) -> None:
        chains = self.tables[table]
        rules = chains.get(rule.chain)
        if rules is None:
            chains[rule.chain] = [rule]
        else:
            rules.append(rule)

    def _build_index(self) -> None:
        """Rules of a chain by (destination, protocol, port), so a walk of KUBE-SERVICES with a
        thousand services does not test them one by one; the order of the chain is kept."""
        self._index = {}
        for table, chains in self.tables.items():
            for name, rules in chains.items():
                if len(rules) < 16:
                    continue
                keyed, rest = {}, []
                for i, r in enumerate(rules):
                    dport = next((v for m, v in r.matches if m == "proto"), None)
                    if r.dst and not r.dst_neg and dport is not None and not r.src:
                        keyed.setdefault((r.dst, r.proto, dport), []).append(i)
                    elif dport is not None and not r.dst and name == "KUBE-NODEPORTS":
                        keyed.setdefault(("*", r.proto, dport), []).append(i)
                    else:
                        rest.append(i)
                self._index[(table, name)] = {"keyed": keyed, "rest": rest}

    # -- rendering -----------------------------------------------------------------------------
    def render(self, when: str | None = None, version: str = "v1.8.9 (nf_tables)") -> str:
        """The tables as ``iptables-save`` prints them (``when``: the date in its header)."""
        out = []
        for table, builtins, policy in (("filter", _FILTER_BUILTINS, "ACCEPT"), ("nat", _NAT_BUILTINS, "ACCEPT")):
            if when:
                out.append(f"# Generated by iptables-save {version} on {when}")
            out.append(f"*{table}")
            chains = self.tables[table]
            user = sorted(c for c in chains if c not in builtins)
            for b in builtins:
                out.append(f":{b} {policy} [0:0]")
            for c in user:
                out.append(f":{c} - [0:0]")
            for c in list(builtins) + user:
                out.extend(r.text() for r in chains.get(c, []))
            out.append("COMMIT")
            if when:
                out.append(f"# Completed on {when}")
        return "\n".join(out) + "\n"

    # -- walking -------------------------------------------------------------------------------
    def _match(self, rule: Rule, pkt: dict, now: float) -> bool:
        if rule.proto and rule.proto != pkt["proto"]:
            return False
        if rule.src:
            inside = _in(pkt["src"], rule.src)
            if inside == rule.src_neg:
                return False
        if rule.dst:
            inside = _in(pkt["dst"], rule.dst)
            if inside == rule.dst_neg:
                return False
        for module, value in rule.matches:
            if module == "proto":
                if value is not None and value != pkt["dport"]:
                    return False
            elif module == "addrtype":
                kind, neg = value
                local = (pkt["dst"] if kind == "dst" else pkt["src"]) in self.local_ips
                if local == neg:
                    return False
            elif module == "statistic":
                if pkt["rng"].getrandbits(31) >= _stored_probability(value):
                    return False
            elif module == "recent":
                action, name, seconds = value
                table = self.recent.setdefault(name, {})
                if action == "set":
                    table[pkt["src"]] = now
                else:
                    seen = table.get(pkt["src"])
                    if seen is None or now - seen > seconds:
                        table.pop(pkt["src"], None)  # --reap
                        return False
            elif module == "mark":
                mark, neg = value
                if bool(pkt.get("mark")) == neg:
                    return False
        return True

    def _walk(self, table: str, chain: str, pkt: dict, now: float, path: list, depth: int = 0):
        """Run ``chain``; returns (target, rule) of a terminating verdict or None (fell off)."""
        rules = self.tables[table].get(chain, [])
        path.append(chain)
        idx = self._index.get((table, chain))
        if idx is None:
            order = range(len(rules))
        else:
            hits = idx["keyed"].get((pkt["dst"], pkt["proto"], pkt["dport"]), []) + \
                idx["keyed"].get(("*", pkt["proto"], pkt["dport"]), [])
            order = sorted(hits + idx["rest"])
        for i in order:
            rule = rules[i]
            if not rule.target or not self._match(rule, pkt, now):
                continue
            t = rule.target
            if t == "MARK":
                pkt["mark"] = "--set-xmark 0x4000/0x4000" in rule.target_args
                continue
            if t == "RETURN":
                return None
            if t in ("DNAT", "REJECT", "DROP", "ACCEPT", "MASQUERADE"):
                return t, rule
            if t in self.tables[table] and depth < 8:
                result = self._walk(table, t, pkt, now, path, depth + 1)
                if result is not None:
                    return result
                continue
        return None

    def connect(self, src: str, dst: str, port: int, protocol: str = "TCP", *, rng: random.Random,
                now: float = 0.0, from_host: bool = False) -> Verdict:
        """A new connection ``src -> dst:port`` entering this node (from one of its pods, from
        outside, or from the node itself with ``from_host``): which endpoint it reaches, or
        REJECT/DROP/NONE."""
        pkt = {"src": src, "dst": dst, "dport": int(port), "proto": protocol.lower(), "rng": rng, "mark": False}
        path: list = []
        hook = "OUTPUT" if from_host else "PREROUTING"
        result = self._walk("nat", hook, pkt, now, path)
        if result is not None and result[0] == "DNAT":
            rule = result[1]
            ep = self._endpoint_by_chain(rule.chain)
            svc = self.services.get(ep[0]) if ep else None
            verdict = Verdict("DNAT", endpoint=ep[1] if ep else None, path=path,
                              comment=_comment(rule), service=svc, via=_via(svc, dst, port))
            post = self._walk("nat", "POSTROUTING", pkt, now, [])
            verdict.masquerade = post is not None and post[0] == "MASQUERADE"
            return verdict
        filter_path: list = []
        chains = ["KUBE-PROXY-FIREWALL", "KUBE-SERVICES"] + ([] if from_host else ["KUBE-EXTERNAL-SERVICES"])
        if dst in self.local_ips or from_host:
            chains.append("KUBE-NODEPORTS")
        for chain in chains:
            found = self._walk("filter", chain, pkt, now, filter_path)
            if found is not None and found[0] in ("REJECT", "DROP"):
                svc = self._service_of_filter_rule(found[1], dst, port, protocol)
                return Verdict(found[0], path=path + filter_path, comment=_comment(found[1]), service=svc,
                               via=_via(svc, dst, port))
        return Verdict("NONE", path=path)

    def _endpoint_by_chain(self, chain: str):
        for key, eps in self.endpoints.items():
            if chain in eps:
                return key, eps[chain]
        return None

    def _service_of_filter_rule(self, rule: Rule, dst: str, port: int, protocol: str):
        for info in self.services.values():
            if info.protocol != protocol.upper():
                continue
            if (dst in (info.cluster_ip, *info.load_balancer_ips, *info.external_ips) and info.port == port) \
                    or (info.node_port == port and dst in self.local_ips):
                return info
        return None


def _comment(rule: Rule) -> str | None:
    return next((v for m, v in rule.matches if m == "comment"), None)


def _via(info, dst: str, port: int) -> str:
    if info is None:
        return ""
    if dst == info.cluster_ip and port == info.port:
        return "cluster IP"
    if dst in info.load_balancer_ips:
        return "loadbalancer IP"
    if dst in info.external_ips:
        return "external IP"
    return "nodePort"


_NETS: dict[str, object] = {}


def _in(ip: str, cidr: str) -> bool:
    if "/" not in cidr:
        return ip == cidr
    net = _NETS.get(cidr)
    if net is None:
        net = _NETS[cidr] = ipaddress.ip_network(cidr, strict=False)
    try:
        return ipaddress.ip_address(ip) in net
    except ValueError:
        return False


# ----------------------------------------------------------------------------- sync
def sync_proxy_rules(services, slices, node: dict, *, cluster_cidr: str = CLUSTER_CIDR,
                     tcp_be_liberal: bool = False) -> ProxyRules:
    """``syncProxyRules`` for one node: every Service (defaulted, with its ClusterIP and
    nodePorts) and every EndpointSlice of the cluster."""
    meta = node.get("metadata") or {}
    node_name = meta.get("name") or ""
    node_ips = node_addresses(node)
    local = list(node_ips)
    pod_cidr = (node.get("spec") or {}).get("podCIDR")
    if pod_cidr:
        local.append(str(next(ipaddress.ip_network(pod_cidr).hosts())))
    rules = ProxyRules(node_name, node_ips, cluster_cidr, local)
    mark = f"{MASQUERADE_MARK}/{MASQUERADE_MARK}"
    nat = lambda **kw: rules.add("nat", Rule(**kw))  # noqa: E731
    flt = lambda **kw: rules.add("filter", Rule(**kw))  # noqa: E731
    _jump_rules(rules)
    for c in ("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"):
        rules.chain("nat", c)
    for c in ("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS",
              "KUBE-PROXY-FIREWALL", "KUBE-FIREWALL", "KUBE-PROXY-CANARY", "KUBE-KUBELET-CANARY"):
        rules.chain("filter", c)
    rules.chain("nat", "KUBE-PROXY-CANARY")
    rules.chain("nat", "KUBE-KUBELET-CANARY")
    nat(chain="KUBE-POSTROUTING", target="RETURN", matches=[("mark", (mark, True))])
    nat(chain="KUBE-POSTROUTING", target="MARK", target_args=f"--set-xmark {MASQUERADE_MARK}/0x0")
    nat(chain="KUBE-POSTROUTING", target="MASQUERADE", target_args="--random-fully",
        matches=[("comment", "kubernetes service traffic requiring SNAT")])
    nat(chain="KUBE-MARK-MASQ", target="MARK", target_args=f"--set-xmark {mark}")
    flt(chain="KUBE-FIREWALL", target="DROP", src="127.0.0.0/8", src_neg=True, dst="127.0.0.0/8",
        matches=[("comment", "block incoming localnet connections"),
                 ("conntrack", ("RELATED,ESTABLISHED,DNAT", True))])

    infos = sorted((i for s in services for i in service_ports(s)), key=lambda i: (i.name_string, i.proto))
    by_service: dict[tuple, list] = {}
    for s in slices:
        m = s.get("metadata") or {}
        by_service.setdefault((m.get("namespace") or "default", (m.get("labels") or {}).get(
            "kubernetes.io/service-name")), []).append(s)
    for info in infos:
        key = f"{info.name_string}/{info.proto}"
        rules.services[key] = info
        eps = endpoints_for(info, by_service.get((info.namespace, info.name), []))
        _service_rules(rules, info, key, eps, node_name)
    nat(chain="KUBE-SERVICES", target="KUBE-NODEPORTS",
        matches=[("comment", "kubernetes service nodeports; NOTE: this must be the last rule in this chain"),
                 ("addrtype", ("dst", False))])
    if not tcp_be_liberal:
        flt(chain="KUBE-FORWARD", target="DROP", matches=[("conntrack", ("INVALID", False))])
    flt(chain="KUBE-FORWARD", target="ACCEPT", matches=[("comment", "kubernetes forwarding rules"),
                                                        ("mark", (mark, False))])
    flt(chain="KUBE-FORWARD", target="ACCEPT", matches=[("comment", "kubernetes forwarding conntrack rule"),
                                                        ("conntrack", ("RELATED,ESTABLISHED", False))])
    rules._build_index()
    return rules


def _jump_rules(rules: ProxyRules) -> None:
    """The jumps from the built-in chains (``iptablesJumpChains``, prepended in order, so the
    last listed comes first; the kubelet's KUBE-FIREWALL jumps come after)."""
    filter_jumps = [
        ("KUBE-EXTERNAL-SERVICES", "INPUT", "kubernetes externally-visible service portals", True),
        ("KUBE-EXTERNAL-SERVICES", "FORWARD", "kubernetes externally-visible service portals", True),
        ("KUBE-NODEPORTS", "INPUT", "kubernetes health check service ports", False),
        ("KUBE-SERVICES", "FORWARD", "kubernetes service portals", True),
        ("KUBE-SERVICES", "OUTPUT", "kubernetes service portals", True),
        ("KUBE-FORWARD", "FORWARD", "kubernetes forwarding rules", False),
        ("KUBE-PROXY-FIREWALL", "INPUT", "kubernetes load balancer firewall", True),
        ("KUBE-PROXY-FIREWALL", "OUTPUT", "kubernetes load balancer firewall", True),
        ("KUBE-PROXY-FIREWALL", "FORWARD", "kubernetes load balancer firewall", True),
    ]
    for dst, src, comment, new_only in reversed(filter_jumps):
        matches = ([("conntrack", ("NEW", False))] if new_only else []) + [("comment", comment)]
        rules.add("filter", Rule(chain=src, target=dst, matches=matches))
    for chain in ("INPUT", "OUTPUT"):
        rules.add("filter", Rule(chain=chain, target="KUBE-FIREWALL"))
    for dst, src, comment in reversed([("KUBE-SERVICES", "OUTPUT", "kubernetes service portals"),
                                       ("KUBE-SERVICES", "PREROUTING", "kubernetes service portals"),
                                       ("KUBE-POSTROUTING", "POSTROUTING", "kubernetes postrouting rules")]):
        rules.add("nat", Rule(chain=src, target=dst, matches=[("comment", comment)]))


def _service_rules(rules: ProxyRules, info: ServicePortInfo, key: str, endpoints: list[EndpointInfo],
                   node_name: str) -> None:
    """The rules of one service port (the loop body of ``syncProxyRules``)."""
    proto = info.proto
    name = info.name_string
    svc_chain = service_chain(name, proto)
    svl_chain = local_chain(name, proto)
    ext_chain = external_chain(name, proto)
    fw_chain = firewall_chain(name, proto)
    cluster_eps, local_eps, reachable, has_any = categorize_endpoints(endpoints, info, node_name)
    rules.endpoints[key] = {e.chain: e for e in reachable}
    uses_cluster_chain = bool(cluster_eps) and info.uses_cluster_endpoints
    uses_local_chain = bool(local_eps) and info.uses_local_endpoints
    internal_chain, has_internal = svc_chain, has_any
    if info.internal_local:
        internal_chain = svl_chain
        has_internal = has_internal and bool(local_eps)
    external_policy_chain, has_external = svc_chain, has_any
    if info.external_policy_local:
        external_policy_chain = svl_chain
        has_external = has_external and bool(local_eps)
    uses_ext_chain = has_any and info.externally_accessible
    lb_chain = ext_chain
    uses_fw = has_any and bool(info.load_balancer_ips) and bool(info.source_ranges)
    if uses_fw:
        lb_chain = fw_chain
    if not has_any:
        int_target, int_comment = "REJECT", f"{name} has no endpoints"
        ext_target, ext_comment = "REJECT", int_comment
    else:
        int_target = int_comment = ext_target = ext_comment = None
        if not has_internal:
            int_target, int_comment = "DROP", f"{name} has no local endpoints"
        if not has_external:
            ext_target, ext_comment = "DROP", f"{name} has no local endpoints"
    reject_args = "--reject-with icmp-port-unreachable"

    def nat(**kw):
        rules.add("nat", Rule(**kw))

    def flt(**kw):
        rules.add("filter", Rule(**kw))

    # capture the ClusterIP
    if has_internal:
        nat(chain="KUBE-SERVICES", target=internal_chain, dst=info.cluster_ip, proto=proto,
            matches=[("comment", f"{name} cluster IP"), ("proto", info.port)])
    else:
        flt(chain="KUBE-SERVICES", target=int_target, target_args=reject_args if int_target == "REJECT" else "",
            dst=info.cluster_ip, proto=proto, matches=[("comment", int_comment), ("proto", info.port)])
    for ip in info.external_ips:
        if has_any:
            nat(chain="KUBE-SERVICES", target=ext_chain, dst=ip, proto=proto,
                matches=[("comment", f"{name} external IP"), ("proto", info.port)])
        if not has_external:
            flt(chain="KUBE-EXTERNAL-SERVICES", target=ext_target,
                target_args=reject_args if ext_target == "REJECT" else "", dst=ip, proto=proto,
                matches=[("comment", ext_comment), ("proto", info.port)])
    for ip in info.load_balancer_ips:
        if has_any:
            nat(chain="KUBE-SERVICES", target=lb_chain, dst=ip, proto=proto,
                matches=[("comment", f"{name} loadbalancer IP"), ("proto", info.port)])
        if uses_fw:
            flt(chain="KUBE-PROXY-FIREWALL", target="DROP", dst=ip, proto=proto,
                matches=[("comment", f"{name} traffic not accepted by {fw_chain}"), ("proto", info.port)])
    if not has_external:
        for ip in info.load_balancer_ips:
            flt(chain="KUBE-EXTERNAL-SERVICES", target=ext_target,
                target_args=reject_args if ext_target == "REJECT" else "", dst=ip, proto=proto,
                matches=[("comment", ext_comment), ("proto", info.port)])
    if info.node_port:
        if has_any:
            nat(chain="KUBE-NODEPORTS", target=ext_chain, proto=proto,
                matches=[("comment", name), ("proto", info.node_port)])
        if not has_external:
            flt(chain="KUBE-EXTERNAL-SERVICES", target=ext_target,
                target_args=reject_args if ext_target == "REJECT" else "", proto=proto,
                matches=[("comment", ext_comment), ("addrtype", ("dst", False)), ("proto", info.node_port)])
    if info.health_check_node_port:
        flt(chain="KUBE-NODEPORTS", target="ACCEPT", proto="tcp",
            matches=[("comment", f"{name} health check node port"), ("proto", info.health_check_node_port)])
    # internal traffic: masquerade what comes from outside the pod network
    if has_internal:
        nat(chain=internal_chain, target="KUBE-MARK-MASQ", src=rules.cluster_cidr, src_neg=True,
            dst=info.cluster_ip, proto=proto, matches=[("comment", f"{name} cluster IP"), ("proto", info.port)])
    if uses_ext_chain:
        rules.chain("nat", ext_chain)
        if not info.external_policy_local:
            nat(chain=ext_chain, target="KUBE-MARK-MASQ",
                matches=[("comment", f"masquerade traffic for {name} external destinations")])
        else:
            nat(chain=ext_chain, target=svc_chain, src=rules.cluster_cidr,
                matches=[("comment", f"pod traffic for {name} external destinations")])
            nat(chain=ext_chain, target="KUBE-MARK-MASQ",
                matches=[("comment", f"masquerade LOCAL traffic for {name} external destinations"),
                         ("addrtype", ("src", False))])
            nat(chain=ext_chain, target=svc_chain,
                matches=[("comment", f"route LOCAL traffic for {name} external destinations"),
                         ("addrtype", ("src", False))])
        if has_external:
            nat(chain=ext_chain, target=external_policy_chain)
    if uses_fw:
        rules.chain("nat", fw_chain)
        for cidr in info.source_ranges:
            nat(chain=fw_chain, target=ext_chain, src=cidr, matches=[("comment", f"{name} loadbalancer IP")])
        # a rule without target: it only counts what falls through to KUBE-PROXY-FIREWALL
        nat(chain=fw_chain, target="",
            matches=[("comment", f"other traffic to {name} will be dropped by KUBE-PROXY-FIREWALL")])
    if uses_cluster_chain:
        rules.chain("nat", svc_chain)
        _endpoint_jumps(rules, info, svc_chain, cluster_eps)
    if uses_local_chain:
        rules.chain("nat", svl_chain)
        _endpoint_jumps(rules, info, svl_chain, local_eps)
    for ep in reachable:
        rules.chain("nat", ep.chain)
        nat(chain=ep.chain, target="KUBE-MARK-MASQ", src=ep.ip, matches=[("comment", name)])
        matches = [("comment", name)]
        if info.affinity_seconds:
            matches.append(("recent", ("set", ep.chain, None)))
        matches.append(("proto", None))
        nat(chain=ep.chain, target="DNAT", target_args=f"--to-destination {ep}", proto=proto, matches=matches)


def _endpoint_jumps(rules: ProxyRules, info: ServicePortInfo, chain: str, endpoints: list[EndpointInfo]) -> None:
    """``writeServiceToEndpointRules``: affinity checks first, then 1/n, 1/(n-1), ... jumps."""
    name = info.name_string
    if info.affinity_seconds:
        for ep in endpoints:
            rules.add("nat", Rule(chain=chain, target=ep.chain,
                                  matches=[("comment", f"{name} -> {ep}"),
                                           ("recent", ("rcheck", ep.chain, info.affinity_seconds))]))
    n = len(endpoints)
    for i, ep in enumerate(endpoints):
        matches = [("comment", f"{name} -> {ep}")]
        if i < n - 1:
            matches.append(("statistic", probability(n - i)))
        rules.add("nat", Rule(chain=chain, target=ep.chain, matches=matches))
