"""Storage: PersistentVolumeClaim, PersistentVolume and StorageClass (STO-1..4).

A port of ``ValidatePersistentVolumeClaimSpec`` and ``ValidatePersistentVolumeSpec`` in
pkg/apis/core/validation/validation.go and of ``ValidateStorageClass`` in
pkg/apis/storage/validation/validation.go: a claim needs at least one access mode (RWOP alone)
and a ``storage`` request greater than zero (``storage: 0`` is rejected); a volume needs access
modes, a ``capacity`` with only ``storage`` (greater than zero), a single volume source (see
``volumes``) and a supported reclaim policy; names of classes are DNS-1123 subdomains. The
claims of a StatefulSet's ``volumeClaimTemplates`` get the claim checks too: the API server
does not look at them, but every PersistentVolumeClaim the controller creates from them would
fail the same way.
"""
from __future__ import annotations

from ...quantity import parse_quantity
from .. import apierror as E
from . import volumes, warnings
from .common import add, as_dict, as_list, enum_check, get, warn

ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
_RECLAIM = ("Retain", "Delete", "Recycle")
_VOLUME_MODES = ("Filesystem", "Block")


def check(obj: dict, out: list) -> None:
    kind = obj.get("kind")
    spec = obj.get("spec")
    if kind == "PersistentVolumeClaim":
        warnings.check_storage_class_annotation(obj, out)
        if isinstance(spec, dict):
            check_claim_spec(spec, ("spec",), out, api=True)
        elif spec is None:
            add(out, ("spec",), "falta «spec» con «accessModes» y «resources.requests.storage»", "STO-1")
    elif kind == "StatefulSet" and isinstance(spec, dict):
        for i, t in enumerate(as_list(spec.get("volumeClaimTemplates"))):
            if isinstance(t, dict) and isinstance(t.get("spec"), dict):
                check_claim_spec(t["spec"], ("spec", "volumeClaimTemplates", i, "spec"), out, api=False)
    elif kind == "PersistentVolume":
        warnings.check_storage_class_annotation(obj, out)
        _pv(as_dict(spec), out)
    elif kind == "StorageClass":
        _storage_class(obj, out)


def _access_modes(modes, path: tuple, out: list, claim: bool) -> None:
    ap = E.Path(path)
    if modes is None or (isinstance(modes, list) and not modes):
        add(out, path, "falta «accessModes», p. ej. «accessModes: [ReadWriteOnce]» (un nodo puede montarlo en "
                       "lectura y escritura)", "STO-4",
            E.required(ap, "at least 1 access mode is required" if claim else ""))
        return
    rwop = other = False
    for i, m in enumerate(as_list(modes)):
        if not enum_check(out, path + (i,), m, ACCESS_MODES, "el modo de acceso", "STO-4"):
            out[-1].api = str(E.not_supported(ap, m, sorted(ACCESS_MODES)))  # reported on the list, not the item
        if m == "ReadWriteOncePod":
            rwop = True
        elif m in ACCESS_MODES:
            other = True
    if rwop and other:
        add(out, path, "«ReadWriteOncePod» no se puede combinar con otros modos de acceso", "STO-4",
            E.forbidden(ap, "may not use ReadWriteOncePod with other access modes"))


def _quantity(value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        return parse_quantity(value)
    except ValueError:
        return None  # reported by check_quantities


def check_claim_spec(spec: dict, path: tuple, out: list, api: bool = True) -> None:
    """ValidatePersistentVolumeClaimSpec (``api=False``: a template the API server does not check,
    so no API text is shown)."""
    local: list = []
    _claim_spec(spec, path, local)
    for f in local:
        if not api:
            f.api = None
    out.extend(local)


def _claim_spec(spec: dict, path: tuple, out: list) -> None:
    ap = E.Path(path)
    _access_modes(spec.get("accessModes"), path + ("accessModes",), out, claim=True)
    storage = get(spec, "resources", "requests", "storage")
    rp = ap.child("resources").key("storage")
    if storage is None:
        add(out, path + ("resources", "requests", "storage"),
            "falta el tamaño pedido «resources.requests.storage» (p. ej. «1Gi»)", "STO-1", E.required(rp))
    else:
        q = _quantity(storage)
        if q is not None and q.value <= 0:
            add(out, path + ("resources", "requests", "storage"),
                f"el tamaño pedido debe ser mayor que cero, no «{storage}»: ¿cuánto espacio necesitas? p. ej. «1Gi»",
                "STO-1", E.invalid(rp, q.canonical(), "must be greater than zero"))
    cls = spec.get("storageClassName")
    if isinstance(cls, str) and cls:
        for msg in E.dns1123_subdomain(cls):
            add(out, path + ("storageClassName",), f"«{cls}» no es un nombre de StorageClass válido: solo minúsculas, "
                                                   "dígitos, «-» y «.»", "STO-2",
                E.invalid(ap.child("storageClassName"), cls, msg))
    enum_check(out, path + ("volumeMode",), spec.get("volumeMode"), _VOLUME_MODES, "volumeMode")
    for field in ("dataSource", "dataSourceRef"):
        ds = spec.get(field)
        if not isinstance(ds, dict):
            continue
        for f in ("name", "kind"):
            if not ds.get(f):
                add(out, path + (field, f), f"falta «{f}» en «{field}»", "STO-1", E.required(ap.child(field, f)))
        if not ds.get("apiGroup") and ds.get("kind") and ds.get("kind") != "PersistentVolumeClaim":
            add(out, path + (field, "kind"), f"sin «apiGroup», «{field}» solo puede apuntar a un "
                                             "PersistentVolumeClaim (para un VolumeSnapshot indica "
                                             "«apiGroup: snapshot.storage.k8s.io»)", "STO-1",
                E.invalid(ap.child(field), ds.get("kind"),
                          "must be 'PersistentVolumeClaim' when referencing the default apiGroup"))
    sel = spec.get("selector")
    if isinstance(sel, dict):  # ValidateLabelSelector
        from .objectmeta import check_labels
        from .workloads import _check_expressions
        check_labels(as_dict(sel.get("matchLabels")), path + ("selector", "matchLabels"), out, "STO-1")
        _check_expressions(as_list(sel.get("matchExpressions")), path + ("selector", "matchExpressions"), out, "STO-1")
    warnings.check_claim_spec(spec, path, out)


def _pv(spec: dict, out: list) -> None:
    sp = E.path("spec")
    _access_modes(spec.get("accessModes"), ("spec", "accessModes"), out, claim=False)
    capacity = spec.get("capacity")
    if not isinstance(capacity, dict) or not capacity:
        add(out, ("spec", "capacity"), "falta «capacity» con el tamaño del volumen, p. ej. «capacity: {storage: 10Gi}»",
            "STO-1", E.required(sp.child("capacity")))
    else:
        extra = [k for k in capacity if k != "storage"]
        if "storage" not in capacity or extra:
            what = (f"«{extra[0]}» no vale aquí" if extra else "falta «storage»")
            add(out, ("spec", "capacity", extra[0]) if extra else ("spec", "capacity"),
                f"«capacity» solo admite «storage» (el tamaño del volumen): {what}", "STO-1",
                E.not_supported(sp.child("capacity"), capacity, ["storage"]))
        for r, value in capacity.items():
            q = _quantity(value)
            if q is not None and q.value <= 0:
                add(out, ("spec", "capacity", r), f"la capacidad debe ser mayor que cero, no «{value}»", "STO-1",
                    E.invalid(sp.child("capacity").key(r), q.canonical(), "must be greater than zero"))
    policy = spec.get("persistentVolumeReclaimPolicy")
    enum_check(out, ("spec", "persistentVolumeReclaimPolicy"), policy, _RECLAIM, "la política de reclamación", "STO-3",
               empty_ok=True)
    if policy == "Recycle":
        warn(out, ("spec", "persistentVolumeReclaimPolicy"),
             "la política «Recycle» está obsoleta: lo recomendado es el aprovisionamiento dinámico (una StorageClass)",
             "spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended "
             "approach is to use dynamic provisioning.", "STO-3")
    volumes.check_pv_source(spec, out)
    cls = spec.get("storageClassName")
    if isinstance(cls, str) and cls:
        for msg in E.dns1123_subdomain(cls):
            add(out, ("spec", "storageClassName"), f"«{cls}» no es un nombre de StorageClass válido", "STO-2",
                E.invalid(sp.child("storageClassName"), cls, msg))
    enum_check(out, ("spec", "volumeMode"), spec.get("volumeMode"), _VOLUME_MODES, "volumeMode")
    claim = spec.get("claimRef")
    if isinstance(claim, dict) and claim.get("name") and not claim.get("namespace"):
        add(out, ("spec", "claimRef", "namespace"), "«claimRef» necesita «namespace» además de «name»", "STO-1",
            E.required(sp.child("claimRef", "namespace")))


def _storage_class(obj: dict, out: list) -> None:
    """ValidateStorageClass: provisioner required (a qualified name), parameters, enums."""
    prov = obj.get("provisioner")
    if prov is None or prov == "":
        add(out, ("provisioner",), "falta «provisioner», p. ej. «kubernetes.io/no-provisioner»", "STO-4",
            E.required(E.path("provisioner")))
    elif isinstance(prov, str):
        for msg in E.qualified_name(prov.lower()):
            add(out, ("provisioner",), f"«{prov}» no es un nombre de provisionador válido", "STO-4",
                E.invalid(E.path("provisioner"), prov, msg))
    enum_check(out, ("volumeBindingMode",), obj.get("volumeBindingMode"), ("Immediate", "WaitForFirstConsumer"),
               "volumeBindingMode", "STO-4")
    enum_check(out, ("reclaimPolicy",), obj.get("reclaimPolicy"), ("Retain", "Delete"), "reclaimPolicy", "STO-3")
