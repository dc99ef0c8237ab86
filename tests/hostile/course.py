"""A throw-away course folder for grading tests: the repository's nbgrader_config.py and one
assignment's source (or a tiny scratch assignment), with ``nbgrader generate_assignment`` run.

The release notebook (what students download) and a *solution submission* (the release with
the source's answers filled in) are what the hostile generators start from.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CH01 = "01-imagenes-y-tags"


def _meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def make_course(dest: Path, assignment: str = CH01, source_nb: dict | None = None) -> Path:
    """Course folder with source/<assignment>/ and its gradebook entry. Returns the folder."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", dest / "nbgrader_config.py")
    sdir = dest / "source" / assignment
    if source_nb is None:
        shutil.copytree(REPO / "source" / assignment, sdir, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    else:
        sdir.mkdir(parents=True, exist_ok=True)
        (sdir / f"{assignment}.ipynb").write_text(json.dumps(source_nb, indent=1), encoding="utf-8")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    r = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                       cwd=dest, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-3000:])
    return dest


def notebook_name(course: Path, assignment: str) -> str:
    return next((course / "source" / assignment).glob("*.ipynb")).stem


def release_nb(course: Path, assignment: str) -> dict:
    name = notebook_name(course, assignment)
    return json.loads((course / "release" / assignment / f"{name}.ipynb").read_text(encoding="utf-8"))


def source_nb(course: Path, assignment: str) -> dict:
    name = notebook_name(course, assignment)
    return json.loads((course / "source" / assignment / f"{name}.ipynb").read_text(encoding="utf-8"))


def solution_nb(course: Path, assignment: str) -> dict:
    """The release with every answer cell replaced by the source's solution."""
    rel = copy.deepcopy(release_nb(course, assignment))
    sols = {_meta(c)["grade_id"]: src(c) for c in source_nb(course, assignment)["cells"]
            if _meta(c).get("solution")}
    for c in rel["cells"]:
        gid = _meta(c).get("grade_id")
        if gid in sols:
            c["source"] = sols[gid]
    return rel


def test_cell_ids(nb: dict) -> list[str]:
    return [_meta(c)["grade_id"] for c in nb["cells"] if _meta(c).get("grade") and not _meta(c).get("solution")]


def solution_ids(nb: dict) -> list[str]:
    return [_meta(c)["grade_id"] for c in nb["cells"] if _meta(c).get("solution")]


def points(nb: dict) -> dict[str, float]:
    return {_meta(c)["grade_id"]: float(_meta(c)["points"]) for c in nb["cells"]
            if _meta(c).get("grade") and not _meta(c).get("solution")}


# --------------------------------------------------------------------------- scratch assignment

SCRATCH = "demo"


def _cell(kind: str, text: str, **nbg) -> dict:
    c = {"cell_type": kind, "metadata": {}, "source": text}
    if kind == "code":
        c["outputs"], c["execution_count"] = [], None
    if nbg:
        base = {"grade": False, "solution": False, "locked": False, "schema_version": 3}
        base.update(nbg)
        c["metadata"]["nbgrader"] = base
    return c


def scratch_source() -> dict:
    """A tiny assignment: one function answer (2 points, one hidden case) and one value (1 point)."""
    test1 = ("from autograder.rubric import Rubric\n_r = Rubric('Ejercicio 1')\n"
             "_r.item('doble(2) == 4', 1, doble(2) == 4)\n"
             "### BEGIN HIDDEN TESTS\n_r.item('doble(21) == 42 (caso oculto)', 1, doble(21) == 42)\n"
             "### END HIDDEN TESTS\nprint(_r)\n_r.score")
    test2 = ("from autograder.rubric import Rubric\n_r = Rubric('Ejercicio 2')\n"
             "_r.item('imagen fijada', 1, imagen == 'nginx:1.25.3')\nprint(_r)\n_r.score")
    cells = [
        _cell("markdown", "# Demo", grade_id="md1", locked=True),
        _cell("code", "import math", grade_id="setup", locked=True),
        _cell("code", "def doble(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
              grade_id="ej1", solution=True),
        _cell("code", test1, grade_id="ej1_tests", grade=True, locked=True, points=2),
        _cell("code", "### BEGIN SOLUTION\nimagen = 'nginx:1.25.3'\n### END SOLUTION", grade_id="ej2",
              solution=True),
        _cell("code", test2, grade_id="ej2_tests", grade=True, locked=True, points=1),
    ]
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                                        "language": "python", "name": "python3"},
                                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 4}
