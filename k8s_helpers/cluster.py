"""The simulated cluster students drive from the notebooks.

```python
from k8s_helpers import Cluster, ManifestError
c = Cluster(seed=0)                 # no nodes; virtual clock at 0 s
c = Cluster.kind(workers=3)         # kind-like: 1 tainted control-plane node + 3 workers
c.add_node("nodo1", cpu="4", memory="10Gi", labels={"zona": "europa"}, taints=["gpu=true:NoSchedule"])
c.apply(yaml_text)                  # -> ["pod/web created"]; invalid input raises ManifestError
c.run(seconds=30)                   # advance virtual time; run(0) settles immediate work
c.get("pods"); c.get("pod", "web")  # API-shaped dicts (copies)
c.kubectl("get pods -o wide")       # kubectl's text
c.events(); c.logs("web"); c.probe_results("web"); c.now
```

**Virtual time.** ``now`` is virtual seconds since the cluster was created.
Nothing happens between calls: ``apply`` stores objects; ``run(seconds)``
processes every due event (scheduling, image pulls, container starts and exits,
probes, back-offs) in (time, order of scheduling) order. Latencies: scheduling
and binding are immediate; creating the pod sandbox takes 1 s; pulling an
image not yet on the node takes 1 s (see ``kubelet.pod_worker``). Timestamps
in objects (``creationTimestamp``, ``startedAt``, ``lastTransitionTime``...)
are ISO 8601 texts counted from the fixed epoch ``2026-01-01T00:00:00Z``
(``Cluster.epoch``); events also carry ``time`` in virtual seconds.

**Determinism.** ``Cluster(seed=...)``: uids, pod IPs and every tie-break of the
scheduler come from the seed, so the same inputs give the same history.

**How apps behave** (so the same YAML stays valid on a real cluster):
container programs are decided by ``kubelet.shell`` (servers run until stopped,
``sh -c`` scripts are interpreted); app health over time comes from pod
annotations documented in ``kubelet.probes``: ``sim.k8s-course.io/startup-seconds``,
``fail-after-seconds``, ``ready-after-seconds``, ``unready-after-seconds``,
``stop-seconds`` (``<container>.sim.k8s-course.io/...`` for one container).
Images are pulled from ``Cluster.registries`` (``registry.Registries``: every tag ever
published for Docker Hub's official images, curated public repositories, the course's
sample images; ``c.registries.publish("miusuario/web", ["1.0"])`` adds one): a tag never
published or a repository that does not exist gives ErrImagePull, then ImagePullBackOff.
``Cluster.missing_images`` is the teacher's override (``c.missing_images.add("nginx:1.27")``).
What each image does when it runs comes from ``k8s_helpers.catalog``.

**Simplifications** (said to students in the notebooks): no system pods in
kube-system; kinds other than Pod, Node and Namespace are stored as given
(later chapters add their controllers); no ``last-applied-configuration``
annotation; deleting a node removes its pods at once; a pod's emptyDir and
files are simulated by ``kubelet.shell`` and ``kubelet.volumes``; lifecycle
hooks, readiness gates and memory usage (OOMKilled) are not modelled yet.
The scheduler (``scheduler/``) is kube-scheduler 1.36's default profile; see
``explain_scheduling`` for why a pod went where it went.
"""
from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta, timezone

from .clock import Clock
from .events import EventRecorder
from .store import NotFoundError, Store, copy_object, kind_info, resolve_kind

__all__ = ["Cluster", "NotFoundError", "EPOCH"]

EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
KUBERNETES_VERSION = "v1.36.3"
DEFAULT_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
_MUTABLE_POD_SPEC = ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds")
# Labels and annotations the kubelet keeps on its own Node object (it re-adds them):
# re-applying a Node manifest neither removes them nor counts them as a change.
_KUBELET_NODE_LABELS = ("beta.kubernetes.io/arch", "beta.kubernetes.io/os", "kubernetes.io/arch",
                        "kubernetes.io/hostname", "kubernetes.io/os")
_KUBELET_NODE_ANNOTATIONS = ("node.alpha.kubernetes.io/ttl", "volumes.kubernetes.io/controller-managed-attach-detach")


def _manifest_error(message: str, kind: str | None = None, name: str | None = None, index: int = 0,
                    path: str | None = None, rule: str | None = None):
    from .api.validation import Problem, ValidationResult
    from .errors import ManifestError

    result = ValidationResult()
    result.add(Problem(message, path=path, rule=rule, document=index, kind=kind, name=name))
    return ManifestError(result)


class Cluster:
    """Un clúster de Kubernetes simulado con un reloj virtual.

    ``Cluster(seed=0)`` empieza sin nodos y con el reloj en 0 s; la semilla decide
    todos los desempates (mismas entradas y semilla, misma historia). Nada ocurre
    entre llamadas: ``run(segundos)`` hace avanzar el tiempo."""

    epoch = EPOCH

    def __init__(self, seed: int = 0):
        from .scheduler.scheduler import Scheduler

        self.seed = seed
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.store = Store(seed)
        self._recorder = EventRecorder(self.clock, self.timestamp)
        self._kubelets: dict = {}
        self._workers: dict = {}
        self._scheduler = Scheduler(self)  # kube-scheduler: cache, queue, default profile
        self._node_count = 0
        # The registries pods pull from (real tags of official images, curated repositories,
        # the course's sample images; registry.Registries). missing_images is the teacher's
        # override: names or name:tag texts that are "not found" whatever the data says.
        from .registry import Registries

        self.registries = Registries()
        self.missing_images: set[str] = set()
        for ns in DEFAULT_NAMESPACES:
            self._create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

    # ------------------------------------------------------------------ construction
    @classmethod
    def kind(cls, workers: int = 3, name: str = "kind", seed: int = 0, cpu="4", memory="8Gi",
             pods: int = 110) -> "Cluster":
        """Un clúster como el de ``kind create cluster``: un nodo de plano de control
        con el taint ``node-role.kubernetes.io/control-plane:NoSchedule`` y ``workers``
        nodos de trabajo (``kind-worker``, ``kind-worker2``...), con las etiquetas de kind.

        >>> c = Cluster.kind(workers=3)
        """
        c = cls(seed=seed)
        c.add_node(f"{name}-control-plane", cpu=cpu, memory=memory, pods=pods,
                   labels={"node-role.kubernetes.io/control-plane": "",
                           "node.kubernetes.io/exclude-from-external-load-balancers": ""},
                   taints=["node-role.kubernetes.io/control-plane:NoSchedule"])
        for i in range(workers):
            c.add_node(f"{name}-worker" + (str(i + 1) if i else ""), cpu=cpu, memory=memory, pods=pods)
        return c

    def add_node(self, name: str, cpu="4", memory="8Gi", labels: dict | None = None,
                 taints: list | None = None, pods: int = 110) -> dict:
        """Añade un nodo Ready con ``cpu`` y ``memory`` asignables, ``labels`` extra y
        ``taints`` (textos ``"clave=valor:Efecto"`` o dicts). Devuelve el objeto Node.

        >>> c.add_node("nodo1", cpu="4", memory="10Gi", labels={"zona": "europa"},
        ...            taints=["gpu=true:NoSchedule"])
        """
        from .api.labels import validate_dns1123_subdomain
        from .api.quantity import parse_quantity
        from .scheduler.plugins.taint_toleration import parse_taint

        if not isinstance(name, str) or validate_dns1123_subdomain(name):
            raise ValueError(f"«{name}» no es un nombre de nodo válido: usa minúsculas, dígitos, «-» y «.»")
        if self.store.get("Node", None, name) is not None:
            raise ValueError(f"Ya existe un nodo llamado «{name}»")
        for label, value in (("cpu", cpu), ("memory", memory)):
            try:
                parse_quantity(str(value))
            except ValueError as e:
                raise ValueError(f"{label} del nodo «{name}»: {e}") from None
        parsed_taints = [parse_taint(t) if isinstance(t, str) else dict(t) for t in (taints or [])]
        index = self._node_count
        self._node_count += 1
        ip = f"172.18.0.{index + 2}"
        node_labels = {
            "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
        }
        for k, v in (labels or {}).items():
            if not isinstance(v, str):
                raise ValueError(f"La etiqueta «{k}» del nodo debe ser un texto (p. ej. \"{str(v).lower()}\"), "
                                 f"no {type(v).__name__} (AFF-1)")
            node_labels[k] = v
        capacity = {"cpu": str(cpu), "ephemeral-storage": "100Gi", "hugepages-1Gi": "0",
                    "hugepages-2Mi": "0", "memory": str(memory), "pods": str(pods)}
        now = self.timestamp(self.now)
        cond = lambda t, s, r, m: {"type": t, "status": s, "lastHeartbeatTime": now,  # noqa: E731
                                   "lastTransitionTime": now, "reason": r, "message": m}
        node = {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": self.store.new_uid(), "creationTimestamp": now,
                         "labels": node_labels,
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                         "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
            "spec": {"podCIDR": f"10.244.{index}.0/24", "podCIDRs": [f"10.244.{index}.0/24"],
                     "providerID": f"kind://docker/kind/{name}"},
            "status": {
                "capacity": capacity, "allocatable": dict(capacity),
                "conditions": [
                    cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                ],
                "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "nodeInfo": {"architecture": "amd64", "bootID": self.store.new_uid(),
                             "containerRuntimeVersion": "containerd://2.1.3",
                             "kernelVersion": "6.8.0-generic", "kubeProxyVersion": KUBERNETES_VERSION,
                             "kubeletVersion": KUBERNETES_VERSION, "machineID": self.store.new_uid().replace("-", ""),
                             "operatingSystem": "linux", "osImage": "Debian GNU/Linux 12 (bookworm)",
                             "systemUUID": self.store.new_uid()},
            },
        }
        if parsed_taints:
            node["spec"]["taints"] = parsed_taints
        self.store.put(node)
        from .kubelet import Kubelet

        self._kubelets[name] = Kubelet(self, name, index, ip)
        # node-lifecycle controller: RecordNodeEvent(node.Name, string(node.UID), ...)
        self._recorder.record({"kind": "Node", "name": name, "uid": node["metadata"]["uid"]}, "Normal",
                              "RegisteredNode", f"Node {name} event: Registered Node {name} in Controller",
                              source="node-controller")
        # Pods bound with nodeName to this (until now missing) node; the scheduler retries pending pods.
        self._scheduler.node_added(node)
        for key, pod in list(self._pending_bound_to(name)):
            self._bind(pod, name, by_scheduler=False)
        return copy.deepcopy(node)

    # ------------------------------------------------------------------ time
    @property
    def now(self):
        """Segundos virtuales desde que se creó el clúster."""
        return self.clock.now

    def timestamp(self, t) -> str | None:
        """La marca de tiempo ISO 8601 del segundo virtual ``t`` (desde 2026-01-01T00:00:00Z)."""
        if t is None:
            return None
        return (EPOCH + timedelta(seconds=int(t))).strftime("%Y-%m-%dT%H:%M:%SZ")

    def run(self, seconds=0) -> "Cluster":
        """Avanza el reloj virtual ``seconds`` segundos: todo lo que toca en ese
        intervalo (planificar, descargar imágenes, arrancar contenedores, sondas,
        reinicios) ocurre en orden. ``run(0)`` resuelve lo inmediato."""
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
            raise ValueError(f"run(seconds=...) necesita un número de segundos >= 0, no {seconds!r}")
        self.clock.run_until(self.clock.now + seconds)
        return self

    # ------------------------------------------------------------------ apply
    def apply(self, manifests) -> list[str]:
        """Crea o actualiza objetos a partir de texto YAML (uno o varios documentos),
        un dict o una lista de dicts, como ``kubectl apply``. Devuelve las líneas de
        kubectl (``["pod/web created"]``, ``unchanged``, ``configured``).

        Si algún documento no es válido lanza ``ManifestError`` (un ``ValueError``)
        con el mismo informe que da el corrector automático, y no aplica nada."""
        from .api.defaults import default_object
        from .api.validation import validate_objects, validate_text
        from .errors import ManifestError

        if isinstance(manifests, (str, bytes, bytearray)):
            result = validate_text(manifests)
        else:
            if isinstance(manifests, tuple):
                manifests = list(manifests)
            result = validate_objects(manifests)
        if not result.ok:
            raise ManifestError(result)
        docs = [d for d in result.documents if isinstance(d, dict)]
        if isinstance(manifests, (dict, list)):
            docs = [copy.deepcopy(d) for d in docs]
        # Expand kind: List
        expanded = []
        for d in docs:
            if d.get("kind") == "List" or (d.get("kind", "").endswith("List") and isinstance(d.get("items"), list)):
                expanded.extend(copy.deepcopy(i) for i in d.get("items") or [])
            else:
                expanded.append(d)
        plan = []
        new_namespaces = set()
        for index, doc in enumerate(expanded):
            kind = doc.get("kind")
            meta = doc.setdefault("metadata", {})
            name = meta.get("name")
            _, namespaced = kind_info(kind)
            if namespaced:
                ns = meta.get("namespace") or "default"
                meta["namespace"] = ns
                if self.store.get("Namespace", None, ns) is None and ns not in new_namespaces:
                    raise _manifest_error(
                        f'el espacio de nombres «{ns}» no existe (Error from server (NotFound): namespaces "{ns}" '
                        f'not found). Créalo antes (kind: Namespace) o usa uno que exista.',
                        kind, name, index, "metadata.namespace")
            else:
                meta.pop("namespace", None)
                ns = None
            if kind == "Namespace":
                new_namespaces.add(name)
            desired = default_object(doc)
            existing = self.store.get(kind, ns, name)
            action = "created"
            if existing is not None:
                if existing["metadata"].get("deletionTimestamp"):
                    raise _manifest_error(
                        f"«{name}» se está borrando todavía (Terminating); espera a que desaparezca "
                        f"(c.run(...)) antes de volver a crearlo", kind, name, index)
                action = self._plan_update(kind, existing, desired, index)
            plan.append((kind, ns, name, desired, existing, action))
        lines = []
        for kind, ns, name, desired, existing, action in plan:
            plural, _ = kind_info(kind)
            prefix = kind.lower()
            api_version = desired.get("apiVersion", "v1")
            if "/" in api_version:  # kubectl names the group: deployment.apps/web
                prefix = f"{kind.lower()}.{api_version.split('/', 1)[0]}"
            if action == "created":
                self._create(desired)
            elif action == "configured":
                self._update(existing, desired)
            lines.append(f"{prefix}/{name} {action}")
        return lines

    def _plan_update(self, kind, existing, desired, index) -> str:
        """'unchanged', 'configured', or raise ManifestError (pods are mostly immutable)."""
        old_meta, new_meta = existing["metadata"], desired["metadata"]
        new_labels = new_meta.get("labels") or {}
        if kind == "Namespace":
            # The API server adds kubernetes.io/metadata.name and spec.finalizers itself:
            # re-applying the same manifest is "unchanged", as with kubectl.
            new_labels = {**new_labels, "kubernetes.io/metadata.name": new_meta.get("name")}
        same_meta = ((old_meta.get("labels") or {}) == new_labels and
                     (old_meta.get("annotations") or {}) == (new_meta.get("annotations") or {}))
        if kind == "Pod":
            old_spec = copy.deepcopy(existing["spec"])
            new_spec = copy.deepcopy(desired["spec"])
            if old_spec.get("nodeName") and not new_spec.get("nodeName"):
                new_spec["nodeName"] = old_spec["nodeName"]
            if old_spec == new_spec:
                return "unchanged" if same_meta else "configured"
            # Allowed: images, activeDeadlineSeconds, tolerations (additions).
            a, b = copy.deepcopy(old_spec), copy.deepcopy(new_spec)
            for s in (a, b):
                for field in ("containers", "initContainers"):
                    for ctr in s.get(field) or []:
                        ctr.pop("image", None)
                for f in _MUTABLE_POD_SPEC:
                    s.pop(f, None)
            old_tols = old_spec.get("tolerations") or []
            if a != b or any(t not in (new_spec.get("tolerations") or []) for t in old_tols):
                raise _manifest_error(
                    "un Pod ya creado no se puede cambiar así (Forbidden: pod updates may not change fields "
                    "other than `spec.containers[*].image`, `spec.initContainers[*].image`, "
                    "`spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing "
                    "tolerations), `spec.terminationGracePeriodSeconds`). Bórralo (c.delete(\"pod\", "
                    f"\"{new_meta.get('name')}\")) y vuelve a crearlo, o usa un Deployment.",
                    kind, new_meta.get("name"), index, "spec")
            return "configured"
        if kind == "Namespace":
            return "unchanged" if same_meta else "configured"
        if kind == "Node":
            def user(d, auto):
                return {k: v for k, v in (d or {}).items() if k not in auto}
            same = (user(old_meta.get("labels"), _KUBELET_NODE_LABELS) ==
                    user(new_labels, _KUBELET_NODE_LABELS) and
                    user(old_meta.get("annotations"), _KUBELET_NODE_ANNOTATIONS) ==
                    user(new_meta.get("annotations"), _KUBELET_NODE_ANNOTATIONS))
            old_spec, new_spec = existing.get("spec") or {}, desired.get("spec") or {}
            for f in ("taints", "unschedulable"):
                same = same and (old_spec.get(f) or None) == (new_spec.get(f) or None)
            return "unchanged" if same else "configured"
        old = {k: v for k, v in existing.items() if k not in ("metadata", "status")}
        new = {k: v for k, v in desired.items() if k not in ("metadata", "status")}
        return "unchanged" if (old == new and same_meta) else "configured"

    def _new_meta(self, meta: dict) -> dict:
        meta["uid"] = self.store.new_uid()
        meta["creationTimestamp"] = self.timestamp(self.now)
        return meta

    def _create_namespace(self, obj):
        obj = copy.deepcopy(obj)
        meta = self._new_meta(obj.setdefault("metadata", {}))
        meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = meta["name"]
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj["status"] = {"phase": "Active"}
        self.store.put(obj)

    def _create(self, obj: dict) -> None:
        kind = obj["kind"]
        if kind == "Namespace":
            self._create_namespace(obj)
            return
        if kind == "Node":
            spec = obj.get("spec") or {}
            status = obj.get("status") or {}
            cap = status.get("capacity") or status.get("allocatable") or {}
            labels = {k: v for k, v in (obj["metadata"].get("labels") or {}).items()}
            self.add_node(obj["metadata"]["name"], cpu=cap.get("cpu", "4"), memory=cap.get("memory", "8Gi"),
                          pods=int(cap.get("pods", 110)), labels=labels, taints=spec.get("taints"))
            return
        self._new_meta(obj["metadata"])
        if kind == "Pod":
            self._create_pod(obj)
            return
        obj.pop("status", None)
        self.store.put(obj)

    def _update(self, existing: dict, desired: dict) -> None:
        kind = existing["kind"]
        meta = existing["metadata"]
        if kind == "Node":
            auto = ({k: v for k, v in (meta.get("labels") or {}).items() if k in _KUBELET_NODE_LABELS},
                    {k: v for k, v in (meta.get("annotations") or {}).items() if k in _KUBELET_NODE_ANNOTATIONS})
        for f in ("labels", "annotations"):
            if desired["metadata"].get(f):
                meta[f] = copy.deepcopy(desired["metadata"][f])
            else:
                meta.pop(f, None)
        if kind == "Pod":
            old_spec = existing["spec"]
            new_spec = desired["spec"]
            worker = self._workers.get((meta.get("namespace"), meta["name"]))
            for field in ("containers", "initContainers"):
                for old_c, new_c in zip(old_spec.get(field) or [], new_spec.get(field) or []):
                    if old_c.get("image") != new_c.get("image"):
                        old_c["image"] = new_c.get("image")
                        if worker is not None:
                            worker.image_changed(old_c.get("name"))
            for f in _MUTABLE_POD_SPEC:
                if f in new_spec:
                    old_spec[f] = copy.deepcopy(new_spec[f])
            self._scheduler.pod_updated(existing)
        elif kind == "Node":
            for field, kept in zip(("labels", "annotations"), auto):
                if kept:
                    meta[field] = {**kept, **(meta.get(field) or {})}
            spec = desired.get("spec") or {}
            for f in ("taints", "unschedulable"):
                if spec.get(f):
                    existing["spec"][f] = copy.deepcopy(spec[f])
                else:
                    existing["spec"].pop(f, None)
            self._scheduler.node_updated(existing)
        elif kind == "Namespace":
            meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = meta["name"]
        else:
            for k, v in desired.items():
                if k not in ("metadata", "status"):
                    existing[k] = copy.deepcopy(v)
        self.store.put(existing)

    # ------------------------------------------------------------------ pods
    def _create_pod(self, pod: dict) -> None:
        from .kubelet.qos import qos_class

        pod["status"] = {"phase": "Pending", "qosClass": qos_class(pod["spec"])}
        self.store.put(pod)
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        node_name = pod["spec"].get("nodeName")
        if node_name:
            if node_name in self._kubelets:
                self.clock.at(self.now, self._bind_direct, key)
            return  # SCH-1: never goes through the scheduler
        self._scheduler.pod_added(pod)

    def _pending_bound_to(self, node_name):
        for pod in self.store.list("Pod"):
            key = (pod["metadata"]["namespace"], pod["metadata"]["name"])
            if pod["spec"].get("nodeName") == node_name and key not in self._workers:
                yield key, pod

    def _bind_direct(self, key):
        pod = self.store.get("Pod", key[0], key[1])
        if pod is None or key in self._workers:
            return
        self._bind(pod, pod["spec"]["nodeName"], by_scheduler=False)

    def _bind(self, pod: dict, node_name: str, by_scheduler: bool) -> None:
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        pod["spec"]["nodeName"] = node_name
        uid = pod["metadata"]["uid"]
        ref = {"kind": "Pod", "name": key[1], "namespace": key[0], "uid": uid}
        fit_failure = None
        if by_scheduler:
            self._recorder.record(ref, "Normal", "Scheduled",
                                  f"Successfully assigned {key[0]}/{key[1]} to {node_name}",
                                  source="default-scheduler")
        else:
            fit_failure = self._kubelet_admission(pod, self._scheduler.cache.nodes[node_name],
                                                  self._scheduler.pod_info(pod))
        scheduled_at = self.now
        if not fit_failure:
            self._scheduler.pod_bound(pod)
        worker = self._kubelets[node_name].admit(pod, fit_failure=fit_failure)
        worker.conditions["PodScheduled"] = ["True", scheduled_at, None, None]
        self._workers[key] = worker
        self.store.put(pod)

    @staticmethod
    def _kubelet_admission(pod, info, pod_info):
        """SCH-1: a pod bound with nodeName skips the scheduler, but the kubelet still
        admits it (pkg/kubelet/lifecycle/predicate.go generalFilter): first that the
        requests fit (OutOfcpu, OutOfmemory, OutOfpods), then node affinity/selector,
        then NoExecute taints (NoSchedule taints are not checked); the first failure
        wins. Returns (reason, message) or None; the pod's status.message adds
        "Pod was rejected: " (kubelet.go rejectPod)."""
        from .scheduler.plugins.node_affinity import REASON, pod_matches_node
        from .scheduler.plugins.taint_toleration import find_untolerated

        alloc, used = info.allocatable, info.requested
        if len(info.pods) + 1 > info.allowed_pods:
            return "OutOfpods", (f"Node didn't have enough resource: pods, requested: 1, used: {len(info.pods)}, "
                                 f"capacity: {info.allowed_pods}")
        for r, v in pod_info.requests.items():  # cpu in millicores, other resources in units
            if v > alloc.get(r, 0) - used.get(r, 0):
                return (f"OutOf{r}", f"Node didn't have enough resource: {r}, "
                        f"requested: {v}, used: {used.get(r, 0)}, capacity: {alloc.get(r, 0)}")
        if not pod_matches_node(pod["spec"], info.labels, info.name):
            return "NodeAffinity", f"Predicate NodeAffinity failed: {REASON}"
        taint = find_untolerated(info.node["spec"].get("taints"), pod["spec"].get("tolerations"),
                                 effects=("NoExecute",))
        if taint is not None:
            return ("TaintToleration", "Predicate TaintToleration failed: node(s) had taints that the pod "
                    "didn't tolerate")
        return None

    # callbacks from the pod workers
    def _pod_status_changed(self, worker) -> None:
        pod = self.store.get("Pod", worker.namespace, worker.name)
        if pod is not None:
            pod["metadata"]["resourceVersion"] = self.store.next_resource_version()

    def _pod_terminal(self, worker) -> None:
        # The scheduler's pod informer never lists Succeeded/Failed pods: for it the pod is gone.
        self._scheduler.pod_gone((worker.namespace, worker.name))

    def _pod_removed(self, worker) -> None:
        key = (worker.namespace, worker.name)
        worker.kubelet.forget(*key)
        self._workers.pop(key, None)
        self.store.remove("Pod", key[0], key[1])
        self._scheduler.pod_gone(key)

    # ------------------------------------------------------------------ delete
    def delete(self, kind: str, name: str | None = None, namespace: str = "default", wait: bool = True,
               grace_period: int | None = None) -> str:
        """Borra un objeto, como ``kubectl delete``; devuelve ``pod "web" deleted``.

        Un pod en un nodo se detiene con calma (SIGTERM y, si no termina, SIGKILL al
        acabar ``terminationGracePeriodSeconds``) y mientras tanto aparece como
        ``Terminating``. Con ``wait=True`` (lo que hace kubectl) el reloj virtual
        avanza hasta que desaparece; con ``wait=False`` no avanza. También vale
        ``delete("pod/web")``."""
        if name is None and isinstance(kind, str) and "/" in kind:
            kind, name = kind.split("/", 1)
        if not name:
            raise ValueError("falta el nombre del objeto que quieres borrar, p. ej. c.delete(\"pod\", \"web\") "
                             "(error: resource(s) were provided, but no name was specified)")
        kind_name, plural, namespaced = resolve_kind(kind)
        ns = (namespace or "default") if namespaced else None
        obj = self.store.get(kind_name, ns, name)
        if obj is None:
            raise NotFoundError(f'«{name}» no existe (Error from server (NotFound): {plural} "{name}" not found)')
        api_version = obj.get("apiVersion") or "v1"
        prefix = kind_name.lower() + (f".{api_version.split('/', 1)[0]}" if "/" in api_version else "")
        line = f'{prefix} "{name}" deleted'
        if kind_name == "Pod":
            self._delete_pod(obj, wait, grace_period)
        elif kind_name == "Node":
            self._delete_node(name)
        elif kind_name == "Namespace":
            if name in ("default", "kube-system", "kube-public", "kube-node-lease"):
                raise ValueError(f'el espacio de nombres «{name}» no se puede borrar (Error from server '
                                 f'(Forbidden): namespaces "{name}" is forbidden: this namespace may not be deleted)')
            for k in self.store.kinds():
                plural_k, nsd = kind_info(k)
                if not nsd:
                    continue
                for o in self.store.list(k, name):
                    if k == "Pod":
                        self._delete_pod(o, False, grace_period)
                    else:
                        self.store.remove(k, name, o["metadata"]["name"])
            self.store.remove("Namespace", None, name)
            if wait:
                self._wait_gone([("Pod", name, o["metadata"]["name"]) for o in self.store.list("Pod", name)])
        else:
            self.store.remove(kind_name, ns, name)
        return line

    def _delete_pod(self, pod, wait, grace_period):
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        worker = self._workers.get(key)
        if worker is None or worker.terminal and not any(c.state == "running" for c in worker.containers):
            if worker is not None:
                worker.stop_everything()
                self._pod_removed(worker)
            else:
                self.store.remove("Pod", *key)
                self._scheduler.pod_gone(key)
            return
        grace = pod["spec"].get("terminationGracePeriodSeconds", 30) if grace_period is None else grace_period
        if not pod["metadata"].get("deletionTimestamp"):
            pod["metadata"]["deletionTimestamp"] = self.timestamp(self.now + grace)
            pod["metadata"]["deletionGracePeriodSeconds"] = grace
            self._scheduler.pod_updated(pod)
            worker.delete(grace)
        if wait:
            self._wait_gone([("Pod", key[0], key[1])])

    def _wait_gone(self, objs):
        """kubectl delete --wait: run the clock until the objects are gone."""
        for _ in range(100000):
            if all(self.store.get(k, ns, n) is None for k, ns, n in objs):
                return
            nxt = self.clock.next_time()
            if nxt is None:
                return
            self.clock.run_until(nxt)

    def _delete_node(self, name):
        for key, worker in list(self._workers.items()):
            if worker.kubelet.node_name == name:
                worker.stop_everything()
                self._pod_removed(worker)
        self._kubelets.pop(name, None)
        self._scheduler.node_removed(name)
        self.store.remove("Node", None, name)

    # ------------------------------------------------------------------ read
    def _render(self, obj: dict) -> dict:
        if obj.get("kind") != "Pod":
            return copy_object(obj)
        key = (obj["metadata"]["namespace"], obj["metadata"]["name"])
        worker = self._workers.get(key)
        out = {k: copy_object(v) for k, v in obj.items() if k != "status"}
        if worker is not None:
            status = worker.render_status()  # built fresh: no copy needed
            status["qosClass"] = obj["status"].get("qosClass")
        else:
            status = copy_object(obj["status"])
        out["status"] = status
        return out

    def get(self, kind: str, name: str | None = None, namespace: str | None = "default",
            selector: str | None = None, all_namespaces: bool = False):
        """Objetos con la forma de la API (metadata/spec/status), como ``kubectl get -o yaml``.

        ``get("pods")`` da una lista y ``get("pod", "web")`` un dict (copias: cambiarlas no
        cambia el clúster). Acepta los nombres de kubectl (``pods``, ``pod``, ``po``...).
        ``namespace=None`` o ``all_namespaces=True`` listan todos los espacios de nombres;
        ``selector="app=web,tier!=db"`` filtra por etiquetas. Si no existe, lanza
        ``NotFoundError`` (un ``LookupError``). También vale ``get("pod/web")``, como kubectl."""
        if name is None and isinstance(kind, str) and "/" in kind:
            kind, name = kind.split("/", 1)
        kind_name, plural, namespaced = resolve_kind(kind)
        if name is not None:
            ns = (namespace or "default") if namespaced else None
            obj = self.store.get(kind_name, ns, name)
            if obj is None:
                raise NotFoundError(f'«{name}» no existe (Error from server (NotFound): {plural} "{name}" not found)')
            return self._render(obj)
        ns = None if (all_namespaces or namespace is None or not namespaced) else namespace
        if kind_name == "Event":
            return self.events(namespace=ns)
        objs = self.store.list(kind_name, ns)
        if selector:
            from .api.labels import parse_selector

            sel = parse_selector(selector)
            objs = [o for o in objs if sel.matches(o["metadata"].get("labels") or {})]
        objs.sort(key=lambda o: (o["metadata"].get("namespace") or "", o["metadata"]["name"]))
        return [self._render(o) for o in objs]

    @property
    def nodes(self) -> list[dict]:
        """Los objetos Node del clúster (copias)."""
        return self.get("nodes")

    def events(self, name: str | None = None, kind: str | None = None, namespace: str | None = None,
               reason: str | None = None, aggregate: bool = False) -> list[dict]:
        """Los eventos, del más antiguo al más reciente: dicts con ``type``, ``reason``,
        ``message`` (el texto real de Kubernetes, en inglés), ``involvedObject``, ``time``
        (segundos virtuales), ``count``, ``firstTimestamp`` y ``lastTimestamp``.
        Uno por cada vez que ocurre; ``aggregate=True`` agrupa los repetidos como la API.
        Filtra con ``name``, ``kind``, ``namespace`` y ``reason``."""
        return self._recorder.query(name=name, kind=kind, namespace=namespace, reason=reason,
                                    aggregate=aggregate)

    def explain_scheduling(self, pod_name: str, namespace: str = "default") -> dict:
        """Por qué el planificador puso el pod donde lo puso (o por qué sigue Pending).

        Devuelve el último intento de planificar ``pod_name``, nodo a nodo y plugin a plugin,
        como las anotaciones de kube-scheduler-simulator::

            {"pod": "default/web", "selected_node": "nodo2",   # None si no cupo en ninguno
             "nodes": {"nodo1": {"filters": {"NodeResourcesFit": "passed",
                                             "TaintToleration": "node(s) had untolerated taint(s)"}},
                       "nodo2": {"filters": {...},
                                 "scores": {"InterPodAffinity": {"raw": 100, "normalized": 100,
                                                                 "weight": 2, "weighted": 200}, ...},
                                 "total": 287}},
             "message": None}                 # el texto de FailedScheduling si no cupo

        Los nodos que un filtro rechaza no tienen ``scores``; los plugins que no tenían nada que
        hacer en ese intento aparecen en ``skipped``. Si el pod nunca pasó por el planificador
        (``nodeName`` puesto a mano) lanza ``ValueError``; si no existe, ``NotFoundError``."""
        key = (namespace or "default", pod_name)
        if self.store.get("Pod", key[0], pod_name) is None:
            raise NotFoundError(f'el pod «{pod_name}» no existe (Error from server (NotFound): pods "{pod_name}" not found)')
        result = self._scheduler.explain(key)
        if result is None:
            raise ValueError(f"el pod «{pod_name}» no ha pasado por el planificador: o aún no le ha tocado "
                             "(prueba c.run(0)) o se creó con spec.nodeName, que se salta el planificador (SCH-1)")
        return result

    def _worker(self, pod_name: str, namespace: str):
        worker = self._workers.get((namespace or "default", pod_name))
        if worker is None:
            if self.store.get("Pod", namespace or "default", pod_name) is None:
                raise NotFoundError(f'el pod «{pod_name}» no existe (Error from server (NotFound): pods "{pod_name}" not found)')
        return worker

    def logs(self, pod_name: str, container: str | None = None, namespace: str = "default",
             previous: bool = False) -> str:
        """Lo que ha escrito el contenedor (los ``echo`` de los guiones ``sh -c``), como
        ``kubectl logs``. ``previous=True`` da la salida de la ejecución anterior."""
        worker = self._worker(pod_name, namespace)
        if worker is None:
            raise ValueError(f'el pod «{pod_name}» aún no está en ningún nodo: sus contenedores no han arrancado '
                             f'(container in pod "{pod_name}" is waiting to start)')
        try:
            c = worker.find(container)
        except KeyError:
            raise ValueError(f"el pod «{pod_name}» no tiene ningún contenedor «{container}» "
                             f"(container {container} is not valid for pod {pod_name})") from None
        if previous:
            if c.instances < 2:
                raise ValueError(f"el contenedor «{c.name}» no tiene una ejecución anterior "
                                 f'(previous terminated container "{c.name}" in pod "{pod_name}" not found)')
        elif not c.ever_started:
            raise ValueError(f"el contenedor «{c.name}» todavía no ha arrancado "
                             f'(container "{c.name}" in pod "{pod_name}" is waiting to start: {c.reason})')
        return worker.logs(c.name, previous)

    def probe_results(self, pod: str | None = None, namespace: str | None = "default") -> list[dict]:
        """Un dict por cada ejecución de una sonda: ``time``, ``pod``, ``namespace``,
        ``container``, ``probe`` (startup/liveness/readiness) y ``result``
        (Success/Failure). ``pod=None`` da todos; ``namespace=None``, todos los espacios."""
        out = []
        for (ns, name), worker in self._workers.items():
            if pod is not None and name != pod:
                continue
            if namespace is not None and ns != namespace:
                continue
            out.extend(worker.probe_results())
        out.sort(key=lambda r: r["time"])
        return out

    def container_history(self, pod: str, namespace: str = "default") -> list[dict]:
        """Cada ejecución de cada contenedor del pod: ``container``, ``start``, ``end``
        (None si sigue en marcha), ``exitCode`` y ``reason``."""
        worker = self._worker(pod, namespace)
        return [] if worker is None else worker.history()

    def kubectl(self, command: str) -> str:
        """El texto que imprimiría kubectl para ``command`` (get, describe, delete, logs...).

        >>> print(c.kubectl("get pods -o wide"))
        """
        from .kubectl import run

        return run(self, command)

    def __repr__(self) -> str:
        return (f"Cluster(seed={self.seed}, nodes={len(self._kubelets)}, "
                f"pods={len(self.store.list('Pod'))}, now={self.now}s)")
