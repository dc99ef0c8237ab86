"""Self-check for students: Spanish feedback from the VISIBLE checks only.

    from autograder.selfcheck import comprobar, comprobar_todo
    comprobar("ch01_ej3", etiqueta_recomendada)   # one exercise
    comprobar("ch01_ej3")                         # the same: the answer from the notebook
    comprobar_todo(globals(), "ch01")             # every exercise of chapter 01
    comprobar_todo("ch01")                        # the same

Hidden test cases are never available here (they live only in the instructor's notebook),
so the score shown is out of the visible points; the final grade adds the hidden cases.
Never raises: a wrong or missing answer only produces feedback.
"""
from __future__ import annotations

import re
import sys
from typing import Any, Mapping

from autograder.exercises import MISSING, exercises, get_exercise
from autograder.rubric import Rubric, fmt_number, points


def _exercise_id(ejercicio: Any) -> str:
    """'ch01_ej3' also written 'CH01_EJ3' or ' ch01_ej3 '."""
    return ejercicio.strip().lower() if isinstance(ejercicio, str) else repr(ejercicio)


def _chapter(capitulo: Any) -> str:
    """'ch01' also written 'CH01', '01', 1 or 'ch1'."""
    text = str(capitulo).strip().lower().rstrip("_")
    m = re.fullmatch(r"(?:ch)?(\d{1,2})", text)
    return f"ch{int(m.group(1)):02d}" if m else text


def _visible(exercise: Any, rubric: Rubric) -> Rubric:
    """Out of the visible points, like an answered exercise: an unanswered (or wrong-type) answer
    gets one item worth every point of the exercise; here it is worth the visible ones."""
    if exercise.hidden_points and len(rubric.items) == 1 and rubric.max_score > exercise.visible_points:
        from autograder.exercises._common import hidden_note  # noqa: PLC0415

        rubric.items[0].points = float(exercise.visible_points)
        rubric.note(hidden_note(exercise.hidden_points))
    return rubric


def comprobar(ejercicio: str, respuesta: Any = MISSING, mostrar: bool = True) -> Rubric | None:
    """Check one answer with the visible cases and print the feedback.

    Returns None when it prints (so a notebook cell shows only the text); with
    ``mostrar=False`` it prints nothing and returns the Rubric.
    """
    ejercicio = _exercise_id(ejercicio)
    try:
        exercise = get_exercise(ejercicio)
        if respuesta is MISSING:  # comprobar("ch01_ej3"): the answer from the notebook's globals
            respuesta = exercise.answer_from(sys._getframe(1).f_globals)
    except KeyError:
        r = Rubric(f"Autocomprobación de {ejercicio!r}")
        known = ", ".join(sorted(exercises())) or "ninguno"
        r.item("El ejercicio existe", 0, False, f"No conozco el ejercicio {ejercicio!r}. Ejercicios: {known}.")
    else:
        r = _visible(exercise, exercise.grade(respuesta, None))
    if mostrar:
        print(r)
        return None
    return r


def comprobar_todo(espacio: Mapping[str, Any] | str | None = None, capitulo: str | None = None,
                   mostrar: bool = True) -> list[Rubric] | None:
    """Check every exercise of a chapter ("ch01") reading the answers from ``globals()``.

    ``comprobar_todo("ch01")`` (without ``globals()``) reads them from the caller's globals.
    """
    if capitulo is None and isinstance(espacio, (str, int)):
        espacio, capitulo = None, espacio
    if espacio is None:
        espacio = sys._getframe(1).f_globals
    if capitulo is None:
        print('Dime el capítulo: comprobar_todo(globals(), "ch01").')
        return [] if not mostrar else None
    prefix = _chapter(capitulo) + "_"
    chosen = [e for gid, e in sorted(exercises().items()) if gid.startswith(prefix)]
    rubrics = [_visible(e, e.grade(e.answer_from(espacio), None)) for e in chosen]
    if not mostrar:
        return rubrics
    if not rubrics:
        chapters = sorted({gid.split("_", 1)[0] for gid in exercises()})
        print(f"No hay ejercicios del capítulo {capitulo!r}. Capítulos: {', '.join(chapters)}.")
        return None
    got = sum(r.score for r in rubrics)
    top = sum(r.max_score for r in rubrics)
    hidden = sum(e.hidden_points for e in chosen)
    for r in rubrics:
        print(r)
        print()
    print(f"Total (solo pruebas visibles): {fmt_number(got)} de {points(top)}."
          + (f" Al corregir se añaden los casos ocultos ({points(hidden)} más)." if hidden else ""))
    return None
