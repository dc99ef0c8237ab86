"""One pod's life on a node, as the kubelet's pod worker drives it (POD-1..9, PRB-1..3).

Sequence and latencies of the simulator (all on the virtual clock):

- **Admission** when the pod is bound to the node (t). Pods that bypassed the
  scheduler with ``nodeName`` are admitted only if their requests fit
  (SCH-1: otherwise Failed with reason ``OutOfcpu``/``OutOfmemory``...).
- **Sandbox**: the pod's network namespace and its emptyDir volumes are created;
  this takes ``SANDBOX_SECONDS`` (1 s). Condition PodReadyToStartContainers.
- **Volumes that cannot be set up** (POD-5; an emptyDir with an unknown ``medium``
  such as ``memory`` in lower case, which the API server accepts): the kubelet waits
  for its volumes before creating the sandbox, so the pod stays Pending with its
  containers waiting (``ContainerCreating``/``PodInitializing``) and no IP, and the
  volume manager retries with back-off (0.5 s, 1 s, 2 s ... 122 s), each failure a
  ``FailedMount`` warning ``MountVolume.SetUp failed for volume "<name>" : <error>``
  (operation_generator.go GenerateMountVolumeFunc; operation_executor.go
  generateVolumeMsg). Only volumes some container mounts count
  (desired_state_of_world_populator.go processPodVolumes). Since 1.28 the kubelet's
  own "Unable to attach or mount volumes: unmounted volumes=[...]" event is not
  recorded when the 2m3s wait merely times out (kubelet.go SyncPod,
  ``!wait.Interrupted(err)``), so it is not modelled.
- **Images**: an image not yet on the node takes ``PULL_SECONDS`` (1 s) to pull
  (``Pulling``/``Pulled`` events); ``IfNotPresent``/``Never`` use a present image
  at once ("already present on machine"); ``Always`` asks the registry again,
  instantly when the image is present. A malformed image name (IMG-3) leaves the
  container waiting with ``InvalidImageName``; ``Never`` with a missing image
  gives ``ErrImageNeverPull``.
- **Init containers** (POD-2) run one after another; each must exit 0 before the
  next starts. **Sidecars** (POD-3, ``restartPolicy: Always`` in initContainers)
  start in order; the next init container starts once the sidecar is started
  (running, and its startup probe succeeded if it has one). App containers
  start together once every init container has finished.
- **Exits and restarts** (POD-8): Always restarts after any exit, OnFailure after a
  non-zero exit, Never not; sidecars always. First crash restarts immediately,
  then 10, 20, 40 ... 300 s (``CrashLoopBackOff`` while waiting).
- **Ports** (POD-4): all containers share one network namespace. A server
  container that declares a containerPort another running container of the pod
  already declared cannot bind it: it logs "bind: address already in use" and
  exits 1 at once (a simplification: the real outcome depends on the program).
- **Stopping** (deletion or probe kill): SIGTERM; servers exit at once (exit code
  143) unless ``sim.k8s-course.io/stop-seconds`` says otherwise; shell scripts
  (PID 1 ignores SIGTERM) are killed when ``terminationGracePeriodSeconds``
  ends (exit code 137). Sidecars stop after the app containers.
"""
from __future__ import annotations

import hashlib

from .backoff import BackOff, go_duration
from .container_start import (START_ERROR_EXIT_CODE, PLEG_RELIST_SECONDS, UNIX_EPOCH, exec_runner, image_files,
                              start_context)
from .image_pull import POD_RESYNC_SECONDS, PullBackOff
from .probes import LIVENESS, PROBE_FIELDS, READINESS, STARTUP, Health, ProbeWorker, evaluate, find_endpoint
from .process import process_for
from .shell import LOG_LIMIT
from .status import FAILED, PENDING, SUCCEEDED, pod_phase
from .volumes import FileSystem, Volume, setup_error

__all__ = ["PodWorker", "ContainerRuntime", "SANDBOX_SECONDS", "PULL_SECONDS"]

SANDBOX_SECONDS = 1
PULL_SECONDS = 1
# Failed volume operations are retried with exponential back-off: 0.5 s, doubling, at
# most 2m2s (pkg/util/goroutinemap/exponentialbackoff: initialDurationBeforeRetry,
# maxDurationBeforeRetry).
MOUNT_RETRY_INITIAL = 0.5
MOUNT_RETRY_MAX = 122


def _hex(text: str, n: int = 64) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def _image_id(image: str) -> str:
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    if "/" not in name:
        name = "docker.io/library/" + name
    elif "." not in name.split("/", 1)[0] and ":" not in name.split("/", 1)[0] and not name.startswith("localhost/"):
        name = "docker.io/" + name
    return f"{name}@sha256:{_hex('image:' + image)}"


def _started(ts, t):
    """startedAt of a container: a StartError one never started (containerd: the Unix epoch)."""
    return UNIX_EPOCH if t is None else ts(t)


def _image_size(image: str) -> int:
    """A stable, plausible image size in bytes for the Pulled event (kubelet's
    "Image size: N bytes."): 2-80 MB, derived from the image name."""
    return 2_000_000 + int(_hex("size:" + image, 8), 16) % 78_000_000


class ContainerRuntime:
    """Runtime state of one container of the pod across its restarts (POD-7)."""

    __slots__ = ("name", "spec", "role", "index", "state", "reason", "message", "started_at",
                 "finished_at", "exit_code", "last_state", "restart_count", "instances", "container_id",
                 "ready", "started", "program", "gen", "timer", "fs", "logs", "prev_logs", "backoff",
                 "probes", "health", "completed", "ports", "stopping", "ever_started", "ctx", "pulled",
                 "force_restart", "history", "pull_backoff")

    def __init__(self, spec: dict, role: str, index: int, annotations: dict):
        self.name = spec.get("name") or f"c{index}"
        self.spec = spec
        self.role = role  # "init", "sidecar" or "app"
        self.index = index
        self.state = "waiting"
        self.reason = "ContainerCreating"
        self.message = None
        self.started_at = None
        self.finished_at = None
        self.exit_code = None
        self.last_state = None
        self.restart_count = 0
        self.instances = 0
        self.container_id = None
        self.ready = False
        self.started = False
        self.program = None
        self.gen = None
        self.timer = None
        self.fs = None
        self.logs: list = []
        self.prev_logs: list = []
        self.backoff = BackOff()
        self.probes = {}
        if role != "init":
            for ptype, field in PROBE_FIELDS.items():
                if isinstance(spec.get(field), dict):
                    self.probes[ptype] = ProbeWorker(ptype, spec[field])
        self.health = Health(annotations, self.name)
        self.completed = False
        self.ports = {(p.get("containerPort"), p.get("protocol") or "TCP")
                      for p in (spec.get("ports") or []) if isinstance(p, dict)}
        self.stopping = False
        self.ever_started = False
        self.ctx = None
        self.pulled = False
        self.force_restart = False
        self.history: list = []
        self.pull_backoff = None

    def cancel_timers(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        for w in self.probes.values():
            w.cancel()


class PodWorker:
    """Drives one pod on one node; renders its status in API shape."""

    def __init__(self, kubelet, pod: dict):
        self.kubelet = kubelet
        self.cluster = kubelet.cluster
        self.clock = kubelet.cluster.clock
        self.pod = pod
        meta = pod["metadata"]
        self.name = meta["name"]
        self.namespace = meta.get("namespace", "default")
        self.uid = meta.get("uid", "")
        spec = pod["spec"]
        self.restart_policy = spec.get("restartPolicy", "Always")
        self.grace = spec.get("terminationGracePeriodSeconds", 30)
        annotations = meta.get("annotations") or {}
        self.containers: list[ContainerRuntime] = []
        for i, c in enumerate(spec.get("initContainers") or []):
            role = "sidecar" if c.get("restartPolicy") == "Always" else "init"
            self.containers.append(ContainerRuntime(c, role, i, annotations))
        for i, c in enumerate(spec.get("containers") or []):
            self.containers.append(ContainerRuntime(c, "app", i, annotations))
        self.inits = [c for c in self.containers if c.role != "app"]
        self.apps = [c for c in self.containers if c.role == "app"]
        has_init = bool(self.inits)
        for c in self.containers:
            c.reason = "PodInitializing" if has_init else "ContainerCreating"
        self.phase = PENDING
        self.reason = None       # status.reason (OutOfcpu, ...)
        self.status_message = None
        self.admitted_at = None
        self.start_time = None
        self.sandbox_ready = False
        self.init_done = not any(c.role == "init" for c in self.inits) and not self.inits
        self.apps_started = False
        self.apps_done = False
        self.terminal = False
        self.deleting = False
        self.removed = False
        self.pod_ip = None
        self.host_ip = None
        self.volumes: dict[str, Volume] = {}
        self.conditions: dict[str, list] = {}
        self.timers = []
        self.rejected = False

    # ------------------------------------------------------------------ helpers
    @property
    def now(self):
        return self.clock.now

    def _ref(self, c: ContainerRuntime | None = None):
        ref = {"kind": "Pod", "name": self.name, "namespace": self.namespace, "uid": self.uid}
        if c is not None:
            field = "initContainers" if c.role != "app" else "containers"
            ref["fieldPath"] = f"spec.{field}{{{c.name}}}"
        return ref

    def event(self, c, type_, reason, message):
        self.cluster._recorder.record(self._ref(c), type_, reason, message, source="kubelet",
                                   host=self.kubelet.node_name)

    def _pod_label(self):
        return f"{self.name}_{self.namespace}({self.uid})"

    def _set_condition(self, ctype, status, reason=None, message=None):
        cur = self.conditions.get(ctype)
        if cur is None or cur[0] != status:
            self.conditions[ctype] = [status, self.now, reason, message]
        else:
            cur[2], cur[3] = reason, message

    def changed(self):
        self._update_phase()
        self.cluster._pod_status_changed(self)

    # ------------------------------------------------------------------ lifecycle
    def admit(self, host_ip: str, pod_ip: str):
        """The kubelet accepted the pod: create the sandbox (1 s)."""
        self.admitted_at = self.now
        self.start_time = self.now
        self.host_ip = host_ip
        self.pod_ip = pod_ip
        self._set_condition("PodReadyToStartContainers", "False")
        if self.inits:
            pending = [c.name for c in self.inits if c.role == "init"] or [c.name for c in self.inits]
            self._set_condition("Initialized", "False", "ContainersNotInitialized",
                                f"containers with incomplete status: [{' '.join(pending)}]")
        else:
            self._set_condition("Initialized", "True")
        self._update_readiness()
        failures = self._volume_setup_errors()
        if failures:
            self._mount_failed(failures, MOUNT_RETRY_INITIAL)
        else:
            self.clock.after(SANDBOX_SECONDS, self._sandbox_created)
        deadline = self.pod["spec"].get("activeDeadlineSeconds")
        if isinstance(deadline, int) and deadline > 0:
            self.clock.after(deadline, self._deadline_exceeded)
        self.changed()

    def _volume_setup_errors(self) -> list[tuple[str, str]]:
        """(volume name, error) of every mounted volume whose plugin SetUp fails (POD-5)."""
        spec = self.pod["spec"]
        mounted = {m.get("name") for c in (spec.get("initContainers") or []) + (spec.get("containers") or [])
                   if isinstance(c, dict) for m in (c.get("volumeMounts") or []) if isinstance(m, dict)}
        out = []
        for v in spec.get("volumes") or []:
            if isinstance(v, dict) and v.get("name") in mounted:
                error = setup_error(v, spec)
                if error:
                    out.append((v["name"], error))
        return out

    def _mount_failed(self, failures, delay):
        """One failed attempt to set the volumes up; the volume manager retries with back-off."""
        if self.deleting or self.terminal or self.removed:
            return
        for name, error in failures:
            self.event(None, "Warning", "FailedMount", f'MountVolume.SetUp failed for volume "{name}" : {error}')
        self.clock.after(delay, self._mount_failed, failures, min(delay * 2, MOUNT_RETRY_MAX))

    def _deadline_exceeded(self):
        """activeDeadlineSeconds: the kubelet kills the pod, which fails with DeadlineExceeded."""
        if self.terminal or self.deleting or self.removed:
            return
        self.event(None, "Normal", "DeadlineExceeded",
                   "Pod was active on the node longer than the specified deadline")
        self.phase = FAILED
        self.reason = "DeadlineExceeded"
        self.status_message = "Pod was active on the node longer than the specified deadline"
        self.terminal = True
        for c in self.containers:
            if c.state == "running":
                self._kill(c, f"Stopping container {c.name}", restart=False)
            else:
                c.cancel_timers()
        self._update_readiness()
        self.changed()
        self.cluster._pod_terminal(self)

    def reject(self, reason: str, message: str):
        """Kubelet admission failure (SCH-1): the pod fails without running. The
        event carries ``message``; status.message is "Pod was rejected: " + message
        (kubelet.go rejectPod)."""
        self.admitted_at = self.now
        self.start_time = self.now
        self.phase = FAILED
        self.reason = reason
        self.status_message = "Pod was rejected: " + message
        self.terminal = True
        self.rejected = True
        self.event(None, "Warning", reason, message)
        self.changed()
        self.cluster._pod_terminal(self)

    def _sandbox_created(self):
        if self.deleting or self.terminal:
            return
        self.sandbox_ready = True
        for v in self.pod["spec"].get("volumes") or []:
            if isinstance(v, dict) and v.get("name"):
                source = next((k for k in v if k != "name"), "emptyDir")
                self.volumes[v["name"]] = Volume(v["name"], source)
        self._set_condition("PodReadyToStartContainers", "True")
        self._advance()
        self.changed()

    def _advance(self):
        """Start whatever may start now (POD-2, POD-3)."""
        if self.deleting or self.terminal or not self.sandbox_ready:
            return
        if not self.init_done:
            for c in self.inits:
                if c.role == "sidecar":
                    if c.completed:  # started once: the next init container may run
                        continue
                    if not c.ever_started and c.state == "waiting" and c.timer is None and c.reason in (
                            "PodInitializing", "ContainerCreating"):
                        self._start(c)
                    return  # wait until the sidecar is started (POD-3)
                if c.completed:
                    continue
                if c.state == "waiting" and c.timer is None and c.reason in (
                        "PodInitializing", "ContainerCreating"):
                    self._start(c)
                return
            self.init_done = True
            self._set_condition("Initialized", "True")
        if not self.apps_started:
            self.apps_started = True
            for c in self.apps:
                self._start(c)
        self._update_readiness()

    # ------------------------------------------------------------------ containers
    def _start(self, c: ContainerRuntime):
        """Pull (if needed), create and start a container."""
        from k8s_helpers.images import is_valid_image

        image = c.spec.get("image") or ""
        if not is_valid_image(image):
            c.state, c.reason = "waiting", "InvalidImageName"
            c.message = f'Failed to apply default image tag "{image}": couldn\'t parse image name "{image}": invalid reference format'
            self.event(c, "Warning", "InspectFailed", c.message)
            self.event(c, "Warning", "Failed", "Error: InvalidImageName")
            self.changed()
            return
        policy = c.spec.get("imagePullPolicy") or "IfNotPresent"
        present = image in self.kubelet.images
        if policy == "Never" and not present:
            c.state, c.reason = "waiting", "ErrImageNeverPull"
            c.message = f'Container image "{image}" is not present with pull policy of Never'
            self.event(c, "Warning", "ErrImageNeverPull", c.message)
            self.event(c, "Warning", "Failed", "Error: ErrImageNeverPull")
            self.changed()
            return
        if policy == "Always" or not present:
            if c.pull_backoff is not None and c.pull_backoff.in_backoff(self.now):
                self._pull_backoff(c, image)
                return
            self.event(c, "Normal", "Pulling", f'Pulling image "{image}"')
            error = self.cluster.registries.pull_error(image, bool(self.pod["spec"].get("imagePullSecrets")),
                                                       self.cluster.missing_images)
            if error is not None:
                c.timer = self.clock.after(PULL_SECONDS, self._pull_failed, c, image, error.message)
                return
            delay = 0 if present else PULL_SECONDS
            c.timer = self.clock.after(delay, self._pulled, c, image, delay)
            return
        self.event(c, "Normal", "Pulled", f'Container image "{image}" already present on machine')
        self._create(c)

    def _pull_failed(self, c, image, message):
        """The registry refused the image: ErrImagePull until the pod worker's next sync
        (kubelet/image_pull.py)."""
        c.timer = None
        if self.deleting or self.terminal:
            return
        self.event(c, "Warning", "Failed", f'Failed to pull image "{image}": {message}')
        self.event(c, "Warning", "Failed", "Error: ErrImagePull")
        c.state, c.reason, c.message = "waiting", "ErrImagePull", message
        if c.pull_backoff is None:
            c.pull_backoff = PullBackOff()
        c.pull_backoff.failed(self.now, message)
        c.timer = self.clock.after(POD_RESYNC_SECONDS, self._retry_pull, c)
        self.changed()

    def _pull_backoff(self, c, image):
        """A sync while the image is in back-off: no pull, ImagePullBackOff."""
        c.state, c.reason = "waiting", "ImagePullBackOff"
        c.message = f'Back-off pulling image "{image}": ErrImagePull: {c.pull_backoff.last_error}'
        self.event(c, "Normal", "BackOff", f'Back-off pulling image "{image}"')
        self.event(c, "Warning", "Failed", "Error: ImagePullBackOff")
        c.timer = self.clock.after(POD_RESYNC_SECONDS, self._retry_pull, c)
        self.changed()

    def _retry_pull(self, c):
        c.timer = None
        if self.deleting or self.terminal:
            return
        self._start(c)

    def _pulled(self, c, image, delay):
        c.timer = None
        if self.deleting or self.terminal:
            return
        self.kubelet.images.add(image)
        c.pull_backoff = None
        self.event(c, "Normal", "Pulled",
                   f'Successfully pulled image "{image}" in {go_duration(delay)} ({go_duration(delay)} including '
                   f'waiting). Image size: {_image_size(image)} bytes.')
        self._create(c)

    def _create(self, c: ContainerRuntime):
        now = self.now
        c.instances += 1
        if c.ever_started:
            c.restart_count += 1
        c.ever_started = True
        c.container_id = "containerd://" + _hex(f"{self.uid}/{c.name}/{c.instances}")
        self.event(c, "Normal", "Created", f"Created container: {c.name}")
        # The process: from the image (catalog) and command/args; runc may refuse to start it.
        mounts = []
        for m in c.spec.get("volumeMounts") or []:
            vol = self.volumes.get(m.get("name"))
            if vol is not None and m.get("mountPath"):
                mounts.append((m["mountPath"], vol, bool(m.get("readOnly"))))
        c.fs = FileSystem(mounts)
        from k8s_helpers.catalog import lookup

        image = lookup(c.spec.get("image") or "")
        image_files(c.fs, image)
        c.program = process_for(c.spec, image, c.fs)
        if c.program.kind == "start-error":
            self._start_failed(c)
            return
        self.event(c, "Normal", "Started", f"Started container {c.name}")
        c.state, c.reason, c.message = "running", None, None
        c.started_at = now
        c.finished_at = None
        c.exit_code = None
        c.ready = False
        c.started = False
        c.stopping = False
        if c.role != "sidecar":
            c.completed = False
        c.prev_logs = c.logs
        c.logs = []
        env = {"HOSTNAME": self.name}
        for e in c.spec.get("env") or []:
            if isinstance(e, dict) and e.get("name") and "value" in e:
                env[e["name"]] = str(e["value"])
        c.ctx = start_context(lambda text, c=c: self._log(c, text), c.fs, env, self.name, lambda: self.clock.now,
                              self.cluster.timestamp, self.cluster.epoch, self.pod_ip, image)
        if c.program.notice:
            self.cluster._recorder.record(self._ref(c), "Normal", "NotSimulated", c.program.notice,
                                          source="simulador", host=self.kubelet.node_name)
        # Probes: reset per new container (PRB-3).
        for w in c.probes.values():
            w.reset()
        if STARTUP in c.probes:
            self._schedule_probe(c, c.probes[STARTUP], now)
        else:
            self._mark_started(c)
        # Port collisions (POD-4).
        collision = None
        if c.ports:
            for other in self.containers:
                if other is not c and other.state == "running" and c.ports & other.ports:
                    collision = sorted(c.ports & other.ports)[0]
                    break
        if collision is not None:
            self._log(c, f"listen tcp :{collision[0]}: bind: address already in use\n")
            self._exited(c, 1)
            return
        c.gen = c.program.start(c.ctx)
        self._step(c, None)
        if c.state != "running":
            return
        self._update_readiness()
        self.changed()
        if c.role == "sidecar":
            self._advance()

    def _start_failed(self, c: ContainerRuntime):
        """runc could not start the process: StartError (exit 128), RunContainerError until
        the next sync, then the restart policy and its back-off (container_start.py)."""
        now = self.now
        message = c.program.error
        self.event(c, "Warning", "Failed", f"Error: {message}")
        c.cancel_timers()
        c.prev_logs, c.logs = c.logs, []
        c.ready = c.started = False
        c.started_at, c.finished_at = None, now
        c.state, c.exit_code, c.reason, c.message = "terminated", START_ERROR_EXIT_CODE, "StartError", message
        if not (c.role == "sidecar" or self.restart_policy != "Never"):
            self._exited(c, START_ERROR_EXIT_CODE, "StartError")
            return
        c.history.append((now, now, START_ERROR_EXIT_CODE, "StartError"))
        c.last_state = self._terminated_state(c)
        c.state, c.reason = "waiting", "RunContainerError"
        self._update_readiness()
        self._update_phase()
        self.changed()
        c.timer = self.clock.after(PLEG_RELIST_SECONDS, self._after_start_error, c)

    def _after_start_error(self, c: ContainerRuntime):
        c.timer = None
        if self.deleting or self.terminal:
            return
        c.state, c.reason, c.message = "terminated", "StartError", c.last_state.get("message")
        self._restart(c)

    def _log(self, c, text):
        if len(c.logs) < LOG_LIMIT:
            c.logs.append((self.clock.now, text))

    def _step(self, c, _):
        c.timer = None
        if c.state != "running" or c.gen is None:
            return
        try:
            step = next(c.gen)
        except StopIteration as stop:
            c.gen = None
            self._exited(c, stop.value if stop.value is not None else 0)
            return
        kind, secs = step
        if secs is None:
            return  # sleeps forever (or spins): runs until stopped
        c.timer = self.clock.after(secs, self._step, c, True)

    def _exited(self, c: ContainerRuntime, code: int, reason: str | None = None):
        """The container's process ended (POD-7); decide what happens next (POD-8)."""
        now = self.now
        c.cancel_timers()
        c.gen = None
        c.state = "terminated"
        c.exit_code = code
        c.reason = reason or ("Completed" if code == 0 else "Error")
        c.finished_at = now
        c.ready = False
        c.started = False
        c.history.append((c.started_at, now, code, c.reason))
        if self.deleting:
            self._update_readiness()
            self.changed()
            self._maybe_finish_deletion()
            return
        if self.terminal:
            self.changed()
            return
        if c.role == "init":
            if code == 0:
                c.completed = True
                self._advance()
                self.changed()
                return
            if self.restart_policy == "Never":
                self._update_phase()
                self.changed()
                self._terminate_pod()
                return
            self._restart(c)
            return
        if c.role == "sidecar" and self.apps_done:
            self._finish_if_done()
            return
        if c.role == "sidecar" or c.force_restart:
            c.force_restart = False
            self._restart(c)
            return
        if self.restart_policy == "Always" or (self.restart_policy == "OnFailure" and code != 0):
            self._restart(c)
            return
        self._update_readiness()
        if all(a.state == "terminated" for a in self.apps):
            # Main containers are done for good: stop the sidecars, last first (POD-3).
            self.apps_done = True
            for s in reversed(self.inits):
                if s.state == "waiting":
                    s.cancel_timers()
            for s in reversed(self.inits):
                if s.state == "running":
                    self._kill(s, f"Stopping container {s.name}", restart=False)
        self._finish_if_done()

    def _finish_if_done(self):
        if self.apps_done and any(s.state == "running" for s in self.inits):
            self.changed()
            return
        self._update_readiness()
        self._update_phase()
        self.changed()
        if self.phase in (SUCCEEDED, FAILED) and not self.terminal:
            self._terminate_pod()

    def _restart(self, c: ContainerRuntime):
        """Restart after the POD-8 back-off."""
        c.last_state = self._terminated_state(c)
        delay = c.backoff.next_delay(c.started_at, c.finished_at)
        self._update_readiness()
        if delay <= 0:
            self._start(c)
        else:
            c.state = "waiting"
            c.reason = "CrashLoopBackOff"
            c.message = (f"back-off {go_duration(delay)} restarting failed container={c.name} "
                         f"pod={self._pod_label()}")
            self.event(c, "Warning", "BackOff",
                       f"Back-off restarting failed container {c.name} in pod {self._pod_label()}")
            c.timer = self.clock.at(c.finished_at + delay, self._backoff_done, c)
        self._update_phase()
        self.changed()

    def _backoff_done(self, c):
        c.timer = None
        if self.deleting or self.terminal:
            return
        self._start(c)
        self._update_phase()
        self.changed()

    def _terminated_state(self, c):
        state = {"exitCode": c.exit_code, "reason": c.reason, "startedAt": c.started_at,
                 "finishedAt": c.finished_at, "containerID": c.container_id}
        if c.reason == "StartError":
            state["message"] = c.message
        return state

    def _terminate_pod(self):
        """The pod reached Succeeded/Failed: stop sidecars, release the node's resources."""
        self.terminal = True
        for c in reversed(self.inits):
            if c.state == "running":
                self._kill(c, f"Stopping container {c.name}", restart=False)
            elif c.state == "waiting":
                c.cancel_timers()
        for c in self.apps:
            if c.state == "waiting":
                c.cancel_timers()
        self._update_readiness()
        self.changed()
        self.cluster._pod_terminal(self)

    def _kill(self, c: ContainerRuntime, message: str, restart: bool, grace=None):
        """Send SIGTERM; the process exits at once or when the grace period ends."""
        if c.state != "running" or c.stopping:
            return
        self.event(c, "Normal", "Killing", message)
        c.stopping = True
        for w in c.probes.values():
            if w.type != READINESS:
                w.cancel()
        grace = self.grace if grace is None else grace
        stop = c.health.stop_seconds
        if stop is None:
            stop = 0 if c.program is None or c.program.handles_sigterm else grace
        if stop >= grace:
            stop, code = grace, 137
        else:
            code = 143 if c.program is None else c.program.stop_code  # the image's STOPSIGNAL
        if c.timer is not None:
            c.timer.cancel()
        c.gen = None
        if stop <= 0:
            self._exited(c, code)
        else:
            c.timer = self.clock.after(stop, self._exited, c, code)

    def image_changed(self, name: str):
        """``kubectl apply`` changed a container's image: kill it and start the new one."""
        for c in self.containers:
            if c.name != name:
                continue
            c.program = None
            if c.state == "running" and not self.deleting and not self.terminal:
                c.force_restart = True
                self._kill(c, f"Container {c.name} definition changed, will be restarted", restart=True)
            elif c.state == "waiting" and c.reason in ("InvalidImageName", "ErrImageNeverPull", "ErrImagePull",
                                                       "ImagePullBackOff") and not self.terminal:
                c.cancel_timers()
                c.pull_backoff = None
                c.reason = "ContainerCreating"
                if c.role == "app" and not self.apps_started or c.role != "app" and self.init_done:
                    return
                self._start(c)
                self.changed()

    def history(self) -> list[dict]:
        """Every container instance: container, start, end (None if running), exitCode, reason."""
        out = []
        for c in self.containers:
            for start, end, code, reason in c.history:
                out.append({"container": c.name, "start": start, "end": end, "exitCode": code, "reason": reason})
            if c.state == "running":
                out.append({"container": c.name, "start": c.started_at, "end": None, "exitCode": None,
                            "reason": None})
        out.sort(key=lambda h: (h["start"], h["container"]))
        return out

    # ------------------------------------------------------------------ probes
    def _schedule_probe(self, c, w: ProbeWorker, earliest):
        if w.on_hold or c.state != "running":
            return
        t = w.first_tick(self.admitted_at, max(earliest, c.started_at + w.delay))
        if w.times and t <= w.times[-1]:
            t = w.next_tick(self.admitted_at, w.times[-1])  # that tick already fired
        w.timer = self.clock.at(t, self._probe, c, w)

    def _probe(self, c: ContainerRuntime, w: ProbeWorker):
        w.timer = None
        if c.state != "running" or w.on_hold:
            return
        if self.deleting and w.type != READINESS:
            return
        now = self.now
        if w.type == STARTUP and c.started:
            return
        if w.type != STARTUP and not c.started:
            return
        runner = None
        if "exec" in w.spec:
            runner = exec_runner(c, self.name, lambda: self.clock.now, self.cluster.timestamp)
        running = [(o.program, now - o.started_at, o.fs) for o in self.containers
                   if o.state == "running" and o.program is not None]
        ok, message, errored = evaluate(w.type, w.spec, c.spec, now - c.started_at, c.health, self.pod_ip, runner,
                                        lambda port: find_endpoint(running, port))
        if errored:  # pkg/kubelet/prober/prober.go: the probe could not run; counts as a failure
            self.event(c, "Warning", "Unhealthy", f"{w.title} probe errored and resulted in unknown state: {message}")
        elif not ok:
            self.event(c, "Warning", "Unhealthy", f"{w.title} probe failed: {message}")
        flipped = w.record(now, ok)
        # Next tick of this worker's ticker (a manual trigger does not move the ticker).
        w.timer = self.clock.at(w.next_tick(self.admitted_at, now), self._probe, c, w)
        if flipped is None:
            return
        if w.type == STARTUP and flipped == "Success":
            w.cancel()
            self._mark_started(c)
            self._update_readiness()
            self.changed()
            if c.role == "sidecar":
                self._advance()
        elif w.type in (STARTUP, LIVENESS) and flipped == "Failure":
            w.cancel()
            will = self.restart_policy != "Never" or c.role == "sidecar"
            msg = f"Container {c.name} failed {w.type} probe" + (", will be restarted" if will else "")
            self._kill(c, msg, restart=will, grace=w.spec.get("terminationGracePeriodSeconds"))
        elif w.type == READINESS:
            c.ready = flipped == "Success"
            self._update_readiness()
            self.changed()

    def _mark_started(self, c):
        """The container counts as started: liveness/readiness begin (PRB-3)."""
        c.started = True
        if c.role == "sidecar":
            c.completed = True
        now = self.now
        if LIVENESS in c.probes:
            # A tick at this very instant already found the container not started.
            self._schedule_probe(c, c.probes[LIVENESS], now + (1e-6 if STARTUP in c.probes else 0))
        if READINESS in c.probes:
            w = c.probes[READINESS]
            if now - c.started_at >= w.delay:
                w.timer = self.clock.at(now, self._probe, c, w)  # kubelet's manual trigger
            else:
                self._schedule_probe(c, w, now + (1e-6 if STARTUP in c.probes else 0))
        else:
            c.ready = True

    # ------------------------------------------------------------------ conditions
    def _update_readiness(self):
        """ContainersReady/Ready: every app container and sidecar running and ready (PRB-3).

        A terminal pod is not ready with reason PodCompleted (Succeeded) or PodFailed
        (Failed), and a Succeeded pod's Initialized condition carries PodCompleted
        (pkg/kubelet/status/generate.go, POD-6)."""
        if self.phase in (SUCCEEDED, FAILED):
            reason = "PodCompleted" if self.phase == SUCCEEDED else "PodFailed"
            self._set_condition("ContainersReady", "False", reason)
            self._set_condition("Ready", "False", reason)
            if self.phase == SUCCEEDED:
                self._set_condition("Initialized", "True", "PodCompleted")
            return
        not_ready = [c.name for c in self.containers
                     if (c.role == "app" or c.role == "sidecar") and not (c.state == "running" and c.ready)]
        if not_ready:
            msg = f"containers with unready status: [{' '.join(not_ready)}]"
            self._set_condition("ContainersReady", "False", "ContainersNotReady", msg)
            self._set_condition("Ready", "False", "ContainersNotReady", msg)
        else:
            self._set_condition("ContainersReady", "True")
            self._set_condition("Ready", "True")
        if not self.init_done and self.inits:
            pending = [c.name for c in self.inits if not (c.completed or (c.role == "sidecar" and c.started))]
            self._set_condition("Initialized", "False", "ContainersNotInitialized",
                                f"containers with incomplete status: [{' '.join(pending)}]")

    def _update_phase(self):
        if self.phase in (SUCCEEDED, FAILED):
            return
        phase = pod_phase(self.restart_policy, self.containers)
        self.phase = phase
        if phase in (SUCCEEDED, FAILED):
            self._update_readiness()

    # ------------------------------------------------------------------ deletion
    def delete(self, grace=None):
        """Graceful deletion: SIGTERM to app containers, then sidecars (POD-3)."""
        if self.deleting:
            return
        self.deleting = True
        if grace is not None:
            self.grace = grace
        for c in self.containers:
            if c.state != "running":
                c.cancel_timers()
        for c in self.apps:
            self._kill(c, f"Stopping container {c.name}", restart=False)
        if not any(c.state == "running" and c.role == "app" for c in self.apps):
            for c in reversed(self.inits):
                self._kill(c, f"Stopping container {c.name}", restart=False)
        self._update_readiness()
        self.changed()
        self._maybe_finish_deletion()

    def _maybe_finish_deletion(self):
        if self.removed:
            return
        if any(c.state == "running" and c.role == "app" for c in self.apps):
            return
        running_sidecars = [c for c in self.inits if c.state == "running"]
        if running_sidecars:
            for c in reversed(running_sidecars):
                self._kill(c, f"Stopping container {c.name}", restart=False)
            if any(c.state == "running" for c in self.inits):
                return
        self.removed = True
        for c in self.containers:
            c.cancel_timers()
        self.cluster._pod_removed(self)

    def stop_everything(self):
        """Node removed or forced deletion: drop every timer at once."""
        self.removed = True
        for c in self.containers:
            c.cancel_timers()

    # ------------------------------------------------------------------ status (API shape)
    def container_status(self, c: ContainerRuntime) -> dict:
        ts = self.cluster.timestamp
        if c.state == "running":
            state = {"running": {"startedAt": ts(c.started_at)}}
        elif c.state == "terminated":
            t = {"exitCode": c.exit_code, "reason": c.reason, "startedAt": _started(ts, c.started_at),
                 "finishedAt": ts(c.finished_at)}
            if c.reason == "StartError" and c.message:
                t["message"] = c.message
            if c.container_id:
                t["containerID"] = c.container_id
            state = {"terminated": t}
        else:
            w = {"reason": c.reason}
            if c.message:
                w["message"] = c.message
            state = {"waiting": w}
        last = {}
        if c.last_state is not None and not (c.state == "terminated" and c.last_state.get("containerID") == c.container_id):
            ls = c.last_state
            t = {"exitCode": ls["exitCode"], "reason": ls["reason"], "startedAt": _started(ts, ls["startedAt"]),
                 "finishedAt": ts(ls["finishedAt"])}
            if ls.get("message"):
                t["message"] = ls["message"]
            if ls.get("containerID"):
                t["containerID"] = ls["containerID"]
            last = {"terminated": t}
        image = c.spec.get("image") or ""
        out = {"name": c.name, "state": state, "lastState": last, "ready": bool(c.ready and c.state == "running"),
               "restartCount": c.restart_count, "image": image,
               "imageID": _image_id(image) if c.ever_started else "",
               "started": bool(c.started and c.state == "running")}
        if c.container_id:
            out["containerID"] = c.container_id
        return out

    def render_status(self) -> dict:
        ts = self.cluster.timestamp
        status: dict = {"phase": self.phase}
        if self.reason:
            status["reason"] = self.reason
        if self.status_message:
            status["message"] = self.status_message
        order = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
        conds = []
        all_conds = self.conditions
        for ctype in order:
            if ctype in all_conds:
                st, t, reason, message = all_conds[ctype]
                cond = {"type": ctype, "status": st, "lastProbeTime": None, "lastTransitionTime": ts(t)}
                if reason:
                    cond["reason"] = reason
                if message:
                    cond["message"] = message
                conds.append(cond)
        status["conditions"] = conds
        if self.host_ip:
            status["hostIP"] = self.host_ip
            status["hostIPs"] = [{"ip": self.host_ip}]
        if self.pod_ip and self.sandbox_ready:
            status["podIP"] = self.pod_ip
            status["podIPs"] = [{"ip": self.pod_ip}]
        if self.start_time is not None:
            status["startTime"] = ts(self.start_time)
        if self.inits:
            status["initContainerStatuses"] = [self.container_status(c) for c in self.inits]
        if self.admitted_at is not None and not self.rejected:
            status["containerStatuses"] = [self.container_status(c) for c in self.apps]
        return status

    # ------------------------------------------------------------------ logs / probes
    def logs(self, container: str | None, previous: bool) -> str:
        c = self.find(container)
        lines = c.prev_logs if previous else c.logs
        now = self.now
        return "".join(text for t, text in lines if t <= now)

    def find(self, container: str | None) -> ContainerRuntime:
        if container is None:
            default = (self.pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
            container = default or self.apps[0].name
        for c in self.containers:
            if c.name == container:
                return c
        raise KeyError(container)

    def probe_results(self) -> list[dict]:
        out = []
        for c in self.containers:
            for w in c.probes.values():
                for t, r in zip(w.times, w.results):
                    out.append({"time": int(t) if t == int(t) else t, "pod": self.name, "namespace": self.namespace,
                                "container": c.name, "probe": w.type,
                                "result": "Success" if r else "Failure"})
        out.sort(key=lambda r: r["time"])
        return out
