"""Problems found in a manifest and the Spanish report that lists them all."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One thing the API server (or the YAML parser) would reject.

    ``path`` is the field path (``spec.ports[0].port``) or None for syntax errors;
    ``line``/``column`` are 1-based in the student's text (None for dicts);
    ``document`` is 0-based; ``rule`` is the id in kubernetes-semantics.md, if any.
    ``severity`` is "error" (counts against ``ok``) or "aviso" (cannot be checked)."""

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    rule: str | None = None
    document: int = 0
    kind: str | None = None
    name: str | None = None
    severity: str = "error"

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
        return f"{self.location()}: {self.message}"

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in
                ("message", "path", "line", "column", "rule", "document", "kind", "name", "severity")}


def _sort_key(p: Problem):
    return (p.document, p.line if p.line is not None else 10**9, p.column or 0, p.path or "")


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
            lines += [f"- {p}" for p in sorted(self.problems, key=_sort_key)]
        if self.warnings:
            lines.append("Avisos (no cuentan como error):")
            lines += [f"- {p}" for p in sorted(self.warnings, key=_sort_key)]
        return "\n".join(lines)
