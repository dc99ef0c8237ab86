"""One HTTP request followed from the client to the pod that answers, with curl's and wget's
real texts.

:func:`request` takes a URL, where it is sent from (a pod, a node, or a machine outside the
cluster) and a :class:`~.state.NetworkState`, and decides every step as the real parts do:

1. **DNS** (:mod:`.dns`): from a pod, its ``resolv.conf`` search path over CoreDNS; the
   query itself goes to ``kube-dns`` through kube-proxy and NetworkPolicy, so a policy that
   blocks port 53 makes the name fail. From outside, only the client's own names
   (``external_hosts``): Kubernetes publishes nothing to an external DNS.
2. **kube-proxy** (:mod:`.kube_proxy`) on the node where the packet enters: the ClusterIP,
   nodePort or LoadBalancer IP is DNATed to an endpoint chosen at random (or by session
   affinity); a Service without endpoints is REJECTed (connection refused); a Local policy
   without local endpoints DROPs (time-out); a ClusterIP port the Service lacks matches
   nothing (time-out).
3. **NetworkPolicy** (:mod:`.network_policy`), after DNAT: the client pod's egress and the
   target pod's ingress (with the source as the target sees it: masqueraded traffic comes
   from a node). A denied connection is dropped: the client times out.
4. **The pod**: a port nobody listens on refuses the connection; a server that does not
   speak HTTP makes curl fail with ``(1) Received HTTP/0.9 when not allowed``; an HTTP
   server answers as its image does (:mod:`.http_server`), and the ingress-nginx
   controller routes by Host and path (:mod:`.ingress`) to the backend's endpoints,
   directly (not through the ClusterIP), round robin, retrying the next one on errors
   (``proxy_next_upstream_tries 3``): ``502 Bad Gateway`` when all refuse, ``504 Gateway
   Time-out`` when they time out, ``503 Service Temporarily Unavailable`` without endpoints.

The result is a dict ``{"status", "body", "served_by", "error", "hops", "exit_code",
"headers", "logs", "elapsed_ms"}``; ``error`` is the tool's message, e.g. ``curl: (6) Could
not resolve host: web``, ``curl: (7) Failed to connect to web port 80 after 0 ms: Couldn't
connect to server`` (curl 8: the host as typed, ``curl_easy_strerror`` of the result), or
for a dropped connection ``curl: (28) Connection timed out after 10001 milliseconds`` with
``-m 10``, ``curl: (28) Failed to connect to web port 80 after 10002 ms: Timeout was
reached`` with ``--connect-timeout 10``, and without either the kernel's give-up after its
SYN retries (about 127 s). busybox wget says ``wget: bad address 'web'``, ``wget: can't
connect to remote host (10.96.12.34): Connection refused``, ``wget: download timed out``
(with ``-T``) and ``wget: server returned error: HTTP/1.1 404 Not Found``.
``hops`` are the steps for a widget: dns, service, endpoint, node, pod (and ingress).
:func:`render_cli` turns a result into what the command prints.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from .dns import nslookup as busybox_nslookup
from .dns import parse_resolv_conf, resolv_conf, resolve
from .http_server import (CURL_USER_AGENT, WGET_USER_AGENT, HttpRequest, HttpResponse, error_page, find_listener,
                          reason, respond)
from .network_policy import allowed as policy_allows
from .state import COREDNS_LABELS, NetworkState

__all__ = ["request", "render_cli", "nslookup", "dns_reachable", "KERNEL_CONNECT_TIMEOUT_MS"]

#: a kind node's /etc/resolv.conf (Docker's embedded DNS on the kind network)
NODE_RESOLV_CONF = "nameserver 172.18.0.1\n"
#: Linux gives up a connect() after 6 SYN retransmissions: 1+2+4+8+16+32+64 s
KERNEL_CONNECT_TIMEOUT_MS = 127_000
#: ingress-nginx defaults: proxy-connect-timeout 5 s, proxy-next-upstream-tries 3
PROXY_CONNECT_TIMEOUT_MS = 5_000
PROXY_NEXT_UPSTREAM_TRIES = 3
_SELF_SIGNED = "SSL certificate problem: self-signed certificate"
_CURL_60_TAIL = ("More details here: https://curl.se/docs/sslcerts.html\n\n"
                 "curl failed to verify the legitimacy of the server and therefore could not\n"
                 "establish a secure connection to it. To learn more about this situation and\n"
                 "how to fix it, please visit the webpage mentioned above.")
_APISERVER_FORBIDDEN = ('{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n'
                        '  "message": "forbidden: User \\"system:anonymous\\" cannot get path \\"{path}\\"",\n'
                        '  "reason": "Forbidden",\n  "details": {},\n  "code": 403\n}')


class _Fail(Exception):
    def __init__(self, kind: str, **info):
        super().__init__(kind)
        self.kind = kind
        self.info = info


def _key(obj: dict | None) -> str | None:
    if not obj:
        return None
    m = obj.get("metadata") or {}
    return f"{m.get('namespace') or 'default'}/{m.get('name')}"


class _Client:
    """Who opens a connection: a pod, a node's own process, or a machine outside."""

    def __init__(self, ip: str, pod: dict | None = None, node: str | None = None, host: bool = False):
        self.ip = ip
        self.pod = pod
        self.node = node
        self.host = host


def _coredns_identity() -> dict:
    return {"metadata": {"name": "coredns", "namespace": "kube-system", "labels": dict(COREDNS_LABELS)},
            "spec": {"containers": [{"name": "coredns", "ports": [
                {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}]}]}}


def _policy_check(state: NetworkState, client: _Client, src_seen: str, pod: dict, port: int, protocol: str,
                  hops: list) -> None:
    """Egress of the client pod, ingress of ``pod`` from the source it sees; raise timeout."""
    if not state.network_policy:
        return
    src = client.pod if client.pod is not None and src_seen == client.ip else {"ip": src_seen}
    node_of_dst = (pod.get("spec") or {}).get("nodeName")
    src_node = state.node_of_ip.get(src_seen)
    verdict = policy_allows(client.pod if client.pod is not None else src, pod, port, protocol,
                            policies=state.policies, namespaces=state.namespaces,
                            src_node_of_dst=bool(src_node and src_node == node_of_dst), ingress_source=src)
    if not verdict.allowed:
        side = verdict.blocked_by
        isolating = verdict.egress_isolated_by if side == "egress" else verdict.ingress_isolated_by
        hops.append({"step": "policy", "allowed": False, "direction": side, "policies": isolating,
                     "detail": f"NetworkPolicy {', '.join(isolating)}: {side} no permitido; el paquete se descarta"})
        raise _Fail("timeout", ip=(pod.get("status") or {}).get("podIP"))
    if verdict.egress_allowed_by or verdict.ingress_allowed_by:
        hops.append({"step": "policy", "allowed": True, "egress": verdict.egress_allowed_by,
                     "ingress": verdict.ingress_allowed_by, "detail": "permitido por NetworkPolicy"})


def _connect(state: NetworkState, client: _Client, ip: str, port: int, protocol: str, hops: list):
    """A TCP/UDP connection to ``ip:port``: (target pod or None for a node, port, source the
    target sees). Raises _Fail refused/timeout."""
    entry = client.node
    via_lb = None
    if client.pod is None and not client.host:
        entry = state.node_of_ip.get(ip)
        if entry is None and ip in state.load_balancer_ips:
            via_lb = state.load_balancer_ips[ip]
            entry = state.announcing_node(via_lb, ip)
            if entry is None:
                raise _Fail("timeout", ip=ip)
        if entry is None:
            hops.append({"step": "route", "ip": ip, "detail": f"{ip} no es alcanzable desde fuera del clúster"})
            raise _Fail("timeout", ip=ip)
    src_seen = client.ip
    target_ip, target_port = ip, port
    if entry is not None:
        rules = state.rules(entry)
        v = rules.connect(client.ip, ip, port, protocol, rng=state.memory.rng, now=state.now, from_host=client.host)
        if v.service is not None:
            hops.append({"step": "service", "service": f"{v.service.namespace}/{v.service.name}",
                         "port": v.service.port, "protocol": v.service.protocol, "via": v.via, "node": entry,
                         "chains": v.path, "rule": v.comment,
                         "detail": f"kube-proxy en {entry}: {v.comment}"})
        if v.action == "REJECT":
            raise _Fail("refused", ip=ip)
        if v.action == "DROP":
            raise _Fail("timeout", ip=ip)
        if v.action == "DNAT":
            ep = v.endpoint
            target_ip, target_port = ep.ip, ep.port
            if v.masquerade:
                src_seen = (state.gateway_ip(entry) if ep.node_name == entry else state.node_ip(entry)) or src_seen
            hops.append({"step": "endpoint", "endpoint": str(ep), "pod": ep.pod, "node": ep.node_name,
                         "chain": ep.chain, "snat": src_seen if v.masquerade else None,
                         "detail": f"DNAT a {ep} ({ep.pod or 'sin pod'})"
                                   + (f"; origen reescrito a {src_seen}" if v.masquerade else "")})
        elif ip in state.service_ips or ip in state.load_balancer_ips:
            hops.append({"step": "service", "ip": ip, "port": port,
                         "detail": f"ninguna regla de kube-proxy para {ip}:{port}: el paquete se pierde"})
            raise _Fail("timeout", ip=ip)
    pod = state.pods_by_ip.get(target_ip)
    if pod is None:
        node = state.node_of_ip.get(target_ip)
        if node is not None:
            hops.append({"step": "node", "node": node, "ip": target_ip, "port": target_port})
            return None, target_port, src_seen, node
        raise _Fail("timeout", ip=ip)
    node = (pod.get("spec") or {}).get("nodeName")
    hops.append({"step": "node", "node": node, "ip": state.node_ip(node) if node else None})
    _policy_check(state, client, src_seen, pod, target_port, protocol, hops)
    hops.append({"step": "pod", "pod": _key(pod), "ip": target_ip, "port": target_port})
    return pod, target_port, src_seen, node


def _dns_reachable(state: NetworkState, client: _Client, hops: list) -> None:
    """The resolver's query to kube-dns: through kube-proxy and the policies (UDP 53)."""
    if client.pod is None:
        return
    if state.dns_service_ip in state.service_ips:
        scratch: list = []
        try:
            pod, _, _, _ = _connect(state, client, state.dns_service_ip, 53, "UDP", scratch)
        except _Fail as f:
            hops.append({"step": "dns", "server": state.dns_service_ip, "error": f.kind,
                         "detail": "la consulta DNS no llega a CoreDNS (" +
                                   ("sin endpoints" if f.kind == "refused" else "paquete descartado") + ")",
                         "path": scratch})
            raise _Fail("resolve") from None
        return
    target = _coredns_identity()
    if state.network_policy:
        v = policy_allows(client.pod, target, 53, "UDP", policies=state.policies, namespaces=state.namespaces)
        if not v.allowed:
            hops.append({"step": "dns", "server": state.dns_service_ip, "error": "timeout",
                         "policies": v.egress_isolated_by,
                         "detail": f"NetworkPolicy {', '.join(v.egress_isolated_by)} no deja salir el DNS "
                                   "(UDP 53 hacia kube-system/coredns)"})
            raise _Fail("resolve")


def dns_reachable(state: NetworkState, pod, namespace: str = "default") -> bool:
    """Whether ``pod``'s queries reach CoreDNS (kube-proxy and NetworkPolicy on UDP 53)."""
    pod = state.pod(pod, namespace)
    client = _Client((pod.get("status") or {}).get("podIP") or "", pod=pod, node=(pod.get("spec") or {}).get("nodeName"))
    try:
        _dns_reachable(state, client, [])
    except _Fail:
        return False
    return True


def nslookup(name: str, *, state: NetworkState, from_pod, namespace: str = "default", server: str | None = None,
             qtype: str | None = None) -> tuple[str, int]:
    """``kubectl exec POD -- nslookup NAME``: busybox's output and exit code, with the pod's
    resolv.conf, through kube-proxy and NetworkPolicy to CoreDNS."""
    pod = state.pod(from_pod, namespace)
    if pod is None:
        raise ValueError(f"no existe el pod «{from_pod}» en el espacio de nombres «{namespace}»")
    conf = resolv_conf(pod, nameserver=state.dns_service_ip, cluster_domain=state.cluster_domain,
                       node_resolv=NODE_RESOLV_CONF)
    cluster_dns = (server or (conf.nameservers[:1] or [""])[0]) == state.dns_service_ip
    reachable = dns_reachable(state, pod) if cluster_dns else False
    return busybox_nslookup(name, conf, state.dns if reachable else None, server=server, qtype=qtype)


def _parse(url: str):
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path, parts.netloc


def request(url: str, *, state: NetworkState, from_pod=None, from_node: str | None = None,
            namespace: str = "default", headers=None, method: str = "GET", tool: str = "curl",
            max_time: float | None = None, connect_timeout: float | None = None, insecure: bool = False,
            follow: bool = False, _depth: int = 0) -> dict:
    """Follow one request (see the module docstring). ``from_pod``: ``"name"``,
    ``"ns/name"`` or a pod dict; ``from_node``: a node's own process; neither: a machine
    outside the cluster (``state.external_client_ip``)."""
    hops: list = []
    logs: list = []
    scheme, host, port, path, netloc = _parse(url)
    result = {"status": None, "body": "", "served_by": None, "error": None, "hops": hops, "exit_code": 0,
              "headers": [], "logs": logs, "elapsed_ms": 0, "url": url, "tool": tool}
    if from_pod is not None:
        pod = state.pod(from_pod, namespace)
        if pod is None:
            raise ValueError(f"no existe el pod «{from_pod}» en el espacio de nombres «{namespace}»")
        client = _Client((pod.get("status") or {}).get("podIP") or "", pod=pod,
                         node=(pod.get("spec") or {}).get("nodeName"),
                         host=bool((pod.get("spec") or {}).get("hostNetwork")))
        conf = resolv_conf(pod, nameserver=state.dns_service_ip, cluster_domain=state.cluster_domain,
                           node_resolv=NODE_RESOLV_CONF)
    elif from_node is not None:
        client = _Client(state.node_ip(from_node) or "", node=from_node, host=True)
        conf = parse_resolv_conf(NODE_RESOLV_CONF)
    else:
        client = _Client(state.external_client_ip)
        conf = None
    hops.append({"step": "client", "pod": _key(client.pod), "node": client.node, "ip": client.ip,
                 "outside": client.pod is None and not client.host})
    if tool == "wget":
        insecure = True  # busybox's own TLS does not verify certificates
    try:
        ip = _resolve(state, client, conf, host, hops)
        _exchange(state, client, result, scheme, host, ip, port, path, netloc, headers, method, tool,
                  insecure, follow)
    except _Fail as f:
        _failure(result, f, tool, host, port, max_time, connect_timeout, state)
        return result
    location = result.pop("location", None)
    if follow and location and result["status"] in (301, 302, 307, 308) and _depth < 5:
        nxt = request(location, state=state, from_pod=from_pod, from_node=from_node, namespace=namespace,
                      headers=headers, method=method, tool=tool, max_time=max_time, connect_timeout=connect_timeout,
                      insecure=insecure, follow=True, _depth=_depth + 1)
        nxt["hops"] = hops + [{"step": "redirect", "location": location}] + nxt["hops"]
        nxt["logs"] = logs + nxt["logs"]
        return nxt
    return result


def _resolve(state, client: _Client, conf, host: str, hops: list) -> str:
    try:
        parts = host.split(".")
        if len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts):
            return host
    except ValueError:
        pass
    if conf is None:
        ips = state.external_hosts.get(host.lower())
        if not ips:
            hops.append({"step": "dns", "name": host, "answer": None,
                         "detail": f"«{host}» no está en el DNS de tu máquina: Kubernetes no publica nombres fuera "
                                   "del clúster"})
            raise _Fail("resolve")
        ip = ips[0] if isinstance(ips, list) else ips
        hops.append({"step": "dns", "name": host, "answer": [ip], "detail": f"{host} -> {ip} (DNS externo)"})
        return ip
    if state.dns_service_ip not in conf.nameservers[:1]:
        # the node's resolver (dnsPolicy Default, hostNetwork, a node's own process): no cluster names
        fqdn = host.rstrip(".")
        answer = state.dns.upstream.get(fqdn.lower()) if fqdn.count(".") else None
        if not answer:
            hops.append({"step": "dns", "name": host, "answer": None, "server": conf.nameservers[:1],
                         "detail": f"«{host}» no se resuelve con el DNS del nodo: los nombres del clúster solo "
                                   "los conoce CoreDNS"})
            raise _Fail("resolve")
        hops.append({"step": "dns", "name": host, "answer": answer, "detail": f"{host} -> {answer[0]}"})
        return answer[0]
    _dns_reachable(state, client, hops)
    fqdn, addrs, tried = resolve(host, conf, state.dns)
    if not addrs:
        hops.append({"step": "dns", "name": host, "answer": None, "tried": tried,
                     "detail": "NXDOMAIN para " + ", ".join(n for n, _ in tried)})
        raise _Fail("resolve")
    ip = addrs[0] if len(addrs) == 1 else state.memory.rng.choice(addrs)
    hops.append({"step": "dns", "name": host, "fqdn": fqdn, "answer": addrs, "tried": tried,
                 "detail": f"{fqdn} -> {', '.join(addrs)}"})
    return ip


def _ephemeral(state) -> int:
    return state.memory.rng.randrange(32768, 61000)


def _exchange(state, client, result, scheme, host, ip, port, path, netloc, headers, method, tool, insecure,
              follow) -> None:
    hops = result["hops"]
    result["ip"] = ip
    pod, target_port, src_seen, node = _connect(state, client, ip, port, "TCP", hops)
    if pod is None:
        _node_host_port(state, result, node, target_port, scheme, path, insecure)
        return
    listener = find_listener(pod, target_port, state.listeners(pod))
    if listener is None:
        hops.append({"step": "listen", "pod": _key(pod), "port": target_port, "listening": False,
                     "detail": f"nada escucha en el puerto {target_port} del pod"})
        raise _Fail("refused", ip=ip)
    user_agent = CURL_USER_AGENT if tool == "curl" else WGET_USER_AGENT
    req_headers = [("Host", netloc if port not in (80, 443) else host), ("User-Agent", user_agent)]
    if tool == "curl":
        req_headers.append(("Accept", "*/*"))
    for k, v in (headers or {}).items():
        req_headers = [(hk, hv) for hk, hv in req_headers if hk.lower() != k.lower()] + [(k, v)]
    request = HttpRequest(method, path, dict(req_headers).get("Host", host), req_headers, src_seen, _ephemeral(state))
    if listener == "unknown":
        result.update(status=200, served_by=_key(pod))
        hops.append({"step": "http", "status": 200, "detail": "imagen fuera del catálogo: se supone que responde"})
        return
    http = listener.http
    if not http:
        raise _Fail("http09")
    tls = bool(http.get("tls"))
    if scheme == "https" and not tls:
        raise _Fail("tls_plain")
    if http.get("render") == "ingress-nginx":
        _ingress(state, result, pod, listener, request, scheme, insecure, follow, tool)
        return
    if tls and scheme == "https" and not insecure:
        raise _Fail("tls_verify", detail=_SELF_SIGNED)
    response = respond(pod, listener, request, files=_files(state, pod, listener), now=state.now,
                       epoch=state.epoch)
    _served(result, pod, listener, response)


def _files(state, pod, listener):
    return state.files(pod, listener.container) if state.files else None


def _served(result: dict, pod: dict, listener, response: HttpResponse) -> None:
    result.update(status=response.status, body=response.body, served_by=_key(pod),
                  headers=list(response.headers), reason=response.reason)
    result["hops"].append({"step": "http", "pod": _key(pod), "container": listener.container.get("name"),
                           "status": response.status, "detail": f"{response.status} {response.reason}"})
    if response.log:
        result["logs"].append({"pod": _key(pod), "container": listener.container.get("name"), "line": response.log})


def _node_host_port(state, result, node, port, scheme, path, insecure) -> None:
    """A node's own process: the API server on 6443 of the control plane; nothing else."""
    n = state.nodes_by_name.get(node) or {}
    is_cp = "node-role.kubernetes.io/control-plane" in ((n.get("metadata") or {}).get("labels") or {})
    if port == 6443 and is_cp:
        if scheme != "https":
            result.update(status=400, body="Client sent an HTTP request to an HTTPS server.\n",
                          served_by=f"node/{node}")
            return
        if not insecure:
            raise _Fail("tls_verify", detail="SSL certificate problem: unable to get local issuer certificate")
        result.update(status=403, body=_APISERVER_FORBIDDEN.replace("{path}", path.split("?")[0]) + "\n",
                      served_by=f"node/{node}")
        return
    raise _Fail("refused", ip=state.node_ip(node))


def _ingress(state, result, ctrl_pod, listener, request, scheme, insecure, follow, tool) -> None:
    """The ingress-nginx controller pod answering ``request``."""
    hops = result["hops"]
    route = state.ingress.route(request.host, request.path, scheme)
    if scheme == "https":
        hops.append({"step": "tls", "certificate": route.certificate, "warning": route.warning})
        if not insecure:
            raise _Fail("tls_verify", detail=_SELF_SIGNED)
    image = listener.image
    template = image.error_page if image is not None else ""
    hop = {"step": "ingress", "controller": _key(ctrl_pod), "host": request.host, "path": request.path,
           "ingress": route.ingress, "rule": route.path, "pathType": route.path_type, "location": route.location}
    upstream = None
    if route.status is not None:
        hop["detail"] = ("ninguna regla coincide: 404 del controlador" if route.status == 404
                         else f"redirección {route.status} a {route.redirect}")
        hops.append(hop)
        response = HttpResponse(route.status, error_page(template, route.status), [("Content-Type", "text/html")],
                                reason=reason(route.status, True))
        if route.redirect:
            response.headers.append(("Location", route.redirect))
    else:
        hop["backend"] = f"{route.namespace}/{route.service}:{route.port}"
        hop["detail"] = f"{route.location} -> {route.service}:{route.port}"
        hops.append(hop)
        response, upstream = _proxy(state, result, ctrl_pod, route, request, scheme, template)
    if image is not None and image.access_log:
        from k8s_helpers.catalog import render as render_template

        up = upstream or {}
        fields = {"remote_addr": request.client_ip, "remote_user": "-", "request": request.line,
                  "status": response.status, "body_bytes_sent": len(response.body.encode()),
                  "http_referer": request.header("Referer", "-"), "http_user_agent": request.header("User-Agent", "-"),
                  "request_length": 70 + len(request.host), "request_time": "0.001" if upstream else "0.000",
                  "proxy_upstream_name": up.get("name", ""), "upstream_addr": up.get("addr", "-"),
                  "upstream_response_length": up.get("length", "-"), "upstream_response_time": up.get("time", "-"),
                  "upstream_status": up.get("status", "-"), "req_id": up.get("req_id", "-")}
        result["logs"].append({"pod": _key(ctrl_pod), "container": listener.container.get("name"),
                               "line": render_template(image.access_log, state.epoch, state.now, **fields)})
    if result.get("served_by") is None:
        result["served_by"] = _key(ctrl_pod)
    result.update(status=response.status, body=response.body, headers=list(response.headers), reason=response.reason)
    if route.redirect:
        result["location"] = route.redirect


def _proxy(state, result, ctrl_pod, route, request, scheme, template):
    """ingress-nginx's upstream: the Service's ready endpoints, round robin, next on error."""
    hops = result["hops"]
    svc = state.services_by_key.get(f"{route.namespace}/{route.service}")
    name = f"{route.namespace}-{route.service}-{route.port}"
    unavailable = HttpResponse(503, error_page(template, 503), [("Content-Type", "text/html")],
                               reason=reason(503, True))
    if svc is None:
        hops.append({"step": "upstream", "upstream": name, "detail": f"el Service {route.service} no existe: 503"})
        return unavailable, {"name": name}
    sport = next((p for p in (svc.get("spec") or {}).get("ports") or []
                  if p.get("port") == route.port or (p.get("name") and p.get("name") == route.port)), None)
    if sport is None:
        hops.append({"step": "upstream", "upstream": name, "detail": f"el Service no tiene el puerto {route.port}: 503"})
        return unavailable, {"name": name}
    endpoints = []
    for s in state.slices:
        m = s.get("metadata") or {}
        if (m.get("namespace"), (m.get("labels") or {}).get("kubernetes.io/service-name")) != \
                (route.namespace, route.service):
            continue
        sp = next((p for p in s.get("ports") or [] if (p.get("name") or "") == (sport.get("name") or "")
                   and (p.get("protocol") or "TCP") == (sport.get("protocol") or "TCP")), None)
        if sp is None:
            continue
        for ep in s.get("endpoints") or []:
            if (ep.get("conditions") or {}).get("ready") is not False and ep.get("addresses"):
                endpoints.append((ep["addresses"][0], int(sp["port"])))
    endpoints.sort()
    if not endpoints:
        hops.append({"step": "upstream", "upstream": name, "detail": "el Service no tiene endpoints listos: 503"})
        return unavailable, {"name": name}
    memory = state.memory
    if name not in memory.round_robin:
        memory.round_robin[name] = memory.rng.randrange(len(endpoints))
    req_id = "%032x" % memory.rng.getrandbits(128)
    ctrl = _Client((ctrl_pod.get("status") or {}).get("podIP") or "", pod=ctrl_pod,
                   node=(ctrl_pod.get("spec") or {}).get("nodeName"))
    tried, last = [], None
    for _ in range(min(PROXY_NEXT_UPSTREAM_TRIES, len(endpoints))):
        addr = endpoints[memory.round_robin[name] % len(endpoints)]
        memory.round_robin[name] += 1
        tried.append(f"{addr[0]}:{addr[1]}")
        scratch: list = []
        try:
            pod, port, src_seen, _ = _connect(state, ctrl, addr[0], addr[1], "TCP", scratch)
            if pod is None:
                raise _Fail("refused")
            listener = find_listener(pod, port, state.listeners(pod))
            if listener is None:
                raise _Fail("refused")
        except _Fail as f:
            last = f.kind
            hops.extend(scratch)
            continue
        hops.extend(scratch)
        fwd = [("Host", request.host), ("X-Request-ID", req_id), ("X-Real-IP", request.client_ip),
               ("X-Forwarded-For", request.client_ip), ("X-Forwarded-Host", request.host),
               ("X-Forwarded-Port", "443" if scheme == "https" else "80"), ("X-Forwarded-Proto", scheme),
               ("X-Forwarded-Scheme", scheme), ("X-Scheme", scheme)]
        fwd += [(k, v) for k, v in request.headers if k.lower() not in {h.lower() for h, _ in fwd}]
        upstream_req = HttpRequest(request.method, request.path, request.host, fwd, src_seen, _ephemeral(state))
        if listener == "unknown":
            response = HttpResponse(200, "")
        elif not listener.http:
            response = HttpResponse(502, error_page(template, 502), [("Content-Type", "text/html")],
                                    reason=reason(502, True))
        else:
            response = respond(pod, listener, upstream_req, files=_files(state, pod, listener), now=state.now,
                               epoch=state.epoch)
            _served(result, pod, listener, response)
        return response, {"name": name, "addr": ", ".join(tried), "length": len(response.body.encode()),
                          "time": "0.001", "status": response.status, "req_id": req_id}
    status = 504 if last == "timeout" else 502
    hops.append({"step": "upstream", "upstream": name, "tried": tried,
                 "detail": f"ningún endpoint responde ({', '.join(tried)}): {status}"})
    return HttpResponse(status, error_page(template, status), [("Content-Type", "text/html")],
                        reason=reason(status, True)), {"name": name, "addr": ", ".join(tried), "status": status,
                                                       "req_id": req_id}


def _failure(result: dict, f: _Fail, tool: str, host: str, port: int, max_time, connect_timeout, state) -> None:
    hops = result["hops"]
    ip = f.info.get("ip") or result.get("ip") or host
    if tool == "wget":
        result["exit_code"] = 1
        if f.kind == "resolve":
            result["error"] = f"wget: bad address '{host}'"
        elif f.kind == "refused":
            result["error"] = f"wget: can't connect to remote host ({ip}): Connection refused"
        elif f.kind == "timeout":
            result["error"] = ("wget: download timed out" if max_time is not None else
                               f"wget: can't connect to remote host ({ip}): Connection timed out")
            result["elapsed_ms"] = int((max_time or KERNEL_CONNECT_TIMEOUT_MS / 1000) * 1000)
        else:  # a server that does not speak HTTP (or TLS): busybox's texts are not modelled
            result["error"] = "wget: server returned error: ?"
            result["modelled"] = False
        hops.append({"step": "error", "kind": f.kind, "detail": result["error"]})
        return
    if f.kind == "resolve":
        code, msg = 6, f"Could not resolve host: {host}"
    elif f.kind == "refused":
        code, msg = 7, f"Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
    elif f.kind == "timeout":
        code = 28
        if max_time is not None and (connect_timeout is None or max_time <= connect_timeout):
            ms = int(max_time * 1000) + 1
            msg = f"Connection timed out after {ms} milliseconds"
        elif connect_timeout is not None:
            ms = int(connect_timeout * 1000) + 2
            msg = f"Failed to connect to {host} port {port} after {ms} ms: Timeout was reached"
        else:
            ms = KERNEL_CONNECT_TIMEOUT_MS + state.memory.rng.randrange(1, 40)
            msg = f"Failed to connect to {host} port {port} after {ms} ms: Couldn't connect to server"
        result["elapsed_ms"] = ms
    elif f.kind == "http09":
        code, msg = 1, "Received HTTP/0.9 when not allowed"
    elif f.kind == "tls_verify":
        code, msg = 60, f.info.get("detail", _SELF_SIGNED)
    else:  # tls_plain
        code, msg = 35, "OpenSSL/3.5.0: error:0A00010B:SSL routines::wrong version number"
    result["exit_code"] = code
    result["error"] = f"curl: ({code}) {msg}"
    if code == 60:
        result["error_tail"] = _CURL_60_TAIL
    hops.append({"step": "error", "kind": f.kind, "detail": result["error"]})


def render_cli(result: dict, *, silent: bool = False, show_error: bool = False, include: bool = False,
               fail: bool = False, quiet: bool = False) -> tuple[str, str, int]:
    """``(stdout, stderr, exit code)`` as the tool prints them (curl ``-s``/``-S``/``-i``/``-f``,
    busybox wget ``-q`` and ``-O -``)."""
    tool = result.get("tool", "curl")
    if tool == "wget":
        err_lines = []
        if not quiet and result.get("ip"):
            # busybox keeps "host[:port]" as typed and prints the address it connects to
            url = urlsplit(result["url"] if "://" in result["url"] else "http://" + result["url"])
            default = 443 if url.scheme == "https" else 80
            err_lines.append(f"Connecting to {url.netloc} ({result['ip']}:{url.port or default})")
        if result["error"]:
            err_lines.append(result["error"])
            return "", "\n".join(err_lines) + "\n", result["exit_code"]
        if result["status"] is not None and result["status"] >= 400:
            err_lines.append(f"wget: server returned error: HTTP/1.1 {result['status']} {result.get('reason', '')}")
            return "", "\n".join(err_lines) + "\n", 1
        return result["body"], ("\n".join(err_lines) + "\n") if err_lines else "", 0
    if result["error"]:
        stderr = ""
        if not silent or show_error:
            stderr = result["error"] + "\n" + (result.get("error_tail", "") + "\n" if result.get("error_tail") else "")
        return "", stderr, result["exit_code"]
    status = result["status"]
    if fail and status is not None and status >= 400:
        stderr = "" if silent and not show_error else f"curl: (22) The requested URL returned error: {status}\n"
        return "", stderr, 22
    out = result["body"]
    if include and status is not None:
        head = [f"HTTP/1.1 {status} {result.get('reason') or reason(status)}"]
        head += [f"{k}: {v}" for k, v in result.get("headers") or []]
        out = "\r\n".join(head) + "\r\n\r\n" + out
    return out, "", 0
