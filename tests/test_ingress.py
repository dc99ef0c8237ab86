"""Ingress matching and the ingress-nginx controller's routing (ING-1..3).

Every case of ``tests/data/conformance/ingress-matching.json`` (the Ingress concept page's
tables and the ingress-controller-conformance path and host features) must agree.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8s_helpers.network.ingress import (FAKE_CERTIFICATE, IngressController, admit_ingress_class,
                                         default_ingress_class, host_matches, path_matches, served_by)

DATA = json.loads((Path(__file__).parent / "data" / "conformance" / "ingress-matching.json").read_text())


def ingress(name, rules=None, ns="default", created="2026-01-01T00:00:00Z", default=None, tls=None,
            cls="nginx", annotations=None):
    spec = {"rules": rules or []}
    if cls:
        spec["ingressClassName"] = cls
    if default:
        spec["defaultBackend"] = {"service": {"name": default, "port": {"number": 80}}}
    if tls:
        spec["tls"] = tls
    return {"metadata": {"name": name, "namespace": ns, "creationTimestamp": created,
                         "annotations": annotations or {}}, "spec": spec}


def paths(*items):
    return {"http": {"paths": [{"path": p, "pathType": t, "backend": {"service": {"name": b, "port": {"number": 80}}}}
                               for p, t, b in items]}}


@pytest.mark.parametrize("case", DATA["path_cases"], ids=lambda c: f"{c['rules']}->{c['request_path']}")
def test_conformance_paths(case):
    items = [(r["path"], r["pathType"], r.get("backend") or f"svc-{i}") for i, r in enumerate(case["rules"])]
    rule = {"host": case["host"], **paths(*items)} if case.get("host") else paths(*items)
    route = IngressController([ingress("conf", [rule])]).route(case.get("host") or "any", case["request_path"])
    if case["matches"]:
        assert route.status is None
        assert (route.path, route.path_type) == (case["matched_path"], case["matched_path_type"])
        if case.get("expected_backend"):
            assert route.service == case["expected_backend"]
    else:
        assert route.status == 404 and route.service is None
    if "expected_status" in case:
        assert (route.status or 200) == case["expected_status"]


@pytest.mark.parametrize("case", DATA["host_cases"], ids=lambda c: f"{c['host_rule']}<-{c['request_host']}")
def test_conformance_hosts(case):
    assert host_matches(case["host_rule"], case["request_host"]) is case["matches"]
    if "ingress_host_rules" in case:
        rules = [{"host": h, **paths(("/", "Prefix", "wildcard-foo-com" if h.startswith("*") else "foo-bar-com"))}
                 for h in case["ingress_host_rules"]]
        route = IngressController([ingress("hosts", rules)]).route(case["request_host"], "/")
        assert (route.status or 200) == case["expected_status"]
        assert route.service == case["expected_backend"]


def test_conformance_file_is_complete():
    assert (len(DATA["path_cases"]), len(DATA["host_cases"])) == (37, 9)


@pytest.mark.parametrize("ptype,rule,request_path,match", [
    ("ImplementationSpecific", "/foo", "/foobar", True),
    ("ImplementationSpecific", "/foo", "/foo/bar", True),
    ("Prefix", "/foo", "/foobar", False),
    ("Exact", "/foo", "/FOO", False),
    ("Prefix", "/aaa/bbb", "/aaa/bbb/ccc", True),
    ("Prefix", "/aaa/bbb", "/aaa/bbbxyz", False),
])
def test_path_types(ptype, rule, request_path, match):
    assert path_matches(ptype, rule, request_path) is match


def test_host_header_port_and_case_are_ignored():
    assert host_matches("foo.bar.com", "FOO.bar.com:8080")
    assert not host_matches("foo.bar.com", "bar.com")
    assert host_matches(None, "anything")


def test_two_hosts_and_paths_and_the_404():
    ing = ingress("shop", [{"host": "tienda.example.com", **paths(("/", "Prefix", "front"), ("/api", "Prefix", "api"))},
                           {"host": "blog.example.com", **paths(("/", "Prefix", "blog"))}])
    ctrl = IngressController([ing])
    assert ctrl.route("tienda.example.com", "/api/v1/items").service == "api"
    assert ctrl.route("tienda.example.com", "/apis").service == "front"
    assert ctrl.route("blog.example.com", "/api").service == "blog"
    r = ctrl.route("otra.example.com", "/")
    assert (r.status, r.server, r.service) == (404, "_", None)


def test_rules_without_host_catch_unknown_hosts_but_not_known_ones():
    ing = ingress("mix", [paths(("/", "Prefix", "catch")), {"host": "a.com", **paths(("/x", "Exact", "ax"))}])
    ctrl = IngressController([ing])
    assert ctrl.route("whatever", "/y").service == "catch"
    assert ctrl.route("a.com", "/x").service == "ax"
    assert ctrl.route("a.com", "/y").status == 404


def test_default_backends():
    with_default = ingress("d", [{"host": "a.com", **paths(("/x", "Exact", "ax"))}], default="fallback")
    ctrl = IngressController([with_default])
    assert ctrl.route("a.com", "/y").service == "fallback"
    assert ctrl.route("b.com", "/").service == "fallback"
    only_default = IngressController([ingress("only", default="everything")])
    assert only_default.route("z.com", "/q").service == "everything"


def test_same_path_in_two_ingresses_oldest_wins_and_rules_merge():
    old = ingress("old", [{"host": "a.com", **paths(("/", "Prefix", "old"))}], created="2026-01-01T00:00:00Z")
    new = ingress("new", [{"host": "a.com", **paths(("/", "Prefix", "new"), ("/n", "Prefix", "n"))}],
                  created="2026-01-02T00:00:00Z")
    ctrl = IngressController([new, old])
    assert ctrl.route("a.com", "/").service == "old"
    assert ctrl.route("a.com", "/n/1").service == "n" and ctrl.route("a.com", "/n/1").ingress == "default/new"


def test_exact_beats_prefix_at_equal_length_and_longest_wins():
    ctrl = IngressController([ingress("e", [paths(("/foo", "Prefix", "pre"), ("/foo", "Exact", "ex"),
                                                  ("/foo/bar", "Prefix", "longer"))])])
    assert ctrl.route("h", "/foo").service == "ex"
    assert ctrl.route("h", "/foo/").service == "pre"
    assert ctrl.route("h", "/foo/bar/baz").service == "longer"


def test_ingress_class_selection():
    classes = [{"metadata": {"name": "nginx", "creationTimestamp": "2026-01-01T00:00:00Z",
                             "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
                "spec": {"controller": "k8s.io/ingress-nginx"}},
               {"metadata": {"name": "other", "creationTimestamp": "2026-01-02T00:00:00Z"},
                "spec": {"controller": "example.com/other"}}]
    assert default_ingress_class(classes)["metadata"]["name"] == "nginx"
    unclassed = ingress("u", [paths(("/", "Prefix", "u"))], cls=None)
    assert admit_ingress_class(unclassed, classes)["spec"]["ingressClassName"] == "nginx"
    assert admit_ingress_class(unclassed, classes[1:]) is unclassed
    legacy = ingress("l", cls=None, annotations={"kubernetes.io/ingress.class": "nginx"})
    assert served_by(legacy, ["nginx"])
    assert not served_by(ingress("o", cls="other"), ["nginx"])
    assert served_by(unclassed, ["nginx"], watch_without_class=True)
    assert not served_by(unclassed, ["nginx"], watch_without_class=False)
    ctrl = IngressController([ingress("o", [paths(("/", "Prefix", "theirs"))], cls="other")])
    assert ctrl.route("h", "/").status == 404


def test_newest_default_class_wins():
    a = {"metadata": {"name": "a", "creationTimestamp": "2026-01-01T00:00:00Z",
                      "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}}}
    b = {"metadata": {"name": "b", "creationTimestamp": "2026-02-01T00:00:00Z",
                      "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}}}
    assert default_ingress_class([a, b])["metadata"]["name"] == "b"


def test_tls_with_missing_secret_serves_the_fake_certificate():
    ing = ingress("t", [{"host": "secure.example.com", **paths(("/", "Prefix", "web"))}],
                  tls=[{"hosts": ["secure.example.com"], "secretName": "secure-tls"}])
    missing = IngressController([ing]).route("secure.example.com", "/", "https")
    assert missing.certificate == FAKE_CERTIFICATE and missing.service == "web"
    assert missing.warning == ('Error getting SSL certificate "default/secure-tls": local SSL certificate '
                               "default/secure-tls was not found. Using default certificate")
    present = IngressController([ing], secrets={"default/secure-tls"}).route("secure.example.com", "/", "https")
    assert (present.certificate, present.warning) == ("default/secure-tls", None)


def test_http_to_a_tls_host_is_redirected():
    ing = ingress("t", [{"host": "secure.example.com", **paths(("/", "Prefix", "web"))}],
                  tls=[{"hosts": ["secure.example.com"], "secretName": "secure-tls"}])
    r = IngressController([ing]).route("secure.example.com", "/a?b=1")
    assert (r.status, r.redirect) == (308, "https://secure.example.com/a")
    off = ingress("t", ing["spec"]["rules"], tls=ing["spec"]["tls"],
                  annotations={"nginx.ingress.kubernetes.io/ssl-redirect": "false"})
    assert IngressController([off]).route("secure.example.com", "/").service == "web"


def test_wildcard_host_server():
    ctrl = IngressController([ingress("w", [{"host": "*.foo.com", **paths(("/", "Prefix", "wild"))}])])
    assert ctrl.route("bar.foo.com", "/").service == "wild"
    assert ctrl.route("baz.bar.foo.com", "/").status == 404
