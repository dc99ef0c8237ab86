"""Self-check for students: Spanish feedback from the VISIBLE checks only.

    from autograder.selfcheck import comprobar, comprobar_todo
    comprobar("ch01_ej3", etiqueta_recomendada)   # one exercise
    comprobar_todo(globals(), "ch01")             # every exercise of chapter 01

Hidden test cases are never available here (they live only in the instructor's notebook),
so the score shown is out of the visible points; the final grade adds the hidden cases.
Never raises: a wrong or missing answer only produces feedback.
"""
from __future__ import annotations

from typing import Any, Mapping

from autograder.exercises import MISSING, exercises, get_exercise
from autograder.rubric import Rubric, fmt_number, points


def comprobar(ejercicio: str, respuesta: Any = MISSING, mostrar: bool = True) -> Rubric | None:
    """Check one answer with the visible cases and print the feedback.

    Returns None when it prints (so a notebook cell shows only the text); with
    ``mostrar=False`` it prints nothing and returns the Rubric.
    """
    try:
        exercise = get_exercise(ejercicio)
    except KeyError:
        r = Rubric(f"Autocomprobación de {ejercicio!r}")
        known = ", ".join(sorted(exercises())) or "ninguno"
        r.item("El ejercicio existe", 0, False, f"No conozco el ejercicio {ejercicio!r}. Ejercicios: {known}.")
    else:
        r = exercise.grade(respuesta, None)
    if mostrar:
        print(r)
        return None
    return r


def comprobar_todo(espacio: Mapping[str, Any], capitulo: str, mostrar: bool = True) -> list[Rubric] | None:
    """Check every exercise of a chapter ("ch01") reading the answers from ``globals()``."""
    prefix = capitulo.rstrip("_") + "_"
    chosen = [e for gid, e in sorted(exercises().items()) if gid.startswith(prefix)]
    rubrics = [e.grade(e.answer_from(espacio), None) for e in chosen]
    if not mostrar:
        return rubrics
    if not rubrics:
        print(f"No hay ejercicios del capítulo {capitulo!r}.")
        return None
    got = sum(r.score for r in rubrics)
    top = sum(r.max_score for r in rubrics)
    for r in rubrics:
        print(r)
        print()
    print(f"Total (solo pruebas visibles): {fmt_number(got)} de {points(top)}. "
          "Al corregir se añaden los casos ocultos.")
    return None
