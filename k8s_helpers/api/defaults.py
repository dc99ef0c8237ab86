"""Defaults the API server writes into objects at creation time.

- POD-1 (SetDefaults_PodSpec / SetDefaults_Pod): restartPolicy Always,
  terminationGracePeriodSeconds 30, dnsPolicy ClusterFirst, schedulerName
  default-scheduler, a volume with no source becomes ``emptyDir: {}``, httpGet
  probes get path ``/`` and scheme HTTP; for Pods (not templates) every limit
  missing from ``requests`` is copied there. ResourceList values are rounded up
  to milli precision and written in canonical form.
- PRB-1 (SetDefaults_Probe): timeoutSeconds 1, periodSeconds 10,
  successThreshold 1, failureThreshold 3 (initialDelaySeconds stays unset = 0).
- IMG-4: imagePullPolicy from the image tag, only when empty.
- TNT-3 (DefaultTolerationSeconds admission): not-ready and unreachable
  NoExecute tolerations with tolerationSeconds 300 unless the pod has its own.
- Ports get protocol TCP; containers get terminationMessagePath/Policy.
- SVC-1 (SetDefaults_Service, pkg/apis/core/v1/defaults.go): type ClusterIP,
  sessionAffinity None (ClientIP gets ``timeoutSeconds: 10800``), ports TCP with
  targetPort = port, internalTrafficPolicy Cluster, externalTrafficPolicy Cluster for
  NodePort/LoadBalancer, allocateLoadBalancerNodePorts true for LoadBalancer.

Functions work on copies and return the defaulted object; they never raise on
odd input (validation runs before them).
"""
from __future__ import annotations

import copy
from fractions import Fraction

__all__ = ["default_pod", "default_pod_spec", "default_probe", "default_container",
           "default_service", "default_object", "NOT_READY_TAINT", "UNREACHABLE_TAINT",
           "SESSION_AFFINITY_TIMEOUT"]

NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
DEFAULT_TOLERATION_SECONDS = 300
#: SVC-1: sessionAffinity ClientIP sticks for 3 hours unless sessionAffinityConfig says otherwise
SESSION_AFFINITY_TIMEOUT = 10800

_VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs",
    "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker",
    "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk",
    "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral",
    "image",
)


def _pull_policy(image, policy):
    """IMG-4, via k8s_helpers.images (one home per rule)."""
    from k8s_helpers.images import default_pull_policy
    try:
        return default_pull_policy(image or "", policy)
    except ValueError:
        return policy


def default_probe(probe: dict | None) -> dict | None:
    """PRB-1 defaults on a copy of ``probe`` (and POD-1 httpGet path/scheme)."""
    if not isinstance(probe, dict):
        return probe
    p = dict(probe)
    p.setdefault("timeoutSeconds", 1)
    p.setdefault("periodSeconds", 10)
    p.setdefault("successThreshold", 1)
    p.setdefault("failureThreshold", 3)
    if isinstance(p.get("httpGet"), dict):
        h = dict(p["httpGet"])
        h.setdefault("path", "/")
        h.setdefault("scheme", "HTTP")
        p["httpGet"] = h
    return p


def _canonical_resources(resources: dict, copy_limits: bool) -> dict:
    from k8s_helpers.api.quantity import Quantity, parse_quantity

    out = dict(resources)
    for field in ("limits", "requests"):
        if isinstance(out.get(field), dict):
            values = {}
            for name, value in out[field].items():
                try:
                    q = parse_quantity(value)
                    milli = q.milli  # POD-1: rounded up to milli precision
                    q2 = Quantity(Fraction(milli, 1000), q.format)
                    values[name] = q2.canonical() if q2.value != q.value else q.canonical()
                except (ValueError, TypeError):
                    values[name] = value
            out[field] = values
    if copy_limits and isinstance(out.get("limits"), dict):
        req = dict(out.get("requests") or {})
        for name, value in out["limits"].items():
            req.setdefault(name, value)
        out["requests"] = req
    return out


def default_container(c: dict, is_template: bool = False) -> dict:
    """Container defaults: imagePullPolicy (IMG-4), ports TCP, probes (PRB-1), resources (POD-1)."""
    if not isinstance(c, dict):
        return c
    c = dict(c)
    c["imagePullPolicy"] = _pull_policy(c.get("image"), c.get("imagePullPolicy"))
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    if isinstance(c.get("ports"), list):
        c["ports"] = [dict(p, protocol=p.get("protocol") or "TCP") if isinstance(p, dict) else p
                      for p in c["ports"]]
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if probe in c:
            c[probe] = default_probe(c[probe])
    if isinstance(c.get("resources"), dict):
        c["resources"] = _canonical_resources(c["resources"], copy_limits=not is_template)
    else:
        c["resources"] = {}
    return c


def default_pod_spec(spec: dict, is_template: bool = False) -> dict:
    """POD-1 defaults on a copy of a PodSpec (``is_template`` for pod templates)."""
    spec = copy.deepcopy(spec) if isinstance(spec, dict) else {}
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 0)
    spec.setdefault("serviceAccountName", spec.get("serviceAccount") or "default")
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    for field in ("containers", "initContainers", "ephemeralContainers"):
        if isinstance(spec.get(field), list):
            spec[field] = [default_container(c, is_template) for c in spec[field]]
    if isinstance(spec.get("volumes"), list):
        vols = []
        for v in spec["volumes"]:
            if isinstance(v, dict) and not any(k in v for k in _VOLUME_SOURCES):
                v = dict(v, emptyDir={})
            vols.append(v)
        spec["volumes"] = vols
    if not is_template:
        _default_tolerations(spec)
    return spec


def _default_tolerations(spec: dict) -> None:
    """TNT-3: add not-ready/unreachable NoExecute tolerations (300 s) unless present."""
    tols = list(spec.get("tolerations") or [])

    def has(key):
        for t in tols:
            if not isinstance(t, dict):
                continue
            if t.get("operator") == "Exists" and not t.get("key") and t.get("effect") in (None, "", "NoExecute"):
                return True
            if t.get("key") == key and t.get("effect") in (None, "", "NoExecute"):
                return True
        return False

    for key in (NOT_READY_TAINT, UNREACHABLE_TAINT):
        if not has(key):
            tols.append({"key": key, "operator": "Exists", "effect": "NoExecute",
                         "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})
    spec["tolerations"] = tols


def default_pod(pod: dict) -> dict:
    """A copy of ``pod`` with the API server's defaults (POD-1, PRB-1, IMG-4, TNT-3)."""
    pod = copy.deepcopy(pod)
    meta = pod.setdefault("metadata", {})
    meta.setdefault("namespace", "default")
    pod["spec"] = default_pod_spec(pod.get("spec") or {}, is_template=False)
    return pod


def default_service(service: dict) -> dict:
    """A copy of ``service`` with SetDefaults_Service applied (SVC-1).

    ClusterIP, ipFamilies and nodePorts are not defaults: the registry allocates them
    (:mod:`k8s_helpers.network.service_ips`)."""
    service = copy.deepcopy(service)
    meta = service.setdefault("metadata", {})
    meta.setdefault("namespace", "default")
    spec = service.setdefault("spec", {})
    if not isinstance(spec, dict):
        return service
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "ClientIP":
        config = spec.setdefault("sessionAffinityConfig", {})
        client = config.setdefault("clientIP", {})
        client.setdefault("timeoutSeconds", SESSION_AFFINITY_TIMEOUT)
    ports = []
    for p in spec.get("ports") or []:
        if isinstance(p, dict):
            p = dict(p)
            p["protocol"] = p.get("protocol") or "TCP"
            if p.get("targetPort") in (None, 0, ""):
                p["targetPort"] = p.get("port")
        ports.append(p)
    if "ports" in spec:
        spec["ports"] = ports
    if spec["type"] != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if spec["type"] == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    return service


def default_object(obj: dict) -> dict:
    """Defaults by kind: Pods and Services fully; other kinds get metadata.namespace only."""
    kind = obj.get("kind")
    if kind == "Pod":
        return default_pod(obj)
    if kind == "Service":
        return default_service(obj)
    obj = copy.deepcopy(obj)
    return obj
