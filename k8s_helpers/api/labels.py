"""Labels, label selectors and the name syntax rules of the API server.

Selector strings (``app=web,tier!=db``, ``env in (a,b)``, ``!canary``) follow the
lexer and parser of kubernetes/apimachinery pkg/labels/selector.go; structured
selectors (``matchLabels`` + ``matchExpressions``) and node selector terms follow
AFF-1 (In, NotIn, Exists, DoesNotExist, Gt, Lt; terms ORed, expressions ANDed, an
empty term matches nothing). The ``validate_*`` helpers port
apimachinery pkg/util/validation (DNS-1123, qualified names, label values) and
return Spanish messages, an empty list meaning valid.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "Requirement", "Selector", "SelectorError", "parse_selector", "selector_from_set",
    "label_selector_matches", "label_selector_to_selector", "node_selector_term_matches",
    "node_selector_matches", "validate_label_key", "validate_label_value",
    "validate_dns1123_subdomain", "validate_dns1123_label", "validate_qualified_name",
]

# ---------------------------------------------------------------------------- validation
_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")


def _show(value) -> str:
    return f"«{value}»"


def validate_dns1123_label(value: str) -> list[str]:
    """RFC 1123 label (Service, Namespace names; container and port names): [a-z0-9-], <= 63."""
    if not isinstance(value, str):
        return [f"{_show(value)} debe ser un texto"]
    errs = []
    if len(value) > 63:
        errs.append(f"{_show(value)} tiene {len(value)} caracteres; el máximo es 63")
    if not _DNS1123_LABEL.match(value):
        errs.append(
            f"{_show(value)} no es un nombre DNS-1123 válido: solo minúsculas, dígitos y «-», "
            "y debe empezar y terminar por una letra o un dígito (p. ej. «mi-app» o «web-1»)")
    return errs


def validate_dns1123_subdomain(value: str) -> list[str]:
    """RFC 1123 subdomain (most object names): labels joined by «.», <= 253 characters."""
    if not isinstance(value, str):
        return [f"{_show(value)} debe ser un texto"]
    errs = []
    if len(value) > 253:
        errs.append(f"{_show(value)} tiene {len(value)} caracteres; el máximo es 253")
    if not _DNS1123_SUBDOMAIN.match(value):
        errs.append(
            f"{_show(value)} no es un nombre DNS-1123 válido: solo minúsculas, dígitos, «-» y «.», "
            "y debe empezar y terminar por una letra o un dígito (p. ej. «mi-app» o «web.ejemplo.com»)")
    return errs


def validate_qualified_name(value: str) -> list[str]:
    """Qualified name ``[prefix/]name`` (label and annotation keys)."""
    if not isinstance(value, str):
        return [f"{_show(value)} debe ser un texto"]
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
        errs = []
    elif len(parts) == 2:
        prefix, name = parts
        errs = []
        if not prefix:
            errs.append(f"{_show(value)}: el prefijo (antes de «/») no puede estar vacío")
        else:
            errs += [f"el prefijo de {_show(value)}: {e}" for e in validate_dns1123_subdomain(prefix)]
    else:
        return [f"{_show(value)} no es una clave válida: admite como mucho una «/» (prefijo DNS opcional y nombre, "
                "p. ej. «app.kubernetes.io/name»)"]
    if not name:
        errs.append(f"{_show(value)}: el nombre (tras el prefijo) no puede estar vacío")
    else:
        if len(name) > 63:
            errs.append(f"{_show(value)}: el nombre tiene {len(name)} caracteres; el máximo es 63")
        if not _QUALIFIED_NAME.match(name):
            errs.append(
                f"{_show(value)} no es una clave válida: solo letras, dígitos, «-», «_» y «.», empezando y "
                "terminando por letra o dígito, con un prefijo DNS opcional y «/» (p. ej. «app» o «ejemplo.com/app»)")
    return errs


def validate_label_key(key: str) -> list[str]:
    """A label key is a qualified name (e.g. ``app`` or ``app.kubernetes.io/name``)."""
    return validate_qualified_name(key)


def validate_label_value(value) -> list[str]:
    """Label values: text of at most 63 characters of [A-Za-z0-9-_.] (empty allowed) (AFF-1)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
        return [f"{text} sin comillas es un booleano en YAML; los valores de etiqueta son textos: escribe \"{text}\""]
    if isinstance(value, (int, float)):
        return [f"{value} sin comillas es un número en YAML; los valores de etiqueta son textos: escribe \"{value}\""]
    if value is None:
        return ["falta el valor (null); los valores de etiqueta son textos: escribe \"\" si lo quieres vacío"]
    if not isinstance(value, str):
        return [f"{_show(value)} debe ser un texto"]
    errs = []
    if len(value) > 63:
        errs.append(f"{_show(value)} tiene {len(value)} caracteres; el máximo para un valor de etiqueta es 63")
    if not _LABEL_VALUE.match(value):
        errs.append(
            f"{_show(value)} no es un valor de etiqueta válido: solo letras, dígitos, «-», «_» y «.», "
            "empezando y terminando por letra o dígito (puede estar vacío)")
    return errs


# ---------------------------------------------------------------------------- selectors
class SelectorError(ValueError):
    """A selector string or structure that the API server would reject (Spanish message)."""


_OPS_STRING = {"in": " in ", "notin": " notin ", "=": "=", "==": "==", "!=": "!=", "gt": ">", "lt": "<"}


@dataclass(frozen=True)
class Requirement:
    """One selector requirement; operator uses apimachinery's names
    (``in notin = == != exists ! gt lt``)."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: dict) -> bool:
        op, has = self.operator, self.key in labels
        if op in ("in", "=", "=="):
            return has and labels[self.key] in self.values
        if op in ("notin", "!="):
            return not has or labels[self.key] not in self.values
        if op == "exists":
            return has
        if op == "!":
            return not has
        if op in ("gt", "lt"):
            if not has or len(self.values) != 1:
                return False
            a, b = _parse_int64(labels[self.key]), _parse_int64(self.values[0])
            if a is None or b is None:
                return False
            return a > b if op == "gt" else a < b
        return False

    def __str__(self) -> str:
        out = ("!" if self.operator == "!" else "") + self.key
        if self.operator in ("exists", "!"):
            return out
        out += _OPS_STRING[self.operator]
        vals = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        return out + (f"({vals})" if self.operator in ("in", "notin") else vals)


@dataclass(frozen=True)
class Selector:
    """A label selector: a list of requirements, all of which must match (ANDed).

    ``nothing=True`` is the selector that matches nothing (a null ``selector``)."""

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False

    def matches(self, labels: dict | None) -> bool:
        if self.nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def empty(self) -> bool:
        return not self.nothing and not self.requirements

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


def _parse_int64(text):
    if not isinstance(text, str) or not re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    v = int(text)
    return v if -(2**63) <= v < 2**63 else None


def _new_requirement(key: str, op: str, values: list[str]) -> Requirement:
    """NewRequirement: validates key, value count and values; raises SelectorError."""
    errs = [f"clave {e}" if not e.startswith("«") else e for e in validate_label_key(key)]
    if op in ("in", "notin") and not values:
        errs.append(f"con «{op}» la lista de valores no puede estar vacía")
    elif op in ("=", "==", "!=") and len(values) != 1:
        errs.append("una comparación exacta necesita exactamente un valor")
    elif op in ("exists", "!") and values:
        errs.append("«existe»/«no existe» no admiten valores")
    elif op in ("gt", "lt"):
        if len(values) != 1:
            errs.append("«Gt» y «Lt» necesitan exactamente un valor")
        for v in values:
            if _parse_int64(v) is None:
                errs.append(f"con «Gt»/«Lt» el valor debe ser un entero, no «{v}»")
    elif op not in ("in", "notin", "=", "==", "!=", "exists", "!", "gt", "lt"):
        errs.append(f"operador «{op}» no válido")
    for v in values:
        errs += validate_label_value(v)
    if errs:
        raise SelectorError("; ".join(errs))
    return Requirement(key, op, tuple(sorted(set(values))))


# Lexer tokens
_ERR, _EOS, _CPAR, _COMMA, _NOTEXIST, _DEQ, _EQ, _GT, _ID, _IN, _LT, _NEQ, _NOTIN, _OPAR = range(14)
_TOKENS = {")": _CPAR, ",": _COMMA, "!": _NOTEXIST, "==": _DEQ, "=": _EQ, ">": _GT, "in": _IN,
           "<": _LT, "!=": _NEQ, "notin": _NOTIN, "(": _OPAR}
_SPECIAL = set("=!(),><")
_WHITE = set(" \t\r\n")


def _lex(text: str) -> list[tuple[int, str]]:
    out, i, n = [], 0, len(text)
    while True:
        while i < n and text[i] in _WHITE:
            i += 1
        if i >= n:
            out.append((_EOS, ""))
            return out
        if text[i] in _SPECIAL:
            buf, last = "", None
            while i < n and text[i] in _SPECIAL:
                buf += text[i]
                if buf in _TOKENS:
                    last = (_TOKENS[buf], buf)
                    i += 1
                elif last is not None:
                    break
                else:
                    i += 1
            if last is None:
                out.append((_ERR, f"se esperaba una palabra clave y se encontró «{buf}»"))
                out.append((_EOS, ""))
                return out
            out.append(last)
        else:
            start = i
            while i < n and text[i] not in _WHITE and text[i] not in _SPECIAL:
                i += 1
            word = text[start:i]
            out.append((_TOKENS.get(word, _ID), word))


class _Parser:
    def __init__(self, text: str):
        self.items = _lex(text)
        self.pos = 0

    def look(self, values=True):
        tok, lit = self.items[min(self.pos, len(self.items) - 1)]
        if values and tok in (_IN, _NOTIN):
            tok = _ID
        return tok, lit

    def take(self, values=True):
        tok, lit = self.look(values)
        self.pos += 1
        return tok, lit

    def parse(self) -> list[Requirement]:
        reqs = []
        while True:
            tok, lit = self.look()
            if tok in (_ID, _NOTEXIST):
                reqs.append(self.requirement())
                tok, lit = self.take()
                if tok == _EOS:
                    return reqs
                if tok == _COMMA:
                    t2, l2 = self.look()
                    if t2 not in (_ID, _NOTEXIST):
                        raise SelectorError(f"se encontró «{l2}» y se esperaba una clave tras «,»")
                    continue
                raise SelectorError(f"se encontró «{lit}» y se esperaba «,» o el final")
            if tok == _EOS:
                return reqs
            raise SelectorError(f"se encontró «{lit}» y se esperaba «!», una clave o el final")

    def requirement(self) -> Requirement:
        op = None
        tok, lit = self.take()
        if tok == _NOTEXIST:
            op = "!"
            tok, lit = self.take()
        if tok != _ID:
            raise SelectorError(f"se encontró «{lit}» y se esperaba una clave")
        errs = validate_label_key(lit)
        if errs:
            raise SelectorError(errs[0])
        key = lit
        if self.look()[0] in (_EOS, _COMMA):
            return _new_requirement(key, op or "exists", [])
        if op == "!":
            raise SelectorError(f"se encontró «{self.look()[1]}» y se esperaba «,» o el final tras «!{key}»")
        tok, lit = self.take(values=False)
        op = {_IN: "in", _EQ: "=", _DEQ: "==", _GT: "gt", _LT: "lt", _NOTIN: "notin", _NEQ: "!="}.get(tok)
        if op is None:
            raise SelectorError(f"se encontró «{lit}» y se esperaba un operador: in, notin, =, ==, !=, >, <")
        if op in ("in", "notin"):
            values = self.values()
        else:
            values = self.exact_value()
        return _new_requirement(key, op, values)

    def values(self) -> list[str]:
        tok, lit = self.take()
        if tok != _OPAR:
            raise SelectorError(f"se encontró «{lit}» y se esperaba «(»")
        tok, lit = self.look()
        if tok in (_ID, _COMMA):
            vals = self.identifiers()
            if self.take()[0] != _CPAR:
                raise SelectorError(f"se encontró «{lit}» y se esperaba «)»")
            return vals
        if tok == _CPAR:
            self.take()
            return [""]
        raise SelectorError(f"se encontró «{lit}» y se esperaba «,», «)» o un valor")

    def identifiers(self) -> list[str]:
        vals: set[str] = set()
        while True:
            tok, lit = self.take()
            if tok == _ID:
                vals.add(lit)
                t2, l2 = self.look()
                if t2 == _COMMA:
                    continue
                if t2 == _CPAR:
                    return sorted(vals)
                raise SelectorError(f"se encontró «{l2}» y se esperaba «,» o «)»")
            if tok == _COMMA:
                if not vals:
                    vals.add("")
                t2, _ = self.look()
                if t2 == _CPAR:
                    vals.add("")
                    return sorted(vals)
                if t2 == _COMMA:
                    vals.add("")  # ",," is an empty value
                continue
            raise SelectorError(f"se encontró «{lit}» y se esperaba «,» o un valor")

    def exact_value(self) -> list[str]:
        tok, _ = self.look()
        if tok in (_EOS, _COMMA):
            return [""]
        tok, lit = self.take()
        if tok == _ID:
            return [lit]
        raise SelectorError(f"se encontró «{lit}» y se esperaba un valor")


def parse_selector(text: str) -> Selector:
    """Parse a selector string as ``kubectl -l`` does: ``app=web,tier!=db``,
    ``env in (prod,qa)``, ``env notin (dev)``, ``release`` (exists), ``!canary``,
    ``size>3``. Raises SelectorError (a ValueError) with a Spanish message."""
    if not isinstance(text, str):
        raise SelectorError("el selector debe ser un texto, p. ej. «app=web»")
    try:
        reqs = _Parser(text).parse()
    except SelectorError as e:
        raise SelectorError(f"Selector «{text}» no válido: {e}") from None
    reqs.sort(key=lambda r: r.key)
    return Selector(tuple(reqs))


def selector_from_set(labels: dict) -> Selector:
    """Equality selector from a plain label map (``matchLabels``, Service ``selector``)."""
    return Selector(tuple(sorted((Requirement(k, "=", (v,)) for k, v in labels.items()), key=lambda r: r.key)))


_EXPR_OPS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!", "Gt": "gt", "Lt": "lt"}


def _expression(expr: dict, allow_gt_lt: bool) -> Requirement:
    if not isinstance(expr, dict):
        raise SelectorError("cada expresión debe ser un objeto con key, operator y values")
    key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
    allowed = ["In", "NotIn", "Exists", "DoesNotExist"] + (["Gt", "Lt"] if allow_gt_lt else [])
    if op not in allowed:
        raise SelectorError(f"operador «{op}» no válido; los válidos son: {', '.join(allowed)}")
    if op in ("In", "NotIn") and not values:
        raise SelectorError(f"con el operador {op} «values» no puede estar vacío")
    if op in ("Exists", "DoesNotExist") and values:
        raise SelectorError(f"con el operador {op} «values» debe estar vacío")
    if not isinstance(values, list):
        raise SelectorError("«values» debe ser una lista de textos")
    return Requirement(str(key), _EXPR_OPS[op], tuple(values))


def label_selector_to_selector(selector: dict | None, allow_gt_lt: bool = False) -> Selector:
    """metav1.LabelSelectorAsSelector: None -> matches nothing; {} -> everything."""
    if selector is None:
        return Selector(nothing=True)
    if not isinstance(selector, dict):
        raise SelectorError("el selector debe ser un objeto con «matchLabels» y/o «matchExpressions»")
    labels = selector.get("matchLabels") or {}
    exprs = selector.get("matchExpressions") or []
    if not isinstance(labels, dict) or not isinstance(exprs, list):
        raise SelectorError("«matchLabels» debe ser un mapa y «matchExpressions» una lista")
    reqs = [Requirement(str(k), "=", (v,)) for k, v in labels.items()]
    reqs += [_expression(e, allow_gt_lt) for e in exprs]
    return Selector(tuple(sorted(reqs, key=lambda r: r.key)))


def label_selector_matches(selector: dict | None, labels: dict | None) -> bool:
    """Does a structured selector ({matchLabels, matchExpressions}) select these labels?

    matchLabels and every expression are ANDed (AFF-1 operator semantics); a null
    selector matches nothing and an empty one everything."""
    return label_selector_to_selector(selector, allow_gt_lt=True).matches(labels or {})


def node_selector_term_matches(term: dict, labels: dict | None) -> bool:
    """One nodeSelectorTerm: matchExpressions ANDed; an empty term matches nothing (AFF-1)."""
    exprs = (term or {}).get("matchExpressions") or []
    fields = (term or {}).get("matchFields") or []
    if not exprs and not fields:
        return False
    labels = labels or {}
    return all(_expression(e, True).matches(labels) for e in exprs)


def node_selector_matches(node_selector: dict | None, labels: dict | None) -> bool:
    """requiredDuringScheduling nodeSelector: terms are ORed (AFF-1)."""
    terms = (node_selector or {}).get("nodeSelectorTerms") or []
    return any(node_selector_term_matches(t, labels) for t in terms)
