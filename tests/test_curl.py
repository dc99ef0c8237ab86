"""Requests followed hop by hop (k8s_helpers.network.curl): answers, failures with curl's and
busybox wget's texts, NetworkPolicy, traffic policies, Ingress, determinism."""
from __future__ import annotations

import re

import pytest

from k8s_helpers.network.curl import render_cli, request
from network_support import MiniCluster


def ingress(name, rules, tls=None):
    spec = {"ingressClassName": "nginx", "rules": rules}
    if tls:
        spec["tls"] = tls
    return {"metadata": {"name": name, "namespace": "default", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": spec}


def rule(host, *paths):
    return {"host": host, "http": {"paths": [
        {"path": p, "pathType": "Prefix", "backend": {"service": {"name": s, "port": {"number": port}}}}
        for p, s, port in paths]}}


@pytest.fixture
def cluster():
    c = MiniCluster(seed=7)
    c.add_pod("client", "kind-worker", image="curlimages/curl:8.14.1", args=["sleep", "infinity"])
    c.add_pod("web-7d4b9c-abcde", "kind-worker", labels={"app": "web"}, image="traefik/whoami:v1.10.1",
              ports=[{"name": "http", "containerPort": 80}])
    c.add_pod("web-7d4b9c-fghjk", "kind-worker2", labels={"app": "web"}, image="traefik/whoami:v1.10.1",
              ports=[{"name": "http", "containerPort": 80}])
    c.add_pod("nginx-1", "kind-worker2", labels={"app": "nginx"}, image="nginx:1.27")
    c.add_pod("echo-1", "kind-worker2", labels={"app": "echo"}, image="hashicorp/http-echo:1.0",
              args=["-text=hola desde http-echo"])
    c.add_pod("bbdd-0", "kind-worker2", labels={"app": "bbdd"}, image="mariadb:11.4", containers=[
        {"name": "mariadb", "image": "mariadb:11.4", "env": [{"name": "MARIADB_ROOT_PASSWORD", "value": "x"}],
         "ports": [{"containerPort": 3306}]}])
    c.add_service("web", selector={"app": "web"}, ports=[{"name": "http", "port": 80, "targetPort": "http"}])
    c.add_service("nginx", selector={"app": "nginx"}, ports=[{"port": 8080, "targetPort": 80}], type="NodePort")
    c.add_service("echo", selector={"app": "echo"}, ports=[{"port": 80, "targetPort": 5678}])
    c.add_service("bbdd", selector={"app": "bbdd"}, ports=[{"port": 3306}])
    c.add_service("typo", selector={"app": "wbe"}, ports=[{"port": 80}])
    c.add_service("badport", selector={"app": "nginx"}, ports=[{"port": 80, "targetPort": 8081}])
    return c


def node_port(c, name):
    return next(s for s in c.services if s["metadata"]["name"] == name)["spec"]["ports"][0]["nodePort"]


def test_whoami_through_a_service(cluster):
    r = request("http://web", state=cluster.state(), from_pod="client")
    assert r["status"] == 200 and r["error"] is None and r["exit_code"] == 0
    assert r["served_by"] in ("default/web-7d4b9c-abcde", "default/web-7d4b9c-fghjk")
    assert r["body"].startswith(f"Hostname: {r['served_by'].split('/')[1]}\n")
    assert "RemoteAddr: 10.244.1.5:" in r["body"]  # pod to Service: no SNAT
    assert [h["step"] for h in r["hops"]] == ["client", "dns", "service", "endpoint", "node", "pod", "http"]
    assert r["hops"][1]["fqdn"] == "web.default.svc.cluster.local"
    assert r["hops"][2]["rule"] == "default/web:http" and r["hops"][2]["via"] == "cluster IP"


@pytest.mark.parametrize("name", ["web", "web.default", "web.default.svc", "web.default.svc.cluster.local"])
def test_short_and_full_names(cluster, name):
    assert request(f"http://{name}/", state=cluster.state(), from_pod="client")["status"] == 200


def test_name_from_another_namespace_needs_the_namespace(cluster):
    cluster.add_pod("other", "kind-worker", namespace="tienda", image="busybox:1.36")
    st = cluster.state()
    r = request("http://web", state=st, from_pod="tienda/other")
    assert r["error"] == "curl: (6) Could not resolve host: web" and r["exit_code"] == 6
    assert request("http://web.default", state=st, from_pod="tienda/other")["status"] == 200


def test_nxdomain(cluster):
    r = request("http://nope", state=cluster.state(), from_pod="client", tool="wget")
    assert r["error"] == "wget: bad address 'nope'" and r["exit_code"] == 1


def test_selector_that_matches_nothing_is_refused(cluster):
    r = request("http://typo", state=cluster.state(), from_pod="client")
    assert r["error"] == "curl: (7) Failed to connect to typo port 80 after 0 ms: Couldn't connect to server"
    assert r["exit_code"] == 7 and r["hops"][-2]["rule"] == "default/typo has no endpoints"
    w = request("http://typo", state=cluster.state(), from_pod="client", tool="wget")
    ip = next(s for s in cluster.services if s["metadata"]["name"] == "typo")["spec"]["clusterIP"]
    assert w["error"] == f"wget: can't connect to remote host ({ip}): Connection refused"


def test_wrong_target_port_is_refused_by_the_pod(cluster):
    r = request("http://badport", state=cluster.state(), from_pod="client")
    assert r["exit_code"] == 7 and r["hops"][-2]["step"] == "listen"


def test_port_the_service_does_not_have_times_out(cluster):
    st = cluster.state()
    assert request("http://web:8080", state=st, from_pod="client", max_time=10)["error"] == \
        "curl: (28) Connection timed out after 10001 milliseconds"
    assert request("http://web:8080", state=st, from_pod="client", connect_timeout=5)["error"] == \
        "curl: (28) Failed to connect to web port 8080 after 5002 ms: Timeout was reached"
    r = request("http://web:8080", state=st, from_pod="client")
    assert re.fullmatch(r"curl: \(28\) Failed to connect to web port 8080 after 127\d{3} ms: Couldn't connect to "
                        r"server", r["error"])
    assert request("http://web:8080", state=st, from_pod="client", tool="wget", max_time=3)["error"] == \
        "wget: download timed out"


def test_nginx_page_and_access_log_line(cluster):
    r = request("http://nginx:8080/", state=cluster.state(), from_pod="client")
    assert r["status"] == 200 and "Welcome to nginx!" in r["body"] and r["served_by"] == "default/nginx-1"
    [log] = r["logs"]
    assert log["pod"] == "default/nginx-1" and log["line"].startswith('10.244.1.5 - - [')
    assert log["line"].endswith('"GET / HTTP/1.1" 200 615 "-" "curl/8.14.1" "-"')


def test_http_echo_text(cluster):
    r = request("http://echo", state=cluster.state(), from_pod="client")
    assert (r["status"], r["body"]) == (200, "hola desde http-echo\n")


def test_non_http_server(cluster):
    r = request("http://bbdd:3306", state=cluster.state(), from_pod="client")
    assert r["error"] == "curl: (1) Received HTTP/0.9 when not allowed"


def test_network_policy_drop_times_out_and_without_enforcement_passes(cluster):
    cluster.policies.append({"metadata": {"name": "deny-web", "namespace": "default"},
                             "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"]}})
    r = request("http://web", state=cluster.state(), from_pod="client", max_time=10)
    assert r["error"] == "curl: (28) Connection timed out after 10001 milliseconds"
    assert any(h["step"] == "policy" and h["policies"] == ["default/deny-web"] for h in r["hops"])
    cluster.network_policy = False
    assert request("http://web", state=cluster.state(), from_pod="client")["status"] == 200


def test_egress_policy_that_forgets_dns(cluster):
    cluster.policies.append({"metadata": {"name": "solo-web", "namespace": "default"},
                             "spec": {"podSelector": {}, "policyTypes": ["Egress"],
                                      "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "web"}}}]}]}})
    st = cluster.state()
    r = request("http://web", state=st, from_pod="client")
    assert r["error"] == "curl: (6) Could not resolve host: web"
    assert r["hops"][-2]["step"] == "dns" and r["hops"][-2]["error"] == "timeout"
    ip = next(s for s in cluster.services if s["metadata"]["name"] == "web")["spec"]["clusterIP"]
    assert request(f"http://{ip}", state=st, from_pod="client")["status"] == 200


def test_node_port_from_outside_is_masqueraded(cluster):
    st = cluster.state()
    r = request(f"http://172.18.0.3:{node_port(cluster, 'nginx')}/", state=st)
    assert r["status"] == 200 and r["hops"][0]["outside"]
    assert r["logs"][0]["line"].startswith("172.18.0.3 - - [")  # SNAT to the node that received it
    assert request("http://172.18.0.3:31999/", state=st)["exit_code"] == 7
    ip = next(s for s in cluster.services if s["metadata"]["name"] == "web")["spec"]["clusterIP"]
    assert request(f"http://{ip}/", state=st, max_time=5)["exit_code"] == 28  # ClusterIPs are internal
    assert request("http://mi-web/", state=st)["error"] == "curl: (6) Could not resolve host: mi-web"


def test_external_traffic_policy_local_keeps_the_client_address():
    c = MiniCluster(seed=3)
    c.add_pod("nginx-1", "kind-worker2", labels={"app": "nginx"}, image="nginx:1.27")
    c.add_service("nginx", selector={"app": "nginx"}, ports=[{"port": 80}], type="NodePort",
                  externalTrafficPolicy="Local")
    st = c.state()
    np = node_port(c, "nginx")
    r = request(f"http://172.18.0.4:{np}/", state=st)
    assert r["status"] == 200 and r["logs"][0]["line"].startswith("172.18.0.1 - - [")
    assert request(f"http://172.18.0.3:{np}/", state=st, max_time=10)["exit_code"] == 28


def test_load_balancer_with_provider_and_external_dns():
    c = MiniCluster(seed=3, load_balancer=True)
    c.add_pod("nginx-1", "kind-worker2", labels={"app": "nginx"}, image="nginx:1.27")
    svc = c.add_service("mi-web", selector={"app": "nginx"}, ports=[{"port": 80}], type="LoadBalancer")
    lb = svc["status"]["loadBalancer"]["ingress"][0]["ip"]
    assert lb == "172.18.255.200"
    r = request("http://mi-web/", state=c.state(external_hosts={"mi-web": [lb]}))
    assert r["status"] == 200 and r["hops"][1]["answer"] == [lb] and r["hops"][2]["via"] == "loadbalancer IP"
    pending = MiniCluster(seed=3)
    svc = pending.add_service("mi-web", selector={"app": "nginx"}, ports=[{"port": 80}], type="LoadBalancer")
    assert svc["status"] == {"loadBalancer": {}}


def test_session_affinity_keeps_the_pod(cluster):
    cluster.add_service("sticky", selector={"app": "web"}, ports=[{"port": 80}], sessionAffinity="ClientIP")
    st = cluster.state()
    served = {request("http://sticky", state=st, from_pod="client")["served_by"] for _ in range(20)}
    assert len(served) == 1
    spread = {request("http://web", state=st, from_pod="client")["served_by"] for _ in range(40)}
    assert len(spread) == 2


def test_same_seed_same_history():
    def run(seed):
        c = MiniCluster(seed=seed)
        c.add_pod("client", "kind-worker", image="busybox:1.36")
        for i in range(4):
            c.add_pod(f"web-{i}", "kind-worker2", labels={"app": "web"}, image="traefik/whoami")
        c.add_service("web", selector={"app": "web"})
        st = c.state()
        return [request("http://web", state=st, from_pod="client")["served_by"] for _ in range(12)]
    assert run(1) == run(1)
    assert run(1) != run(2)


# ----------------------------------------------------------------------------- Ingress
@pytest.fixture
def with_ingress(cluster):
    cluster.add_ingress_controller()
    cluster.ingresses.append(ingress("mi-web", [rule("mi-web", ("/", "web", 80), ("/eco", "echo", 80))]))
    return cluster


def test_ingress_routes_by_host_and_path(with_ingress):
    st = with_ingress.state()
    np = node_port(with_ingress, "ingress-nginx-controller")
    r = request(f"http://172.18.0.3:{np}/", state=st, headers={"Host": "mi-web"})
    assert r["status"] == 200 and r["served_by"].startswith("default/web-")
    assert "X-Forwarded-Host: mi-web\r\n" in r["body"] and "X-Real-Ip: 172.18.0.3\r\n" in r["body"]
    assert re.search(r"RemoteAddr: 10\.244\.0\.\d+:", r["body"])  # the controller pod connects
    ing = next(h for h in r["hops"] if h["step"] == "ingress")
    assert (ing["ingress"], ing["rule"], ing["backend"]) == ("default/mi-web", "/", "default/web:80")
    ctrl_log = next(lg for lg in r["logs"] if lg["pod"].startswith("ingress-nginx/"))
    assert "[default-web-80]" in ctrl_log["line"]
    eco = request(f"http://172.18.0.3:{np}/eco/x", state=st, headers={"Host": "mi-web"})
    assert eco["body"] == "hola desde http-echo\n"


def test_ingress_404_and_503(with_ingress):
    with_ingress.ingresses.append(ingress("roto", [rule("roto", ("/", "typo", 80))]))
    st = with_ingress.state()
    np = node_port(with_ingress, "ingress-nginx-controller")
    r = request(f"http://172.18.0.4:{np}/", state=st, headers={"Host": "desconocido"})
    assert r["status"] == 404 and r["served_by"].startswith("ingress-nginx/")
    assert r["body"] == ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found"
                         "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
    r = request(f"http://172.18.0.4:{np}/", state=st, headers={"Host": "roto"})
    assert r["status"] == 503 and "<title>503 Service Temporarily Unavailable</title>" in r["body"]
    out, err, code = render_cli(r, fail=True)
    assert (out, err, code) == ("", "curl: (22) The requested URL returned error: 503\n", 22)


def test_ingress_from_a_pod_through_the_controller_service(with_ingress):
    r = request("http://ingress-nginx-controller.ingress-nginx/", state=with_ingress.state(), from_pod="client",
                headers={"Host": "mi-web"})
    assert r["status"] == 200 and r["served_by"].startswith("default/web-")


def test_ingress_round_robin_over_endpoints(with_ingress):
    st = with_ingress.state()
    np = node_port(with_ingress, "ingress-nginx-controller")
    served = [request(f"http://172.18.0.2:{np}/", state=st, headers={"Host": "mi-web"})["served_by"]
              for _ in range(4)]
    assert served[0] != served[1] and served[0] == served[2] and served[1] == served[3]


def test_ingress_tls_with_missing_secret(with_ingress):
    with_ingress.ingresses.append(ingress("seguro", [rule("seguro.example.com", ("/", "web", 80))],
                                          tls=[{"hosts": ["seguro.example.com"], "secretName": "seguro-tls"}]))
    st = with_ingress.state()
    https = next(s for s in with_ingress.services if s["metadata"]["name"] == "ingress-nginx-controller")
    np_https = https["spec"]["ports"][1]["nodePort"]
    np_http = https["spec"]["ports"][0]["nodePort"]
    r = request(f"https://172.18.0.3:{np_https}/", state=st, headers={"Host": "seguro.example.com"})
    assert r["error"] == "curl: (60) SSL certificate problem: self-signed certificate" and r["exit_code"] == 60
    tls_hop = next(h for h in r["hops"] if h["step"] == "tls")
    assert tls_hop["certificate"] == "Kubernetes Ingress Controller Fake Certificate"
    assert "local SSL certificate default/seguro-tls was not found" in tls_hop["warning"]
    ok = request(f"https://172.18.0.3:{np_https}/", state=st, headers={"Host": "seguro.example.com"}, insecure=True)
    assert ok["status"] == 200
    redirect = request(f"http://172.18.0.3:{np_http}/a", state=st, headers={"Host": "seguro.example.com"})
    assert redirect["status"] == 308 and ("Location", "https://seguro.example.com/a") in redirect["headers"]
    assert "<title>308 Permanent Redirect</title>" in redirect["body"]


def test_render_cli_flags(cluster):
    st = cluster.state()
    bad = request("http://typo", state=st, from_pod="client")
    assert render_cli(bad, silent=True) == ("", "", 7)
    assert render_cli(bad, silent=True, show_error=True)[1] == \
        "curl: (7) Failed to connect to typo port 80 after 0 ms: Couldn't connect to server\n"
    ok = request("http://echo", state=st, from_pod="client")
    out, err, code = render_cli(ok, include=True)
    assert out.startswith("HTTP/1.1 200 OK\r\n") and out.endswith("\r\n\r\nhola desde http-echo\n") and code == 0
    missing = request("http://nginx:8080/nada", state=st, from_pod="client", tool="wget")
    assert render_cli(missing, quiet=True) == ("", "wget: server returned error: HTTP/1.1 404 Not Found\n", 1)
    fine = request("http://nginx:8080/", state=st, from_pod="client", tool="wget")
    out, err, code = render_cli(fine, quiet=True)
    assert "Welcome to nginx!" in out and err == "" and code == 0
    ip = next(s for s in cluster.services if s["metadata"]["name"] == "nginx")["spec"]["clusterIP"]
    assert render_cli(fine)[1] == f"Connecting to nginx:8080 ({ip}:8080)\n"


def test_api_server_through_the_kubernetes_service(cluster):
    st = cluster.state()
    r = request("https://kubernetes.default", state=st, from_pod="client")
    assert r["error"] == "curl: (60) SSL certificate problem: unable to get local issuer certificate"
    r = request("https://kubernetes.default", state=st, from_pod="client", insecure=True)
    assert r["status"] == 403 and '"message": "forbidden: User \\"system:anonymous\\" cannot get path \\"/\\""' in \
        r["body"]


def test_unknown_pod_is_a_clear_spanish_error(cluster):
    with pytest.raises(ValueError, match="no existe el pod «fantasma»"):
        request("http://web", state=cluster.state(), from_pod="fantasma")


def test_node_and_host_network_pods_do_not_resolve_cluster_names(cluster):
    cluster.add_pod("hostnet", "kind-worker", image="busybox:1.36")
    cluster.pods[-1]["spec"]["hostNetwork"] = True
    cluster.pods[-1]["status"]["podIP"] = "172.18.0.3"
    st = cluster.state()
    assert request("http://web", state=st, from_node="kind-worker")["exit_code"] == 6
    assert request("http://web", state=st, from_pod="hostnet")["exit_code"] == 6
    ip = next(s for s in cluster.services if s["metadata"]["name"] == "web")["spec"]["clusterIP"]
    for _ in range(6):  # masqueraded: the local pod sees the node's pod gateway, a remote one the node's address
        r = request(f"http://{ip}", state=st, from_node="kind-worker")
        seen = "10.244.1.1" if r["served_by"] == "default/web-7d4b9c-abcde" else "172.18.0.3"
        assert r["status"] == 200 and f"RemoteAddr: {seen}:" in r["body"]
    cluster.pods[-1]["spec"]["dnsPolicy"] = "ClusterFirstWithHostNet"
    assert request("http://web", state=cluster.state(), from_pod="hostnet")["status"] == 200


def test_nslookup_from_a_pod_and_with_dns_blocked(cluster):
    from k8s_helpers.network.curl import nslookup

    out, code = nslookup("web", state=cluster.state(), from_pod="client")
    assert code == 0 and "Name:\tweb.default.svc.cluster.local\n" in out
    cluster.policies.append({"metadata": {"name": "deny-egress", "namespace": "default"},
                             "spec": {"podSelector": {}, "policyTypes": ["Egress"]}})
    assert nslookup("web", state=cluster.state(), from_pod="client") == \
        (";; connection timed out; no servers could be reached\n\n", 1)
