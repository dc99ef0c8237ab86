"""Test helpers for the exercise checkers (tests/test_chNN_checks.py).

Solutions and hidden cases are read from the notebooks themselves, so the tests and the
notebooks cannot drift apart. :class:`ExerciseContract` holds the checks every graded exercise
of every chapter must pass (the contract of autograder/exercises/__init__.py).
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from autograder import notebook_tools as nbt
from autograder.exercises import UNANSWERED_MESSAGE, get_exercise, grade

ROOT = Path(__file__).resolve().parents[1]


def hidden_block_data(test_source: str) -> Any:
    """The hidden data (``_ocultos``) a test cell defines between its HIDDEN TESTS markers."""
    block = test_source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
    ns: dict = {}
    exec(block, ns)  # noqa: S102 - our own notebook
    return ns["_ocultos"]


class ExerciseNotebook:
    """The nbgrader cells of one assignment notebook, by grade_id (source text)."""

    def __init__(self, path: Path):
        self.path = path
        self.cells = {gid: nbt.source_text(cell) for gid, cell in nbt.cells_by_grade_id(nbt.load(path)).items()}

    @classmethod
    def source(cls, folder: str) -> "ExerciseNotebook":
        """source/<folder>/<folder>.ipynb: the instructor's version, with solutions and hidden data."""
        return cls(ROOT / "source" / folder / f"{folder}.ipynb")

    @classmethod
    def released(cls, folder: str) -> "ExerciseNotebook":
        """course/<folder>/<folder>.ipynb: the student's version."""
        return cls(ROOT / "course" / folder / f"{folder}.ipynb")

    def solution_namespace(self, grade_id: str) -> dict:
        ns: dict = {}
        exec(self.cells[grade_id], ns)  # noqa: S102 - our own notebook
        return ns

    def solution(self, grade_id: str) -> Any:
        """The value the solution cell binds to the exercise's answer name."""
        return self.solution_namespace(grade_id)[get_exercise(grade_id).answer_name]

    def hidden(self, grade_id: str) -> Any:
        return hidden_block_data(self.cells[grade_id + "_tests"])


class ExerciseContract:
    """What every exercise of a chapter must do. Subclass it as ``TestContract`` and set
    ``chapter`` (the autograder.exercises.chNN module) and ``book`` (its source notebook)."""

    chapter: ModuleType
    book: ExerciseNotebook
    garbage = (42, None, "", "kind: Pod\n  : : :", [1, 2], {"a": 1}, lambda *a: 1 / 0)

    def pytest_generate_tests(self, metafunc):
        if "gid" in metafunc.fixturenames:
            metafunc.parametrize("gid", sorted(self.chapter.EXERCISES))

    def test_table_has_at_least_five_exercises_with_test_cells(self):
        assert len(self.chapter.EXERCISES) >= 5
        for gid in self.chapter.EXERCISES:
            assert gid in self.book.cells and gid + "_tests" in self.book.cells, gid

    def test_solution_gets_full_marks(self, gid):
        ex = get_exercise(gid)
        r = grade(gid, self.book.solution_namespace(gid), self.book.hidden(gid))
        assert r.max_score == ex.points
        assert r.score == ex.points, str(r)

    def test_visible_only_scores_the_visible_points(self, gid):
        ex = get_exercise(gid)
        r = grade(gid, self.book.solution_namespace(gid), None)
        assert r.score == r.max_score <= ex.points
        # Exercise.hidden_points is what the self-check adds up: it must match the checker
        assert r.max_score == ex.visible_points, (gid, r.max_score, ex.visible_points)
        if r.max_score < ex.points:
            assert "casos ocultos" in str(r)

    def test_unanswered_is_zero_without_raising(self, gid):
        r = grade(gid, {}, self.book.hidden(gid))
        assert r.score == 0 and UNANSWERED_MESSAGE in str(r)
        ex = get_exercise(gid)
        if ex.kind == "function":
            def stub(*_args):
                raise NotImplementedError()
            r = grade(gid, {ex.answer_name: stub}, self.book.hidden(gid))
            assert r.score == 0 and UNANSWERED_MESSAGE in str(r)

    def test_garbage_answers_never_raise(self, gid):
        ex = get_exercise(gid)
        for garbage in self.garbage:
            r = grade(gid, {ex.answer_name: garbage}, self.book.hidden(gid))
            assert r.score < ex.points
