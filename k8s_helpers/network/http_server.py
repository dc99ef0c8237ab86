"""What a pod's server answers to one HTTP request, from the image catalog (IMG-5).

The catalog (:mod:`k8s_helpers.catalog`) says what each image's service listens on and
serves; this module turns that into a response and the line the server logs:

- a static web root (nginx, httpd): the file, the directory's index, or the server's own
  error page (``404 Not Found`` with ``nginx/1.27.5`` at the bottom);
- fixed routes (the course's sample images, agnhost): their status and body;
- ``traefik/whoami`` (``app.go`` ``whoamiHandler``): ``Hostname:``, one ``IP:`` line per
  address of the pod (loopback, the pod IP, its IPv6 link-local), ``RemoteAddr:`` and the
  request as Go's ``Request.Write`` prints it (Host and User-Agent first, then the other
  headers sorted, lines ending in CRLF);
- ``hashicorp/http-echo`` (``main.go``): its ``-text`` plus a newline, on ``-listen``
  (default ``:5678``);
- nginx and httpd log one access line per request to stdout, which is what ``kubectl
  logs`` shows: ``10.244.1.3 - - [07/Dec/2026:05:55:29 +0000] "GET / HTTP/1.1" 200 615
  "-" "curl/8.14.1" "-"``.

Which containers run and what they run is the kubelet's business; :func:`listeners` reads
a pod's running containers through :func:`k8s_helpers.kubelet.process.process_for` unless
the caller passes what its kubelet knows.
"""
from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus

__all__ = ["HttpRequest", "HttpResponse", "Listener", "ImageFiles", "listeners", "find_listener", "respond",
           "error_page", "reason", "CURL_USER_AGENT", "WGET_USER_AGENT", "EPOCH"]

#: curl 8.14.1 (curlimages/curl and Debian trixie); busybox wget sends "Wget"
CURL_USER_AGENT = "curl/8.14.1"
WGET_USER_AGENT = "Wget"
#: the virtual clock's second 0 when the caller gives no epoch
EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)

#: nginx's own reason phrases where they differ from the RFC's (ngx_http_header_filter_module.c)
_NGINX_REASONS = {503: "Service Temporarily Unavailable", 504: "Gateway Time-out", 302: "Moved Temporarily"}


def reason(status: int, nginx: bool = False) -> str:
    if nginx and status in _NGINX_REASONS:
        return _NGINX_REASONS[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass
class HttpRequest:
    """A request as the server receives it; ``headers`` in the order the client sent them."""

    method: str = "GET"
    path: str = "/"
    host: str = ""
    headers: list = field(default_factory=list)
    client_ip: str = ""
    client_port: int = 0
    version: str = "HTTP/1.1"

    def header(self, name: str, default: str | None = None) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    @property
    def line(self) -> str:
        return f"{self.method} {self.path} {self.version}"


@dataclass
class HttpResponse:
    status: int
    body: str = ""
    headers: list = field(default_factory=list)
    log: str | None = None  # the access-log line the server writes to stdout
    reason: str = ""

    @property
    def status_line(self) -> str:
        return f"HTTP/1.1 {self.status} {self.reason or reason(self.status)}"


@dataclass
class Listener:
    """What listens on one port of a pod: the container, its catalog ``listens`` entry, the
    image and the container's arguments."""

    container: dict
    spec: dict
    image: object = None

    @property
    def port(self) -> int:
        return int(self.spec.get("port"))

    @property
    def http(self):
        return self.spec.get("http")


class ImageFiles:
    """The files an image ships (catalog ``files``), read as a container would see them."""

    def __init__(self, files: dict[str, str]):
        self.files = files

    def read(self, path: str):
        return self.files.get(posixpath.normpath(path))

    def is_dir(self, path: str) -> bool:
        prefix = posixpath.normpath(path).rstrip("/") + "/"
        return any(k.startswith(prefix) for k in self.files)


def _flag_value(args: list[str], flag: str) -> str | None:
    """``-text=hola``, ``-text hola`` or ``--text=hola`` (Go's flag package)."""
    for i, a in enumerate(args):
        for f in (flag, "-" + flag):
            if a == f and i + 1 < len(args):
                return args[i + 1]
            if a.startswith(f + "="):
                return a[len(f) + 1:]
    return None


def _container_args(container: dict) -> list[str]:
    """command + args as the program receives them (one list item is one argument)."""
    return [str(a) for a in (container.get("command") or []) + (container.get("args") or [])]


def _running(pod: dict) -> set[str] | None:
    statuses = (pod.get("status") or {}).get("containerStatuses")
    if statuses is None:
        return None
    return {s.get("name") for s in statuses if "running" in (s.get("state") or {})}


def listeners(pod: dict) -> list[Listener] | None:
    """What the pod's running containers listen on, or None when some container runs an image
    the catalog does not know (then nothing can be said: every port answers)."""
    from k8s_helpers.catalog import lookup
    from k8s_helpers.kubelet.process import process_for

    running = _running(pod)
    out: list[Listener] = []
    unknown = False
    for c in (pod.get("spec") or {}).get("containers") or []:
        if running is not None and c.get("name") not in running:
            continue
        image = lookup(c.get("image") or "")
        program = process_for(c, image)
        if program.listens is None:
            unknown = True
            continue
        flags = image.arg_flags if image is not None else {}
        listen = _flag_value(_container_args(c), flags["listen"]) if flags.get("listen") else None
        for spec in program.listens:
            spec = dict(spec)
            if listen and listen.rsplit(":", 1)[-1].isdigit():
                spec["port"] = int(listen.rsplit(":", 1)[-1])
            out.append(Listener(c, spec, image))
    if unknown and not out:
        return None
    return out


def find_listener(pod: dict, port: int, found=None):
    """The :class:`Listener` on ``port``, None when nothing listens (connection refused) or
    ``"unknown"`` for an image the catalog does not know."""
    found = listeners(pod) if found is None else found
    if found is None:
        return "unknown"
    return next((lst for lst in found if lst.port == port), None)


def error_page(template: str, status: int, version: str = "", nginx: bool = True) -> str:
    if not template:
        return ""
    return template.format(status=status, reason=reason(status, nginx), version=version)


def _link_local(pod: dict) -> str:
    digest = hashlib.sha1(((pod.get("metadata") or {}).get("name") or "").encode()).hexdigest()
    return f"fe80::{digest[0:4]}:{digest[4:6]}ff:fe{digest[6:8]}:{digest[8:12]}".replace("::0", "::")


def _whoami(pod: dict, request: HttpRequest) -> str:
    spec = pod.get("spec") or {}
    hostname = spec.get("hostname") or (pod.get("metadata") or {}).get("name") or ""
    ip = (pod.get("status") or {}).get("podIP") or ""
    lines = [f"Hostname: {hostname}", "IP: 127.0.0.1", "IP: ::1"]
    if ip:
        lines.append(f"IP: {ip}")
    lines.append(f"IP: {_link_local(pod)}")
    lines.append(f"RemoteAddr: {request.client_ip}:{request.client_port}")
    body = "\n".join(lines) + "\n"
    wire = [request.line, f"Host: {request.host}"]
    ua = request.header("User-Agent")
    if ua:
        wire.append(f"User-Agent: {ua}")
    skip = {"host", "user-agent", "content-length", "transfer-encoding", "trailer"}
    rest = sorted(("-".join(w.capitalize() for w in k.split("-")), v) for k, v in request.headers
                  if k.lower() not in skip)
    wire += [f"{k}: {v}" for k, v in rest]
    return body + "\r\n".join(wire) + "\r\n\r\n"


def _static(listener: Listener, path: str, files) -> tuple[int, str]:
    http = listener.http or {}
    root = http.get("root")
    routes = http.get("routes") or {}
    bodies = http.get("bodies") or {}
    if path in routes:
        status = routes[path] if isinstance(routes[path], int) else 200
        return int(status), bodies.get(path, "")
    if root and files is not None:
        full = posixpath.normpath(posixpath.join(root, path.lstrip("/")))
        if full == root or full.startswith(root.rstrip("/") + "/"):
            if files.is_dir(full) or full == root:
                index = files.read(posixpath.join(full, http.get("index") or "index.html"))
                if index is not None:
                    return 200, index
                return int(http.get("no_index", 403)), ""
            content = files.read(full)
            if content is not None:
                return 200, content
    return int(http.get("other", 404)), ""


def respond(pod: dict, listener: Listener, request: HttpRequest, *, files=None, now: float = 0.0,
            epoch: datetime = EPOCH, extra: dict | None = None) -> HttpResponse:
    """The response of ``listener``'s server in ``pod`` to ``request`` (an HTTP listener)."""
    image = listener.image
    http = listener.http or {}
    version = image.version if image is not None else ""
    path = (request.path or "/").split("?", 1)[0] or "/"
    render = http.get("render")
    headers: list = []
    if render == "whoami":
        status, body = 200, _whoami(pod, request)
        headers = [("Content-Type", "text/plain; charset=utf-8")]
    elif render == "http-echo":
        flags = image.arg_flags if image is not None else {}
        text = _flag_value(_container_args(listener.container), flags.get("text", "-text")) or ""
        status, body = 200, text + "\n"
        headers = [("X-App-Name", "http-echo"), ("X-App-Version", version or "1.0.0"),
                   ("Content-Type", "text/plain; charset=utf-8")]
    else:
        if files is None and image is not None:
            files = ImageFiles(image.files)
        status, body = _static(listener, path, files)
        if status >= 400 and not body and image is not None and image.error_page:
            body = error_page(image.error_page, status, version)
            headers = [("Content-Type", "text/html")]
    if request.method == "HEAD":
        body = ""
    log = None
    if image is not None and image.access_log:
        from k8s_helpers.catalog import render as render_template

        fields = {"remote_addr": request.client_ip, "remote_user": "-", "request": request.line,
                  "status": status, "body_bytes_sent": len(body.encode()),
                  "http_referer": request.header("Referer", "-"),
                  "http_user_agent": request.header("User-Agent", "-"),
                  "http_x_forwarded_for": request.header("X-Forwarded-For", "-")}
        fields.update(extra or {})
        log = render_template(image.access_log, epoch, now, **fields)
    return HttpResponse(status, body, headers, log, reason(status, nginx=bool(image and "nginx" in image.name)))
