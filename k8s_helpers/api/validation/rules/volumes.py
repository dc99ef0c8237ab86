"""Volume sources of Pods and PersistentVolumes, and container volumeMounts (POD-5, STO-1).

A port of ``ValidateVolumes``/``validateVolumeSource``, the per-source validators
(``validateHostPathVolumeSource`` and ``validateHostPathType``, ``validateSecretVolumeSource``,
``validateConfigMapVolumeSource``, ``validateKeyToPath``, ``validateNFSVolumeSource``,
``validateProjectedVolumeSource``...), the PersistentVolume source part of
``ValidatePersistentVolumeSpec`` and ``ValidateVolumeMounts`` in
pkg/apis/core/validation/validation.go. A Pod volume with no source is defaulted to
``emptyDir: {}`` (SetDefaults_Volume); a PersistentVolume has no such default: "must specify a
volume type". ``hostPath.type`` is case-sensitive: ``directory`` is rejected.
"""
from __future__ import annotations

import posixpath

from ...quantity import parse_quantity
from .. import apierror as E
from .common import add, as_dict, as_list, enum_check, get, is_int, suggest

# validateVolumeSource's order: a second source is the one reported.
POD_SOURCES = ("emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs",
               "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte",
               "downwardAPI", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk",
               "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO", "csi", "ephemeral", "image")
PV_SOURCES = ("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd",
              "quobyte", "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume",
              "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi")
# Where upstream's field path differs from the JSON name (kept as the API server prints it).
_API_NAME = {"downwardAPI": "downwarAPI", "cephfs": "cephFS"}
HOST_PATH_TYPES = ("", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice")
_FILE_MODE = "must be a number between 0 and 0777 (octal), both inclusive"
# Fields each source requires (Required value when missing or empty).
_REQUIRED = {
    "gitRepo": ("repository",), "gcePersistentDisk": ("pdName",), "awsElasticBlockStore": ("volumeID",),
    "secret": ("secretName",), "nfs": ("server", "path"), "iscsi": ("targetPortal", "iqn"),
    "glusterfs": ("endpoints", "path"), "persistentVolumeClaim": ("claimName",), "rbd": ("monitors", "image"),
    "cinder": ("volumeID",), "cephfs": ("monitors",), "flexVolume": ("driver",), "configMap": ("name",),
    "azureFile": ("secretName", "shareName"), "vsphereVolume": ("volumePath",), "photonPersistentDisk": ("pdID",),
    "portworxVolume": ("volumeID",), "azureDisk": ("diskName", "diskURI"), "storageos": ("volumeName",),
    "scaleIO": ("gateway", "system", "volumeName"), "csi": ("driver",), "local": ("path",), "hostPath": ("path",),
    "quobyte": ("registry", "volume"), "ephemeral": ("volumeClaimTemplate",),
}
_WHAT = {"secretName": "el nombre del Secret", "claimName": "el nombre del PersistentVolumeClaim",
         "name": "el nombre del ConfigMap", "path": "la ruta", "server": "el servidor NFS",
         "volumeClaimTemplate": "la plantilla del PVC"}


def check_pod_volumes(volumes: list, path: tuple, out: list) -> None:
    seen = set()
    for i, v in enumerate(volumes):
        if not isinstance(v, dict):
            continue
        vp = path + (i,)
        name = v.get("name")
        if name is None or name == "":
            add(out, vp + ("name",), "falta «name», el nombre con el que los contenedores montan el volumen",
                api=E.required(E.Path(vp + ("name",))))
        elif isinstance(name, str):
            for msg in E.dns1123_label(name):
                add(out, vp + ("name",), f"«{name}» no es un nombre de volumen válido: solo minúsculas, dígitos y «-», "
                                         "empezando y terminando por letra o dígito (p. ej. «datos»)", "DNS-1123",
                    E.invalid(E.Path(vp + ("name",)), name, msg))
            if name in seen:
                add(out, vp + ("name",), f"el volumen «{name}» está repetido: cada volumen del Pod necesita un nombre "
                                         "distinto", api=E.duplicate(E.Path(vp + ("name",)), name))
            seen.add(name)
        _sources(v, vp, POD_SOURCES, out, pod=True, label=name if isinstance(name, str) else None)


def check_pv_source(spec: dict, out: list) -> None:
    """The PersistentVolumeSource part of ValidatePersistentVolumeSpec."""
    _sources(spec, ("spec",), PV_SOURCES, out, pod=False)
    if spec.get("local") is not None and get(spec, "nodeAffinity", "required") is None:
        add(out, ("spec", "nodeAffinity"), "un PersistentVolume «local» necesita «nodeAffinity»: el disco está en un "
                                           "nodo concreto y Kubernetes tiene que saber en cuál", "STO-1",
            E.required(E.path("spec", "nodeAffinity"), "Local volume requires node affinity"))
    hp = get(spec, "hostPath", "path")
    if isinstance(hp, str) and hp and posixpath.normpath(hp) == "/" and spec.get("persistentVolumeReclaimPolicy") == "Recycle":
        add(out, ("spec", "persistentVolumeReclaimPolicy"), "un PersistentVolume hostPath de «/» no puede usar "
                                                            "«Recycle» (borraría todo el disco del nodo)", "STO-3",
            E.forbidden(E.path("spec", "persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"))


def _sources(obj: dict, path: tuple, order: tuple, out: list, pod: bool, label: str | None = None) -> None:
    present = [s for s in order if obj.get(s) is not None]
    if not present:
        if not pod:  # a Pod volume without source becomes emptyDir (SetDefaults_Volume)
            add(out, path, "falta el tipo de volumen: un PersistentVolume indica dónde están los datos, p. ej. "
                           "«hostPath: {path: /datos}», «nfs: {server: ..., path: ...}» o «csi: ...»", "STO-1",
                E.required(E.Path(path), "must specify a volume type"))
        return
    for s in present[1:]:
        who = f"el volumen «{label}»" if label else "este volumen"
        add(out, path + (s,), f"{who} tiene varios tipos (" + ", ".join(f"«{k}»" for k in present)
            + "); cada volumen tiene un solo tipo: sepáralos en volúmenes distintos",
            api=E.forbidden(E.Path(path + (_API_NAME.get(s, s),)), "may not specify more than 1 volume type"))
    s = present[0]
    src = obj.get(s)
    if isinstance(src, dict):
        _source(s, src, path + (s,), out, pod)


def _required(s: str, src: dict, sp: tuple, out: list) -> None:
    for f in _REQUIRED.get(s, ()):
        v = src.get(f)
        if v is None or v == "" or v == []:
            what = _WHAT.get(f, f"«{f}»")
            api_path = E.Path(sp + (f,))
            if s == "gcePersistentDisk":
                api_path = E.Path(sp[:-1] + ("persistentDisk", f))
            add(out, sp + (f,), f"falta «{f}» en «{s}»" + (f": {what}" if f in _WHAT else ""),
                api=E.required(api_path))


def _source(s: str, src: dict, sp: tuple, out: list, pod: bool) -> None:
    _required(s, src, sp, out)
    ap = E.Path(sp)
    if s == "hostPath":
        p = src.get("path")
        if isinstance(p, str) and p:
            _no_backsteps(p, sp + ("path",), out)
        t = src.get("type")
        if isinstance(t, str) and p:
            enum_check(out, sp + ("type",), t, HOST_PATH_TYPES[1:], "el tipo de hostPath", "POD-5",
                       extra=" (o déjalo vacío para no comprobar nada)", empty_ok=True,
                       api_order=sorted(HOST_PATH_TYPES))
    elif s == "local":
        p = src.get("path")
        if isinstance(p, str) and p:
            _no_backsteps(p, sp + ("path",), out)
    elif s == "emptyDir":
        limit = src.get("sizeLimit")
        try:
            q = parse_quantity(limit) if isinstance(limit, (str, int, float)) and not isinstance(limit, bool) else None
        except ValueError:
            q = None
        if q is not None and q.value < 0:
            add(out, sp + ("sizeLimit",), f"«sizeLimit» no puede ser negativo («{limit}»)", "POD-5",
                E.forbidden(ap.child("sizeLimit"), "SizeLimit field must be a valid resource quantity"))
    elif s in ("secret", "configMap"):
        _mode(src.get("defaultMode"), sp + ("defaultMode",), out)
        for i, kp in enumerate(as_list(src.get("items"))):
            if isinstance(kp, dict):
                _key_to_path(kp, sp + ("items", i), out)
    elif s == "nfs":
        p = src.get("path")
        if isinstance(p, str) and p and not p.startswith("/"):
            add(out, sp + ("path",), f"la ruta NFS «{p}» debe ser absoluta (empezar por «/»)",
                api=E.invalid(ap.child("path"), p, "must be an absolute path"))
    elif s == "downwardAPI":
        _mode(src.get("defaultMode"), sp + ("defaultMode",), out)
        for i, item in enumerate(as_list(src.get("items"))):
            if isinstance(item, dict):
                _downward_file(item, sp + ("items", i), sp, out)
    elif s == "projected":
        _mode(src.get("defaultMode"), sp + ("defaultMode",), out)
        for i, source in enumerate(as_list(src.get("sources"))):
            if not isinstance(source, dict):
                continue
            pp = sp + ("sources", i)
            kinds = [k for k in ("secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle",
                                 "podCertificate") if source.get(k) is not None]
            if len(kinds) > 1:
                add(out, pp, "cada elemento de «sources» lleva un solo tipo: sepáralos en elementos «- » distintos",
                    api=E.forbidden(E.Path(pp), "may not specify more than 1 volume type per source"))
            for k in ("secret", "configMap"):
                ref = source.get(k)
                if isinstance(ref, dict):
                    if not ref.get("name"):
                        add(out, pp + (k, "name"), f"falta «name» en «{k}»", api=E.required(E.Path(pp + (k, "name"))))
                    for j, kp in enumerate(as_list(ref.get("items"))):
                        if isinstance(kp, dict):
                            _key_to_path(kp, pp + (k, "items", j), out)
            sat = source.get("serviceAccountToken")
            if isinstance(sat, dict):
                exp = sat.get("expirationSeconds")
                if is_int(exp) and exp < 600:
                    add(out, pp + ("serviceAccountToken", "expirationSeconds"),
                        f"«expirationSeconds» debe ser al menos 600 (10 minutos), no {exp}",
                        api=E.invalid(E.Path(pp + ("serviceAccountToken", "expirationSeconds")), exp,
                                      "may not specify a duration less than 10 minutes"))
                if not sat.get("path"):
                    add(out, pp + ("serviceAccountToken", "path"), "falta «path» en «serviceAccountToken»",
                        api=E.required(ap.child("path")))
    elif s == "csi":
        driver = src.get("driver")
        if isinstance(driver, str) and driver:
            if len(driver) > 63:
                add(out, sp + ("driver",), "el nombre del driver CSI no puede pasar de 63 caracteres",
                    api=E.too_long(ap.child("driver"), 63))
            for msg in E.dns1123_subdomain(driver.lower()):
                add(out, sp + ("driver",), f"«{driver}» no es un nombre de driver CSI válido (un nombre DNS como "
                                           "«csi.ejemplo.com»)", api=E.invalid(ap.child("driver"), driver, msg))
    elif s == "ephemeral":
        tmpl = src.get("volumeClaimTemplate")
        if isinstance(tmpl, dict) and isinstance(tmpl.get("spec"), dict):
            from .storage import check_claim_spec
            check_claim_spec(tmpl["spec"], sp + ("volumeClaimTemplate", "spec"), out)
    elif s == "image":
        if pod and not src.get("reference"):
            add(out, sp + ("reference",), "falta «reference», la imagen OCI que se monta",
                api=E.required(ap.child("reference")))
        enum_check(out, sp + ("pullPolicy",), src.get("pullPolicy"), ("Always", "IfNotPresent", "Never"),
                   "pullPolicy", "IMG-4", empty_ok=True)


def _no_backsteps(p: str, path: tuple, out: list) -> None:
    if ".." in p.replace("\\", "/").split("/"):
        add(out, path, f"la ruta «{p}» no puede contener «..»", api=E.invalid(E.Path(path), p, "must not contain '..'"))


def _mode(mode, path: tuple, out: list) -> None:
    if is_int(mode) and not 0 <= mode <= 0o777:
        add(out, path, f"el modo {mode} no es válido: debe estar entre 0 y 0777 en octal (0 y 511 en decimal); "
                       "escribe p. ej. «0644» o «420»", api=E.invalid(E.Path(path), mode, _FILE_MODE))


def _relative_path(p: str, path: tuple, out: list) -> None:
    """ValidateLocalNonReservedPath: relative, no «..» element, not starting with «..»."""
    ap = E.Path(path)
    if p.startswith("/"):
        add(out, path, f"la ruta «{p}» debe ser relativa (sin «/» al principio): es un fichero dentro del volumen",
            api=E.invalid(ap, p, "must be a relative path"))
    if ".." in p.split("/"):
        add(out, path, f"la ruta «{p}» no puede contener «..»", api=E.invalid(ap, p, "must not contain '..'"))
    elif p.startswith(".."):
        add(out, path, f"la ruta «{p}» no puede empezar por «..»", api=E.invalid(ap, p, "must not start with '..'"))


def _key_to_path(kp: dict, path: tuple, out: list) -> None:
    for f in ("key", "path"):
        if not kp.get(f):
            add(out, path + (f,), f"falta «{f}» en este elemento de «items»", api=E.required(E.Path(path + (f,))))
    p = kp.get("path")
    if isinstance(p, str) and p:
        _relative_path(p, path + ("path",), out)
    _mode(kp.get("mode"), path + ("mode",), out)


def _downward_file(item: dict, path: tuple, src_path: tuple, out: list) -> None:
    if not item.get("path"):
        add(out, path + ("path",), "falta «path», el nombre del fichero", api=E.required(E.Path(src_path + ("path",))))
    elif isinstance(item.get("path"), str):
        _relative_path(item["path"], path + ("path",), out)
    if item.get("fieldRef") is None and item.get("resourceFieldRef") is None:
        add(out, path, "cada fichero de «downwardAPI» necesita «fieldRef» o «resourceFieldRef»",
            api=E.required(E.Path(src_path), "one of fieldRef and resourceFieldRef is required"))
    _mode(item.get("mode"), path + ("mode",), out)


def check_mounts(container: dict, path: tuple, volumes: set, out: list) -> None:
    """ValidateVolumeMounts: the volume exists, mountPath is set and unique, subPath is relative."""
    mount_paths: dict = {}
    for i, m in enumerate(as_list(container.get("volumeMounts"))):
        if not isinstance(m, dict):
            continue
        mp_path = path + ("volumeMounts", i)
        ap = E.Path(mp_path)
        name, mp = m.get("name"), m.get("mountPath")
        if name is None or name == "":
            add(out, mp_path + ("name",), "falta «name», el volumen que se monta", api=E.required(ap.child("name")))
        elif isinstance(name, str) and name not in volumes:
            guess = suggest(name, [v for v in volumes if isinstance(v, str)])
            add(out, mp_path + ("name",), f"el volumen «{name}» no está definido en «volumes» del Pod"
                + (f"; ¿quisiste decir «{guess}»?" if guess else ""), api=E.not_found(ap.child("name"), name))
        if mp is None or mp == "":
            add(out, mp_path + ("mountPath",), "falta «mountPath», la ruta dentro del contenedor (p. ej. «/datos»)",
                api=E.required(ap.child("mountPath")))
        elif isinstance(mp, str):
            if mp in mount_paths:
                add(out, mp_path + ("mountPath",), f"la ruta «{mp}» ya se usa en volumeMounts[{mount_paths[mp]}]: cada "
                                                   "volumen se monta en una ruta distinta dentro del contenedor",
                    api=E.invalid(ap.child("mountPath"), mp, "must be unique"))
            mount_paths.setdefault(mp, i)
        for f in ("subPath", "subPathExpr"):
            sub = m.get(f)
            if isinstance(sub, str) and sub:
                api_path = E.Path(path + ("volumeMounts", f))  # upstream reports it without the index
                if sub.startswith("/"):
                    add(out, mp_path + (f,), f"«{f}» debe ser una ruta relativa dentro del volumen, no «{sub}»",
                        api=E.invalid(api_path, sub, "must be a relative path"))
                if ".." in sub.split("/"):
                    add(out, mp_path + (f,), f"«{f}» no puede contener «..»",
                        api=E.invalid(api_path, sub, "must not contain '..'"))
        if m.get("subPath") and m.get("subPathExpr"):
            add(out, mp_path + ("subPathExpr",), "«subPath» y «subPathExpr» no pueden ir juntos: usa uno",
                api=E.invalid(ap.child("subPathExpr"), m["subPathExpr"], "subPathExpr and subPath are mutually exclusive"))
        enum_check(out, mp_path + ("mountPropagation",), m.get("mountPropagation"),
                   ("None", "HostToContainer", "Bidirectional"), "mountPropagation")
