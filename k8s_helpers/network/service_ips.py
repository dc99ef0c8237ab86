"""ClusterIP, NodePort and LoadBalancer address allocation, as the API server does it (SVC-2).

**ClusterIPs** (``pkg/registry/core/service/ipallocator/ipallocator.go``, KEP-3070). The
Service range (``--service-cluster-ip-range``, kubeadm's default ``10.96.0.0/12``) loses its
network and broadcast addresses; the first ``calculateRangeOffset`` addresses
(``min(max(16, size/16), 256)``, 0 for ranges of 16 or fewer) form the *static* band, meant
for addresses people choose (``kubernetes`` at 10.96.0.1, ``kube-dns`` at 10.96.0.10). A
Service without ``clusterIP`` gets a random free address of the *dynamic* band above it,
scanning upwards from a random offset and wrapping; only when that band is full does it take
one from the static band. A requested address is honoured or rejected with the API's text:

- already in use: ``failed to allocate IP 10.96.0.10: provided IP is already allocated``;
- outside every Service CIDR: ``the provided network does not match the current range``
  (``cidrallocator.go`` MetaAllocator, the allocator of Kubernetes >= 1.33, where
  MultiCIDRServiceAllocator is GA). Older API servers, with the bitmap allocator, said
  ``the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is
  10.96.0.0/12``; that text remains for the network and broadcast addresses, which are
  inside the CIDR but never allocatable (``ErrNotInRange``, ``interfaces.go``).

**NodePorts** (``pkg/registry/core/service/portallocator/allocator.go`` and
``pkg/registry/core/service/allocator/bitmap.go`` ``randomScanStrategyWithOffset``,
KEP-3668): the range 30000-32767 (2768 ports) has a static band of
``min(max(16, size/32), 128)`` = 86 ports (30000-30085); automatic ports come from
30086-32767 first. A requested port that is taken fails with
``spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated``, one
outside the range with ``provided port is not in the valid range. The range of valid ports
is 30000-32767``. Ports of one Service with the same ``port`` number (53/TCP and 53/UDP)
share their nodePort (``initNodePorts`` in ``storage/alloc.go``); a LoadBalancer with
``externalTrafficPolicy: Local`` also gets a ``healthCheckNodePort`` from the same range.

**LoadBalancer**: Kubernetes itself assigns no external address; a provider does (a cloud,
MetalLB, cloud-provider-kind). :class:`LoadBalancerPool` behaves like MetalLB's allocator:
the lowest free address of its pool, or the one requested in ``spec.loadBalancerIP``.
Without a provider the Service stays ``<pending>`` (no ``status.loadBalancer.ingress``).

Random choices use the ``random.Random`` given, so a seed fixes every address.
"""
from __future__ import annotations

import ipaddress
import json
import random

from ..api.validation.rules.service import NODE_PORT_RANGE

__all__ = [
    "SERVICE_CIDR", "KUBERNETES_SERVICE_IP", "DNS_SERVICE_IP", "AllocatorError", "IPAllocator",
    "PortAllocator", "LoadBalancerPool", "ServiceAllocationError", "ServiceRegistry",
    "ip_range_offset", "port_range_offset", "kubernetes_service",
]

#: kubeadm's default --service-cluster-ip-range
SERVICE_CIDR = "10.96.0.0/12"
#: the ``default/kubernetes`` Service takes the first address of the range
KUBERNETES_SERVICE_IP = "10.96.0.1"
#: kubeadm gives kube-dns the tenth address (clusterDNS of every kubelet)
DNS_SERVICE_IP = "10.96.0.10"

# The Go errors' texts (ipallocator/interfaces.go, portallocator/allocator.go).
ERR_FULL = "range is full"
ERR_IP_ALLOCATED = "provided IP is already allocated"
ERR_MISMATCHED_NETWORK = "the provided network does not match the current range"
ERR_PORT_ALLOCATED = "provided port is already allocated"


class AllocatorError(Exception):
    """An allocator's Go error; ``str()`` is its exact text."""


class RangeFull(AllocatorError):
    def __init__(self):
        super().__init__(ERR_FULL)


class AlreadyAllocated(AllocatorError):
    pass


class NotInRange(AllocatorError):
    pass


def ip_range_offset(cidr) -> int:
    """Size of the static band of a Service CIDR (``calculateRangeOffset``, ipallocator)."""
    net = ipaddress.ip_network(cidr, strict=False)
    size = net.num_addresses
    if size <= 16:
        return 0
    return min(max(16, size // 16), 256)


def port_range_offset(size: int) -> int:
    """Size of the static band of a NodePort range (``calculateRangeOffset``, portallocator)."""
    if size <= 16:
        return 0
    return min(max(16, size // 32), 128)


class _Counted:
    """``Used()``/``Free()`` of an allocator that keeps its taken values in ``_used``."""

    size: int
    _used: set

    @property
    def used(self) -> int:
        return len(self._used)

    @property
    def free(self) -> int:
        return self.size - len(self._used)


class IPAllocator(_Counted):
    """ClusterIP allocation over one Service CIDR (ipallocator.go ``Allocator``)."""

    def __init__(self, cidr: str = SERVICE_CIDR, rng: random.Random | None = None):
        self.cidr = ipaddress.ip_network(cidr, strict=False)
        self.rng = rng if rng is not None else random.Random(0)
        base = int(self.cidr.network_address)
        self.first = base + 1  # the network's ".0" address is never allocated
        last = int(self.cidr.broadcast_address)
        self.last = last - 1 if self.cidr.version == 4 else last  # nor IPv4's broadcast
        self.size = max(0, self.last - self.first + 1)
        self.range_offset = ip_range_offset(self.cidr)
        self.offset_address = self.first + self.range_offset
        self._used: set[int] = set()
        # skip pointers over runs of used addresses (reset on release): the same first-free
        # answer as Go's linear scan, without re-walking long runs in a nearly full range
        self._skip: dict[int, int] = {}

    def _addr(self, value: int) -> str:
        return str(ipaddress.ip_address(value))

    def allocate(self, ip: str) -> None:
        """Reserve ``ip`` or raise with the API's text (see the module docstring)."""
        addr = int(ipaddress.ip_address(ip))
        if ipaddress.ip_address(ip) not in self.cidr:
            raise NotInRange(ERR_MISMATCHED_NETWORK)
        if addr < self.first or addr > self.last:
            raise NotInRange(f"the provided IP ({ip}) is not in the valid range. "
                             f"The range of valid IPs is {self.cidr}")
        if addr in self._used:
            raise AlreadyAllocated(ERR_IP_ALLOCATED)
        self._used.add(addr)

    def _first_free(self, addr: int, last: int):
        path = []
        while addr <= last and addr in self._used:
            path.append(addr)
            addr = self._skip.get(addr, addr + 1)
        for p in path:
            self._skip[p] = addr
        return addr if addr <= last else None

    def _scan(self, first: int, last: int, offset: int):
        """The first free address from ``first + offset`` upwards, wrapping at ``last``
        (``ipIterator`` + ``allocateFromRange``)."""
        start = first + offset
        found = self._first_free(start, last)
        if found is None and start > first:
            found = self._first_free(first, start - 1)
        return found

    def allocate_next(self) -> str:
        """A random free address, dynamic band first (``allocateNextService``)."""
        upper = self.size - self.range_offset
        if upper <= 0:
            raise RangeFull()
        addr = self._scan(self.offset_address, self.last, self.rng.randrange(upper))
        if addr is None and self.range_offset:
            addr = self._scan(self.first, self.offset_address - 1, self.rng.randrange(self.range_offset))
        if addr is None:
            raise RangeFull()
        self._used.add(addr)
        return self._addr(addr)

    def release(self, ip: str) -> None:
        """Releasing a free or foreign address is a no-op, as upstream."""
        try:
            self._used.discard(int(ipaddress.ip_address(ip)))
        except ValueError:
            return
        self._skip.clear()

    def has(self, ip: str) -> bool:
        return int(ipaddress.ip_address(ip)) in self._used

    def allocated(self) -> list[str]:
        return [self._addr(a) for a in sorted(self._used)]


class PortAllocator(_Counted):
    """NodePort allocation (portallocator ``PortAllocator`` over ``allocationBitmap`` with
    ``randomScanStrategyWithOffset``)."""

    def __init__(self, base: int = NODE_PORT_RANGE[0], size: int = NODE_PORT_RANGE[1] - NODE_PORT_RANGE[0] + 1,
                 rng: random.Random | None = None):
        self.base = base
        self.size = size
        self.rng = rng if rng is not None else random.Random(0)
        self.offset = port_range_offset(size)
        self._used: set[int] = set()

    @property
    def range_text(self) -> str:
        """``net.PortRange.String()``: ``30000-32767``."""
        return f"{self.base}-{self.base + self.size - 1}"

    def contains(self, port: int) -> bool:
        return self.base <= port < self.base + self.size

    def allocate(self, port: int) -> None:
        if not self.contains(port):
            raise NotInRange("provided port is not in the valid range. "
                             f"The range of valid ports is {self.range_text}")
        if port in self._used:
            raise AlreadyAllocated(ERR_PORT_ALLOCATED)
        self._used.add(port)

    def allocate_next(self) -> int:
        if len(self._used) >= self.size:
            raise RangeFull()
        upper = self.size - self.offset
        start = self.rng.randrange(upper)
        for i in range(upper):
            at = self.offset + (start + i) % upper
            if self.base + at not in self._used:
                self._used.add(self.base + at)
                return self.base + at
        if self.offset:
            start = self.rng.randrange(self.offset)
            for i in range(self.offset):
                at = (start + i) % self.offset
                if self.base + at not in self._used:
                    self._used.add(self.base + at)
                    return self.base + at
        raise RangeFull()

    def release(self, port: int) -> None:
        self._used.discard(port)

    def has(self, port: int) -> bool:
        return port in self._used


class LoadBalancerPool:
    """External addresses handed out by a load-balancer provider, MetalLB style: the lowest
    free address of the pool, or the requested one when it is in the pool and free.

    The default pool is the one MetalLB's documentation suggests for kind (the top of the
    ``kind`` Docker network, 172.18.0.0/16)."""

    def __init__(self, first: str = "172.18.255.200", last: str = "172.18.255.250"):
        self.first = int(ipaddress.ip_address(first))
        self.last = int(ipaddress.ip_address(last))
        self._owner: dict[int, str] = {}
        self._by_key: dict[str, int] = {}

    def assign(self, key: str, requested: str | None = None) -> str | None:
        """The address of Service ``key`` (``ns/name``); None when none can be given."""
        if key in self._by_key:
            return str(ipaddress.ip_address(self._by_key[key]))
        if requested:
            try:
                addr = int(ipaddress.ip_address(requested))
            except ValueError:
                return None
            if not self.first <= addr <= self.last or addr in self._owner:
                return None
        else:
            addr = next((a for a in range(self.first, self.last + 1) if a not in self._owner), None)
            if addr is None:
                return None
        self._owner[addr] = key
        self._by_key[key] = addr
        return str(ipaddress.ip_address(addr))

    def release(self, key: str) -> None:
        addr = self._by_key.pop(key, None)
        if addr is not None:
            self._owner.pop(addr, None)

    def address_of(self, key: str) -> str | None:
        addr = self._by_key.get(key)
        return None if addr is None else str(ipaddress.ip_address(addr))


def _field_value(value) -> str:
    """A bad value as apimachinery's ``field.Error`` prints it: numbers bare, strings
    quoted, anything else as JSON (``["10.96.0.10"]``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"))


class ServiceAllocationError(Exception):
    """The API server's rejection of a Service whose addresses cannot be allocated.

    ``str()`` is what kubectl prints:
    ``The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided
    port is already allocated``. ``reason`` is ``Invalid`` (HTTP 422) or ``InternalError``
    (500, a full range)."""

    def __init__(self, name: str, field: str | None, value, detail: str, reason: str = "Invalid"):
        self.name = name
        self.field = field
        self.value = value
        self.detail = detail
        self.reason = reason
        if reason == "Invalid":
            text = (f'The Service "{name}" is invalid: {field}: Invalid value: '
                    f"{_field_value(value)}: {detail}")
        else:
            text = f"Internal error occurred: {detail}"
        super().__init__(text)

    @property
    def code(self) -> int:
        return 422 if self.reason == "Invalid" else 500


def _key(service: dict) -> str:
    meta = service.get("metadata") or {}
    return f"{meta.get('namespace') or 'default'}/{meta.get('name')}"


def _needs_health_check(spec: dict) -> bool:
    """``apiservice.NeedsHealthCheck``: LoadBalancer with externalTrafficPolicy Local."""
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


class ServiceRegistry:
    """The address part of the Service REST storage (``pkg/registry/core/service/storage/alloc.go``):
    ClusterIPs first, then nodePorts and the health-check port, all or nothing.

    Services are expected with SVC-1 defaults applied
    (:func:`k8s_helpers.api.defaults.default_service`)."""

    def __init__(self, *, cidr: str = SERVICE_CIDR, node_port_range: tuple[int, int] = NODE_PORT_RANGE,
                 rng: random.Random | None = None, load_balancer: LoadBalancerPool | None = None):
        rng = rng if rng is not None else random.Random(0)
        self.ips = IPAllocator(cidr, rng)
        self.ports = PortAllocator(node_port_range[0], node_port_range[1] - node_port_range[0] + 1, rng)
        self.load_balancer = load_balancer

    # -- create ----------------------------------------------------------------------------
    def allocate(self, service: dict) -> dict:
        """A copy of ``service`` with its addresses, or :class:`ServiceAllocationError`."""
        svc = json.loads(json.dumps(service))
        name = (svc.get("metadata") or {}).get("name") or ""
        spec = svc.setdefault("spec", {})
        allocated_ip = self._alloc_cluster_ip(name, spec)
        try:
            self._alloc_node_ports(name, spec)
        except ServiceAllocationError:
            if allocated_ip:
                self.ips.release(allocated_ip)
            raise
        return svc

    def _alloc_cluster_ip(self, name: str, spec: dict) -> str | None:
        if spec.get("type") == "ExternalName":
            return None
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("ipFamilies", ["IPv4"])
        requested = spec.get("clusterIP") or ((spec.get("clusterIPs") or [None])[0])
        if requested == "None":
            spec["clusterIP"] = "None"
            spec["clusterIPs"] = ["None"]
            return None
        if requested:
            try:
                self.ips.allocate(requested)
            except AllocatorError as e:
                raise ServiceAllocationError(name, "spec.clusterIPs", spec.get("clusterIPs") or [requested],
                                             f"failed to allocate IP {requested}: {e}") from None
            ip = requested
        else:
            try:
                ip = self.ips.allocate_next()
            except AllocatorError as e:
                raise ServiceAllocationError(name, None, None, f"failed to allocate a serviceIP: {e}",
                                             reason="InternalError") from None
        spec["clusterIP"] = ip
        spec["clusterIPs"] = [ip]
        return ip

    def _alloc_node_ports(self, name: str, spec: dict) -> None:
        taken: list[int] = []
        try:
            if spec.get("type") in ("NodePort", "LoadBalancer"):
                allocate_new = spec.get("type") == "NodePort" or spec.get("allocateLoadBalancerNodePorts", True)
                by_port: dict = {}
                ports = spec.get("ports") or []
                for i, p in enumerate(ports):
                    if not isinstance(p, dict):
                        continue
                    if not p.get("nodePort") and not allocate_new:
                        continue
                    number = p.get("port")
                    if number in by_port:
                        p["nodePort"] = by_port[number]
                        continue
                    requested = next((q.get("nodePort") for q in ports[i:]
                                      if isinstance(q, dict) and q.get("port") == number and q.get("nodePort")), 0)
                    if requested:
                        try:
                            self.ports.allocate(int(requested))
                        except AllocatorError as e:
                            raise ServiceAllocationError(name, f"spec.ports[{i}].nodePort", int(requested),
                                                         str(e)) from None
                        np = int(requested)
                    else:
                        try:
                            np = self.ports.allocate_next()
                        except AllocatorError as e:
                            raise ServiceAllocationError(name, None, None, f"failed to allocate a nodePort: {e}",
                                                         reason="InternalError") from None
                    taken.append(np)
                    p["nodePort"] = np
                    by_port[number] = np
            if _needs_health_check(spec):
                requested = spec.get("healthCheckNodePort")
                try:
                    if requested:
                        self.ports.allocate(int(requested))
                        np = int(requested)
                    else:
                        np = self.ports.allocate_next()
                except AllocatorError as e:
                    detail = (f"failed to allocate requested HealthCheck NodePort {requested}: {e}" if requested
                              else f"failed to allocate a HealthCheck NodePort 0: {e}")
                    raise ServiceAllocationError(name, None, None, detail, reason="InternalError") from None
                taken.append(np)
                spec["healthCheckNodePort"] = np
        except ServiceAllocationError:
            for np in taken:
                self.ports.release(np)
            raise

    # -- delete ----------------------------------------------------------------------------
    def release(self, service: dict) -> None:
        """Give back a deleted Service's ClusterIP, nodePorts and external address."""
        spec = service.get("spec") or {}
        for ip in spec.get("clusterIPs") or [spec.get("clusterIP")]:
            if ip and ip != "None":
                self.ips.release(ip)
        for p in spec.get("ports") or []:
            if isinstance(p, dict) and p.get("nodePort"):
                self.ports.release(int(p["nodePort"]))
        if spec.get("healthCheckNodePort"):
            self.ports.release(int(spec["healthCheckNodePort"]))
        if self.load_balancer is not None:
            self.load_balancer.release(_key(service))

    # -- load balancer ---------------------------------------------------------------------
    def load_balancer_status(self, service: dict) -> dict:
        """``status`` of a Service: ``loadBalancer.ingress`` once a provider gave an address,
        else ``{"loadBalancer": {}}`` (kubectl shows ``<pending>`` for a LoadBalancer)."""
        spec = service.get("spec") or {}
        if spec.get("type") != "LoadBalancer" or self.load_balancer is None:
            return {"loadBalancer": {}}
        ip = self.load_balancer.assign(_key(service), spec.get("loadBalancerIP"))
        if ip is None:
            return {"loadBalancer": {}}
        return {"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]}}


def kubernetes_service(registry: ServiceRegistry) -> dict:
    """The ``default/kubernetes`` Service the API server creates at start, at the first
    address of the range (``pkg/controlplane/controller/kubernetesservice``)."""
    ip = str(ipaddress.ip_address(registry.ips.first))
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "kubernetes", "namespace": "default",
                        "labels": {"component": "apiserver", "provider": "kubernetes"}},
           "spec": {"type": "ClusterIP", "clusterIP": ip, "sessionAffinity": "None",
                    "internalTrafficPolicy": "Cluster",
                    "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}
    return registry.allocate(svc)
