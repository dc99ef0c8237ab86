"""Checks of one document: shape, schema (kubernetes-validate) and server-side rules."""
from __future__ import annotations

import os
import re

from .problem import Problem, ValidationResult

_DEBUG = bool(os.environ.get("K8S_VALIDATION_DEBUG"))
from .yamlsource import MAX_DEPTH, SourceDocument, format_path


def _name_of(obj) -> str | None:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    if isinstance(meta, dict):
        name = meta.get("name") or meta.get("generateName")
        return str(name) if name is not None else None
    return None


_MISPLACED = re.compile(r"«([^»]+)» va dentro de «([^»]+)», sangrado")


def _too_deep(obj):
    """The path where ``obj`` goes deeper than MAX_DEPTH (or loops back into itself), else None.
    Iterative: a dict nested 10,000 levels must not exhaust the stack."""
    stack = [(obj, (), frozenset())]
    while stack:
        node, path, ancestors = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if len(path) > MAX_DEPTH or id(node) in ancestors:
            return path[:MAX_DEPTH]
        inner = ancestors | {id(node)}
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in items:
            if isinstance(v, (dict, list)):
                stack.append((v, path + (k if isinstance(k, (str, int)) else str(k),), inner))
    return None


def check_document(obj, index: int, source: SourceDocument | None, result: ValidationResult,
                   prefix: tuple = ()) -> None:
    if (isinstance(obj, dict) and obj.get("kind") == "List" and obj.get("apiVersion") == "v1"
            and isinstance(obj.get("items"), list) and not prefix):
        # kubectl accepts `kind: List`: each item is an object of its own.
        for i, item in enumerate(obj["items"]):
            check_document(item, index, source, result, prefix=("items", i))
        return
    kind = obj.get("kind") if isinstance(obj, dict) else None
    kind = kind if isinstance(kind, str) else None
    name = _name_of(obj)

    def emit(path, message, rule=None, severity="error", api=None):
        path = prefix + tuple(path)
        line = col = None
        if source is not None:
            line, col = source.line_of(path)
        result.add(Problem(message, format_path(path) or None, line, col, rule, index, kind, name, severity, api))

    too_deep = _too_deep(obj)
    if too_deep:
        emit(too_deep[:4], f"el documento está anidado a más de {MAX_DEPTH} niveles (o se contiene a sí mismo): ningún "
                       "manifiesto real llega a tanto, así que no se revisa")
        return
    if not isinstance(obj, dict):
        shown = repr(obj) if not isinstance(obj, str) else obj
        what = "una lista" if isinstance(obj, list) else f"un valor suelto («{shown[:60]}»)"
        emit((), f"el documento es {what}, no un objeto de Kubernetes: se esperaba un mapa con "
                 "«apiVersion», «kind», «metadata»...")
        return

    from . import schema
    try:
        literals = {}
        if source is not None:
            n = len(prefix)
            literals = {k[n:]: v for k, v in source.literals.items() if k[:n] == prefix}
        findings = schema.check(obj, literals)
        schema_ok = not any(f.severity == "error" for f in findings)
        rule_findings, rule_error = [], None
        if schema.is_validatable(obj):
            from . import rules
            try:
                rule_findings = rules.check(obj, schema_ok=schema_ok)
            except Exception as e:  # keep the schema findings; report the failure below
                if _DEBUG:
                    raise
                rule_error = e
        # A required field the rules explain themselves (e.g. «selector», RS-1) is said once; so is a
        # field written one level too high (`port` beside `httpGet`): not also «httpGet needs port».
        explained = {f.path for f in rule_findings}
        misplaced = set()
        for f in findings:
            m = _MISPLACED.search(f.message)
            if m and f.path:
                misplaced.add(f.path[:-1] + (m.group(2), m.group(1)))
        parents = {p[:-2] for p in misplaced}
        rule_findings = [f for f in rule_findings
                         if not (f.path in parents and f.message.startswith("la sonda no indica cómo comprobar"))]
        for f in findings:
            if (f.path in explained or f.path in misplaced) and f.message.startswith("falta el campo obligatorio"):
                continue
            emit(f.path, f.message, f.rule, f.severity, f.api)
        for f in rule_findings:
            emit(f.path, f.message, f.rule, f.severity, f.api)
        if rule_error is not None:
            raise rule_error
    except Exception as e:  # a bug here must never hide the student's feedback behind a traceback
        if _DEBUG:
            raise
        emit((), f"no se pudo completar la revisión de este documento (error interno: {type(e).__name__}: {e}); "
                 "avisa al profesorado", severity="aviso")
