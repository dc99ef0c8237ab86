"""ClusterIP, NodePort and LoadBalancer allocation (SVC-1, SVC-2).

The tables port the upstream allocator tests: ``pkg/registry/core/service/ipallocator/
bitmap_test.go`` (TestAllocate IPv4 cases, TestAllocateTiny, TestAllocateReserved,
TestAllocateSmall, TestForEach, Test_calculateRangeOffset) and ``portallocator/
allocator_test.go`` (TestAllocate, TestAllocateReserved, TestForEach,
Test_calculateRangeOffset, the full-range counts of TestNodePortMetrics). The API-level cases
follow ``pkg/registry/core/service/storage/alloc.go``; texts are the API server's.
"""
from __future__ import annotations

import ipaddress
import random

import pytest

from k8s_helpers.api.defaults import default_service
from k8s_helpers.network.service_ips import (AlreadyAllocated, IPAllocator, LoadBalancerPool, NotInRange,
                                             PortAllocator, RangeFull, ServiceAllocationError, ServiceRegistry,
                                             ip_range_offset, kubernetes_service, port_range_offset)


# ----------------------------------------------------------------------------- ipallocator
@pytest.mark.parametrize("cidr,want", [
    ("192.168.1.1/32", 0), ("fd00::1/128", 0), ("192.168.1.1/30", 0), ("fd00::1/126", 0),
    ("192.168.1.1/28", 0), ("192.168.1.1/27", 16), ("fd00::1/124", 0), ("fd00::1/122", 16),
    ("192.168.1.1/22", 64), ("fd00::1/118", 64), ("192.168.1.1/8", 256), ("fd00::1/12", 256),
])
def test_ip_range_offset(cidr, want):
    assert ip_range_offset(cidr) == want


@pytest.mark.parametrize("cidr,free,released,out_of_range,already", [
    ("192.168.1.0/24", 254, "192.168.1.5", ["192.168.0.1", "192.168.1.0", "192.168.1.255", "192.168.2.2"],
     "192.168.1.1"),
    ("10.0.0.0/15", 131070, "10.0.0.5", ["10.0.0.0", "10.15.255.255", "10.255.255.2"], "10.0.0.1"),
])
def test_allocate_whole_range(cidr, free, released, out_of_range, already):
    r = IPAllocator(cidr, random.Random(7))
    assert (r.free, r.used) == (free, 0)
    seen = set()
    net = ipaddress.ip_network(cidr)
    while r.free > 0:
        ip = r.allocate_next()
        assert ipaddress.ip_address(ip) in net and ip not in seen
        seen.add(ip)
    with pytest.raises(RangeFull):
        r.allocate_next()
    r.release(released)
    assert (r.free, r.used) == (1, free - 1)
    assert r.allocate_next() == released
    r.release(released)
    for ip in out_of_range:
        with pytest.raises(NotInRange):
            r.allocate(ip)
    with pytest.raises(AlreadyAllocated, match="^provided IP is already allocated$"):
        r.allocate(already)
    assert (r.free, r.used) == (1, free - 1)
    r.allocate(released)
    assert (r.free, r.used) == (0, free)


def test_allocate_tiny():
    r = IPAllocator("192.168.1.0/32")
    assert r.free == 0
    with pytest.raises(RangeFull, match="^range is full$"):
        r.allocate_next()


def test_allocate_reserved_dynamic_band_first():
    r = IPAllocator("192.168.1.0/25", random.Random(1))
    offset = ip_range_offset("192.168.1.0/25")
    assert offset == 16 and r.size == 126
    for _ in range(r.size - offset):
        r.allocate_next()
    for i in range(offset, r.size):
        assert r.has(f"192.168.1.{i + 1}")
    assert r.free == offset
    for i in range(offset):
        r.allocate(f"192.168.1.{i + 1}")
    assert r.free == 0
    r.release("192.168.1.10")
    assert r.allocate_next() == "192.168.1.10"
    assert r.free == 0


def test_allocate_small():
    r = IPAllocator("192.168.1.240/30", random.Random(3))
    assert r.free == 2 and r.size == 2
    found = {r.allocate_next(), r.allocate_next()}
    assert found == {"192.168.1.241", "192.168.1.242"}
    for ip in found:
        with pytest.raises(AlreadyAllocated):
            r.allocate(ip)
    for _ in range(100):
        with pytest.raises(RangeFull):
            r.allocate_next()


@pytest.mark.parametrize("ips", [set(), {"192.168.1.1"}, {"192.168.1.1", "192.168.1.254"},
                                 {"192.168.1.1", "192.168.1.128", "192.168.1.254"}])
def test_for_each(ips):
    r = IPAllocator("192.168.1.0/24")
    for ip in ips:
        r.allocate(ip)
        assert r.has(ip)
    assert set(r.allocated()) == ips


def test_service_cidr_bands():
    """10.96.0.0/12: static band 10.96.0.1-10.96.1.0, dynamic from 10.96.1.1 (KEP-3070)."""
    r = IPAllocator("10.96.0.0/12", random.Random(0))
    assert r.range_offset == 256
    assert str(ipaddress.ip_address(r.offset_address)) == "10.96.1.1"
    ips = [r.allocate_next() for _ in range(200)]
    assert all(int(ipaddress.ip_address(ip)) >= r.offset_address for ip in ips)
    assert all(ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/12") for ip in ips)


# ----------------------------------------------------------------------------- portallocator
@pytest.mark.parametrize("size,want", [(2768, 86), (10, 0), (16, 0), (128, 16), (2048, 64), (4096, 128), (8192, 128)])
def test_port_range_offset(size, want):
    assert port_range_offset(size) == want


def test_port_allocate_whole_range():
    r = PortAllocator(10000, 201, random.Random(5))
    assert (r.free, r.used) == (201, 0)
    seen = set()
    while r.free > 0:
        p = r.allocate_next()
        assert 10000 <= p <= 10200 and p not in seen
        seen.add(p)
    with pytest.raises(RangeFull):
        r.allocate_next()
    r.release(10005)
    assert (r.free, r.used) == (1, 200)
    assert r.allocate_next() == 10005
    r.release(10005)
    for bad in (1, 20000, 10201):
        with pytest.raises(NotInRange, match="^provided port is not in the valid range. "
                                             "The range of valid ports is 10000-10200$"):
            r.allocate(bad)
    with pytest.raises(AlreadyAllocated, match="^provided port is already allocated$"):
        r.allocate(10001)
    assert (r.free, r.used) == (1, 200)
    r.allocate(10005)
    assert (r.free, r.used) == (0, 201)


def test_port_allocate_reserved():
    r = PortAllocator(30000, 129, random.Random(2))
    offset = port_range_offset(129)
    assert offset == 16
    for _ in range(129 - offset):
        r.allocate_next()
    for i in range(offset, 129):
        assert r.has(30000 + i)
    assert r.free == offset
    for i in range(offset):
        r.allocate(30000 + i)
    assert r.free == 0
    r.release(30053)
    assert r.allocate_next() == 30053


@pytest.mark.parametrize("ports", [set(), {10000}, {10000, 10200}, {10000, 10099, 10200}])
def test_port_for_each(ports):
    r = PortAllocator(10000, 201)
    for p in ports:
        r.allocate(p)
        assert r.has(p)
    assert {p for p in range(10000, 10201) if r.has(p)} == ports


def test_node_port_range_full_after_2768():
    r = PortAllocator(rng=random.Random(9))
    assert r.range_text == "30000-32767"
    got = {r.allocate_next() for _ in range(2768)}
    assert len(got) == 2768
    failures = 0
    for _ in range(232):
        try:
            r.allocate_next()
        except RangeFull:
            failures += 1
    assert failures == 232


def test_node_ports_dynamic_band_is_above_30085():
    r = PortAllocator(rng=random.Random(4))
    ports = [r.allocate_next() for _ in range(300)]
    assert min(ports) >= 30086 and max(ports) <= 32767


# ----------------------------------------------------------------------------- the API's view
def _svc(name, **spec):
    spec.setdefault("ports", [{"port": 80}])
    return default_service({"metadata": {"name": name, "namespace": "default"}, "spec": spec})


def test_kubernetes_and_kube_dns_take_static_addresses():
    reg = ServiceRegistry(rng=random.Random(0))
    assert kubernetes_service(reg)["spec"]["clusterIP"] == "10.96.0.1"
    dns = reg.allocate(_svc("kube-dns", clusterIP="10.96.0.10"))
    assert dns["spec"]["clusterIPs"] == ["10.96.0.10"]
    assert dns["spec"]["ipFamilies"] == ["IPv4"] and dns["spec"]["ipFamilyPolicy"] == "SingleStack"


def test_same_seed_same_addresses_other_seed_others():
    def run(seed):
        reg = ServiceRegistry(rng=random.Random(seed))
        return [reg.allocate(_svc(f"s{i}", type="NodePort"))["spec"] for i in range(5)]
    a, b, c = run(1), run(1), run(2)
    assert [s["clusterIP"] for s in a] == [s["clusterIP"] for s in b]
    assert [s["ports"][0]["nodePort"] for s in a] == [s["ports"][0]["nodePort"] for s in b]
    assert [s["clusterIP"] for s in a] != [s["clusterIP"] for s in c]


def test_requested_cluster_ip_in_use_is_rejected_with_the_api_text():
    reg = ServiceRegistry()
    reg.allocate(_svc("a", clusterIP="10.96.0.50"))
    with pytest.raises(ServiceAllocationError) as e:
        reg.allocate(_svc("b", clusterIP="10.96.0.50"))
    assert str(e.value) == ('The Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.50"]: '
                            "failed to allocate IP 10.96.0.50: provided IP is already allocated")
    assert e.value.code == 422


def test_cluster_ip_outside_the_service_cidr():
    reg = ServiceRegistry()
    with pytest.raises(ServiceAllocationError) as e:
        reg.allocate(_svc("b", clusterIP="1.1.1.1"))
    assert str(e.value) == ('The Service "b" is invalid: spec.clusterIPs: Invalid value: ["1.1.1.1"]: '
                            "failed to allocate IP 1.1.1.1: the provided network does not match the current range")


def test_cluster_ip_network_address_is_not_in_the_valid_range():
    reg = ServiceRegistry()
    with pytest.raises(ServiceAllocationError) as e:
        reg.allocate(_svc("b", clusterIP="10.96.0.0"))
    assert str(e.value).endswith("failed to allocate IP 10.96.0.0: the provided IP (10.96.0.0) is not in the "
                                 "valid range. The range of valid IPs is 10.96.0.0/12")


def test_requested_node_port_conflict_and_revert():
    reg = ServiceRegistry(rng=random.Random(3))
    first = reg.allocate(_svc("web", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    assert first["spec"]["ports"][0]["nodePort"] == 30080
    used_before = reg.ips.used
    with pytest.raises(ServiceAllocationError) as e:
        reg.allocate(_svc("web2", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    assert str(e.value) == ('The Service "web2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
                            "provided port is already allocated")
    assert reg.ips.used == used_before  # the ClusterIP taken for web2 was given back


def test_node_port_out_of_range_text():
    reg = ServiceRegistry()
    with pytest.raises(ServiceAllocationError) as e:
        reg.allocate(_svc("web", type="NodePort", ports=[{"port": 80, "nodePort": 8080}]))
    assert str(e.value) == ('The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 8080: '
                            "provided port is not in the valid range. The range of valid ports is 30000-32767")


def test_same_port_number_shares_its_node_port():
    reg = ServiceRegistry(rng=random.Random(1))
    svc = reg.allocate(_svc("dns", type="NodePort", ports=[{"name": "dns", "port": 53, "protocol": "UDP"},
                                                           {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]))
    ports = svc["spec"]["ports"]
    assert ports[0]["nodePort"] == ports[1]["nodePort"] and reg.ports.used == 1


def test_cluster_ip_service_gets_no_node_port_and_headless_no_ip():
    reg = ServiceRegistry()
    svc = reg.allocate(_svc("web"))
    assert "nodePort" not in svc["spec"]["ports"][0]
    headless = reg.allocate(_svc("db", clusterIP="None"))
    assert headless["spec"]["clusterIPs"] == ["None"]
    ext = reg.allocate(_svc("ext", type="ExternalName", externalName="db.example.com", ports=[]))
    assert "clusterIP" not in ext["spec"]


def test_load_balancer_local_gets_health_check_node_port():
    reg = ServiceRegistry(rng=random.Random(2))
    svc = reg.allocate(_svc("lb", type="LoadBalancer", externalTrafficPolicy="Local"))
    hc = svc["spec"]["healthCheckNodePort"]
    assert 30000 <= hc <= 32767 and hc != svc["spec"]["ports"][0]["nodePort"] and reg.ports.used == 2
    plain = reg.allocate(_svc("lb2", type="LoadBalancer"))
    assert "healthCheckNodePort" not in plain["spec"]


def test_allocate_load_balancer_node_ports_false():
    reg = ServiceRegistry()
    svc = reg.allocate(_svc("lb", type="LoadBalancer", allocateLoadBalancerNodePorts=False))
    assert "nodePort" not in svc["spec"]["ports"][0] and reg.ports.used == 0


def test_release_returns_everything():
    reg = ServiceRegistry(load_balancer=LoadBalancerPool())
    svc = reg.allocate(_svc("lb", type="LoadBalancer"))
    reg.load_balancer_status(svc)
    reg.release(svc)
    assert (reg.ips.used, reg.ports.used) == (0, 0)
    assert reg.load_balancer.address_of("default/lb") is None


def test_load_balancer_pending_without_provider():
    reg = ServiceRegistry()
    svc = reg.allocate(_svc("lb", type="LoadBalancer"))
    assert reg.load_balancer_status(svc) == {"loadBalancer": {}}


def test_load_balancer_pool_lowest_free_and_requested():
    reg = ServiceRegistry(load_balancer=LoadBalancerPool("172.18.255.200", "172.18.255.202"))
    a = reg.allocate(_svc("a", type="LoadBalancer"))
    b = reg.allocate(_svc("b", type="LoadBalancer", loadBalancerIP="172.18.255.202"))
    c = reg.allocate(_svc("c", type="LoadBalancer"))
    d = reg.allocate(_svc("d", type="LoadBalancer"))
    assert reg.load_balancer_status(a)["loadBalancer"]["ingress"] == [{"ip": "172.18.255.200", "ipMode": "VIP"}]
    assert reg.load_balancer_status(b)["loadBalancer"]["ingress"][0]["ip"] == "172.18.255.202"
    assert reg.load_balancer_status(c)["loadBalancer"]["ingress"][0]["ip"] == "172.18.255.201"
    assert reg.load_balancer_status(d) == {"loadBalancer": {}}  # pool exhausted: <pending>
    assert reg.load_balancer_status(a)["loadBalancer"]["ingress"][0]["ip"] == "172.18.255.200"  # stable


def test_service_defaults():
    svc = default_service({"metadata": {"name": "w"}, "spec": {"type": "NodePort", "sessionAffinity": "ClientIP",
                                                               "ports": [{"port": 80}]}})
    spec = svc["spec"]
    assert spec["ports"][0] == {"port": 80, "protocol": "TCP", "targetPort": 80}
    assert spec["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    assert (spec["externalTrafficPolicy"], spec["internalTrafficPolicy"]) == ("Cluster", "Cluster")
    assert svc["metadata"]["namespace"] == "default"
    plain = default_service({"metadata": {"name": "w"}, "spec": {"ports": [{"port": 80, "targetPort": "http"}]}})
    assert plain["spec"]["type"] == "ClusterIP" and plain["spec"]["sessionAffinity"] == "None"
    assert plain["spec"]["ports"][0]["targetPort"] == "http" and "externalTrafficPolicy" not in plain["spec"]
