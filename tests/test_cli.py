"""The instructor command on a tiny scratch assignment: layouts, zip, reports, idempotent reruns,
and the pre-flight checks as units."""
from __future__ import annotations

import copy
import csv
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile import course as C  # noqa: E402

from autograder import cleanroom, preflight  # noqa: E402

D = C.SCRATCH


def _answers(doble: str, imagen: str) -> dict:
    nb = copy.deepcopy(C.scratch_source())
    for c in nb["cells"]:
        gid = c["metadata"].get("nbgrader", {}).get("grade_id")
        if gid == "ej1":
            c["source"] = doble
        elif gid == "ej2":
            c["source"] = imagen
        elif gid in ("ej1_tests", "ej2_tests"):
            c["source"] = cleanroom.strip_hidden(C.src(c))
    return nb


SOL = _answers("def doble(x):\n    return 2 * x", "imagen = 'nginx:1.25.3'")
HALF = _answers("def doble(x):\n    return x + 2", "imagen = 'nginx'")   # 1 of 3


@pytest.fixture(scope="module")
def demo():
    root = Path(tempfile.mkdtemp(prefix="cli-"))
    try:
        course = C.make_course(root / "curso", D, C.scratch_source())
        yield root, course
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(course: Path, subs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "corregir", D, str(subs), "--curso", str(course),
                           "--jobs", "2", "--timeout", "90", "--timeout-celda", "10", "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=600)


def _db_counts(course: Path) -> dict:
    con = sqlite3.connect(course / "gradebook.db")
    try:
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("student", "submitted_assignment", "submitted_notebook", "grade", "comment")}
    finally:
        con.close()


def test_help_is_spanish():
    r = subprocess.run([sys.executable, "-m", "autograder", "corregir", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "entregas" in r.stdout and "segundos máximos por entrega" in r.stdout


def test_unknown_assignment_is_a_usage_error(demo):
    root, course = demo
    r = subprocess.run([sys.executable, "-m", "autograder", "corregir", "no-existe", str(root), "--curso", str(course)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "no existe" in r.stderr


def test_zip_flat_layout_then_idempotent_rerun(demo):
    root, course = demo
    zpath = root / "entregas.zip"
    with zipfile.ZipFile(zpath, "w") as z:   # wrapped in one folder, as zips often are
        z.writestr("entregas/alice.ipynb", json.dumps(SOL))
        z.writestr("entregas/bob.ipynb", json.dumps(HALF))
        z.writestr("entregas/carol.ipynb", "no soy un cuaderno")
        z.writestr("../fuera.ipynb", json.dumps(SOL))   # path traversal: ignored
    out = root / "informes"
    r = _run(course, zpath, out, "--sin-progreso")
    assert r.returncode == 0, r.stderr[-2000:]
    rows = {x["student_id"]: x for x in csv.DictReader(open(out / "resultados.csv", encoding="utf-8"))}
    assert set(rows) == {"alice", "bob", "carol"}
    assert float(rows["alice"]["score"]) == 3 and rows["alice"]["revisar"] == "no"
    assert float(rows["bob"]["score"]) == 1 and rows["bob"]["revisar"] == "no"
    assert float(rows["carol"]["score"]) == 0 and rows["carol"]["estado"] == "no es un cuaderno válido"
    assert "archivo mal nombrado" not in rows["alice"]["incidencias"]    # flat layout: name is the id
    assert not (root / "fuera.ipynb").exists()
    assert (course / "feedback" / "alice" / D / f"{D}.html").exists()
    assert "| ej1_tests | 2 |" in r.stdout     # per-exercise summary printed
    counts = _db_counts(course)
    first_csv = (out / "resultados.csv").read_text(encoding="utf-8")

    # an instructor's manual score must survive a rerun
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        g = gb.find_grade("ej2_tests", D, D, "bob")
        g.manual_score = 0.5
        gb.db.commit()

    r2 = _run(course, zpath, out, "--sin-progreso", "--sin-feedback")
    assert r2.returncode == 0, r2.stderr[-2000:]
    assert _db_counts(course) == counts        # same rows: nothing duplicated
    rows2 = {x["student_id"]: x for x in csv.DictReader(open(out / "resultados.csv", encoding="utf-8"))}
    assert float(rows2["alice"]["score"]) == 3
    assert float(rows2["bob"]["score"]) == 1.5   # 1 (ej1) + manual 0.5 (ej2) kept
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_grade("ej2_tests", D, D, "bob").manual_score == 0.5
    same = [ln for ln in first_csv.splitlines() if "alice" in ln]
    assert same and same[0] in (out / "resultados.csv").read_text(encoding="utf-8")


def test_progress_line_without_tqdm(demo):
    root, course = demo
    subs = root / "una"
    (subs / "dave").mkdir(parents=True)
    (subs / "dave" / "cualquier_nombre.ipynb").write_text(json.dumps(SOL), encoding="utf-8")
    r = _run(course, subs, root / "informes-una", "--sin-limpia", "--sin-feedback")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "1/1" in r.stderr                       # the progress bar (tqdm or our line)
    rows = list(csv.DictReader(open(root / "informes-una" / "resultados.csv", encoding="utf-8")))
    assert rows[0]["student_id"] == "dave" and float(rows[0]["score"]) == 3
    assert "archivo mal nombrado" in rows[0]["incidencias"]


# --------------------------------------------------------------------------- pre-flight units

def test_discover_layouts(tmp_path):
    a = "01-x"
    (tmp_path / "nbg" / "ana" / a).mkdir(parents=True)
    (tmp_path / "nbg" / "ana" / a / "01-x.ipynb").write_text("{}")
    (tmp_path / "nbg" / "ana" / a / "timestamp.txt").write_text("2026-01-01 10:00:00")
    (tmp_path / "nbg" / "luis" / a).mkdir(parents=True)
    (tmp_path / "nbg" / "luis" / a / "01-x.ipynb").write_text("{}")
    found = {f.student: f for f in preflight.discover(tmp_path / "nbg", a, ["01-x"])}
    assert set(found) == {"ana", "luis"} and found["ana"].timestamp is not None

    (tmp_path / "dirs" / "ana").mkdir(parents=True)
    (tmp_path / "dirs" / "ana" / "01-x.ipynb").write_text("{}")
    (tmp_path / "dirs" / "pe pe").mkdir(parents=True)
    (tmp_path / "dirs" / "pe pe" / "otro.ipynb").write_text("{}")
    found = {f.student: f for f in preflight.discover(tmp_path / "dirs", a, ["01-x"])}
    assert set(found) == {"ana", "pe_pe"} and "cambiado" in found["pe_pe"].notes[0]

    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "ana.ipynb").write_text("{}")
    (tmp_path / "flat" / "luis.ipynb").write_text("{}")
    found = preflight.discover(tmp_path / "flat", a, ["01-x"])
    assert [f.student for f in found] == ["ana", "luis"] and all(f.flat for f in found)


def test_load_notebook_rejects_invalid(tmp_path):
    cases = {"a.ipynb": "{no json", "b.ipynb": json.dumps({"nbformat": 3, "worksheets": []}),
             "c.ipynb": json.dumps([1, 2]), "d.ipynb": json.dumps({"nbformat": 4, "cells": [{"x": 1}]})}
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
    reasons = {n: preflight.load_notebook(tmp_path / n)[1] for n in cases}
    assert all(r.startswith("no es un cuaderno válido") for r in reasons.values()), reasons
    assert "no es JSON" in reasons["a.ipynb"] and "nbformat 3" in reasons["b.ipynb"]
    (tmp_path / "ok.ipynb").write_text(json.dumps(SOL))
    assert preflight.load_notebook(tmp_path / "ok.ipynb")[1] == ""


def test_repair_restores_deleted_tests_in_place_and_strips_unknown_ids():
    nb = copy.deepcopy(SOL)
    nb["cells"] = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != "ej1_tests"]
    nb["cells"][-1]["metadata"]["nbgrader"]["grade_id"] = "inventado"       # was ej2_tests
    nb["metadata"]["kernelspec"]["name"] = "otro"
    outcomes: list[str] = []
    fixed = preflight.repair(nb, C.scratch_source(), outcomes)
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in fixed["cells"]]
    assert ids == ["md1", "setup", "ej1", "ej1_tests", "ej2", "ej2_tests", None]
    restored = fixed["cells"][3]
    assert "doble(21)" not in C.src(restored) and "doble(2) == 4" in C.src(restored)
    assert fixed["metadata"]["kernelspec"]["name"] == "python3"
    text = " | ".join(outcomes)
    assert "«ej1_tests» borrada: restaurada" in text and "inventado" in text and "kernel «otro»" in text


def test_prepare_maps_single_wrong_name(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "mi entrega.ipynb").write_text(json.dumps(SOL))
    found = preflight.discover(tmp_path, D, [D])[0]
    prep = preflight.prepare(found, {D: C.scratch_source()})
    assert prep.valid and list(prep.notebooks) == [D]
    assert "archivo mal nombrado" in prep.outcomes[0]


def test_submission_timeout_kills_everything_and_run_goes_on(demo):
    """A kernel that ignores the interrupt: the submission's wall timeout stops it, the whole
    process tree (kernel included) is killed, the row is recorded and the others are graded."""
    root, course = demo
    subs = root / "terco"
    subs.mkdir()
    stubborn = _answers("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                        "def doble(x):\n    return 2 * x\nwhile True:\n    pass", "imagen = 'nginx:1.25.3'")
    (subs / "terco.ipynb").write_text(json.dumps(stubborn), encoding="utf-8")
    (subs / "eva.ipynb").write_text(json.dumps(SOL), encoding="utf-8")
    slow = copy.deepcopy(SOL)   # every cell finishes, but together they pass the 20 s budget
    for _ in range(6):
        slow["cells"].insert(2, {"cell_type": "code", "metadata": {}, "source": "import time\ntime.sleep(4)",
                                 "outputs": [], "execution_count": None})
    (subs / "lento.ipynb").write_text(json.dumps(slow), encoding="utf-8")
    out = root / "informes-terco"
    r = subprocess.run([sys.executable, "-m", "autograder", "corregir", D, str(subs), "--curso", str(course),
                        "--jobs", "2", "--timeout", "20", "--timeout-celda", "5", "--out", str(out),
                        "--sin-feedback", "--sin-progreso"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    res = {x["student"]: x for x in json.loads((out / "resultados.json").read_text(encoding="utf-8"))}
    assert res["eva"]["score"] == 3 and not res["eva"]["revisar"]
    t = res["terco"]
    assert t["score"] == 0 and t["revisar"] and t["estado"] == "sin nota de nbgrader"
    # either the submission's wall timeout or nbclient giving up on the unresponsive kernel
    assert any(x.startswith("tiempo agotado:") for x in t["outcomes"]), t["outcomes"]
    assert t["limpia_score"] == 3          # the clean room skipped the endless cell: a suggestion
    lento = res["lento"]
    assert lento["score"] == 0 and lento["revisar"] and lento["nbgrader_score"] is None
    assert any("tiempo agotado: la corrección superó 20 s" in x for x in lento["outcomes"]), lento["outcomes"]
    run_id = json.loads((out / "ejecucion.json").read_text(encoding="utf-8"))["run_id"]
    import os
    alive = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/environ", "rb") as f:
                    if run_id.encode() in f.read():
                        alive.append(d)
            except OSError:
                pass
    assert alive == []
