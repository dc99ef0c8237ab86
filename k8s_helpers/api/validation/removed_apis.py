"""apiVersions that Kubernetes no longer serves, and what replaces them.

From the Deprecated API Migration Guide (kubernetes.io/docs/reference/using-api/
deprecation-guide/). A manifest with one of these is rejected by any current
cluster ("no matches for kind ... in version ..."); the student is told the
replacement and, where the new version changed the object, what to adapt.
"""
from __future__ import annotations

_APPS = ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "ControllerRevision")
_RBAC = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")

# (apiVersion, kind) -> (replacement apiVersion or None, removed in, note)
REMOVED: dict[tuple[str, str], tuple[str | None, str, str]] = {}


def _add(api_version, kinds, replacement, removed_in, note=""):
    for k in kinds:
        REMOVED[(api_version, k)] = (replacement, removed_in, note)


_SELECTOR_NOTE = ("en apps/v1 «spec.selector» es obligatorio y debe coincidir con las etiquetas de "
                  "«spec.template.metadata.labels»")
_add("extensions/v1beta1", ("Deployment", "DaemonSet", "ReplicaSet"), "apps/v1", "1.16", _SELECTOR_NOTE)
_add("apps/v1beta1", ("Deployment", "StatefulSet", "ReplicaSet", "ControllerRevision"), "apps/v1", "1.16", _SELECTOR_NOTE)
_add("apps/v1beta2", _APPS, "apps/v1", "1.16", _SELECTOR_NOTE)
_add("extensions/v1beta1", ("NetworkPolicy",), "networking.k8s.io/v1", "1.16")
_add("extensions/v1beta1", ("Ingress",), "networking.k8s.io/v1", "1.22",
     "en networking.k8s.io/v1 el backend se escribe «service: {name: ..., port: {number: ...}}» "
     "y cada ruta necesita «pathType»")
_add("networking.k8s.io/v1beta1", ("Ingress",), "networking.k8s.io/v1", "1.22",
     "en networking.k8s.io/v1 el backend se escribe «service: {name: ..., port: {number: ...}}» "
     "y cada ruta necesita «pathType»")
_add("networking.k8s.io/v1beta1", ("IngressClass",), "networking.k8s.io/v1", "1.22")
_add("extensions/v1beta1", ("PodSecurityPolicy",), None, "1.25",
     "PodSecurityPolicy se eliminó sin sustituto directo: usa Pod Security Admission "
     "(etiquetas «pod-security.kubernetes.io/...» en el Namespace)")
_add("policy/v1beta1", ("PodSecurityPolicy",), None, "1.25",
     "PodSecurityPolicy se eliminó sin sustituto directo: usa Pod Security Admission "
     "(etiquetas «pod-security.kubernetes.io/...» en el Namespace)")
_add("policy/v1beta1", ("PodDisruptionBudget",), "policy/v1", "1.25",
     "en policy/v1 un «selector» vacío ({}) selecciona todos los Pods del namespace")
_add("batch/v1beta1", ("CronJob",), "batch/v1", "1.25")
_add("batch/v2alpha1", ("CronJob",), "batch/v1", "1.21")
_add("autoscaling/v2beta1", ("HorizontalPodAutoscaler",), "autoscaling/v2", "1.25")
_add("autoscaling/v2beta2", ("HorizontalPodAutoscaler",), "autoscaling/v2", "1.26")
_add("discovery.k8s.io/v1beta1", ("EndpointSlice",), "discovery.k8s.io/v1", "1.25")
_add("events.k8s.io/v1beta1", ("Event",), "events.k8s.io/v1", "1.25")
_add("node.k8s.io/v1beta1", ("RuntimeClass",), "node.k8s.io/v1", "1.25")
_add("node.k8s.io/v1alpha1", ("RuntimeClass",), "node.k8s.io/v1", "1.22")
for _v in ("v1beta1", "v1alpha1"):
    _add(f"rbac.authorization.k8s.io/{_v}", _RBAC, "rbac.authorization.k8s.io/v1", "1.22")
    _add(f"scheduling.k8s.io/{_v}", ("PriorityClass",), "scheduling.k8s.io/v1", "1.22" if _v == "v1beta1" else "1.17")
_add("storage.k8s.io/v1beta1", ("StorageClass", "VolumeAttachment", "CSIDriver", "CSINode"), "storage.k8s.io/v1", "1.22")
_add("storage.k8s.io/v1beta1", ("CSIStorageCapacity",), "storage.k8s.io/v1", "1.27")
_add("apiextensions.k8s.io/v1beta1", ("CustomResourceDefinition",), "apiextensions.k8s.io/v1", "1.22")
_add("admissionregistration.k8s.io/v1beta1", ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
     "admissionregistration.k8s.io/v1", "1.22")
_add("apiregistration.k8s.io/v1beta1", ("APIService",), "apiregistration.k8s.io/v1", "1.22")
_add("authentication.k8s.io/v1beta1", ("TokenReview",), "authentication.k8s.io/v1", "1.22")
_add("authorization.k8s.io/v1beta1", ("SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview"),
     "authorization.k8s.io/v1", "1.22")
_add("certificates.k8s.io/v1beta1", ("CertificateSigningRequest",), "certificates.k8s.io/v1", "1.22")
_add("coordination.k8s.io/v1beta1", ("Lease",), "coordination.k8s.io/v1", "1.22")
for _v, _rem in (("v1beta1", "1.26"), ("v1beta2", "1.29"), ("v1beta3", "1.32")):
    _add(f"flowcontrol.apiserver.k8s.io/{_v}", ("FlowSchema", "PriorityLevelConfiguration"),
         "flowcontrol.apiserver.k8s.io/v1", _rem)
_add("admissionregistration.k8s.io/v1alpha1", ("InitializerConfiguration",), None, "1.14",
     "los inicializadores se eliminaron sin sustituto directo: usa webhooks de admisión")
_add("settings.k8s.io/v1alpha1", ("PodPreset",), None, "1.20", "PodPreset se eliminó sin sustituto")

REMOVED_GROUP_VERSIONS = {api for api, _ in REMOVED}


def removed_message(api_version: str, kind: str) -> str | None:
    """Spanish explanation for a removed (apiVersion, kind), or None if not removed."""
    entry = REMOVED.get((api_version, kind))
    if entry is None:
        return None
    replacement, removed_in, note = entry
    text = f"«apiVersion: {api_version}» para {kind} se eliminó en Kubernetes {removed_in} y ningún clúster actual lo acepta"
    if replacement:
        text += f"; usa «apiVersion: {replacement}»"
    if note:
        text += f" ({note})" if replacement else f". {note}"
    return text + "."
