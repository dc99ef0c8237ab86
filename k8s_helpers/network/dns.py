"""Cluster DNS: CoreDNS's answers, each pod's ``resolv.conf``, the resolver's search path and
busybox's ``nslookup`` output (DNS-1).

**Names** (the ``kubernetes/dns`` specification, ``docs/specification.md``; CoreDNS's
``kubernetes`` plugin as kind configures it: ``kubernetes cluster.local in-addr.arpa
ip6.arpa { pods insecure ... ttl 30 }``):

- ``<svc>.<ns>.svc.cluster.local`` -> the ClusterIP (A), whether or not the Service has
  endpoints; for a headless Service one A record per *ready* endpoint (``publishNotReadyAddresses``
  makes them all ready), and NXDOMAIN while it has none;
- ``<hostname>.<svc>.<ns>.svc.cluster.local`` -> the endpoint with that hostname (a
  StatefulSet pod: ``web-0.web.ns.svc.cluster.local``); endpoints without hostname answer
  under their address with dashes (``10-244-1-5.web...``);
- ``_<port>._<proto>.<svc>.<ns>.svc.cluster.local`` -> SRV for each named port;
- an ExternalName Service -> a CNAME to its ``externalName``;
- ``<a-b-c-d>.<ns>.pod.cluster.local`` -> that address (``pods insecure``: not checked);
- PTR for ClusterIPs and endpoint addresses;
- ``dns-version.cluster.local`` -> TXT ``1.1.0`` (the specification's version);
- ``cluster.local``, ``svc.cluster.local`` and ``<ns>.svc.cluster.local`` of an existing
  namespace exist without records (NOERROR, no answer); **anything else under the zone is
  NXDOMAIN**. Names outside the zone are forwarded upstream; the simulated cluster has no
  Internet, so they are NXDOMAIN unless ``upstream`` knows them.

**Pods** get ``/etc/resolv.conf`` from the kubelet (``pkg/kubelet/network/dns``):
``dnsPolicy: ClusterFirst`` (the default) writes ``search <ns>.svc.cluster.local
svc.cluster.local cluster.local``, ``nameserver 10.96.0.10`` and ``options ndots:5``;
``Default`` copies the node's file; ``None`` uses only ``dnsConfig``, which is otherwise
merged in. A name with fewer than ``ndots`` dots is tried with each search domain first, then
as is (musl and glibc), so ``web``, ``web.ns`` and ``web.ns.svc.cluster.local`` all resolve.

**busybox nslookup** (``networking/nslookup.c``, ``FEATURE_NSLOOKUP_BIG``, busybox >= 1.30)
is its own resolver: it sends A and AAAA queries, expands only names **without any dot**
through the search list (so ``nslookup web.ns`` fails where ``wget http://web.ns`` works,
the ndots rule is not implemented), and prints each reply as it arrives.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from .service_ips import DNS_SERVICE_IP

__all__ = [
    "CLUSTER_DOMAIN", "NDOTS", "TTL", "Record", "Answer", "CoreDNS", "ResolvConf", "resolv_conf",
    "parse_resolv_conf", "search_candidates", "resolve", "nslookup",
]

CLUSTER_DOMAIN = "cluster.local"
NDOTS = 5
#: the ttl of kind's Corefile (CoreDNS's default is 5)
TTL = 30


@dataclass
class Record:
    name: str  # fully qualified, without the trailing dot
    type: str  # A, CNAME, SRV, PTR
    data: str  # address, target name, "prio weight port target"
    ttl: int = TTL


@dataclass
class Answer:
    """A DNS reply: ``rcode`` NOERROR/NXDOMAIN/SERVFAIL and the answer records."""

    name: str
    qtype: str
    rcode: str
    records: list = field(default_factory=list)
    authoritative: bool = True

    @property
    def addresses(self) -> list[str]:
        return [r.data for r in self.records if r.type == "A"]


def _dashed(ip: str) -> str:
    return ip.replace(".", "-")


class CoreDNS:
    """CoreDNS's ``kubernetes`` plugin over the cluster's Services and EndpointSlices."""

    def __init__(self, services=(), slices=(), namespaces=None, *, zone: str = CLUSTER_DOMAIN,
                 upstream: dict | None = None):
        self.zone = zone.strip(".")
        self.upstream = {k.strip(".").lower(): list(v) for k, v in (upstream or {}).items()}
        self.services: dict[tuple, dict] = {}
        for s in services:
            m = s.get("metadata") or {}
            self.services[(m.get("namespace") or "default", m.get("name"))] = s
        self.endpoints: dict[tuple, list[dict]] = {}
        for sl in slices:
            m = sl.get("metadata") or {}
            key = (m.get("namespace") or "default", (m.get("labels") or {}).get("kubernetes.io/service-name"))
            for ep in sl.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready") is False or not ep.get("addresses"):
                    continue
                self.endpoints.setdefault(key, []).append({"ep": ep, "ports": sl.get("ports") or []})
        if namespaces is None:
            namespaces = {ns for ns, _ in self.services}
        self.namespaces = {n if isinstance(n, str) else (n.get("metadata") or {}).get("name") for n in namespaces}
        self._reverse: dict[str, str] = {}
        for (ns, name), svc in sorted(self.services.items()):
            ip = (svc.get("spec") or {}).get("clusterIP")
            if ip and ip != "None":
                self._reverse.setdefault(ip, f"{name}.{ns}.svc.{self.zone}")
            for item in self.endpoints.get((ns, name), []):
                ep = item["ep"]
                host = ep.get("hostname") or _dashed(ep["addresses"][0])
                for a in ep["addresses"]:
                    self._reverse.setdefault(a, f"{host}.{name}.{ns}.svc.{self.zone}")

    def _nx(self, name, qtype) -> Answer:
        return Answer(name, qtype, "NXDOMAIN")

    def query(self, name: str, qtype: str = "A") -> Answer:
        """The reply to one question (``name`` absolute, with or without the final dot)."""
        fqdn = name.strip(".").lower()
        qtype = qtype.upper()
        if fqdn.endswith(".in-addr.arpa"):
            return self._ptr(fqdn, qtype)
        if fqdn != self.zone and not fqdn.endswith("." + self.zone):
            ips = self.upstream.get(fqdn)
            if ips is None:
                return Answer(fqdn, qtype, "NXDOMAIN", authoritative=False)
            recs = [Record(fqdn, "A", ip) for ip in ips] if qtype == "A" else []
            return Answer(fqdn, qtype, "NOERROR", recs, authoritative=False)
        labels = fqdn[: -len(self.zone)].rstrip(".").split(".") if fqdn != self.zone else []
        if labels == ["dns-version"]:  # the specification's schema version record
            return Answer(fqdn, qtype, "NOERROR", [Record(fqdn, "TXT", "1.1.0")] if qtype == "TXT" else [])
        if not labels or labels == ["svc"] or labels == ["pod"]:
            return Answer(fqdn, qtype, "NOERROR")
        if labels[-1] == "pod" and len(labels) == 3:
            return self._pod(fqdn, labels, qtype)
        if labels[-1] != "svc" or len(labels) < 2:
            return self._nx(fqdn, qtype)
        ns = labels[-2]
        if ns not in self.namespaces:
            return self._nx(fqdn, qtype)
        rest = labels[:-2]
        if not rest:
            return Answer(fqdn, qtype, "NOERROR")
        if len(rest) == 3 and rest[0].startswith("_") and rest[1].startswith("_"):
            return self._srv(fqdn, rest[0][1:], rest[1][1:], rest[2], ns, qtype)
        if len(rest) == 1:
            return self._service(fqdn, rest[0], ns, qtype)
        if len(rest) == 2:
            return self._endpoint(fqdn, rest[0], rest[1], ns, qtype)
        return self._nx(fqdn, qtype)

    def _service(self, fqdn, name, ns, qtype) -> Answer:
        svc = self.services.get((ns, name))
        if svc is None:
            return self._nx(fqdn, qtype)
        spec = svc.get("spec") or {}
        if spec.get("type") == "ExternalName":
            target = (spec.get("externalName") or "").strip(".")
            recs = [Record(fqdn, "CNAME", target)]
            if qtype == "A" and target:
                recs += self.query(target, "A").records
            return Answer(fqdn, qtype, "NOERROR", recs)
        ip = spec.get("clusterIP")
        if ip and ip != "None":
            return Answer(fqdn, qtype, "NOERROR", [Record(fqdn, "A", ip)] if qtype == "A" else [])
        eps = self.endpoints.get((ns, name)) or []
        if not eps:
            return self._nx(fqdn, qtype)
        addrs = sorted({a for item in eps for a in item["ep"]["addresses"]}, key=_ip_key)
        return Answer(fqdn, qtype, "NOERROR", [Record(fqdn, "A", a) for a in addrs] if qtype == "A" else [])

    def _endpoint(self, fqdn, host, name, ns, qtype) -> Answer:
        if (ns, name) not in self.services:
            return self._nx(fqdn, qtype)
        for item in self.endpoints.get((ns, name)) or []:
            ep = item["ep"]
            if (ep.get("hostname") or _dashed(ep["addresses"][0])) == host:
                return Answer(fqdn, qtype, "NOERROR",
                              [Record(fqdn, "A", a) for a in ep["addresses"]] if qtype == "A" else [])
        return self._nx(fqdn, qtype)

    def _srv(self, fqdn, port_name, proto, name, ns, qtype) -> Answer:
        svc = self.services.get((ns, name))
        if svc is None:
            return self._nx(fqdn, qtype)
        spec = svc.get("spec") or {}
        port = next((p for p in spec.get("ports") or [] if p.get("name") == port_name
                     and (p.get("protocol") or "TCP").lower() == proto), None)
        if port is None:
            return self._nx(fqdn, qtype)
        if qtype != "SRV":
            return Answer(fqdn, qtype, "NOERROR")
        base = f"{name}.{ns}.svc.{self.zone}"
        if spec.get("clusterIP") not in (None, "", "None"):
            return Answer(fqdn, qtype, "NOERROR", [Record(fqdn, "SRV", f"0 100 {port['port']} {base}")])
        targets = []
        for item in self.endpoints.get((ns, name)) or []:
            ep = item["ep"]
            sp = next((p for p in item["ports"] if p.get("name") == port_name), None)
            if sp is None:
                continue
            host = ep.get("hostname") or _dashed(ep["addresses"][0])
            targets.append((sp.get("port"), f"{host}.{base}"))
        if not targets:
            return self._nx(fqdn, qtype)
        weight = int(100 / len(targets))
        return Answer(fqdn, qtype, "NOERROR",
                      [Record(fqdn, "SRV", f"0 {weight} {p} {t}") for p, t in sorted(targets, key=lambda x: x[1])])

    def _pod(self, fqdn, labels, qtype) -> Answer:
        ip = labels[0].replace("-", ".")
        try:
            ipaddress.IPv4Address(ip)
        except ValueError:
            return self._nx(fqdn, qtype)
        if labels[1] not in self.namespaces:
            return self._nx(fqdn, qtype)
        return Answer(fqdn, qtype, "NOERROR", [Record(fqdn, "A", ip)] if qtype == "A" else [])

    def _ptr(self, fqdn, qtype) -> Answer:
        parts = fqdn[: -len(".in-addr.arpa")].split(".")
        ip = ".".join(reversed(parts))
        target = self._reverse.get(ip)
        if target is None:
            return Answer(fqdn, qtype, "NXDOMAIN", authoritative=False)
        return Answer(fqdn, qtype, "NOERROR", [Record(fqdn, "PTR", target)] if qtype == "PTR" else [])


def _ip_key(ip: str):
    try:
        return int(ipaddress.ip_address(ip))
    except ValueError:
        return 0


# ----------------------------------------------------------------------------- resolv.conf
@dataclass
class ResolvConf:
    nameservers: list
    search: list
    ndots: int = 1
    options: list = field(default_factory=list)

    def text(self) -> str:
        lines = []
        if self.search:
            lines.append("search " + " ".join(self.search))
        lines += [f"nameserver {n}" for n in self.nameservers]
        if self.options:
            lines.append("options " + " ".join(self.options))
        return "\n".join(lines) + "\n"


def parse_resolv_conf(text: str) -> ResolvConf:
    nameservers, search, options, ndots = [], [], [], 1
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith(("#", ";")):
            continue
        if words[0] == "nameserver" and len(words) > 1:
            nameservers.append(words[1])
        elif words[0] in ("search", "domain"):
            search = words[1:]
        elif words[0] == "options":
            for o in words[1:]:
                options.append(o)
                if o.startswith("ndots:") and o[6:].isdigit():
                    ndots = min(int(o[6:]), 15)
    return ResolvConf(nameservers, search, ndots, options)


def resolv_conf(pod: dict, *, nameserver: str = DNS_SERVICE_IP, cluster_domain: str = CLUSTER_DOMAIN,
                node_resolv: str = "nameserver 172.18.0.1\n") -> ResolvConf:
    """The ``/etc/resolv.conf`` the kubelet writes for ``pod`` (``GetPodDNS``)."""
    spec = pod.get("spec") or {}
    ns = (pod.get("metadata") or {}).get("namespace") or "default"
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    if policy == "ClusterFirst" and spec.get("hostNetwork"):
        policy = "Default"
    if policy == "ClusterFirstWithHostNet":
        policy = "ClusterFirst"
    if policy == "ClusterFirst":
        conf = ResolvConf([nameserver], [f"{ns}.svc.{cluster_domain}", f"svc.{cluster_domain}", cluster_domain],
                          NDOTS, [f"ndots:{NDOTS}"])
    elif policy == "Default":
        conf = parse_resolv_conf(node_resolv)
    else:  # None
        conf = ResolvConf([], [], 1, [])
    cfg = spec.get("dnsConfig") or {}
    for n in cfg.get("nameservers") or []:
        if n not in conf.nameservers:
            conf.nameservers.append(n)
    for s in cfg.get("searches") or []:
        if s not in conf.search:
            conf.search.append(s)
    for o in cfg.get("options") or []:
        name, value = o.get("name"), o.get("value")
        text = f"{name}:{value}" if value is not None else name
        conf.options = [x for x in conf.options if x.split(":")[0] != name] + [text]
        if name == "ndots" and str(value).isdigit():
            conf.ndots = int(value)
    return conf


def search_candidates(name: str, conf: ResolvConf) -> list[str]:
    """The absolute names a musl/glibc resolver tries, in order: with fewer than ``ndots``
    dots, each search domain first and the name as is last; otherwise the name first
    (glibc then tries the search list too)."""
    if name.endswith("."):
        return [name.rstrip(".")]
    expanded = [f"{name}.{d}" for d in conf.search]
    if name.count(".") < conf.ndots:
        return expanded + [name]
    return [name] + expanded


def resolve(name: str, conf: ResolvConf, dns: CoreDNS):
    """What ``getaddrinfo`` (curl, wget, ping) gets: ``(fqdn, addresses, tried)`` where
    ``tried`` lists ``(name, rcode)``; addresses is empty when the name does not exist."""
    try:
        ipaddress.IPv4Address(name)
        return name, [name], []
    except ValueError:
        pass
    tried = []
    for candidate in search_candidates(name, conf):
        answer = dns.query(candidate, "A")
        tried.append((candidate, answer.rcode))
        if answer.addresses:
            return candidate, answer.addresses, tried
    return None, [], tried


def _reverse_name(addr: str) -> str | None:
    try:
        ip = ipaddress.IPv4Address(addr)
    except ValueError:
        return None
    return ".".join(reversed(str(ip).split("."))) + ".in-addr.arpa"


def nslookup(name: str, conf: ResolvConf, dns: CoreDNS | None, *, server: str | None = None,
             qtype: str | None = None) -> tuple[str, int]:
    """``nslookup NAME [SERVER]`` as busybox prints it: ``(stdout, exit code)``.

    ``dns`` None means the server cannot be reached (a NetworkPolicy dropping port 53)."""
    server = server or (conf.nameservers[0] if conf.nameservers else "127.0.0.1")
    if dns is None:
        return ";; connection timed out; no servers could be reached\n\n", 1
    queries = []
    ptr = _reverse_name(name)
    if qtype:
        types = [qtype.upper()]
    elif ptr:
        types = ["PTR"]
    else:
        types = ["A", "AAAA"]
    for t in types:
        if t == "PTR" and ptr:
            queries.append((ptr, "PTR"))
        elif "." in name or not conf.search:
            queries.append((name.rstrip("."), t))
        else:
            queries.extend((f"{name}.{d}", t) for d in conf.search)
    out = [f"Server:\t\t{server}", f"Address:\t{server}:53", ""]
    for qname, t in queries:
        answer = dns.query(qname, t)
        if answer.rcode != "NOERROR":
            out.append(f"** server can't find {qname}: {answer.rcode}")
        else:
            if not answer.authoritative:
                out.append("Non-authoritative answer:")
            for r in answer.records:
                if r.type in ("A", "AAAA"):
                    out += [f"Name:\t{r.name}", f"Address: {r.data}"]
                elif r.type == "CNAME":
                    out.append(f"{r.name}\tcanonical name = {r.data}")
                elif r.type == "PTR":
                    out.append(f"{r.name}\tname = {r.data}")
        out.append("")
    return "\n".join(out) + "\n", 0
