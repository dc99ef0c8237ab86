"""What the catalog's images answer over HTTP and what they log (k8s_helpers.network.http_server)."""
from __future__ import annotations

from datetime import datetime, timezone

from k8s_helpers.catalog import lookup
from k8s_helpers.network.http_server import HttpRequest, find_listener, listeners, respond

EPOCH = datetime(2026, 12, 7, 5, 55, 29, tzinfo=timezone.utc)


def pod(image, args=None, name="web-1", ip="10.244.1.7", running=True, hostname=None):
    c = {"name": "app", "image": image}
    if args:
        c["args"] = args
    spec = {"containers": [c]}
    if hostname:
        spec["hostname"] = hostname
    return {"metadata": {"name": name, "namespace": "default"}, "spec": spec,
            "status": {"podIP": ip, "containerStatuses": [{"name": "app",
                                                           "state": {"running": {}} if running else {"waiting": {}}}]}}


def req(path="/", headers=None, client="10.244.2.5", port=40000):
    h = [("Host", "web"), ("User-Agent", "curl/8.14.1"), ("Accept", "*/*")] + list(headers or [])
    return HttpRequest("GET", path, "web", h, client, port)


def test_whoami_prints_hostname_ips_and_the_request_as_go_writes_it():
    p = pod("traefik/whoami:v1.10.1", name="web-7d4b9c-abcde")
    lst = find_listener(p, 80)
    r = respond(p, lst, req(headers=[("X-B", "2"), ("x-a", "1")]))
    lines = r.body.split("\n")
    assert lines[0] == "Hostname: web-7d4b9c-abcde"
    assert lines[1:4] == ["IP: 127.0.0.1", "IP: ::1", "IP: 10.244.1.7"] and lines[4].startswith("IP: fe80::")
    assert lines[5] == "RemoteAddr: 10.244.2.5:40000"
    assert r.body.endswith("GET / HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/8.14.1\r\nAccept: */*\r\nX-A: 1\r\n"
                           "X-B: 2\r\n\r\n")
    assert r.status == 200 and r.log is None


def test_http_echo_text_and_listen_flags():
    p = pod("hashicorp/http-echo:1.0", args=["-text=hola mundo", "-listen=:8080"])
    assert find_listener(p, 5678) is None
    r = respond(p, find_listener(p, 8080), req())
    assert (r.status, r.body) == (200, "hola mundo\n")
    assert ("X-App-Name", "http-echo") in r.headers
    assert respond(pod("hashicorp/http-echo"), find_listener(pod("hashicorp/http-echo"), 5678), req()).body == "\n"


def test_nginx_serves_its_welcome_page_and_logs_the_request():
    p = pod("nginx:1.27")
    r = respond(p, find_listener(p, 80), req(), now=0, epoch=EPOCH)
    assert r.status == 200 and "<title>Welcome to nginx!</title>" in r.body and len(r.body.encode()) == 615
    assert r.log == '10.244.2.5 - - [07/Dec/2026:05:55:29 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.14.1" "-"'


def test_nginx_404_page_names_its_version():
    p = pod("nginx:1.27")
    r = respond(p, find_listener(p, 80), req("/nope"), epoch=EPOCH)
    assert r.status == 404 and r.reason == "Not Found"
    assert r.body == ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
                      "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.5</center>\r\n</body>\r\n"
                      "</html>\r\n")
    assert r.log.endswith('"GET /nope HTTP/1.1" 404 153 "-" "curl/8.14.1" "-"')


def test_nginx_logs_the_forwarded_for_header():
    p = pod("nginx:1.27")
    r = respond(p, find_listener(p, 80), req(headers=[("X-Forwarded-For", "172.18.0.1")]), epoch=EPOCH)
    assert r.log.endswith('"curl/8.14.1" "172.18.0.1"')


def test_httpd_page_and_common_log_format():
    p = pod("httpd:2.4")
    ok = respond(p, find_listener(p, 80), req(), epoch=EPOCH)
    assert ok.body == "<html><body><h1>It works!</h1></body></html>\n"
    assert ok.log == '10.244.2.5 - - [07/Dec/2026:05:55:29 +0000] "GET / HTTP/1.1" 200 45'
    missing = respond(p, find_listener(p, 80), req("/x"), epoch=EPOCH)
    assert missing.status == 404 and "<h1>Not Found</h1>" in missing.body


def test_sample_web_routes_and_bodies():
    p = pod("registry.k8s-course.io/web:1.0")
    assert respond(p, find_listener(p, 80), req("/status")).body == '{"status": "ok"}'
    assert respond(p, find_listener(p, 80), req("/nada")).status == 404


def test_listeners_only_of_running_containers_and_unknown_images():
    assert find_listener(pod("nginx:1.27", running=False), 80) is None
    assert listeners(pod("example.com/whatever:1")) is None
    assert find_listener(pod("example.com/whatever:1"), 1234) == "unknown"
    mariadb = pod("mariadb:11.4")
    mariadb["spec"]["containers"][0]["env"] = [{"name": "MARIADB_ROOT_PASSWORD", "value": "x"}]
    assert find_listener(mariadb, 3306).http is False


def test_ingress_nginx_controller_listens_on_80_and_443():
    p = pod("registry.k8s.io/ingress-nginx/controller:v1.13.0", args=["/nginx-ingress-controller"])
    assert find_listener(p, 80).http["render"] == "ingress-nginx"
    assert find_listener(p, 443).http["tls"] is True
    page = lookup("registry.k8s.io/ingress-nginx/controller:v1.13.0").error_page
    assert page.endswith("<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
