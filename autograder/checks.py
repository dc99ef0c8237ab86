"""``check_manifest``: the autograder's view of a manifest, with Spanish feedback.

A thin wrapper over ``k8s_helpers.api.validation`` so the autograder and the
simulator (``Cluster.apply``) always say the same thing about the same YAML.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    """Result of :func:`check_manifest`: ``ok``, every problem, the parsed documents.

    ``str(report)`` is the full Spanish feedback for the student."""

    ok: bool
    problems: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    text: str = ""

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return self.ok

    def messages(self) -> list[str]:
        """One line per problem (location + message), as printed in the report."""
        return [str(p) for p in self.problems]


def check_manifest(yaml_text) -> Report:
    """Revisa un manifiesto YAML (uno o varios documentos) como lo haría Kubernetes.

    Nunca lanza excepciones por un manifiesto incorrecto: devuelve un informe con
    ``ok`` (bool), ``problems`` (todos los problemas a la vez, cada uno con
    ``path``, ``line`` y ``message`` en español) y ``str(informe)``, el texto completo.
    """
    from k8s_helpers.api.validation import validate_text, validate_objects

    if isinstance(yaml_text, (dict, list)):
        result = validate_objects(yaml_text)
    else:
        result = validate_text(yaml_text)
    return Report(ok=result.ok, problems=list(result.problems), documents=list(result.documents),
                  warnings=list(result.warnings), text=str(result))
