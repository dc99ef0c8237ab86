"""Startup, liveness and readiness probes as the kubelet's prober workers run them (PRB-1..3).

**Timing (PRB-3, pkg/kubelet/prober/worker.go).** Each probe of each container
has a worker whose ticker fires every ``periodSeconds`` from the moment the
kubelet admitted the pod. A tick probes only when the container is running and
has been running for at least ``initialDelaySeconds``; the first probe is
therefore the first tick at or after ``startedAt + initialDelaySeconds``. Until
the startup probe succeeds only it runs; then liveness and readiness run, each
on its own ticker and independently of each other (readiness is not "after"
liveness). When a container becomes started and is not ready yet, the kubelet
triggers its readiness probe at once (``manualTriggerCh``), then on its ticks.
The result changes only when consecutive results reach ``failureThreshold`` /
``successThreshold``. Initial results: readiness Failure, liveness Success,
startup Unknown; they reset with every new container.

Consequence: the longest a container may take to start before the startup
probe kills it is ``initialDelaySeconds + failureThreshold x periodSeconds``
after the pod was admitted (the notes' 60 + 48 x 5 = 300 s).

**Effects.** Startup or liveness failure -> ``Killing`` event
("Container X failed liveness probe, will be restarted") and the container is
stopped and then follows restartPolicy with the POD-8 back-off. Readiness
failure restarts nothing: the container becomes not ready and the Pod condition
Ready turns False. Every failed probe records a ``Warning Unhealthy`` event
("Startup probe failed: ...", "Liveness probe failed: ...", "Readiness probe
failed: ...").

**What the probe hits.** httpGet and tcpSocket reach the pod's IP: only a port that a
running container's program listens on answers (all containers share the network
namespace), and an HTTP server answers each path as the image does (the image catalog,
``k8s_helpers.catalog``: nginx serves its web root and answers 404 elsewhere; agnhost
liveness turns /healthz to 500 after 10 s; the course's sample web serves /status and
/ready). Nothing listening is "connection refused"; a named port not declared in
``ports`` makes the kubelet's probe error out. exec probes look their program up in the
image (a missing one is the runtime's error) and interpret what the shell module can.
Images the catalog does not know answer on any port, as before.

**App health over time** is declared with annotations on the Pod (or on
the pod template), so the same YAML is valid on a real cluster. They apply on top of
what the image serves. Times are seconds since the container started:

- ``sim.k8s-course.io/startup-seconds: "N"``: every probe fails until N s,
  then succeeds (the app takes N s to start; "connection refused" before).
- ``sim.k8s-course.io/fail-after-seconds: "N"``: from N s on every probe fails
  (the process keeps running but hangs: "context deadline exceeded").
- ``sim.k8s-course.io/ready-after-seconds: "N"``: readiness probes fail until N s
  (the app is alive but not ready to serve: HTTP 503).
- ``sim.k8s-course.io/unready-after-seconds: "N"``: readiness probes fail from
  N s on (e.g. maintenance mode); liveness keeps succeeding.
- ``sim.k8s-course.io/stop-seconds: "N"``: seconds the process needs to exit
  after SIGTERM (default 0 for servers; shell scripts run as PID 1 ignore
  SIGTERM and are killed when the grace period ends).

Put ``<container>.`` in front (``web.sim.k8s-course.io/startup-seconds``) to
set a value for one container only.
"""
from __future__ import annotations

import math
import posixpath
from array import array

__all__ = ["ANNOTATION_PREFIX", "Health", "ProbeWorker", "evaluate", "find_endpoint", "resolve_port", "Endpoint",
           "UNKNOWN", "STARTUP", "LIVENESS", "READINESS"]

ANNOTATION_PREFIX = "sim.k8s-course.io/"
STARTUP, LIVENESS, READINESS = "startup", "liveness", "readiness"
PROBE_FIELDS = {STARTUP: "startupProbe", LIVENESS: "livenessProbe", READINESS: "readinessProbe"}
_TITLES = {STARTUP: "Startup", LIVENESS: "Liveness", READINESS: "Readiness"}


def _annotation(annotations: dict, container: str, key: str):
    value = annotations.get(f"{container}.{ANNOTATION_PREFIX}{key}")
    if value is None:
        value = annotations.get(ANNOTATION_PREFIX + key)
    if value is None:
        return None
    try:
        f = float(str(value).strip().rstrip("s"))
    except ValueError:
        return None
    return int(f) if f == int(f) else f


class Health:
    """A container's declared health over time (seconds since it started)."""

    __slots__ = ("startup", "fail_after", "ready_after", "unready_after", "stop_seconds")

    def __init__(self, annotations: dict | None, container: str):
        a = annotations or {}
        self.startup = _annotation(a, container, "startup-seconds") or 0
        self.fail_after = _annotation(a, container, "fail-after-seconds")
        self.ready_after = _annotation(a, container, "ready-after-seconds") or 0
        self.unready_after = _annotation(a, container, "unready-after-seconds")
        self.stop_seconds = _annotation(a, container, "stop-seconds")

    def state(self, elapsed, probe_type: str) -> str:
        """'ok', 'starting' (refused), 'hung' (timeout) or 'unready' (503)."""
        if elapsed < self.startup:
            return "starting"
        if self.fail_after is not None and elapsed >= self.fail_after:
            return "hung"
        if probe_type == READINESS:
            if elapsed < self.ready_after:
                return "unready"
            if self.unready_after is not None and elapsed >= self.unready_after:
                return "unready"
        return "ok"


class _Unknown:
    """The pod runs a program whose ports the simulator does not know (image not in the catalog)."""


UNKNOWN = _Unknown()


class Endpoint:
    """What listens on one port of the pod: the listener of a running container's program
    (``{port, http}`` from the image catalog), seconds since that container started and its
    files (a static web root is read from them)."""

    __slots__ = ("listener", "elapsed", "files")

    def __init__(self, listener: dict, elapsed, files):
        self.listener = listener
        self.elapsed = elapsed
        self.files = files

    @property
    def is_http(self) -> bool:
        return bool(self.listener.get("http"))

    def http_status(self, path: str) -> int:
        """The status code the server answers for ``path`` (query string ignored)."""
        http = self.listener.get("http") or {}
        path = (path or "/").split("?", 1)[0] or "/"
        routes = http.get("routes") or {}
        if path in routes:
            return _timed_status(routes[path], self.elapsed)
        root = http.get("root")
        if root and self.files is not None:
            full = posixpath.normpath(posixpath.join(root, path.lstrip("/")))
            if full == root or full.startswith(root.rstrip("/") + "/"):
                if self.files.is_dir(full):
                    index = posixpath.join(full, http.get("index") or "index.html")
                    if self.files.read(index) is not None:
                        return 200
                    return int(http.get("no_index", 403))
                if self.files.read(full) is not None:
                    return 200
        return int(http.get("other", 404))


def _timed_status(value, elapsed) -> int:
    """A route's status: a number, or steps ``[{status, until}, ...]`` (agnhost liveness:
    200 while ``elapsed <= 10``, then 500)."""
    if isinstance(value, int):
        return value
    for step in value or []:
        until = step.get("until")
        if until is None or elapsed <= until:
            return int(step.get("status", 200))
    return 200


def find_endpoint(running, port):
    """The pod's listener on ``port`` (all containers share the network namespace, POD-4).

    ``running``: (program, seconds since it started, files) of each running container.
    Returns an :class:`Endpoint`, None (nothing listens: connection refused) or
    :data:`UNKNOWN` (some program's ports are unknown: the annotations decide)."""
    unknown = False
    for program, elapsed, files in running:
        listens = getattr(program, "listens", None)
        if listens is None:
            unknown = True
            continue
        for listener in listens:
            if listener.get("port") == port:
                return Endpoint(listener, elapsed, files)
    return UNKNOWN if unknown else None


def resolve_port(handler: dict, container: dict):
    """A probe's port: a number, or a name looked up in the container's ``ports``.

    An unknown name is the kubelet's error (probe.ResolveContainerPort falls back to
    ``strconv.Atoi``): returns (None, error text)."""
    port = handler.get("port")
    if isinstance(port, str) and not port.isdigit():
        for p in container.get("ports") or []:
            if isinstance(p, dict) and p.get("name") == port:
                return p.get("containerPort"), None
        return None, f'strconv.Atoi: parsing "{port}": invalid syntax'
    try:
        return int(port), None
    except (TypeError, ValueError):
        return None, f'strconv.Atoi: parsing "{port}": invalid syntax'


def evaluate(probe_type: str, spec: dict, container: dict, elapsed, health: Health, pod_ip: str,
             exec_runner=None, network=None):
    """One probe execution (PRB-2): returns (success, message, errored).

    ``errored`` marks the kubelet's "probe errored and resulted in unknown state" (the probe
    could not be run: an unknown named port, a program missing from the image); the result
    counts as a failure. ``network(port)`` says what listens (see :func:`find_endpoint`);
    without it (or when it answers UNKNOWN) only the health annotations decide, as for images
    the catalog does not know.

    Texts: pkg/probe/http/http.go (``HTTP probe failed with statuscode: N``; the Go client's
    ``Get "URL": dial tcp IP:PORT: connect: connection refused``), pkg/probe/tcp/tcp.go,
    pkg/probe/exec/exec.go (the command's output), pkg/probe/grpc/grpc.go."""
    state = health.state(elapsed, probe_type)
    ip = pod_ip or "10.244.0.1"
    if "exec" in spec:
        if state == "hung":
            cmd = " ".join(str(x) for x in ((spec.get("exec") or {}).get("command") or []))
            return False, f'command "{cmd}" timed out', False
        result = None
        if exec_runner is not None:
            result = exec_runner((spec.get("exec") or {}).get("command") or [])
        if result is not None:
            code, output, error = result
            if error is not None:
                return False, error, True
            if code != 0:
                return False, output.rstrip("\n"), False
            if state in ("starting", "unready"):
                return False, output.rstrip("\n"), False
            return True, "", False
        if state == "ok":
            return True, "", False
        return False, "", False
    for kind in ("httpGet", "tcpSocket", "grpc"):
        if kind in spec:
            handler = spec.get(kind) or {}
            break
    else:
        return (state == "ok"), "", False
    if kind == "grpc":
        port = handler.get("port")
    else:
        port, error = resolve_port(handler, container)
        if error:
            return False, error, True
    host = handler.get("host") or ip
    endpoint = network(port) if network is not None else UNKNOWN
    timeout = spec.get("timeoutSeconds", 1)
    if kind == "grpc":
        if endpoint is None or state in ("starting", "hung"):
            return False, f'timeout: failed to connect service "{host}:{port}" within {timeout}s', False
        if state == "unready":
            return False, 'service unhealthy (responded with "NOT_SERVING")', False
        return True, "", False
    refused = f"dial tcp {host}:{port}: connect: connection refused"
    if kind == "tcpSocket":
        if endpoint is None or state == "starting":
            return False, refused, False
        if state == "hung":
            return False, f"dial tcp {host}:{port}: i/o timeout", False
        return True, "", False
    url = f'{(handler.get("scheme") or "HTTP").lower()}://{host}:{port}{handler.get("path") or "/"}'
    if endpoint is None or state == "starting":
        return False, f'Get "{url}": {refused}', False
    if state == "hung":
        return False, f'Get "{url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', False
    if isinstance(endpoint, Endpoint):
        if not endpoint.is_http:
            return False, f'Get "{url}": EOF', False
        status = endpoint.http_status(handler.get("path") or "/")
        if not 200 <= status < 400:
            return False, f"HTTP probe failed with statuscode: {status}", False
    if state == "unready":
        return False, "HTTP probe failed with statuscode: 503", False
    return True, "", False


class ProbeWorker:
    """State of one probe worker (PRB-3). The pod worker schedules its ticks.

    Every execution is kept compactly (time + result) for ``probe_results``."""

    __slots__ = ("type", "spec", "period", "delay", "success_threshold", "failure_threshold",
                 "timer", "last", "run", "result", "on_hold", "times", "results", "title")

    def __init__(self, probe_type: str, spec: dict):
        self.type = probe_type
        self.spec = spec
        self.title = _TITLES[probe_type]
        self.period = max(1, int(spec.get("periodSeconds") or 10))
        self.delay = max(0, int(spec.get("initialDelaySeconds") or 0))
        self.success_threshold = max(1, int(spec.get("successThreshold") or 1))
        self.failure_threshold = max(1, int(spec.get("failureThreshold") or 3))
        self.timer = None
        self.last = None
        self.run = 0
        self.result = None
        self.on_hold = False
        self.times = array("d")
        self.results = bytearray()

    def reset(self) -> None:
        """A new container: initial result per PRB-3, counters cleared."""
        self.result = {READINESS: "Failure", LIVENESS: "Success", STARTUP: "Unknown"}[self.type]
        self.last = None
        self.run = 0
        self.on_hold = False
        self.cancel()

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def first_tick(self, anchor, earliest):
        """First tick of this worker's ticker (anchored at ``anchor``) at or after ``earliest``."""
        k = math.ceil((earliest - anchor) / self.period - 1e-9)
        return anchor + max(0, k) * self.period

    def next_tick(self, anchor, now):
        """The tick after ``now``."""
        k = math.floor((now - anchor) / self.period + 1e-9) + 1
        return anchor + k * self.period

    def record(self, time, success: bool):
        """Count one result; returns the new result if the state flipped, else None."""
        self.times.append(time)
        self.results.append(1 if success else 0)
        outcome = "Success" if success else "Failure"
        if outcome == self.last:
            self.run += 1
        else:
            self.last = outcome
            self.run = 1
        threshold = self.success_threshold if success else self.failure_threshold
        if self.run < threshold:
            return None
        changed = outcome != self.result
        self.result = outcome
        if not success and self.type in (LIVENESS, STARTUP):
            self.on_hold = True
            self.run = 0
            return outcome
        return outcome if changed else None
