"""OpenAPI schema validation with kubernetes-validate, every error at once, in Spanish.

kubernetes-validate ships the (strict) JSON schemas of each Kubernetes release but
stops at the first error and answers in English; here the same schema files feed
jsonschema's ``iter_errors`` so the student sees every problem, each translated,
with "¿quisiste decir ...?" for misspelt fields and enum values, the replacement of
removed apiVersions, and a warning (not an error) for custom resources (CRDs) that
no built-in schema describes. The Kubernetes version is pinned (PINNED_VERSION) with
a fallback to the newest version the installed package ships.
"""
from __future__ import annotations

import difflib
import functools
import json
import re
import shlex
import sys
from urllib.parse import urljoin

from .findings import Finding
from .removed_apis import REMOVED_GROUP_VERSIONS, removed_message

PINNED_VERSION = "1.36"
_DEFS_URI = "https://kubernetes.io/api/_definitions.json"

_TYPE_NAMES = {"string": "un texto", "integer": "un número entero", "number": "un número",
               "boolean": "un booleano (true/false)", "object": "un objeto (campos «clave: valor»)",
               "array": "una lista (elementos que empiezan por «- »)", "null": "nulo"}


# ----------------------------------------------------------------------------- loading
def _import_jsonschema() -> None:
    """Import jsonschema without its optional rfc3987_syntax, whose Lark grammar takes
    ~2 s to build at import time and is only used for the "iri" format, which
    Kubernetes schemas never use. The block is lifted right after the import."""
    if "jsonschema" in sys.modules:
        return
    blocked = "rfc3987_syntax" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None  # makes `import rfc3987_syntax` raise ImportError
    try:
        import jsonschema  # noqa: F401
    finally:
        if blocked and sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]


@functools.lru_cache(maxsize=1)
def _schema_dir():
    # Locate the package's data without importing it (its import pulls in jsonschema early).
    import importlib.util
    from pathlib import Path
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("kubernetes-validate no está instalado")
    base = Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema"
    versions = []
    for entry in base.iterdir():
        m = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)-local-strict", entry.name)
        if m:
            versions.append(((int(m[1]), int(m[2]), int(m[3])), entry))
    if not versions:
        raise RuntimeError("kubernetes-validate no incluye esquemas estrictos")
    versions.sort()
    want = tuple(int(x) for x in PINNED_VERSION.split("."))
    for v, entry in versions:
        if v[:2] == want:
            return f"{v[0]}.{v[1]}", entry
    v, entry = versions[-1]  # the pinned version is gone: use the newest shipped
    return f"{v[0]}.{v[1]}", entry


def kubernetes_version() -> str:
    """The Kubernetes version (major.minor) whose schemas are used."""
    return _schema_dir()[0]


@functools.lru_cache(maxsize=1)
def _definitions() -> dict:
    with _schema_dir()[1].joinpath("_definitions.json").open(encoding="utf-8") as f:
        return json.load(f)


@functools.lru_cache(maxsize=1)
def _registry():
    _import_jsonschema()
    from referencing import Registry, Resource
    return Registry().with_resource(_DEFS_URI, Resource.from_contents(_definitions()))


@functools.lru_cache(maxsize=1)
def _gvk_index() -> dict:
    """(apiVersion, kind) -> definition name, for every top-level kind of the schemas."""
    index = {}
    for name, d in _definitions()["$defs"].items():
        for gvk in d.get("x-kubernetes-group-version-kind", []) or []:
            group, version, kind = gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", "")
            if kind.endswith("List") or kind in ("DeleteOptions", "WatchEvent", "Status", "APIVersions",
                                                 "APIGroup", "APIGroupList", "APIResourceList"):
                continue
            api = f"{group}/{version}" if group else version
            index.setdefault((api, kind), name)
    return index


@functools.lru_cache(maxsize=1)
def _known_groups() -> set:
    groups = {api.rsplit("/", 1)[0] if "/" in api else "" for api, _ in _gvk_index()}
    groups |= {api.rsplit("/", 1)[0] for api in REMOVED_GROUP_VERSIONS}
    groups |= {"extensions"}
    return groups


@functools.lru_cache(maxsize=256)
def _validator(api_version: str, kind: str):
    """Validator for the same schema file kubernetes-validate would use, or None."""
    _import_jsonschema()
    from jsonschema import Draft202012Validator
    file_api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    ref = _schema_dir()[1].joinpath(f"{kind.lower()}-{file_api}.json")
    try:
        with ref.open(encoding="utf-8") as f:
            schema = json.load(f)
    except (FileNotFoundError, OSError):
        return None
    return Draft202012Validator(schema, registry=_registry())


def _resolve(schema: dict, base: str = _DEFS_URI) -> dict:
    """Follow $ref (and a single-element allOf) to the schema that describes a value."""
    for _ in range(10):
        if not isinstance(schema, dict):
            return {}
        if "$ref" in schema:
            uri = urljoin(base, schema["$ref"])
            try:
                schema = _registry().resolver().lookup(uri).contents
            except Exception:  # an unresolvable reference only costs us a hint
                return {}
            continue
        if "allOf" in schema and len(schema["allOf"]) == 1:
            schema = schema["allOf"][0]
            continue
        return schema
    return {}


def _item_schema(prop_schema: dict) -> dict:
    s = _resolve(prop_schema)
    if "items" in s:
        return _resolve(s["items"])
    return s


# ----------------------------------------------------------------------------- public
def is_validatable(obj: dict) -> bool:
    """True when a built-in schema describes this object (so server-side rules apply)."""
    api, kind = obj.get("apiVersion"), obj.get("kind")
    return isinstance(api, str) and isinstance(kind, str) and (api, kind) in _gvk_index() \
        and _validator(api, kind) is not None


def check(obj: dict, literals: dict | None = None) -> list[Finding]:
    """Schema findings for one object in API shape. ``literals`` maps paths to the
    source text of non-string scalars (``yes`` read as true) to quote it back."""
    out: list[Finding] = []
    api, kind = obj.get("apiVersion"), obj.get("kind")
    if api is None or api == "":
        out.append(_missing_top_key(obj, "apiVersion", "falta «apiVersion», p. ej. «apiVersion: v1» (Pod, Service) o "
                                                       "«apiVersion: apps/v1» (Deployment)"))
    elif not isinstance(api, str):
        out.append(Finding(("apiVersion",), f"«apiVersion» debe ser un texto, no {_describe(api)}"))
    if kind is None or kind == "":
        out.append(_missing_top_key(obj, "kind", "falta «kind», el tipo de objeto (Pod, Deployment, Service...)"))
    elif not isinstance(kind, str):
        out.append(Finding(("kind",), f"«kind» debe ser un texto, no {_describe(kind)}"))
    if out:
        return out
    msg = removed_message(api, kind)
    if msg:
        return [Finding(("apiVersion",), msg)]
    validator = _validator(api, kind) if (api, kind) in _gvk_index() else None
    if validator is None:
        return _unknown_kind(api, kind)
    errors = sorted(validator.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path])
    for err in errors:
        out.extend(_translate(err, obj, literals or {}))
    # de-duplicate (one key can be reported by two schema branches)
    seen, unique = set(), []
    for f in out:
        k = (f.path, f.message)
        if k not in seen:
            seen.add(k)
            unique.append(f)
    return unique


def _missing_top_key(obj: dict, field: str, message: str) -> Finding:
    """`Kind: Pod` or `apiversion: v1`: kubectl finds no «kind»/«apiVersion» ("Object 'Kind' is
    missing"); point at the misspelt key and name the right spelling."""
    others = [k for k in obj if isinstance(k, str) and k != field and k not in ("apiVersion", "kind", "metadata",
                                                                             "spec", "data", "status")]
    guess = _suggest(field, others) if others else None
    if guess is None:
        guess = next((k for k in others if k.lower().replace("_", "").replace("-", "") == field.lower()), None)
    if guess is not None:
        why = " (las mayúsculas cuentan)" if guess.lower() == field.lower() else ""
        return Finding((guess,), f"{message}: has escrito «{guess}», pero el campo se llama «{field}»{why}")
    return Finding((field,), message)


def _unknown_kind(api: str, kind: str) -> list[Finding]:
    index = _gvk_index()
    group = api.rsplit("/", 1)[0] if "/" in api else ""
    same_kind = sorted(a for (a, k) in index if k == kind)
    if same_kind:
        return [Finding(("apiVersion",),
                        f"{kind} no existe en «apiVersion: {api}»; usa «apiVersion: {same_kind[-1]}»"
                        + (f" (versiones disponibles: {', '.join(same_kind)})" if len(same_kind) > 1 else ""))]
    kinds_here = sorted({k for (a, k) in index if a == api})
    lower = {k.lower(): k for (a, k) in index}
    if kind.lower() in lower:
        real = lower[kind.lower()]
        apis = sorted(a for (a, k) in index if k == real)
        return [Finding(("kind",), f"el tipo «{kind}» no existe; ¿quisiste decir «{real}»? (las mayúsculas "
                                   f"cuentan; va con «apiVersion: {apis[-1]}»)")]
    if kinds_here or group in _known_groups():
        pool = kinds_here or sorted({k for (a, k) in index})
        guess = difflib.get_close_matches(kind, pool, n=1, cutoff=0.6)
        msg = f"el tipo «{kind}» no existe en «apiVersion: {api}»"
        if guess:
            apis = sorted(a for (a, k) in index if k == guess[0])
            msg += f"; ¿quisiste decir «{guess[0]}»?" + (f" (va con «apiVersion: {apis[-1]}»)" if api not in apis else "")
        elif kinds_here:
            msg += f"; los tipos de {api} son: {', '.join(kinds_here)}"
        return [Finding(("kind",), msg)]
    return [Finding((), f"{kind} («apiVersion: {api}») no es un tipo integrado de Kubernetes: será un recurso "
                        "personalizado (CRD). Su esquema no está disponible, así que no se ha podido validar; "
                        "solo se ha comprobado la sintaxis YAML.", severity="aviso")]


# ----------------------------------------------------------------------------- translation
def _describe(value) -> str:
    if isinstance(value, bool):
        return f"el booleano {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"el número {value}"
    if isinstance(value, str):
        return f"el texto «{value}»"
    if value is None:
        return "un valor vacío (null)"
    if isinstance(value, list):
        return "una lista"
    if isinstance(value, dict):
        return "un objeto"
    return repr(value)


# Field names students write in Spanish, and the Kubernetes field they mean.
_SPANISH_FIELDS = {
    "nombre": "name", "imagen": "image", "puerto": "port", "puertos": "ports", "valor": "value",
    "valores": "values", "etiquetas": "labels", "etiqueta": "labels", "contenedores": "containers",
    "contenedor": "containers", "replicas": "replicas", "réplicas": "replicas", "recursos": "resources",
    "limites": "limits", "límites": "limits", "peticiones": "requests", "selector": "selector",
    "comando": "command", "argumentos": "args", "volumenes": "volumes", "volúmenes": "volumes",
    "tipo": "type", "clave": "key", "efecto": "effect", "operador": "operator", "ruta": "path",
    "anotaciones": "annotations", "datos": "data", "espacio": "namespace",
}


def _suggest(word: str, candidates) -> str | None:
    candidates = list(candidates)
    for c in candidates:
        if c.lower() == word.lower():
            return c
    spanish = _SPANISH_FIELDS.get(word.lower())
    if spanish in candidates:
        return spanish
    m = difflib.get_close_matches(word, candidates, n=1, cutoff=0.7)
    if m:
        return m[0]
    m = difflib.get_close_matches(word.lower(), [c.lower() for c in candidates], n=1, cutoff=0.7)
    if m:
        return next(c for c in candidates if c.lower() == m[0])
    return None


def _translate(err, root, literals) -> list[Finding]:
    path = tuple(err.absolute_path)
    v = err.validator
    if v == "additionalProperties":
        return _unknown_fields(err, path)
    if v == "required":
        inst = err.instance if isinstance(err.instance, dict) else {}
        return [Finding(path + (r,), f"falta el campo obligatorio «{r}»") for r in err.validator_value
                if r not in inst]
    if v == "type":
        f = _type_error(path, err.instance, err.validator_value, literals.get(path))
        if len(path) == 3 and path[:2] == ("spec", "selector") and path[2] in ("matchLabels", "matchExpressions") \
                and isinstance(err.instance, (dict, list)):
            f.message += (f". En un Service, «selector» es directamente el mapa de etiquetas, sin «{path[2]}»: "
                          "«selector: {app: web}» (SVC-3)")
            f.rule = "SVC-3"
        if _is_label_value_path(path) and isinstance(err.instance, (bool, int, float)):
            f.message += "; los valores de etiquetas y selectores son siempre textos (AFF-1)"
            f.rule = "AFF-1"
        return [f]
    if v == "enum":
        allowed = [a for a in err.validator_value if a is not None]
        msg = f"el valor {_describe(err.instance)} no es válido; los valores posibles son: " + \
              ", ".join(f"«{a}»" for a in allowed)
        if isinstance(err.instance, str):
            g = _suggest(err.instance, [str(a) for a in allowed])
            if g:
                msg += f". ¿Quisiste decir «{g}»?"
        return [Finding(path, msg)]
    if v in ("oneOf", "anyOf"):
        types = set()
        for sub in err.validator_value:
            t = _resolve(sub).get("type", [])
            types |= set([t] if isinstance(t, str) else t)
        types.discard("null")
        if types == {"string", "number"}:
            return [Finding(path, f"debe ser una cantidad como «500m», «1.5» o «256Mi», no {_describe(err.instance)} (RES-1)",
                            "RES-1")]
        if types == {"string", "integer"}:
            return [Finding(path, f"debe ser un número entero (p. ej. 8080) o un nombre de puerto (texto), "
                                  f"no {_describe(err.instance)}")]
        return [Finding(path, f"{_describe(err.instance)} no tiene un formato válido aquí")]
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {"minimum": "mayor o igual que", "maximum": "menor o igual que",
                "exclusiveMinimum": "mayor que", "exclusiveMaximum": "menor que"}[v]
        return [Finding(path, f"debe ser {word} {err.validator_value}, no {err.instance}")]
    if v == "pattern":
        return [Finding(path, f"{_describe(err.instance)} no tiene el formato esperado (patrón {err.validator_value})")]
    if v in ("minItems", "maxItems", "minLength", "maxLength", "uniqueItems"):
        return [Finding(path, f"{_describe(err.instance)} no cumple la restricción «{v}: {err.validator_value}»")]
    return [Finding(path, f"{_describe(err.instance)} no es válido aquí (regla del esquema «{v}»)")]


_LABEL_MAPS = {"labels", "nodeSelector", "matchLabels", "selector"}


def _is_label_value_path(path) -> bool:
    """…labels.<key>, …nodeSelector.<key>, …matchExpressions[i].values[j]."""
    return (len(path) >= 2 and path[-2] in _LABEL_MAPS and isinstance(path[-1], str)) or \
        (len(path) >= 2 and path[-2] == "values" and isinstance(path[-1], int))


def _type_error(path, instance, expected, literal=None) -> Finding:
    exp = [expected] if isinstance(expected, str) else list(expected)
    exp = [t for t in exp if t != "null"]
    want = " o ".join(_TYPE_NAMES.get(t, t) for t in exp)
    msg = f"debe ser {want}, no {_describe(instance)}"
    if "string" in exp and isinstance(instance, (bool, int, float)) and not isinstance(instance, list):
        lit = literal or (str(instance).lower() if isinstance(instance, bool) else str(instance))
        kind = "un booleano" if isinstance(instance, bool) else "un número"
        msg += f". En YAML, {lit} sin comillas es {kind}, no un texto: escríbelo entre comillas, \"{lit}\""
    elif ("integer" in exp or "number" in exp) and isinstance(instance, str) and re.fullmatch(r"-?\d+(\.\d+)?", instance.strip()):
        msg += f". Quita las comillas: {instance.strip()}"
    elif "object" in exp and isinstance(instance, str):
        m = re.fullmatch(r"\s*([A-Za-z0-9_.\-/]+):(\S.*)", instance)
        m2 = re.fullmatch(r"\s*([A-Za-z][A-Za-z0-9_.\-/]*)\s+(\S.*)", instance)
        if m:
            msg += (f". ¿Falta un espacio después de los dos puntos? «{m.group(1)}:{m.group(2)}» debe escribirse "
                    f"«{m.group(1)}: {m.group(2)}»")
        elif re.fullmatch(r"\s*[A-Za-z0-9_.\-/]+=\S*(\s*,\s*[A-Za-z0-9_.\-/]+=\S*)*\s*", instance):
            pairs = [x.strip().split("=", 1) for x in instance.split(",")]
            msg += (". En YAML cada pareja se escribe «clave: valor» en su propia línea, no «clave=valor»: "
                    + ", ".join(f"«{k}: {v}»" for k, v in pairs))
        elif m2 and ":" not in instance:
            msg += (f". ¿Falta «:»? «{m2.group(1)} {m2.group(2)}» debe escribirse «{m2.group(1)}: {m2.group(2)}»")
    elif "object" in exp and path and path[-1] == "port" and isinstance(instance, (int, str)) \
            and not isinstance(instance, bool):
        field = "number" if isinstance(instance, int) else "name"
        msg += f". En un Ingress el puerto del Service se escribe «port: {{{field}: {instance}}}» (ING-1)"
        return Finding(path, msg, "ING-1")
    elif "array" in exp and isinstance(instance, dict):
        msg += ". Cada elemento de la lista empieza por «- »"
    elif "object" in exp and isinstance(instance, list):
        msg += ". Aquí no va una lista: quita el guion «-» del principio"
    elif "array" in exp and isinstance(instance, str):
        words = _shell_words(instance)
        if len(words) > 1 and path and path[-1] in ("command", "args"):
            msg += (". Escribe una lista con una palabra por elemento: ["
                    + ", ".join(json.dumps(w, ensure_ascii=False) for w in words) + "]")
        else:
            msg += f". Escribe una lista: «- {instance}» en la línea siguiente, o [\"{instance}\"]"
    return Finding(path, msg)


def _shell_words(text: str) -> list[str]:
    """Split like a shell (quotes group words: sh -c "echo hola" -> 3 words); fall back to spaces."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _unknown_fields(err, path) -> list[Finding]:
    schema = err.schema
    props = schema.get("properties", {}) or {}
    inst = err.instance if isinstance(err.instance, dict) else {}
    out = []
    for key in inst:
        if key in props:
            continue
        msg = f"el campo «{key}» no existe aquí"
        guess = _suggest(key, props)
        hint = _misplaced_hint(key, inst, props)
        if hint and (not guess or hint.startswith(". «" + key + "» es un campo de cada")
                     or hint.endswith(("(RS-1)", "(ING-1)"))):
            msg += hint
        elif guess:
            msg += f". ¿Quisiste decir «{guess}»?"
        else:
            if props:
                msg += ". Campos válidos: " + ", ".join(sorted(props)[:25]) + ("..." if len(props) > 25 else "")
        # kubectl apply (server-side strict field validation, the default since 1.27) answers
        # '... cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"'.
        from .yamlsource import format_path
        out.append(Finding(path + (key,), msg,
                           api=f'strict decoding error: unknown field "{format_path(path + (key,))}"'))
    return out


def _misplaced_hint(key: str, inst: dict, props: dict) -> str | None:
    # `selector: {app: web}` in a LabelSelector: the labels go inside matchLabels.
    if "matchLabels" in props and "matchExpressions" in props and "matchLabels" not in inst \
            and _suggest(key, props) is None:
        return (f". Las etiquetas del selector van dentro de «matchLabels»: «selector: {{matchLabels: "
                f"{{{key}: ...}}}}» (RS-1)")
    # networking.k8s.io/v1beta1 Ingress backends, removed in 1.22.
    if key in ("serviceName", "servicePort") and "service" in props:
        return (". «serviceName»/«servicePort» eran del Ingress antiguo (networking.k8s.io/v1beta1, eliminado en "
                "Kubernetes 1.22); en networking.k8s.io/v1 se escribe «service: {name: web, port: {number: 80}}» (ING-1)")
    # A field of a list item written at the level of the list (the item's indentation was lost).
    for sib, value in inst.items():
        if sib in props and isinstance(value, list) and value and isinstance(value[-1], dict):
            item = _item_schema(props[sib])
            if key in (item.get("properties") or {}):
                return (f". «{key}» es un campo de cada elemento de «{sib}»: parece que ha quedado fuera del "
                        f"elemento de la lista; alinéalo con los demás campos del elemento (justo después del «- »)")
    # A field of a child object written one level too high: `port: 80` beside `httpGet:` in a probe
    # belongs inside it. Prefer a child the object already has, then the one that also explains the
    # other stray keys (`path` + `port` -> httpGet), else name every candidate.
    holders = [name for name, ps in props.items() if key in (_item_schema(ps).get("properties") or {})]
    holders.sort(key=lambda h: (_COMMON_HOLDERS.index(h) if h in _COMMON_HOLDERS else len(_COMMON_HOLDERS), h))
    if not holders:
        return None
    present = [h for h in holders if h in inst]
    if not present:
        stray = [k for k in inst if k not in props and k != key]
        both = [h for h in holders if all(k in (_item_schema(props[h]).get("properties") or {}) for k in stray)] \
            if stray else []
        present = both if len(both) == 1 else []
    if len(present) == 1 or len(holders) == 1:
        holder = (present or holders)[0]
        example = _nested_example(key, inst.get(key), holder)
        return (f": «{key}» va dentro de «{holder}», sangrado debajo de «{holder}:»"
                + (f" (p. ej. {example})" if example else ""))
    return ". «" + key + "» va dentro de " + " o de ".join(f"«{h}»" for h in holders) + \
        ", según el tipo que quieras, sangrado debajo de él"


_COMMON_HOLDERS = ["httpGet", "tcpSocket", "exec", "grpc", "service", "resources", "securityContext"]


def _nested_example(key: str, value, holder: str) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"«{holder}: {{{key}: {value}}}»"
    return None


# ----------------------------------------------------------------------------- typed walk
_QUANTITY_DEF = "io.k8s.apimachinery.pkg.api.resource.Quantity"


def iter_typed_values(obj: dict, def_names: frozenset):
    """Yield (path, value, def_name) for every value whose schema is one of `def_names`
    (e.g. every Quantity), following the object's own schema."""
    api, kind = obj.get("apiVersion"), obj.get("kind")
    validator = _validator(api, kind) if isinstance(api, str) and isinstance(kind, str) else None
    if validator is None:
        return
    stack = [((), obj, validator.schema)]
    steps = 0
    while stack:
        path, value, schema = stack.pop()
        steps += 1
        if steps > 200_000:
            return
        ref_name = None
        for _ in range(10):
            if isinstance(schema, dict) and "$ref" in schema:
                ref = schema["$ref"]
                ref_name = ref.rsplit("/", 1)[-1]
                schema = _resolve({"$ref": ref})
            else:
                break
        if ref_name in def_names:
            yield path, value, ref_name
            continue
        if not isinstance(schema, dict):
            continue
        if isinstance(value, dict):
            props = schema.get("properties") or {}
            extra = schema.get("additionalProperties")
            for k, v in value.items():
                if k in props:
                    stack.append((path + (k,), v, props[k]))
                elif isinstance(extra, dict):
                    stack.append((path + (k,), v, extra))
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            for i, v in enumerate(value):
                stack.append((path + (i,), v, schema["items"]))


def quantity_values(obj: dict):
    """(path, value) of every Quantity field present in the object."""
    for path, value, _ in iter_typed_values(obj, frozenset({_QUANTITY_DEF})):
        yield path, value
