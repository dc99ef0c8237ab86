"""Problems found in a manifest and the Spanish report that lists them all.

The report is bounded whatever the input: problems that repeat the same message (a tab in
each of 2,000 documents) are shown a few times and then summarised in one «y N más» line,
and at most ``MAX_SHOWN`` problems are listed; ``ValidationResult.problems`` keeps them all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_SHOWN = 60          # problem lines in the text report
MAX_SAME = 3            # lines for problems that differ only in numbers (line, document...)
MAX_MESSAGE = 1200      # characters of one message

# Rule ids of kubernetes-semantics.md («(RES-1)», «(DNS-1123)») are data for tests and
# instructors (``Problem.rule``), never part of what a student reads.
_RULE_ID = re.compile(r"\s*\((?:[A-Z]{2,4}-\d+[a-z]?|DNS-1123)\)")


def strip_rule_ids(text: str) -> str:
    return _RULE_ID.sub("", text)


@dataclass
class Problem:
    """One thing the API server (or the YAML parser) would reject.

    ``path`` is the field path (``spec.ports[0].port``) or None for syntax errors;
    ``line``/``column`` are 1-based in the student's text (None for dicts);
    ``document`` is 0-based; ``rule`` is the id in kubernetes-semantics.md, if any;
    ``api`` is the API server's own text for it (``spec...: Invalid value: ...``), if any.
    ``severity`` is "error" (counts against ``ok``) or "aviso" (a warning, or cannot be checked)."""

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    rule: str | None = None
    document: int = 0
    kind: str | None = None
    name: str | None = None
    severity: str = "error"
    api: str | None = None

    def __post_init__(self):
        msg = strip_rule_ids(self.message)
        if len(msg) > MAX_MESSAGE:
            msg = msg[:MAX_MESSAGE] + "… (mensaje recortado)"
        self.message = msg

    def location(self) -> str:
        parts = [f"Documento {self.document + 1}"]
        if self.kind:
            parts[0] += f" ({self.kind} «{self.name}»)" if self.name else f" ({self.kind})"
        if self.line is not None:
            show_col = self.column and self.path is None and self.severity == "error"
            parts.append(f"línea {self.line}" + (f", columna {self.column}" if show_col else ""))
        if self.path:
            parts.append(f"campo {self.path}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.api:
            text += f" [kubectl: {self.api}]"
        return text

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in
                ("message", "path", "line", "column", "rule", "document", "kind", "name", "severity", "api")}


def _sort_key(p: Problem):
    return (p.document, p.line if p.line is not None else 10**9, p.column or 0, p.path or "")


def _shape(p: Problem) -> str:
    """What a problem says once line numbers, documents and names are set aside."""
    return re.sub(r"\d+", "#", p.message)[:160] + "|" + re.sub(r"\d+", "#", p.path or "")


def _bounded_lines(problems: list) -> list[str]:
    lines: list[str] = []
    seen: dict[str, int] = {}
    hidden: dict[str, list] = {}
    order: list[str] = []
    shown = 0
    for p in problems:
        shape = _shape(p)
        seen[shape] = seen.get(shape, 0) + 1
        if seen[shape] > MAX_SAME or shown >= MAX_SHOWN:
            if shape not in hidden:
                hidden[shape] = []
                order.append(shape)
            hidden[shape].append(p)
            continue
        lines.append(f"- {p}")
        shown += 1
    for shape in order:
        rest = hidden[shape]
        docs = sorted({q.document + 1 for q in rest})
        where = f"documento {docs[0]}" if len(docs) == 1 else f"documentos {docs[0]}–{docs[-1]}"
        first = rest[0].message
        if len(first) > 90:
            first = first[:90].rsplit(" ", 1)[0] + "…"
        if seen[shape] > MAX_SAME:
            lines.append(f"- … y {len(rest)} más como «{first}» ({where}).")
        else:
            lines.append(f"- … y {len(rest)} más: «{first}» ({where}).")
    return lines


@dataclass
class ValidationResult:
    """Parsed documents plus every problem found, errors and warnings ("avisos")."""

    documents: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: Problem) -> None:
        (self.warnings if problem.severity == "aviso" else self.problems).append(problem)

    def sort(self) -> None:
        self.problems.sort(key=_sort_key)
        self.warnings.sort(key=_sort_key)

    def __bool__(self) -> bool:  # truthiness = "is valid", like ok
        return self.ok

    def __str__(self) -> str:
        n = len(self.problems)
        if n == 0:
            if not self.documents:
                head = "El texto no contiene ningún objeto de Kubernetes."
            elif self.warnings:
                head = "No se ha encontrado ningún error (lee los avisos)."
            else:
                head = "El manifiesto es válido: Kubernetes lo aceptaría."
            lines = [head]
        else:
            lines = ["Se ha encontrado 1 problema:" if n == 1 else f"Se han encontrado {n} problemas:"]
            lines += _bounded_lines(sorted(self.problems, key=_sort_key))
        if self.warnings:
            lines.append("Avisos (no cuentan como error):")
            lines += _bounded_lines(sorted(self.warnings, key=_sort_key))
        return "\n".join(lines)
