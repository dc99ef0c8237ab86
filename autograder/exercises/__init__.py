"""Graded exercises of every chapter, registered by nbgrader grade_id.

CONVENTIONS (every chapter follows them; chapter 01 is the worked example)
==========================================================================

Files
-----
- ``autograder/exercises/chNN.py`` (NN = the two digits that start the assignment folder
  ``source/NN-name/``) defines a module-level table::

      EXERCISES = {
          "ch01_ej3": Exercise(
              grade_id="ch01_ej3",            # grade_id of the SOLUTION cell
              answer_name="etiqueta_recomendada",  # the name the student defines
              kind="function",                # "function" | "yaml" | "value"
              checker=check_etiqueta_recomendada,
              points=3,                       # == points of the TEST cell
              title="Ejercicio 3: la etiqueta para producción",
              hidden_points=1,                # of those, graded only with the hidden data
          ),
          ...
      }

  Chapter modules are found automatically (``pkgutil``): nothing to register here.
- The checker is a plain function of the answer, never of notebook globals::

      def check_x(answer, hidden=None) -> Rubric

  ``answer`` is the value the student bound to ``answer_name`` (a function, a YAML string,
  a dict...). ``hidden`` is the hidden test data (or ``None`` in the student's copy).
  ``Rubric.max_score`` must equal ``points`` when ``hidden`` is given, and the items
  recorded only with hidden data must be worth the difference when it is not (the
  checker adds a note saying so); that difference is ``Exercise.hidden_points`` (the
  self-check's totals; tests/exercise_support.py checks they agree). Items and feedback
  are Spanish.
- Hidden data may be any literal (list of cases, dict...); ``None`` or empty means "no hidden
  data" (the student's copy). Exercise.grade captures anything printed on stdout/stderr and
  silences warnings while checking (a stderr line would zero the nbgrader cell).
- Checkers never raise. Use :meth:`Exercise.grade` (which wraps the checker) and the helpers
  below (:func:`call_student`, :func:`unanswered`) so that an unanswered exercise (name
  missing, or a stub raising ``NotImplementedError``) gives 0 points and the Spanish message
  "Aún no has resuelto este ejercicio...", and any unexpected error in a checker becomes a
  0-point rubric instead of an exception.
- What checkers of several chapters share lives in ``_common.py`` (one home per rule): YAML
  and dict answers, the split of the points between visible and hidden cases, the "valid Pod"
  item, running the student's pod in the simulated cluster. Chapter modules import it, never
  each other.
- Hidden DATA (extra cases) lives only in the notebook's ``### BEGIN HIDDEN TESTS`` block;
  the package holds the generic checker and the visible cases (students can read it).

Notebook cells (source/NN-name/NN-name.ipynb)
---------------------------------------------
- Solution cell: nbgrader "autograded answer", grade_id ``chNN_ejK``, no points. Python
  answers keep the ``def`` line and docstring outside the markers so the released stub
  shows the signature. Value and YAML answers put a TEMPLATE assignment above the markers
  (``politicas = {"nginx": None, ...}`` / ``pod_yaml = \"\"\"...skeleton with ...\"\"\"``)
  and the real answer inside ``### BEGIN SOLUTION`` / ``### END SOLUTION``; the student
  fills the template and deletes the ``raise NotImplementedError()``. The checker treats
  the untouched template as unanswered (``raise Unanswered()``), see ch01.EJ5_TEMPLATE.
- Test cell: nbgrader "autograder tests", grade_id ``chNN_ejK_tests``, locked, points =
  ``Exercise.points``. Exactly this shape (prints nothing on stderr, never raises, ends
  with a float)::

      from autograder.exercises import grade
      _ocultos = None
      ### BEGIN HIDDEN TESTS
      _ocultos = [...]   # hidden data for the checker
      ### END HIDDEN TESTS
      _r = grade("ch01_ej3", globals(), _ocultos)
      print(_r)
      _r.score

- Every markdown cell and every non-answer code cell is read-only (nbgrader "Read-only").
- Self-check for students: ``from autograder.selfcheck import comprobar, comprobar_todo``;
  ``comprobar("ch01_ej3", etiqueta_recomendada)`` / ``comprobar_todo(globals(), "ch01")``
  run the visible checks only.
- Pipeline case file: ``tests/pipeline_cases/chNN.py`` (see tests/test_pipeline.py).
"""
from __future__ import annotations

import contextlib
import importlib
import io
import pkgutil
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from autograder.rubric import Rubric

UNANSWERED_MESSAGE = (
    "Aún no has resuelto este ejercicio: escribe tu respuesta en la celda de arriba "
    "(sustituye el `raise NotImplementedError()`), ejecútala y vuelve a ejecutar esta celda."
)
#: added to UNANSWERED_MESSAGE: a misnamed answer, or an answer cell that fails (a SyntaxError),
#: also leaves the stub in place
UNANSWERED_HINT = ("Si ya la escribiste, comprueba que se llama `{name}` y que su celda se ejecuta sin "
                   "errores (por ejemplo, de sintaxis o de sangría).")


class _Missing:
    """Sentinel: the student has not defined the answer's name."""

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return "<sin respuesta>"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing()


class Unanswered(Exception):
    """Raised inside checkers (and caught by Exercise.grade) when the stub is still there."""


@dataclass(frozen=True)
class Exercise:
    grade_id: str
    answer_name: str
    kind: str
    checker: Callable[..., Rubric]
    points: float
    title: str
    #: points of the items graded only with the notebook's hidden data (the self-check shows
    #: the rest: ``points - hidden_points``)
    hidden_points: float = 0

    @property
    def visible_points(self) -> float:
        return self.points - self.hidden_points

    @property
    def test_grade_id(self) -> str:
        return self.grade_id + "_tests"

    def answer_from(self, namespace: Mapping[str, Any]) -> Any:
        try:
            return namespace.get(self.answer_name, MISSING)
        except Exception:  # a weird namespace object: treat as unanswered
            return MISSING

    def grade(self, answer: Any, hidden: Any = None) -> Rubric:
        """Run the checker; never raises. Unanswered -> 0 points with the Spanish message.

        Whatever the student's code (or a library warning) prints while being checked is
        captured: in nbgrader a single line on stderr would zero the whole test cell.
        """
        if answer is MISSING:
            return unanswered(self)
        if self.kind == "function" and not callable(answer):
            rubric = Rubric(self.title)
            rubric.item(f"`{self.answer_name}` es una función", self.points, False,
                        f"`{self.answer_name}` debe ser una función (`def {self.answer_name}(...):` con "
                        f"un `return`), no {_kind(answer)}.")
            return rubric
        captured = io.StringIO()
        try:
            with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured), \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rubric = self.checker(answer, hidden)
        except Unanswered:
            return unanswered(self)
        except Exception as exc:  # a checker bug must not crash a grading run
            rubric = Rubric(self.title)
            rubric.item("La corrección automática ha podido revisar tu respuesta", self.points, False,
                        f"Error inesperado al corregir ({type(exc).__name__}). Avisa a tu profesor.")
            return rubric
        if not isinstance(rubric, Rubric):
            rubric = Rubric(self.title)
            rubric.item("La corrección automática ha podido revisar tu respuesta", self.points, False,
                        "El corrector no ha devuelto una rúbrica. Avisa a tu profesor.")
        printed = captured.getvalue().strip()
        if printed:
            cut = printed[:300] + ("..." if len(printed) > 300 else "")
            rubric.note(f"(Tu código escribió esto al corregirlo; no cuenta para la nota:)\n{cut}")
        return rubric


def _kind(value: Any) -> str:
    from autograder.exercises._common import type_name  # noqa: PLC0415 (_common imports this module)

    return type_name(value)


def unanswered(exercise: Exercise) -> Rubric:
    r = Rubric(exercise.title)
    r.item("Ejercicio resuelto", exercise.points, False,
           UNANSWERED_MESSAGE + "\n" + UNANSWERED_HINT.format(name=exercise.answer_name))
    return r


def call_student(fn: Callable, *args: Any) -> tuple[bool, Any, str]:
    """Call a student's function safely: (ok, value, Spanish error text).

    NotImplementedError (the released stub) raises :class:`Unanswered`, which
    :meth:`Exercise.grade` turns into the "Aún no has resuelto..." rubric.
    """
    if not callable(fn):
        return False, None, f"`{getattr(fn, '__name__', fn)!r}` no es una función."
    try:
        return True, fn(*args), ""
    except NotImplementedError:
        raise Unanswered()
    except RecursionError:
        return False, None, "Tu función se llama a sí misma sin parar (RecursionError)."
    except SystemExit:
        return False, None, "Tu función llamó a exit(): devuelve el resultado con return."
    except TypeError as exc:
        text = f"Tu función lanzó TypeError: {exc}"
        if "positional argument" in str(exc) or "required argument" in str(exc):
            text += (f"\nSe la llama con {len(args)} argumento{'s' if len(args) != 1 else ''}: "
                     "¿tiene tu `def` los parámetros que pide el enunciado?")
        return False, None, text
    except Exception as exc:  # student code may raise anything
        return False, None, f"Tu función lanzó {type(exc).__name__}: {exc}"


def exercises() -> dict[str, Exercise]:
    """All exercises of every chapter module chNN, keyed by solution-cell grade_id."""
    table: dict[str, Exercise] = {}
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch")):
        module = importlib.import_module(f"{__name__}.{mod}")
        table.update(getattr(module, "EXERCISES", {}))
    return table


def get_exercise(grade_id: str) -> Exercise:
    chapter = grade_id.split("_", 1)[0]
    try:
        module = importlib.import_module(f"{__name__}.{chapter}")
        return module.EXERCISES[grade_id]
    except (ImportError, KeyError, AttributeError):
        raise KeyError(f"No existe el ejercicio {grade_id!r}.") from None


def grade(grade_id: str, namespace: Mapping[str, Any], hidden: Any = None) -> Rubric:
    """What a test cell calls: read the answer from the namespace and grade it. Never raises."""
    try:
        exercise = get_exercise(grade_id)
    except KeyError as exc:
        r = Rubric(f"Ejercicio {grade_id}")
        r.item("El ejercicio existe en el corrector", 0, False, str(exc.args[0]))
        return r
    return exercise.grade(exercise.answer_from(namespace), hidden)
