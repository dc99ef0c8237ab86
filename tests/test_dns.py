"""Cluster DNS (DNS-1): the names of the ``kubernetes/dns`` specification
(``docs/specification.md`` sections 2.3-2.5, their examples), the kubelet's resolv.conf, the
resolver's search path and busybox nslookup's output."""
from __future__ import annotations

import pytest

from k8s_helpers.network.dns import CoreDNS, nslookup, parse_resolv_conf, resolv_conf, resolve, search_candidates
from k8s_helpers.network.endpointslices import desired_slices


def _svc(name, ns="default", cluster_ip="10.3.0.1", ports=None, **spec):
    return {"metadata": {"name": name, "namespace": ns, "uid": name},
            "spec": {"selector": {"app": name}, "clusterIP": cluster_ip,
                     "ports": ports or [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 443}], **spec}}


def _pod(name, ip, app, ready=True, hostname=None, subdomain=None, ns="default"):
    spec = {"nodeName": "n1", "containers": [{"name": "c", "ports": [{"containerPort": 443}]}]}
    if hostname:
        spec.update(hostname=hostname, subdomain=subdomain)
    return {"metadata": {"name": name, "namespace": ns, "labels": {"app": app}, "uid": name}, "spec": spec,
            "status": {"phase": "Running", "podIP": ip,
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


@pytest.fixture
def dns():
    kubernetes = _svc("kubernetes", cluster_ip="10.3.0.1")
    headless = _svc("headless", cluster_ip="None")
    empty_headless = _svc("nobody", cluster_ip="None")
    external = {"metadata": {"name": "my-external-service", "namespace": "default"},
                "spec": {"type": "ExternalName", "externalName": "www.example.com"}}
    web = _svc("web", ns="shop", cluster_ip="10.3.0.50", ports=[{"name": "http", "port": 80, "protocol": "TCP"}])
    pods = [_pod("my-pet", "10.3.0.100", "headless", hostname="my-pet", subdomain="headless"),
            _pod("my-pet-2", "10.3.0.101", "headless", hostname="my-pet-2", subdomain="headless"),
            _pod("anon", "10.3.0.102", "headless"),
            _pod("sick", "10.3.0.103", "headless", ready=False)]
    services = [kubernetes, headless, empty_headless, external, web]
    slices = [s for svc in services for s in desired_slices(svc, pods)]
    return CoreDNS(services, slices, ["default", "shop", "kube-system"])


def test_cluster_ip_service_a_record(dns):
    a = dns.query("kubernetes.default.svc.cluster.local.", "A")
    assert (a.rcode, a.addresses) == ("NOERROR", ["10.3.0.1"]) and a.records[0].ttl == 30


def test_cluster_ip_answers_even_without_endpoints(dns):
    assert dns.query("web.shop.svc.cluster.local", "A").addresses == ["10.3.0.50"]


def test_srv_for_a_named_port(dns):
    a = dns.query("_https._tcp.kubernetes.default.svc.cluster.local", "SRV")
    assert [r.data for r in a.records] == ["0 100 443 kubernetes.default.svc.cluster.local"]
    assert dns.query("_http._udp.web.shop.svc.cluster.local", "SRV").rcode == "NXDOMAIN"


def test_ptr_for_a_cluster_ip(dns):
    a = dns.query("1.0.3.10.in-addr.arpa", "PTR")
    assert [r.data for r in a.records] == ["kubernetes.default.svc.cluster.local"]


def test_headless_service_lists_ready_endpoints(dns):
    a = dns.query("headless.default.svc.cluster.local", "A")
    assert a.addresses == ["10.3.0.100", "10.3.0.101", "10.3.0.102"]


def test_headless_endpoint_hostnames(dns):
    assert dns.query("my-pet.headless.default.svc.cluster.local", "A").addresses == ["10.3.0.100"]
    assert dns.query("10-3-0-102.headless.default.svc.cluster.local", "A").addresses == ["10.3.0.102"]
    assert dns.query("sick.headless.default.svc.cluster.local", "A").rcode == "NXDOMAIN"
    srv = dns.query("_https._tcp.headless.default.svc.cluster.local", "SRV")
    assert [r.data for r in srv.records] == ["0 33 443 10-3-0-102.headless.default.svc.cluster.local",
                                             "0 33 443 my-pet-2.headless.default.svc.cluster.local",
                                             "0 33 443 my-pet.headless.default.svc.cluster.local"]
    assert [r.data for r in dns.query("100.0.3.10.in-addr.arpa", "PTR").records] == \
        ["my-pet.headless.default.svc.cluster.local"]


def test_headless_without_endpoints_is_nxdomain(dns):
    assert dns.query("nobody.default.svc.cluster.local", "A").rcode == "NXDOMAIN"


def test_external_name_is_a_cname(dns):
    a = dns.query("my-external-service.default.svc.cluster.local", "A")
    assert a.rcode == "NOERROR" and [(r.type, r.data) for r in a.records] == [("CNAME", "www.example.com")]


@pytest.mark.parametrize("name,qtype,rcode", [
    ("nothing.default.svc.cluster.local", "A", "NXDOMAIN"),
    ("web.nope.svc.cluster.local", "A", "NXDOMAIN"),
    ("web.default.svc.cluster.local", "A", "NXDOMAIN"),
    ("a.b.c.web.shop.svc.cluster.local", "A", "NXDOMAIN"),
    ("shop.svc.cluster.local", "A", "NOERROR"),
    ("svc.cluster.local", "A", "NOERROR"),
    ("cluster.local", "A", "NOERROR"),
    ("example.com", "A", "NXDOMAIN"),
    ("web.shop.svc.cluster.local", "AAAA", "NOERROR"),
])
def test_everything_else(dns, name, qtype, rcode):
    a = dns.query(name, qtype)
    assert a.rcode == rcode and a.records == []  # NOERROR here means "exists, no record of that type"


def test_dns_version_and_pod_records(dns):
    assert [r.data for r in dns.query("dns-version.cluster.local", "TXT").records] == ["1.1.0"]
    assert dns.query("10-244-1-7.shop.pod.cluster.local", "A").addresses == ["10.244.1.7"]
    assert dns.query("10-244-1-7.nope.pod.cluster.local", "A").rcode == "NXDOMAIN"


# ----------------------------------------------------------------------------- resolv.conf
def test_cluster_first_resolv_conf():
    conf = resolv_conf({"metadata": {"namespace": "shop"}, "spec": {}})
    assert conf.text() == ("search shop.svc.cluster.local svc.cluster.local cluster.local\n"
                           "nameserver 10.96.0.10\noptions ndots:5\n")


def test_dns_policies():
    default = resolv_conf({"metadata": {}, "spec": {"dnsPolicy": "Default"}}, node_resolv="nameserver 8.8.8.8\n")
    assert default.text() == "nameserver 8.8.8.8\n"
    host = resolv_conf({"metadata": {}, "spec": {"hostNetwork": True}}, node_resolv="nameserver 1.1.1.1\n")
    assert host.nameservers == ["1.1.1.1"]
    custom = resolv_conf({"metadata": {}, "spec": {"dnsPolicy": "None", "dnsConfig": {
        "nameservers": ["192.0.2.1"], "searches": ["ns1.svc.cluster-domain.example"],
        "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}}})
    assert custom.text() == ("search ns1.svc.cluster-domain.example\nnameserver 192.0.2.1\n"
                             "options ndots:2 edns0\n")
    merged = resolv_conf({"metadata": {}, "spec": {"dnsConfig": {"options": [{"name": "ndots", "value": "1"}]}}})
    assert merged.ndots == 1 and merged.options == ["ndots:1"]


def test_search_path_order():
    conf = resolv_conf({"metadata": {"namespace": "default"}, "spec": {}})
    assert search_candidates("web", conf) == ["web.default.svc.cluster.local", "web.svc.cluster.local",
                                              "web.cluster.local", "web"]
    assert search_candidates("a.b.c.d.e.f", conf)[0] == "a.b.c.d.e.f"
    assert search_candidates("web.shop.svc.cluster.local.", conf) == ["web.shop.svc.cluster.local"]


@pytest.mark.parametrize("name,fqdn", [
    ("kubernetes", "kubernetes.default.svc.cluster.local"),
    ("web.shop", "web.shop.svc.cluster.local"),
    ("web.shop.svc", "web.shop.svc.cluster.local"),
    ("web.shop.svc.cluster.local", "web.shop.svc.cluster.local"),
])
def test_resolver_finds_short_and_full_names(dns, name, fqdn):
    found, addrs, _ = resolve(name, resolv_conf({"metadata": {"namespace": "default"}, "spec": {}}), dns)
    assert found == fqdn and addrs


def test_resolver_gives_up(dns):
    found, addrs, tried = resolve("web", resolv_conf({"metadata": {"namespace": "default"}, "spec": {}}), dns)
    assert (found, addrs) == (None, []) and len(tried) == 4 and {rc for _, rc in tried} == {"NXDOMAIN"}


def test_parse_resolv_conf():
    conf = parse_resolv_conf("# x\nsearch a b\nnameserver 10.0.0.1\nnameserver 10.0.0.2\noptions ndots:3 timeout:1\n")
    assert (conf.search, conf.nameservers, conf.ndots) == (["a", "b"], ["10.0.0.1", "10.0.0.2"], 3)


# ----------------------------------------------------------------------------- nslookup
CONF = resolv_conf({"metadata": {"namespace": "default"}, "spec": {}})


def test_nslookup_short_name(dns):
    out, code = nslookup("kubernetes", CONF, dns)
    assert code == 0
    assert out == ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                   "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.3.0.1\n\n"
                   "** server can't find kubernetes.svc.cluster.local: NXDOMAIN\n\n"
                   "** server can't find kubernetes.cluster.local: NXDOMAIN\n\n"
                   "\n"
                   "** server can't find kubernetes.svc.cluster.local: NXDOMAIN\n\n"
                   "** server can't find kubernetes.cluster.local: NXDOMAIN\n\n")


def test_nslookup_dotted_name_skips_the_search_path(dns):
    out, _ = nslookup("kubernetes.default", CONF, dns)
    assert out == ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                   "** server can't find kubernetes.default: NXDOMAIN\n\n"
                   "** server can't find kubernetes.default: NXDOMAIN\n\n")


def test_nslookup_full_name_and_ptr(dns):
    out, _ = nslookup("web.shop.svc.cluster.local", CONF, dns)
    assert "Name:\tweb.shop.svc.cluster.local\nAddress: 10.3.0.50\n" in out
    out, _ = nslookup("10.3.0.1", CONF, dns)
    assert "1.0.3.10.in-addr.arpa\tname = kubernetes.default.svc.cluster.local\n" in out


def test_nslookup_server_unreachable():
    assert nslookup("web", CONF, None) == (";; connection timed out; no servers could be reached\n\n", 1)
