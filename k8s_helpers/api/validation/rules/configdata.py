"""ConfigMap and Secret: keys, base64 data, size and the keys each Secret type needs (CFG-1).

A port of ``ValidateConfigMap`` and ``ValidateSecret`` in pkg/apis/core/validation/validation.go:
every key is a valid config key (``IsConfigMapKey``: ``[-._a-zA-Z0-9]+``, at most 253
characters, not «.» or «..» and not starting with «..», which the kubelet reserves for the
``..data`` links of a mounted volume); a ConfigMap key may not be in ``data`` and
``binaryData`` at once; the whole content is at most 1 MiB; ``stringData`` is merged into
``data`` before validation, so its keys are reported as ``data[key]``; typed Secrets need
their keys (``kubernetes.io/tls`` needs ``tls.crt`` and ``tls.key``...). Secret ``data`` values
must be base64: kubectl's decoder rejects anything else before validation.
"""
from __future__ import annotations

import base64
import binascii
import json

from .. import apierror as E
from .common import add, as_dict

MAX_SIZE = 1024 * 1024
_TYPE_KEYS = {  # Secret type -> keys that must be present (any one of a tuple of alternatives)
    "kubernetes.io/tls": (("tls.crt",), ("tls.key",)),
    "kubernetes.io/dockercfg": ((".dockercfg",),),
    "kubernetes.io/dockerconfigjson": ((".dockerconfigjson",),),
    "kubernetes.io/ssh-auth": (("ssh-privatekey",),),
}


def _key_problem(key: str) -> str:
    if key in (".", ".."):
        return "no puede ser «.» ni «..»"
    if key.startswith(".."):
        return ("no puede empezar por «..»: Kubernetes reserva esos nombres (como «..data») para los enlaces internos "
                "del volumen en el que se montan las claves")
    if len(key) > 253:
        return f"tiene {len(key)} caracteres; el máximo es 253"
    return "solo admite letras, dígitos, «-», «_» y «.» (sin espacios ni «/»); p. ej. «config.yaml» o «DB_HOST»"


def _decoded(value: str) -> bytes | None:
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def check(obj: dict, out: list) -> None:
    kind = obj.get("kind")
    if kind not in ("ConfigMap", "Secret"):
        return
    sections = ("data", "binaryData") if kind == "ConfigMap" else ("data", "stringData")
    total = 0
    for section in sections:
        values = as_dict(obj.get(section))
        api_section = "data" if section == "stringData" else section
        for key, value in values.items():
            for msg in E.config_map_key(key):
                add(out, (section, key), f"la clave «{key}» no es válida: {_key_problem(key)}", "CFG-1",
                    E.invalid(E.path(api_section).key(key), key, msg))
            if isinstance(value, str):
                if kind == "Secret" and section == "data":
                    raw = _decoded(value)
                    if raw is None:
                        add(out, (section, key), "los valores de «data» de un Secret van en base64 (p. ej. "
                                                 "«echo -n 'secreto' | base64»); para escribir el texto tal cual usa "
                                                 "«stringData»", "CFG-1",
                            f'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte '
                            f"{_bad_byte(value)}")
                        continue
                    total += len(raw)
                elif section == "binaryData":
                    raw = _decoded(value)
                    if raw is None:
                        add(out, (section, key), "los valores de «binaryData» van en base64 (p. ej. «base64 -w0 "
                                                 "logo.png»); para texto normal usa «data»", "CFG-1",
                            f'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input '
                            f"byte {_bad_byte(value)}")
                        continue
                    total += len(raw)
                else:
                    total += len(value.encode("utf-8", "surrogatepass"))
    if kind == "ConfigMap":
        binary = as_dict(obj.get("binaryData"))
        for key in as_dict(obj.get("data")):
            if key in binary:
                add(out, ("data", key), f"la clave «{key}» está a la vez en «data» y en «binaryData»: usa solo una",
                    "CFG-1", E.invalid(E.path("data").key(key), key, "duplicate of key present in binaryData"))
    if total > MAX_SIZE:
        where = ("data",) if kind == "Secret" else ()
        add(out, where, f"el contenido ocupa {total} bytes y el máximo de un {kind} es 1 MiB ({MAX_SIZE} bytes): "
                        "guarda los ficheros grandes en un volumen", "CFG-1", E.too_long(E.Path(where), MAX_SIZE))
    if kind == "Secret":
        _secret_type(obj, out)


def _bad_byte(value: str) -> int:
    """Position of the first character that is not base64 (what Go's decoder reports)."""
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    for i, ch in enumerate(value):
        if ch not in alphabet and ch != "=":
            return i
    stripped = value.rstrip("=")
    return len(stripped) - len(stripped) % 4 if len(stripped) % 4 == 1 else len(value)


def _secret_type(obj: dict, out: list) -> None:
    t = obj.get("type") if isinstance(obj.get("type"), str) else None  # other types: reported by the schema
    keys = set(as_dict(obj.get("data"))) | set(as_dict(obj.get("stringData")))
    where = ("data",) if "data" in obj else ("stringData",) if "stringData" in obj else ("type",)
    if t in _TYPE_KEYS:
        for alternatives in _TYPE_KEYS[t]:
            if not keys & set(alternatives):
                key = alternatives[0]
                add(out, where, f"un Secret de tipo «{t}» necesita la clave «{key}» en «data» (o en «stringData»)",
                    "CFG-1", E.required(E.path("data").key(key)))
        json_key = {"kubernetes.io/dockercfg": ".dockercfg", "kubernetes.io/dockerconfigjson": ".dockerconfigjson"}.get(t)
        value = as_dict(obj.get("data")).get(json_key) if json_key else None
        text = _decoded(value) if isinstance(value, str) else None
        if text is None and json_key and isinstance(as_dict(obj.get("stringData")).get(json_key), str):
            text = as_dict(obj.get("stringData"))[json_key].encode("utf-8", "surrogatepass")
        if text is not None:
            try:
                if not isinstance(json.loads(text), dict):
                    raise ValueError
            except ValueError:
                add(out, ("data", json_key), f"«{json_key}» debe contener un objeto JSON válido (la configuración de "
                                             "acceso al registro)", "CFG-1",
                    E.invalid(E.path("data").key(json_key), "<secret contents redacted>", "invalid JSON"))
    elif t == "kubernetes.io/basic-auth" and not keys & {"username", "password"}:
        for key in ("username", "password"):
            add(out, where, f"un Secret «kubernetes.io/basic-auth» necesita «{key}» (o al menos uno de "
                                "«username» y «password»)", "CFG-1", E.required(E.path("data").key(key)))
    elif t == "kubernetes.io/service-account-token":
        ann = as_dict((obj.get("metadata") or {}).get("annotations") if isinstance(obj.get("metadata"), dict) else None)
        if not ann.get("kubernetes.io/service-account.name"):
            add(out, ("metadata", "annotations"), "un Secret «kubernetes.io/service-account-token» necesita la "
                                                  "anotación «kubernetes.io/service-account.name»", "CFG-1",
                E.required(E.path("metadata", "annotations").key("kubernetes.io/service-account.name")))
