"""Hostile and broken submissions of chapter 01, graded in ONE run of the instructor command.

Every attack of tests/hostile/attacks.py (plus a correct and a blank submission) goes through
``python -m autograder corregir`` with 2 jobs, small timeouts and the clean-room re-check.
For each we assert the final score, whether it is flagged for review, the recorded (Spanish)
outcome, and at the end that the gradebook is intact and has everyone, that the CSV, summary,
histogram and feedback exist, that hidden tests never reached student code or the feedback,
and that no process of the run is left behind.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile import attacks as H  # noqa: E402
from hostile import course as C  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.pipeline]

A = C.CH01
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graded():
    if not (REPO / "source" / A).is_dir():
        pytest.skip("chapter 01 is not in source/ yet")
    # our own temporary folder: pytest's rotating basetemp may be pruned by another pytest run
    root = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        yield _grade_all(root)
    finally:
        if not os.environ.get("AUTOGRADER_KEEP_TMP"):
            shutil.rmtree(root, ignore_errors=True)


def _grade_all(root: Path) -> dict:
    course = C.make_course(root / "curso")
    expect = H.write_submissions(course, root / "entregas")
    out = root / "informes"
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "corregir", A, str(root / "entregas"), "--curso", str(course),
         "--jobs", "2", "--timeout", "150", "--timeout-celda", "10", "--out", str(out), "--sin-progreso"],
        capture_output=True, text=True, timeout=900, cwd=course)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = {r["student"]: r for r in json.loads((out / "resultados.json").read_text(encoding="utf-8"))}
    full = sum(C.points(C.source_nb(course, A)).values())
    return {"course": course, "out": out, "expect": expect, "results": results, "full": full,
            "stdout": proc.stdout}


@pytest.mark.parametrize("student", [fn.__name__ for fn in H.ATTACKS])
def test_attack_outcome(graded, student):
    exp: H.Expect = graded["expect"][student]
    r = graded["results"][student]
    want = graded["full"] if exp.score == "full" else exp.score
    assert r["score"] == pytest.approx(want), (student, r)
    assert r["revisar"] is exp.flagged, (student, r["motivos"], r["outcomes"])
    if exp.estado:
        assert r["estado"] == exp.estado
    text = " | ".join(r["outcomes"] + r["motivos"])
    for piece in exp.outcome:
        assert piece in text, (student, piece, text)
    if exp.nbgrader_none:
        assert r["nbgrader_score"] is None
    if exp.cell_output:
        gid, piece = exp.cell_output
        nb = json.loads((graded["course"] / "autograded" / student / A / f"{A}.ipynb").read_text(encoding="utf-8"))
        cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == gid)
        assert piece in json.dumps(cell["outputs"], ensure_ascii=False)


def test_correct_submission_full_marks_and_agreement(graded):
    r = graded["results"]["solucion"]
    assert r["score"] == r["max_score"] == graded["full"]
    assert r["nbgrader_score"] == r["limpia_score"] == graded["full"]


def test_cheaters_fool_nbgrader_but_not_the_clean_room(graded):
    for s in ("parchea_corrector", "parchea_rubrica", "parchea_ipython"):
        r = graded["results"][s]
        assert r["nbgrader_score"] > 0, s          # nbgrader alone was fooled...
        assert r["limpia_score"] == 0, s            # ...the clean room was not
        assert r["score"] == 0 and r["revisar"], s


def test_killed_kernels_get_a_clean_room_suggestion(graded):
    for s in ("os_exit", "mata_kernel"):
        r = graded["results"][s]
        assert r["limpia_score"] is not None and 0 < r["limpia_score"] < graded["full"], r


def test_gradebook_intact_and_complete(graded):
    db = graded["course"] / "gradebook.db"
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        students = {row[0] for row in con.execute("SELECT id FROM student")}
    finally:
        con.close()
    assert students == set(graded["expect"])
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{db}") as gb:
        for s, r in graded["results"].items():
            sub = gb.find_submission(A, s)
            assert sub.score == pytest.approx(r["score"]), s
            assert sub.max_score == pytest.approx(graded["full"])


def test_reports_exist(graded):
    out = graded["out"]
    with open(out / "resultados.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["student_id"] for r in rows} == set(graded["expect"])
    assert {"assignment", "student_id", "score", "max_score", "revisar", "motivo", "estado"} <= set(rows[0])
    assert (out / "histograma.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| ejercicio |" in (out / "resumen_ejercicios.md").read_text(encoding="utf-8")
    assert "para revisar" in graded["stdout"]
    fb = graded["course"] / "feedback"
    for s, r in graded["results"].items():
        html = fb / s / A / f"{A}.html"
        if r["estado"] == "no es un cuaderno válido" or r["nbgrader_score"] is None:
            continue
        assert html.exists(), s


def test_hidden_tests_not_readable_by_student_code(graded):
    nb = json.loads((graded["course"] / "autograded" / "espia" / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    text = json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)
    assert "ESPIA_NOTEBOOKS NADA" in text          # no notebook with hidden tests found from the kernel
    assert "ESPIA_CWD []" in text                   # the kernel's folder holds no notebook at all
    assert "ESPIA_CELDA from autograder.exercises import grade" not in text   # spied test cells redacted
    for html in (graded["course"] / "feedback").rglob("*.html"):
        body = html.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in body, html
        assert "ESPIA_CELDA from autograder.exercises import grade" not in body, html


def test_no_process_left_behind(graded):
    run_id = json.loads((graded["out"] / "ejecucion.json").read_text(encoding="utf-8"))["run_id"]
    leftovers = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/environ", "rb") as f:
                    if f"AUTOGRADER_RUN={run_id}".encode() in f.read():
                        leftovers.append(d)
            except OSError:
                pass
    assert leftovers == []


def test_report_table(graded):
    """Prints the outcome table (attack -> score -> recorded outcome -> flagged) with -s."""
    lines = ["| ataque | nota | nbgrader | limpia | estado | revisar | registro |", "|---|---|---|---|---|---|---|"]
    for fn in H.ATTACKS:
        r = graded["results"][fn.__name__]
        rec = "; ".join(list(dict.fromkeys(r["outcomes"] + r["motivos"]))[:3])
        lines.append(f"| {graded['expect'][fn.__name__].what} | {r['score']:g}/{r['max_score']:g} | "
                     f"{r['nbgrader_score']} | {r['limpia_score']} | {r['estado']} | "
                     f"{'sí' if r['revisar'] else 'no'} | {rec[:160]} |")
    table = "\n".join(lines)
    print("\n" + table)
    (graded["out"] / "tabla_ataques.md").write_text(table + "\n", encoding="utf-8")
    assert len(lines) == len(H.ATTACKS) + 2
