"""The grading kernel cannot read the instructor's course folder (Linux namespaces).

A spy submission's answer cell opens, by absolute path, the source notebook (solutions and
hidden tests), the real gradebook.db, another student's submission, and the same files
through ``/proc/<pid>/root`` of every process it can see, and prints what it could read.
The tiny scratch assignment of tests/hostile/course.py is graded twice with the instructor's
command: with isolation (the default) the spy reads nothing, the run says the kernel was
isolated and the honest submissions get full marks; with ``K8S_AUTOGRADE_NO_ISOLATION=1`` the
very same spy reads the files (so this test can fail) and the run says the kernel was not
isolated.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile import course as C  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.pipeline]

A = C.SCRATCH
HONEST = ("alumno1", "alumno2")

SPY = r'''
import os as _o
def _lee(_p):
    try:
        with open(_p, "rb") as _f:
            return len(_f.read()) > 0
    except OSError:
        return False
for _etiqueta, _p in {objetivos!r}.items():
    _ok = _lee(_p) or any(_lee(f"/proc/{{_d}}/root{{_p}}") for _d in _o.listdir("/proc") if _d.isdigit())
    print("ESPIA", _etiqueta, "LEIDO" if _ok else "NADA")
'''


def _unshare_works() -> tuple[bool, str]:
    if not sys.platform.startswith("linux"):
        return False, f"not Linux ({sys.platform})"
    if not shutil.which("unshare"):
        return False, "util-linux unshare is not installed"
    r = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True, text=True)
    if r.returncode != 0:
        return False, f"unprivileged user+mount namespaces are not allowed here: {r.stderr.strip()[:200]}"
    return True, ""


def _grade(root: Path, isolate: bool) -> dict:
    course = C.make_course(root / "curso", A, C.scratch_source())
    subs = root / "entregas"
    name = C.notebook_name(course, A)
    sol = C.solution_nb(course, A)
    for s in HONEST:
        (subs / s / A).mkdir(parents=True)
        (subs / s / A / f"{name}.ipynb").write_text(json.dumps(sol), encoding="utf-8")
    targets = {"fuente": str(course / "source" / A / f"{name}.ipynb"),
               "gradebook": str(course / "gradebook.db"),
               "otra_entrega": str(subs / HONEST[0] / A / f"{name}.ipynb"),
               "repositorio": str(C.REPO / "pyproject.toml")}
    spy = json.loads(json.dumps(sol))
    first = next(c for c in spy["cells"] if C._meta(c).get("solution"))
    first["source"] = C.src(first) + "\n" + SPY.format(objetivos=targets)
    (subs / "espia" / A).mkdir(parents=True)
    (subs / "espia" / A / f"{name}.ipynb").write_text(json.dumps(spy), encoding="utf-8")
    # an endless loop: nbgrader's interrupt (SIGINT to the kernel's process group) must still work
    loop = json.loads(json.dumps(sol))
    first = next(c for c in loop["cells"] if C._meta(c).get("solution"))
    first["source"] = C.src(first) + "\nwhile True:\n    pass\n"
    (subs / "bucle" / A).mkdir(parents=True)
    (subs / "bucle" / A / f"{name}.ipynb").write_text(json.dumps(loop), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "K8S_AUTOGRADE_NO_ISOLATION"}
    if not isolate:
        env["K8S_AUTOGRADE_NO_ISOLATION"] = "1"
    out = root / "informes"
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "corregir", A, str(subs), "--curso", str(course), "--jobs", "2",
         "--timeout", "120", "--timeout-celda", "4", "--out", str(out), "--sin-progreso", "--sin-feedback"],
        capture_output=True, text=True, timeout=600, cwd=course, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = {r["student"]: r for r in json.loads((out / "resultados.json").read_text(encoding="utf-8"))}
    run = json.loads((out / "ejecucion.json").read_text(encoding="utf-8"))
    nb = json.loads((course / "autograded" / "espia" / A / f"{name}.ipynb").read_text(encoding="utf-8"))
    text = json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)
    spied = {t: ("LEIDO" if f"ESPIA {t} LEIDO" in text else "NADA" if f"ESPIA {t} NADA" in text else None)
             for t in targets}
    return {"results": results, "run": run, "spied": spied, "stdout": proc.stdout,
            "full": sum(C.points(C.source_nb(course, A)).values())}


@pytest.fixture(scope="module")
def root():
    d = Path(tempfile.mkdtemp(prefix="isolation-"))
    try:
        yield d
    finally:
        if not os.environ.get("AUTOGRADER_KEEP_TMP"):
            shutil.rmtree(d, ignore_errors=True)


def test_spy_reads_nothing_when_the_kernel_is_isolated(root):
    ok, why = _unshare_works()
    if not ok:
        pytest.skip(f"kernel isolation unavailable on this machine: {why}")
    g = _grade(root / "aislado", isolate=True)
    assert g["run"]["kernel_aislado"] is True, g["run"]
    assert "Kernel aislado" in g["run"]["aislamiento"] and "Kernel aislado" in g["stdout"]
    assert g["spied"] == {t: "NADA" for t in g["spied"]}, g["spied"]
    for s in (*HONEST, "espia"):
        r = g["results"][s]
        assert r["kernel_aislado"] is True, (s, r)
        assert r["score"] == r["max_score"] == g["full"], (s, r)
        assert r["nbgrader_score"] == r["limpia_score"] == g["full"], (s, r)
        assert not r["revisar"], (s, r["motivos"])
    r = g["results"]["bucle"]
    assert r["kernel_aislado"] is True and r["nbgrader_score"] is not None, r
    assert any("tiempo agotado (interrumpida)" in x for x in r["outcomes"]), r["outcomes"]


def test_spy_reads_the_course_when_isolation_is_off(root):
    g = _grade(root / "sin_aislar", isolate=False)
    assert g["run"]["kernel_aislado"] is False, g["run"]
    assert "NO se aisló" in g["run"]["aislamiento"] and "NO se aisló" in g["stdout"]
    assert "K8S_AUTOGRADE_NO_ISOLATION" in g["run"]["aislamiento"]
    assert g["spied"]["fuente"] == "LEIDO" and g["spied"]["gradebook"] == "LEIDO", g["spied"]
    assert g["spied"]["otra_entrega"] == "LEIDO", g["spied"]
    for s in (*HONEST, "espia"):
        r = g["results"][s]
        assert r["kernel_aislado"] is False, (s, r)
        assert r["score"] == r["max_score"] == g["full"], (s, r)
