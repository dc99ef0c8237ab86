"""Rubric items with points and Spanish feedback.

An exercise's checker builds a :class:`Rubric`, adds one item per expectation
("la imagen está fijada a MAJOR.MINOR") and returns it. In an nbgrader test cell the
rubric is printed (the feedback the student reads) and its score is the cell's last
expression, which nbgrader takes as partial credit::

    r = ch01.corregir_pod_fijado(pod_yaml)
    print(r)
    r.score

A checker never raises on a wrong answer: it records a failed item instead, so one
mistake costs that item's points and never the whole cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

PASS_MARK = "✔"
FAIL_MARK = "✘"


@dataclass
class RubricItem:
    description: str
    points: float
    passed: bool
    detail: str = ""

    @property
    def earned(self) -> float:
        return self.points if self.passed else 0.0


@dataclass
class Rubric:
    title: str
    items: list[RubricItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def item(self, description: str, points: float, passed: bool, detail: str = "") -> bool:
        """Record one expectation; returns `passed` so checkers can chain on it."""
        self.items.append(RubricItem(description, float(points), bool(passed), detail))
        return bool(passed)

    def note(self, text: str) -> None:
        """Extra feedback that is not scored (e.g. the manifest checker's full report)."""
        self.notes.append(text)

    def extend(self, other: "Rubric") -> None:
        self.items.extend(other.items)
        self.notes.extend(other.notes)

    @property
    def score(self) -> float:
        return round(sum(i.earned for i in self.items), 4)

    @property
    def max_score(self) -> float:
        return round(sum(i.points for i in self.items), 4)

    @property
    def passed(self) -> bool:
        return all(i.passed for i in self.items)

    def failed_items(self) -> list[RubricItem]:
        return [i for i in self.items if not i.passed]

    def __str__(self) -> str:
        lines = [f"{self.title}: {fmt_number(self.score)} de {points(self.max_score)}"]
        for i in self.items:
            mark = PASS_MARK if i.passed else FAIL_MARK
            lines.append(f"  {mark} {i.description} ({fmt_number(i.earned)}/{fmt_number(i.points)})")
            if i.detail and not i.passed:
                lines.extend("      " + d for d in i.detail.splitlines())
        for n in self.notes:
            lines.extend("  " + d for d in n.splitlines())
        if self.items and self.passed:
            lines.append("  ¡Todo correcto!")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "score": self.score,
            "max_score": self.max_score,
            "items": [
                {"description": i.description, "points": i.points, "passed": i.passed, "detail": i.detail}
                for i in self.items
            ],
            "notes": list(self.notes),
        }


def fmt_number(x: float) -> str:
    """A number as Spanish writes it: decimal comma, no trailing zeros (2,5; 0,25; 3)."""
    return f"{x:g}".replace(".", ",")


def points(x: float) -> str:
    """'1 punto', '2,5 puntos'."""
    return f"{fmt_number(x)} {'punto' if x == 1 else 'puntos'}"
