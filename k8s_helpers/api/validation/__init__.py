"""Validate Kubernetes manifests as a real API server would, with Spanish feedback.

One implementation serves the autograder (``autograder.check_manifest``) and the
simulator (``Cluster.apply`` raises ``ManifestError`` with the same report):

- ``validate_text(yaml_text)``: YAML syntax (explained in Spanish), then each document;
- ``validate_objects(obj_or_list)``: the same checks on dicts (no line numbers).

Each document goes through the OpenAPI schema of a pinned Kubernetes version
(kubernetes-validate, every error at once, misspelt fields with "¿quisiste decir?",
removed apiVersions with their replacement) and then the server-side rules the
schema does not express (see ``rules``), each citing its id in
kubernetes-semantics.md. Never raises on bad input.
"""
from __future__ import annotations

from .problem import Problem, ValidationResult
from .yamlsource import SourceDocument, format_path, load_documents

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
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as e:
            result.add(Problem(f"El texto no está en UTF-8 (byte no válido en la posición {e.start}); "
                               "guarda el archivo como UTF-8.", None, None, None))
            return result
    if not isinstance(text, str):
        result.add(Problem(f"Se esperaba el texto YAML del manifiesto (un str), no un {type(text).__name__}.",
                           None, None, None))
        return result
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(not l.strip() or l.lstrip().startswith("#") for l in text.splitlines()):
        result.add(Problem("El texto está vacío: escribe al menos un objeto con apiVersion, kind y metadata.",
                           None, 1, 1))
        return result
    text = _fix_invisible_indentation(text, result)
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
    result.sort()
    return result


# Characters that look like a space but are not one for YAML (pasted from web pages, PDFs, chats).
_INVISIBLE = {"\u00a0": "un espacio de no separación (U+00A0)", "\u2007": "un espacio de cifra (U+2007)",
              "\u202f": "un espacio estrecho de no separación (U+202F)", "\u3000": "un espacio ideográfico (U+3000)",
              "\u200b": "un espacio de anchura cero (U+200B)", "\ufeff": "una marca de orden de bytes (U+FEFF)",
              "\u2002": "un espacio «en» (U+2002)", "\u2003": "un espacio «em» (U+2003)"}


def _fix_invisible_indentation(text: str, result: ValidationResult) -> str:
    """Report look-alike spaces in indentation, then read them as spaces.

    YAML (and kubectl) take them as part of the key (``"\u00a0 labels"``), which would give a
    baffling "unknown field" error; one clear problem on the right line helps more, and
    checking the rest as intended still lists every other problem.
    """
    lines = text.split("\n")
    document = 0
    for n, line in enumerate(lines):
        if line.startswith("---"):
            document += 1 if n else 0
            continue
        lead = len(line) - len(line.lstrip(" \t" + "".join(_INVISIBLE)))
        odd = [(i, ch) for i, ch in enumerate(line[:lead]) if ch in _INVISIBLE]
        if not odd:
            continue
        col, ch = odd[0]
        result.add(Problem(
            f"Error de sintaxis YAML: la sangría de esta línea lleva {_INVISIBLE[ch]}, un carácter invisible que "
            "parece un espacio pero no lo es (suele colarse al copiar de una web o de un PDF). Bórralo y "
            "escribe espacios normales.", None, n + 1, col + 1, document=document))
        lines[n] = "".join(" " if ch in _INVISIBLE else ch for ch in line[:lead]) + line[lead:]
    return "\n".join(lines)


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
