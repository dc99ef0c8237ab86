"""Ingress rules and how the ingress-nginx controller routes a request with them (ING-1..3).

**Matching** (``networking.k8s.io/v1`` API reference and the Ingress concept page; checked
against every case of ``tests/data/conformance/ingress-matching.json``):

- ``Exact``: the whole path, case-sensitive (``/foo`` is not ``/foo/``);
- ``Prefix``: element by element on ``/``, trailing slash ignored: ``/aaa/bbb`` matches
  ``/aaa/bbb``, ``/aaa/bbb/`` and ``/aaa/bbb/ccc`` but not ``/aaa/bbbxyz``; ``/`` matches
  everything;
- ``ImplementationSpecific``: ingress-nginx writes it as a plain nginx ``location /path``, a
  string prefix (``/foo`` also matches ``/foobar``);
- the longest matching path wins, and at equal length Exact beats Prefix (nginx: ``=``
  locations first, then the longest prefix; ingress-nginx writes a Prefix path ``/p`` as
  ``location /p/`` plus ``location = /p``, ``internal/ingress/controller/location.go``);
- hosts: an exact host equals the request's ``Host`` (port and case ignored); ``*.foo.com``
  covers exactly one more label (ingress-nginx's ``~^(?<subdomain>[\\w-]+)\\.foo\\.com$``);
  a rule without host applies to every host without a rule of its own.

**The controller** (ingress-nginx on kind): it serves the Ingresses of its IngressClass
(``nginx``; ``ingressClassName``, the legacy ``kubernetes.io/ingress.class`` annotation,
and, with ``--watch-ingress-without-class``, Ingresses without class). Rules of all its
Ingresses for one host are merged into one nginx ``server``; for the same path the oldest
Ingress wins. A request whose path matches nothing goes to the ``defaultBackend`` of the
Ingress that defined the host, or of any Ingress for unknown hosts, else to the
controller's own default backend, a ``404 Not Found`` page signed ``nginx``. The
API server's DefaultIngressClass admission writes the default class
(``ingressclass.kubernetes.io/is-default-class: "true"``, the newest if several) into new
Ingresses without one.

**TLS**: a host listed in ``spec.tls`` is served with the certificate of its Secret; when
the Secret does not exist ingress-nginx logs ``Error getting SSL certificate "ns/name":
local SSL certificate ns/name was not found. Using default certificate`` and serves its
self-signed *Kubernetes Ingress Controller Fake Certificate* (curl refuses it without
``-k``). Plain-HTTP requests to such a host get ``308 Permanent Redirect`` to ``https://``
(``ssl-redirect``, on by default; annotation ``nginx.ingress.kubernetes.io/ssl-redirect:
"false"`` turns it off).

Deviation kept on purpose: for a Prefix path written with a trailing slash (``/aaa/bbb/``)
and the request ``/aaa/bbb``, the spec (and the conformance suite) say "match"; nginx itself
would answer a 301 redirect to ``/aaa/bbb/`` there. This module follows the spec.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_CLASS_ANNOTATION", "LEGACY_CLASS_ANNOTATION", "INGRESS_NGINX_CONTROLLER", "FAKE_CERTIFICATE",
    "path_matches", "host_matches", "ingress_class_of", "default_ingress_class", "admit_ingress_class",
    "served_by", "Route", "IngressController",
]

DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
INGRESS_NGINX_CONTROLLER = "k8s.io/ingress-nginx"
FAKE_CERTIFICATE = "Kubernetes Ingress Controller Fake Certificate"
SSL_REDIRECT_ANNOTATION = "nginx.ingress.kubernetes.io/ssl-redirect"


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def path_matches(path_type: str, rule_path: str, request_path: str) -> bool:
    """One Ingress path against a request path (ING-2)."""
    if path_type == "Exact":
        return request_path == rule_path
    if path_type == "Prefix":
        want = _segments(rule_path)
        return _segments(request_path)[: len(want)] == want
    return request_path.startswith(rule_path)  # ImplementationSpecific on ingress-nginx


def host_matches(rule_host: str | None, request_host: str) -> bool:
    """One rule host against the request's Host (ING-3); no host matches everything."""
    if not rule_host:
        return True
    host = _normalize_host(request_host)
    rule_host = rule_host.lower()
    if rule_host.startswith("*."):
        suffix = rule_host[1:]
        head = host[: -len(suffix)] if host.endswith(suffix) else ""
        return bool(head) and "." not in head
    return host == rule_host


def _normalize_host(host: str) -> str:
    host = (host or "").lower()
    if host.startswith("["):
        return host
    return host.rsplit(":", 1)[0] if ":" in host else host


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _key(obj: dict) -> str:
    m = _meta(obj)
    return f"{m.get('namespace') or 'default'}/{m.get('name')}"


def ingress_class_of(ingress: dict) -> str | None:
    """``spec.ingressClassName``, else the legacy annotation."""
    return (ingress.get("spec") or {}).get("ingressClassName") or \
        (_meta(ingress).get("annotations") or {}).get(LEGACY_CLASS_ANNOTATION)


def default_ingress_class(classes) -> dict | None:
    """The IngressClass marked default; the newest when several are."""
    defaults = [c for c in classes if (_meta(c).get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"]
    if not defaults:
        return None
    return max(defaults, key=lambda c: (_meta(c).get("creationTimestamp") or "", _meta(c).get("name") or ""))


def admit_ingress_class(ingress: dict, classes) -> dict:
    """DefaultIngressClass admission: an Ingress created without class gets the default."""
    if ingress_class_of(ingress):
        return ingress
    default = default_ingress_class(classes)
    if default is None:
        return ingress
    out = dict(ingress)
    out["spec"] = dict(ingress.get("spec") or {}, ingressClassName=_meta(default).get("name"))
    return out


def served_by(ingress: dict, class_names, watch_without_class: bool = False) -> bool:
    name = ingress_class_of(ingress)
    if name is None:
        return watch_without_class
    return name in class_names


@dataclass
class _Location:
    kind: str  # "exact" or "prefix"
    path: str  # the nginx location string
    rule_path: str
    path_type: str
    backend: dict
    ingress: dict


@dataclass
class Route:
    """Where the controller sends one request.

    ``status`` None: proxied to ``backend`` (``service.name`` and ``service.port``) in
    ``namespace``; else the controller answers itself (404 no match, 308 redirect to HTTPS).
    ``certificate``: for HTTPS, the Secret used or the fake certificate."""

    status: int | None
    server: str
    ingress: str | None = None
    namespace: str | None = None
    backend: dict | None = None
    path: str | None = None
    path_type: str | None = None
    location: str | None = None
    redirect: str | None = None
    certificate: str | None = None
    warning: str | None = None

    @property
    def service(self) -> str | None:
        return ((self.backend or {}).get("service") or {}).get("name")

    @property
    def port(self):
        port = ((self.backend or {}).get("service") or {}).get("port") or {}
        return port.get("number", port.get("name"))


class _Server:
    def __init__(self, name: str):
        self.name = name
        self.exact: dict[str, _Location] = {}
        self.prefix: dict[str, _Location] = {}
        self.default: tuple[dict, dict] | None = None  # (backend, ingress)
        self.tls: list[tuple[dict, dict]] = []  # (tls entry, ingress)

    def add(self, loc: _Location, explicit_exact: bool = True) -> None:
        table = self.exact if loc.kind == "exact" else self.prefix
        if loc.path in table:
            # ingress-nginx: an explicit Exact beats Prefix's companion; otherwise first wins
            if loc.kind == "exact" and explicit_exact and table[loc.path].path_type != "Exact":
                table[loc.path] = loc
            return
        table[loc.path] = loc

    def match(self, path: str) -> _Location | None:
        hit = self.exact.get(path)
        if hit is not None:
            return hit
        best = None
        for loc_path, loc in self.prefix.items():
            if path.startswith(loc_path) and (best is None or len(loc_path) > len(best.path)):
                best = loc
        return best


class IngressController:
    """ingress-nginx's view of the cluster's Ingresses: its nginx servers and locations.

    ``class_names``: the IngressClasses whose ``spec.controller`` is this controller
    (``nginx`` on kind). ``secrets``: ``{"ns/name"}`` of the Secrets that exist."""

    def __init__(self, ingresses, *, class_names=("nginx",), watch_without_class: bool = True, secrets=()):
        self.secrets = set(secrets)
        mine = [i for i in ingresses if served_by(i, class_names, watch_without_class)]
        mine.sort(key=lambda i: (_meta(i).get("creationTimestamp") or "", _key(i)))
        self.ingresses = mine
        self.servers: dict[str, _Server] = {}
        self.catch_all = _Server("_")
        self.warnings: list[str] = []
        for ing in mine:
            spec = ing.get("spec") or {}
            default = spec.get("defaultBackend")
            if default and self.catch_all.default is None:
                self.catch_all.default = (default, ing)
            for rule in spec.get("rules") or []:
                host = (rule.get("host") or "").lower()
                server = self.catch_all if not host else self.servers.setdefault(host, _Server(host))
                if default and server is not self.catch_all and server.default is None:
                    server.default = (default, ing)
                for p in ((rule.get("http") or {}).get("paths")) or []:
                    self._add_path(server, p, ing)
            for tls in spec.get("tls") or []:
                hosts = tls.get("hosts") or [(r.get("host") or "").lower() for r in spec.get("rules") or []]
                for h in hosts:
                    if h and h.lower() in self.servers:
                        self.servers[h.lower()].tls.append((tls, ing))

    def _add_path(self, server: _Server, p: dict, ing: dict) -> None:
        path = p.get("path") or "/"
        ptype = p.get("pathType") or "ImplementationSpecific"
        backend = p.get("backend") or {}
        if ptype == "Exact":
            server.add(_Location("exact", path, path, ptype, backend, ing))
        elif ptype == "Prefix":
            if path == "/":
                server.add(_Location("prefix", "/", path, ptype, backend, ing))
            else:
                bare = path.rstrip("/")
                server.add(_Location("prefix", bare + "/", path, ptype, backend, ing))
                server.add(_Location("exact", bare, path, ptype, backend, ing), explicit_exact=False)
        else:
            server.add(_Location("prefix", path, path, ptype, backend, ing))

    def server_for(self, host: str) -> _Server:
        host = _normalize_host(host)
        if host in self.servers:
            return self.servers[host]
        for name, server in sorted(self.servers.items()):
            if name.startswith("*.") and host_matches(name, host):
                return server
        return self.catch_all

    def _certificate(self, server: _Server) -> tuple[str, str | None]:
        for tls, ing in server.tls:
            secret = tls.get("secretName")
            ns = _meta(ing).get("namespace") or "default"
            if not secret:
                return FAKE_CERTIFICATE, None
            key = f"{ns}/{secret}"
            if key in self.secrets:
                return key, None
            return FAKE_CERTIFICATE, (f'Error getting SSL certificate "{key}": local SSL certificate {key} was '
                                      "not found. Using default certificate")
        return FAKE_CERTIFICATE, None

    def route(self, host: str, path: str, scheme: str = "http") -> Route:
        """The decision for ``scheme://host/path``."""
        path = (path or "/").split("?", 1)[0] or "/"
        server = self.server_for(host)
        route = Route(None, server.name)
        if scheme == "https":
            route.certificate, route.warning = self._certificate(server)
        elif server.tls:
            ing = server.tls[0][1]
            if (_meta(ing).get("annotations") or {}).get(SSL_REDIRECT_ANNOTATION, "true") != "false":
                route.status = 308
                route.redirect = f"https://{_normalize_host(host)}{path}"
                route.ingress = _key(ing)
                route.certificate, route.warning = self._certificate(server)
                return route
        loc = server.match(path)
        if loc is not None:
            route.ingress = _key(loc.ingress)
            route.namespace = _meta(loc.ingress).get("namespace") or "default"
            route.backend = loc.backend
            route.path, route.path_type = loc.rule_path, loc.path_type
            route.location = ("= " if loc.kind == "exact" else "") + loc.path
            return route
        default = server.default or self.catch_all.default
        if default is not None:
            backend, ing = default
            route.ingress = _key(ing)
            route.namespace = _meta(ing).get("namespace") or "default"
            route.backend = backend
            route.location = "/"
            return route
        route.status = 404
        return route
