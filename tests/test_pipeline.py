"""The whole nbgrader pipeline, headless, for every assignment in source/.

CONVENTIONS FOR CHAPTER AUTHORS
===============================
Every folder ``source/NN-name/`` needs a case file ``tests/pipeline_cases/chNN.py`` (NN = the
folder's two leading digits); the test FAILS for an assignment without one. A case file is
plain Python with these names::

    ASSIGNMENT = "01-imagenes-y-tags"          # folder name in source/
    NOTEBOOK = "01-imagenes-y-tags.ipynb"      # the graded notebook in it
    MAX_SCORE = 20.0                           # sum of the points of its test cells
    WRONG_SUBMISSIONS = [                      # one or more typical wrong answers
        {
            "student": "alumno_latest",        # [a-z0-9_]+, unique in the file
            # grade_id of a SOLUTION cell -> the complete new source of that cell
            "edits": {"ch01_ej5": POD_LATEST},  # POD_LATEST: a str defined above in the file
            "score": 18.5,                     # expected total (partial: 0 < score < MAX_SCORE)
            # substrings that must appear in the feedback HTML (HTML-unescaped)
            "feedback": ["latest"],
        },
    ]

For each assignment the test copies source/<assignment>/ and nbgrader_config.py into a
temporary course root, runs ``nbgrader generate_assignment``, places submissions in
``submitted/<student>/<assignment>/<notebook>``:

- ``solucion``: the source notebook with outputs cleared -> MAX_SCORE;
- ``en_blanco``: the released notebook untouched -> 0 (no crash);
- each WRONG_SUBMISSIONS entry: the solution with the edits -> its ``score``;

then runs ``nbgrader autograde``, ``nbgrader generate_feedback`` and ``nbgrader export`` and
checks the per-student totals in the CSV and the feedback HTML files.
"""
from __future__ import annotations

import csv
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.release import nbgrader_env

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source"
CASES = Path(__file__).resolve().parent / "pipeline_cases"
TIMEOUT = 900  # seconds for one nbgrader command (2 shared CPU cores)

ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and re.match(r"\d\d-", p.name)) \
    if SOURCE.is_dir() else []


def load_case(assignment: str):
    path = CASES / f"ch{assignment[:2]}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"pipeline_case_{assignment[:2]}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nbgrader(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT, env=nbgrader_env())
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def write_submission(nb: dict, root: Path, student: str, assignment: str, notebook: str) -> None:
    dest = root / "submitted" / student / assignment
    dest.mkdir(parents=True, exist_ok=True)
    (dest / notebook).write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def cleared(nb: dict) -> dict:
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def apply_edits(nb: dict, edits: dict[str, str]) -> dict:
    nb = cleared(nb)
    found = set()
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in edits:
            cell["source"] = edits[gid]
            found.add(gid)
    missing = set(edits) - found
    assert not missing, f"edits name grade_ids that are not in the notebook: {sorted(missing)}"
    return nb


def test_every_assignment_has_a_case_file():
    assert ASSIGNMENTS, "no assignments in source/"
    without = [a for a in ASSIGNMENTS if load_case(a) is None]
    assert not without, f"assignments without tests/pipeline_cases/chNN.py: {without}"


@pytest.mark.pipeline
@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_pipeline(assignment, tmp_path):
    case = load_case(assignment)
    if case is None:
        pytest.fail(f"source/{assignment} has no case file tests/pipeline_cases/ch{assignment[:2]}.py")
    assert case.ASSIGNMENT == assignment
    wrong = list(case.WRONG_SUBMISSIONS)
    assert wrong, "a case file needs at least one wrong submission"

    root = tmp_path / "curso"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(SOURCE / assignment, root / "source" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))

    nbgrader(["generate_assignment", assignment, "--force"], root)
    released = root / "release" / assignment / case.NOTEBOOK
    assert released.is_file()

    source_nb = json.loads((SOURCE / assignment / case.NOTEBOOK).read_text(encoding="utf-8"))
    release_nb = json.loads(released.read_text(encoding="utf-8"))
    expected = {"solucion": float(case.MAX_SCORE), "en_blanco": 0.0}
    write_submission(cleared(source_nb), root, "solucion", assignment, case.NOTEBOOK)
    write_submission(release_nb, root, "en_blanco", assignment, case.NOTEBOOK)
    for w in wrong:
        assert 0 < w["score"] < case.MAX_SCORE, f"{w['student']}: a wrong answer must get partial credit"
        write_submission(apply_edits(source_nb, w["edits"]), root, w["student"], assignment, case.NOTEBOOK)
        expected[w["student"]] = float(w["score"])

    t0 = time.monotonic()
    nbgrader(["autograde", assignment, "--force"], root)
    elapsed = time.monotonic() - t0
    print(f"\n{assignment}: autograde {len(expected)} submissions in {elapsed:.1f}s "
          f"({elapsed / len(expected):.1f}s each)")
    nbgrader(["generate_feedback", assignment, "--force"], root)
    nbgrader(["export", "--to", "grades.csv"], root)

    with open(root / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["assignment"] == assignment]
    got = {r["student_id"]: float(r["score"]) for r in rows}
    print(f"{assignment}: scores {got}")
    assert got == pytest.approx(expected), f"scores differ: got {got}, expected {expected}"
    for r in rows:
        assert float(r["max_score"]) == pytest.approx(float(case.MAX_SCORE))

    stem = Path(case.NOTEBOOK).stem
    hidden_code = _hidden_code_lines(SOURCE / assignment / case.NOTEBOOK)
    for student in expected:
        page = root / "feedback" / student / assignment / f"{stem}.html"
        assert page.is_file(), f"no feedback HTML for {student}"
        # nbgrader_config.py strips the hidden tests' code from the feedback students read
        text = html.unescape(page.read_text("utf-8"))
        assert "BEGIN HIDDEN TESTS" not in text, f"{student}: hidden tests in the feedback"
        leaked = [line for line in hidden_code if line in text]
        assert not leaked, f"{student}: hidden test code in the feedback: {leaked[:3]}"
    blank = html.unescape((root / "feedback" / "en_blanco" / assignment / f"{stem}.html").read_text("utf-8"))
    assert "Aún no has resuelto este ejercicio" in blank
    for w in wrong:
        text = html.unescape((root / "feedback" / w["student"] / assignment / f"{stem}.html").read_text("utf-8"))
        for snippet in w["feedback"]:
            assert snippet in text, f"{w['student']}: feedback lacks {snippet!r}"


def _hidden_code_lines(notebook: Path) -> list[str]:
    """Distinctive code lines inside the source notebook's hidden-test blocks."""
    lines, inside = [], False
    for cell in json.loads(notebook.read_text("utf-8"))["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) >= 25:
                lines.append(line.strip())
    return lines


# --------------------------------------------------------------------------- conventions (fast)


def _notebook_and_case(assignment):
    case = load_case(assignment)
    if case is None:
        pytest.fail(f"source/{assignment} has no case file tests/pipeline_cases/ch{assignment[:2]}.py")
    nb = json.loads((SOURCE / assignment / case.NOTEBOOK).read_text(encoding="utf-8"))
    return case, nb


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_follows_the_conventions(assignment):
    from autograder import notebook_tools as nbt
    from autograder.exercises import exercises

    case, nb = _notebook_and_case(assignment)
    chapter = f"ch{assignment[:2]}_"
    table = {gid: e for gid, e in exercises().items() if gid.startswith(chapter)}
    assert table, f"no exercises registered in autograder/exercises/ch{assignment[:2]}.py"

    ids = [nbt.nbgrader_meta(c).get("grade_id") for c in nb["cells"]]
    assert all(ids), "every cell needs nbgrader metadata with a grade_id (read-only cells too)"
    assert len(ids) == len(set(ids)), "duplicate grade_ids"
    cells = nbt.cells_by_grade_id(nb)
    for cell in nb["cells"]:
        meta = nbt.nbgrader_meta(cell)
        if not meta.get("solution"):
            assert meta.get("locked"), f"{meta['grade_id']}: instructions and non-answer cells are read-only"

    graded = {gid: c for gid, c in cells.items() if nbt.nbgrader_meta(c).get("grade")}
    assert sorted(graded) == sorted(gid + "_tests" for gid in table), \
        "test cells must be exactly <grade_id>_tests for every registered exercise"
    for gid, ex in table.items():
        sol = cells.get(gid)
        assert sol is not None and nbt.nbgrader_meta(sol).get("solution"), f"{gid}: no solution cell"
        assert not nbt.nbgrader_meta(sol).get("grade"), f"{gid}: the solution cell carries no points"
        test = nbt.source_text(graded[gid + "_tests"])
        assert float(nbt.nbgrader_meta(graded[gid + "_tests"])["points"]) == float(ex.points), gid
        assert "### BEGIN HIDDEN TESTS" in test and "### END HIDDEN TESTS" in test, f"{gid}: no hidden tests"
        assert re.search(r"grade\(\s*['\"]%s['\"]" % gid, test), f"{gid}: the test cell must call grade({gid!r}, ...)"
        assert test.rstrip().splitlines()[-1].strip().endswith(".score"), f"{gid}: end the test cell with `_r.score`"
    total = sum(float(nbt.nbgrader_meta(c)["points"]) for c in graded.values())
    assert total == float(case.MAX_SCORE), f"MAX_SCORE {case.MAX_SCORE} != sum of test-cell points {total}"
