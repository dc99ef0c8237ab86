"""Validate Kubernetes manifests as a real API server would, with Spanish feedback.

One implementation serves the autograder (``autograder.check_manifest``) and the
simulator (``Cluster.apply`` raises ``ManifestError`` with the same report):

- ``validate_text(yaml_text)``: characters that are not what they look like (``characters``),
  YAML syntax explained in Spanish on the culprit's line (``syntax``), then each document;
- ``validate_objects(obj_or_list)``: the same checks on dicts (no line numbers).

Each document goes through the OpenAPI schema of a pinned Kubernetes version
(kubernetes-validate, every error at once, misspelt fields with "¿quisiste decir?",
removed apiVersions with their replacement) and then the server-side rules the
schema does not express (``rules``, ports of pkg/apis/*/validation), each carrying the
API server's own error text (``apierror``) and its rule id in kubernetes-semantics.md
(data, not shown). The API server's warnings (``memory: 512m``) are warnings, not errors.
Never raises, whatever the input; the text report is bounded.
"""
from __future__ import annotations

from . import characters
from .problem import Problem, ValidationResult
from .yamlsource import MAX_CHARS, SourceDocument, format_path, load_documents

__all__ = ["validate_text", "validate_objects", "validate_document", "Problem", "ValidationResult",
           "format_path", "KUBERNETES_VERSION"]


def __getattr__(name):
    if name == "KUBERNETES_VERSION":
        from .schema import kubernetes_version
        return kubernetes_version()
    raise AttributeError(name)


def validate_text(text) -> ValidationResult:
    """Parse and validate YAML (one or more documents). Never raises on bad input."""
    result = ValidationResult()
    try:
        _validate_text(text, result)
    except Exception as e:  # a bug must never show a traceback to a student
        if _debug():
            raise
        result.add(Problem(f"no se pudo completar la revisión (error interno: {type(e).__name__}); avisa al "
                           "profesorado", None, None, None))
    result.sort()
    return result


def _debug() -> bool:
    import os
    return bool(os.environ.get("K8S_VALIDATION_DEBUG"))


def _validate_text(text, result: ValidationResult) -> None:
    if isinstance(text, (bytes, bytearray)):
        raw = bytes(text)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
            result.add(Problem(f"El texto no está en UTF-8: el byte 0x{raw[e.start]:02X} de la línea {line}, columna "
                               f"{col}, no es UTF-8 válido (¿un fichero guardado en Latin-1 o Windows-1252?). Guarda el "
                               "archivo como UTF-8.", None, line, col))
            return
    if not isinstance(text, str):
        result.add(Problem(f"Se esperaba el texto YAML del manifiesto (un str), no un {type(text).__name__}.",
                           None, None, None))
        return
    if len(text) > MAX_CHARS:
        result.add(Problem(f"El texto tiene {len(text)} caracteres; el máximo que se revisa es {MAX_CHARS}. "
                           "¿Has pegado algo que no es un manifiesto?", None, 1, 1))
        return
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, char_findings = characters.scan(text)
    starts = [n for n, l in enumerate(text.split("\n")) if l.startswith("---") and n]
    for f in char_findings:
        doc = sum(1 for n in starts if n < f.line - 1)
        result.add(Problem(f.message[0].upper() + f.message[1:] + ".", None, f.line, f.column,
                           document=doc, severity=f.severity))
    if not text.strip() or all(not l.strip() or l.lstrip().startswith("#") for l in text.split("\n")):
        result.add(Problem("El texto está vacío: escribe al menos un objeto con apiVersion, kind y metadata.",
                           None, 1, 1))
        return
    docs, problems = load_documents(text)
    for p in problems:
        result.add(p)
    if not docs and not problems:
        result.add(Problem("El texto no contiene ningún objeto (solo separadores «---» o documentos vacíos): "
                           "escribe al menos un objeto con apiVersion, kind y metadata.", None, 1, 1))
    for p in result.problems + result.warnings:  # name the object in parse-time problems too
        if p.document < len(docs) and isinstance(docs[p.document].obj, dict) and p.kind is None:
            obj = docs[p.document].obj
            p.kind = obj.get("kind") if isinstance(obj.get("kind"), str) else None
            meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            p.name = meta.get("name") if isinstance(meta.get("name"), str) else None
    for i, doc in enumerate(docs):
        if doc.obj is None:  # a document that did not parse: its syntax problem is already recorded
            continue
        result.documents.append(doc.obj)
        validate_document(doc.obj, i, doc, result)


def validate_objects(objs) -> ValidationResult:
    """Validate one object (dict) or a list of them, in Kubernetes API shape."""
    result = ValidationResult()
    if isinstance(objs, dict):
        objs = [objs]
    elif not isinstance(objs, (list, tuple)):
        result.add(Problem(f"Se esperaba un objeto (dict) o una lista de objetos, no un {type(objs).__name__}."))
        return result
    for i, obj in enumerate(objs):
        result.documents.append(obj)
        validate_document(obj, i, None, result)
    result.sort()
    return result


def validate_document(obj, index: int, source: SourceDocument | None, result: ValidationResult) -> None:
    """Add the problems of one document to `result` (schema, then server-side rules)."""
    from .document import check_document
    check_document(obj, index, source, result)
