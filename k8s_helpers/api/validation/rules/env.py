"""Container environment: ``env`` and ``envFrom`` (ENV-1).

A port of ``ValidateEnv``, ``validateEnvVarValueFrom``, ``validateObjectFieldSelector``,
``validateContainerResourceFieldSelector``, ``validateConfigMapKeySelector``,
``validateSecretKeySelector`` and ``ValidateEnvFrom`` in pkg/apis/core/validation/validation.go:
a variable has a name (printable ASCII without «=», RelaxedEnvironmentVariableValidation being
on since 1.34) and either ``value`` or ``valueFrom``, never both; ``valueFrom`` has exactly one
source; ``fieldRef`` names a supported field; key selectors name a valid key (``[-._a-zA-Z0-9]+``,
not «.», «..» or «..x») of a validly named ConfigMap/Secret; ``envFrom`` items have exactly one of
``configMapRef``/``secretRef`` with a name, and a valid ``prefix``.
"""
from __future__ import annotations

import re

from .. import apierror as E
from .common import add, as_list, suggest

_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
                "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs")
_RESOURCE_FIELDS = ("limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
                    "requests.ephemeral-storage", "requests.memory")
_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
# Labels pkg/apis/core/pods ConvertDownwardAPIFieldLabel knows for v1 (others fail to convert).
_CONVERTIBLE = set(_FIELD_PATHS) | {"metadata.annotations", "metadata.labels", "spec.restartPolicy",
                                    "spec.schedulerName", "status.phase"}
_SUBSCRIPT = re.compile(r"(metadata\.(?:labels|annotations))\['(.*)'\]\Z")


def check(container: dict, path: tuple, out: list) -> None:
    for i, ev in enumerate(as_list(container.get("env"))):
        if isinstance(ev, dict):
            _env_var(ev, path + ("env", i), out)
    for i, ef in enumerate(as_list(container.get("envFrom"))):
        if isinstance(ef, dict):
            _env_from(ef, path + ("envFrom", i), path + ("envFrom",), out)


def _name(name, path: tuple, out: list, what: str = "el nombre de la variable") -> None:
    ap = E.Path(path)
    if name is None or name == "":
        if what.startswith("el nombre"):
            add(out, path, "falta «name», el nombre de la variable de entorno", "ENV-1", E.required(ap))
        return
    if not isinstance(name, str):
        return
    for msg in E.env_var_name(name):
        add(out, path, f"{what} «{name}» no es válido: solo admite caracteres ASCII imprimibles (sin tildes ni «ñ», "
                       "sin espacios raros) y no puede contener «=» (el valor va en «value»)", "ENV-1",
            E.invalid(ap, name, msg))


def _env_var(ev: dict, path: tuple, out: list) -> None:
    _name(ev.get("name"), path + ("name",), out)
    vf = ev.get("valueFrom")
    if vf is None:
        return
    vp = path + ("valueFrom",)
    ap = E.Path(vp)
    if not isinstance(vf, dict):
        return  # the schema reported the type
    sources = [s for s in _SOURCES if vf.get(s) is not None]
    for s in sources:
        sel = vf.get(s)
        if isinstance(sel, dict):
            _selector(s, sel, vp + (s,), out)
    value = ev.get("value")
    name = ev.get("name") if isinstance(ev.get("name"), str) else "…"
    if not sources:
        add(out, vp, "«valueFrom» está vacío: indica de dónde sale el valor con «configMapKeyRef», «secretKeyRef», "
                     "«fieldRef» o «resourceFieldRef»", "ENV-1",
            E.invalid(ap, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
    elif isinstance(value, str) and value != "":
        add(out, vp, f"la variable «{name}» tiene «value» y «valueFrom» a la vez: usa solo uno, «value» para un valor "
                     "fijo o «valueFrom» para leerlo de un ConfigMap, un Secret o del propio Pod", "ENV-1",
            E.invalid(ap, "", "may not be specified when `value` is not empty"))
    elif len(sources) > 1:
        add(out, vp, "«valueFrom» solo admite una fuente; tiene " + " y ".join(f"«{s}»" for s in sources), "ENV-1",
            E.invalid(ap, "", "may not have more than one field specified at a time"))


def _selector(kind: str, sel: dict, path: tuple, out: list) -> None:
    ap = E.Path(path)
    if kind in ("configMapKeyRef", "secretKeyRef"):
        obj = "ConfigMap" if kind == "configMapKeyRef" else "Secret"
        name = sel.get("name")
        if isinstance(name, str) or name is None:
            text = name or ""
            for msg in E.dns1123_subdomain(text):
                add(out, path + ("name",),
                    f"falta «name», el nombre del {obj} del que se lee la clave" if not text else
                    f"«{text}» no es un nombre de {obj} válido: solo minúsculas, dígitos, «-» y «.»", "ENV-1",
                    E.invalid(ap.child("name"), text, msg))
        key = sel.get("key")
        if key is None or key == "":
            add(out, path + ("key",), f"falta «key», la clave del {obj} cuyo valor se usa", "ENV-1",
                E.required(ap.child("key")))
        elif isinstance(key, str):
            for msg in E.config_map_key(key):
                add(out, path + ("key",), f"la clave «{key}» no es válida: {_key_problem(key)}", "ENV-1",
                    E.invalid(ap.child("key"), key, msg))
    elif kind == "fieldRef":
        fp = sel.get("fieldPath")  # apiVersion defaults to v1 (SetDefaults_ObjectFieldSelector)
        if fp is None or fp == "":
            add(out, path + ("fieldPath",), "falta «fieldPath», el campo del Pod que se copia (p. ej. "
                                            "«metadata.name» o «status.podIP»)", "ENV-1",
                E.required(ap.child("fieldPath")))
            return
        if not isinstance(fp, str):
            return
        m = _SUBSCRIPT.match(fp)
        base = m.group(1) if m else fp
        allowed = ", ".join(f"«{f}»" for f in _FIELD_PATHS) + \
            ", «metadata.labels['<clave>']» y «metadata.annotations['<clave>']»"
        guess = suggest(fp, _FIELD_PATHS)
        hint = f". ¿Quisiste decir «{guess}»?" if guess else ""
        if base not in _CONVERTIBLE:  # ConvertDownwardAPIFieldLabel fails first
            add(out, path + ("fieldPath",), f"«{fp}» no es un campo del Pod que se pueda copiar; admitidos: "
                + allowed + hint, "ENV-1",
                E.invalid(ap.child("fieldPath"), fp, f"error converting fieldPath: field label not supported: {base}"))
        elif m:
            key = m.group(2)
            for msg in E.qualified_name(key.lower() if base.endswith("annotations") else key):
                add(out, path, f"«{key}» no es una clave válida de etiqueta o anotación", "ENV-1",
                    E.invalid(ap, key, msg))
        elif fp not in _FIELD_PATHS:
            add(out, path + ("fieldPath",), f"«{fp}» no se puede copiar a una variable de entorno; admitidos: "
                + allowed + hint, "ENV-1", E.not_supported(ap.child("fieldPath"), fp, sorted(_FIELD_PATHS)))
    elif kind == "resourceFieldRef":
        res = sel.get("resource")
        if res is None or res == "":
            add(out, path + ("resource",), "falta «resource» (p. ej. «limits.memory»)", "ENV-1",
                E.required(ap.child("resource")))
        elif isinstance(res, str) and res not in _RESOURCE_FIELDS \
                and not res.startswith(("requests.hugepages-", "limits.hugepages-")):
            guess = suggest(res, _RESOURCE_FIELDS)
            add(out, path + ("resource",), f"«{res}» no es un recurso válido aquí; admitidos: "
                + ", ".join(f"«{r}»" for r in _RESOURCE_FIELDS) + (f". ¿Quisiste decir «{guess}»?" if guess else ""),
                "ENV-1", E.not_supported(ap.child("resource"), res, sorted(_RESOURCE_FIELDS)))


def _key_problem(key: str) -> str:
    if key in (".", ".."):
        return "no puede ser «.» ni «..»"
    if key.startswith(".."):
        return "no puede empezar por «..» (Kubernetes reserva esos nombres para sus ficheros internos)"
    if len(key) > 253:
        return f"tiene {len(key)} caracteres; el máximo es 253"
    return "solo admite letras, dígitos, «-», «_» y «.»"


def _env_from(ef: dict, path: tuple, list_path: tuple, out: list) -> None:
    prefix = ef.get("prefix")
    if isinstance(prefix, str) and prefix:
        _name(prefix, path + ("prefix",), out, what="el prefijo")
    sources = [s for s in ("configMapRef", "secretRef") if ef.get(s) is not None]
    for s in sources:
        ref = ef.get(s)
        if not isinstance(ref, dict):
            continue
        obj = "ConfigMap" if s == "configMapRef" else "Secret"
        name = ref.get("name")
        ap = E.Path(path + (s, "name"))
        if name is None or name == "":
            add(out, path + (s, "name"), f"falta «name», el nombre del {obj} cuyas claves se cargan", "ENV-1",
                E.required(ap))
        elif isinstance(name, str):
            for msg in E.dns1123_subdomain(name):
                add(out, path + (s, "name"), f"«{name}» no es un nombre de {obj} válido: solo minúsculas, dígitos, "
                                             "«-» y «.»", "ENV-1", E.invalid(ap, name, msg))
    if not sources:
        add(out, path, "cada elemento de «envFrom» necesita «configMapRef» o «secretRef» (con «name»)", "ENV-1",
            E.invalid(E.Path(list_path), "", "must specify one of: `configMapRef` or `secretRef`"))
    elif len(sources) > 1:
        add(out, path, "cada elemento de «envFrom» lleva solo una fuente: separa «configMapRef» y «secretRef» en "
                       "dos elementos «- »", "ENV-1",
            E.invalid(E.Path(list_path), "", "may not have more than one field specified at a time"))
