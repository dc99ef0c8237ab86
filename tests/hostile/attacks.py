"""Hostile and broken submissions for chapter 01, generated from its release/solution notebooks.

Each attack is a function ``(course) -> (files, expectation)``: ``files`` maps a path relative
to the student's folder to bytes; the expectation says what the grading run must record.
Answers are addressed by the exercise's answer name (from autograder.exercises), so the
generators follow the chapter when exercises are renumbered.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

from . import course as C

A = C.CH01


@dataclass
class Expect:
    score: float | str                 # a number, or "full" (the assignment's max score)
    flagged: bool
    estado: str | None = None          # exact estado, when it matters
    outcome: list[str] = field(default_factory=list)   # substrings expected in the outcomes/flags
    nbgrader_none: bool = False        # nbgrader gave no score at all
    what: str = ""                     # Spanish/English one-liner for the report table
    cell_output: tuple[str, str] | None = None   # (test grade_id, text its output must contain)


def _answers(course: Path) -> dict[str, str]:
    """answer name -> solution grade_id, from autograder.exercises for this notebook."""
    from autograder.exercises import exercises
    sol = set(C.solution_ids(C.source_nb(course, A)))
    return {ex.answer_name: ex.grade_id for ex in exercises().values() if ex.grade_id in sol}


def _pick(course: Path, kind: str, i: int) -> str:
    """The i-th answer name of a kind ("function", "value", "yaml") in the chapter's table."""
    from autograder.exercises import exercises
    names = [n for n, gid in _answers(course).items() if exercises()[gid].kind == kind]
    return names[i % len(names)]


def _sol_cell(nb: dict, gid: str) -> dict:
    return next(c for c in nb["cells"] if C._meta(c).get("grade_id") == gid)


def _gid_of(course: Path, answer: str) -> str:
    return _answers(course)[answer]


def _points_of(course: Path, answer: str) -> float:
    return C.points(C.source_nb(course, A))[_gid_of(course, answer) + "_tests"]


def _dump(nb: dict) -> bytes:
    return json.dumps(nb, ensure_ascii=False, indent=1).encode()


def _nb_name(course: Path) -> str:
    return C.notebook_name(course, A)


def _with(course: Path, edits: dict[str, Callable[[str], str]], base: str = "solution") -> dict:
    nb = C.solution_nb(course, A) if base == "solution" else copy.deepcopy(C.release_nb(course, A))
    rel = C.release_nb(course, A)
    for answer, fn in edits.items():
        gid = _gid_of(course, answer)
        cell = _sol_cell(nb, gid)
        stub = C.src(_sol_cell(rel, gid))
        cell["source"] = fn(C.src(cell)) if fn is not None else stub
    return nb


def _full(course: Path) -> float:
    return sum(C.points(C.source_nb(course, A)).values())


# --------------------------------------------------------------------------- the attacks

def solucion(course):
    return {f"{_nb_name(course)}.ipynb": _dump(C.solution_nb(course, A))}, Expect(
        "full", False, "corregido", what="solución correcta")


def en_blanco(course):
    return {f"{_nb_name(course)}.ipynb": _dump(C.release_nb(course, A))}, Expect(
        0, False, "corregido", what="cuaderno sin responder")


FAKE_GRADE = '''
import autograder.exercises as _E
from autograder.rubric import Rubric as _R
def _falso(gid, ns, hidden=None):
    ex = _E.get_exercise(gid)
    r = _R(ex.title)
    r.item("todo perfecto", ex.points, True)
    return r
_E.grade = _falso
'''


def parchea_corrector(course):
    nb = C.release_nb(course, A)
    nb = copy.deepcopy(nb)
    first = next(c for c in nb["cells"] if C._meta(c).get("solution"))
    first["source"] = C.src(first) + "\n" + FAKE_GRADE
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        0, True, outcome=["verificación limpia 0/"], what="monkeypatch de autograder.exercises.grade")


def parchea_rubrica(course):
    nb = copy.deepcopy(C.release_nb(course, A))
    first = next(c for c in nb["cells"] if C._meta(c).get("solution"))
    first["source"] = ("import autograder.rubric as _R\n"
                       "_R.Rubric.score = property(lambda self: self.max_score)\n" + C.src(first))
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        0, True, outcome=["verificación limpia 0/"], what="monkeypatch de Rubric.score (ayudante de las pruebas)")


def parchea_ipython(course):
    nb = copy.deepcopy(C.release_nb(course, A))
    first = next(c for c in nb["cells"] if C._meta(c).get("solution"))
    first["source"] = (
        "def _neutraliza(lines):\n"
        "    return ['pass\\n'] if any('grade(' in l for l in lines) else lines\n"
        "get_ipython().input_transformers_cleanup.append(_neutraliza)\n" + C.src(first))
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        0, True, outcome=["verificación limpia 0/"],
        what="reescribe las celdas de prueba al ejecutarlas (transformador de IPython)")


def borra_pruebas(course):
    keep = list(_answers(course))[:3]
    blank = [a for a in _answers(course) if a not in keep]
    nb = _with(course, {a: None for a in blank})
    nb["cells"] = [c for c in nb["cells"] if not (C._meta(c).get("grade") and not C._meta(c).get("solution"))]
    score = sum(_points_of(course, a) for a in keep)
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        score, False, outcome=["borrada: restaurada"], what="celdas de prueba borradas (3 ejercicios resueltos)")


def edita_pruebas(course):
    nb = copy.deepcopy(C.release_nb(course, A))
    tests = [c for c in nb["cells"] if C._meta(c).get("grade") and not C._meta(c).get("solution")]
    for c in tests:
        c["source"] = "print('todo bien')\n3.0"
        c["metadata"]["nbgrader"]["points"] = 100
    tests[0]["metadata"]["nbgrader"]["grade_id"] = "inventado"
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        0, False, outcome=["modificada"], what="celdas de prueba editadas (y una con grade_id inventado)")


def cambia_tipos(course):
    nb = C.solution_nb(course, A)
    sol = next(c for c in nb["cells"] if C._meta(c).get("solution"))
    sol["cell_type"] = "markdown"
    sol.pop("outputs", None)
    sol.pop("execution_count", None)
    test = [c for c in nb["cells"] if C._meta(c).get("grade") and not C._meta(c).get("solution")][1]
    test["cell_type"] = "markdown"
    test.pop("outputs", None)
    test.pop("execution_count", None)
    nb["metadata"]["kernelspec"] = {"name": "kernel-malicioso", "display_name": "x", "language": "python"}
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        "full", False, outcome=["tipo de la celda", "kernel «kernel-malicioso»"],
        what="tipos de celda cambiados y kernel «kernel-malicioso»")


def bucle_infinito(course):
    victim = _pick(course, "function", 0)

    def loop(text: str) -> str:
        lines = text.splitlines(keepends=True)
        at = next(i for i, ln in enumerate(lines) if ln.startswith("def "))
        return "".join(lines[:at + 1] + ["    while True:\n", "        pass\n"] + lines[at + 1:])
    nb = _with(course, {victim: loop})
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        _full(course) - _points_of(course, victim), False, outcome=["tiempo agotado"],
        what="bucle infinito dentro de la función del ejercicio")


def bomba_memoria(course):
    victim = _pick(course, "value", 0)
    bomb = "_bomba = []\nwhile True:\n    _bomba.append(bytearray(64 * 1024 * 1024))\n"
    nb = _with(course, {victim: lambda s: bomb + s})
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        _full(course) - _points_of(course, victim), False, outcome=["memoria agotada"],
        what="bomba de memoria antes de la respuesta")


def sys_exit(course):
    victim = _pick(course, "function", 1)
    nb = _with(course, {victim: lambda s: "import sys\nsys.exit('adiós')\n" + s})
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        _full(course) - _points_of(course, victim), False, outcome=["sys.exit()"],
        what="sys.exit() antes de la respuesta")


def os_exit(course):
    victim = _pick(course, "function", 2)
    nb = _with(course, {victim: lambda s: s + "\nimport os\nos._exit(3)\n"})
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        0, True, "sin nota de nbgrader", outcome=["el kernel murió"], nbgrader_none=True,
        what="os._exit() en una celda de respuesta")


def mata_kernel(course):
    victim = _pick(course, "value", 1)
    nb = _with(course, {victim: lambda s: s + "\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"})
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        0, True, "sin nota de nbgrader", outcome=["el kernel murió"], nbgrader_none=True,
        what="el kernel se mata a sí mismo (SIGKILL)")


def salida_enorme(course):
    victim = _pick(course, "value", 1)
    flood = "for _i in range(20000):\n    print('spam' * 20, _i)\nprint('x' * 80_000_000)\n"
    nb = _with(course, {victim: lambda s: flood + s})
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        "full", False, outcome=["salida excesiva recortada"], what="salida enorme (20 000 líneas y una de 80 MB)")


BILLION_LAUGHS = '''pod_yaml = """
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
apiVersion: v1
kind: Pod
"""
'''


def bomba_yaml(course):
    victim = _pick(course, "yaml", 0)
    nb = _with(course, {victim: lambda s: BILLION_LAUGHS.replace("pod_yaml", victim)})
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        _full(course) - _points_of(course, victim), False, what="YAML «billion laughs» como manifiesto",
        cell_output=(_gid_of(course, victim) + "_tests", "alias"))


def no_json(course):
    return {f"{_nb_name(course)}.ipynb": b"{esto no es JSON\n"}, Expect(
        0, False, "no es un cuaderno válido", outcome=["no es JSON"], nbgrader_none=True,
        what="el archivo no es JSON")


def nbformat3(course):
    v4 = nbformat.reads(json.dumps(C.solution_nb(course, A)), as_version=4)
    v3 = nbformat.convert(v4, 3)
    return {f"{_nb_name(course)}.ipynb": nbformat.writes(v3, version=3).encode()}, Expect(
        0, False, "no es un cuaderno válido", outcome=["nbformat 3"], nbgrader_none=True,
        what="cuaderno en formato nbformat 3")


def mal_nombre(course):
    return {"mi_entrega_final (1).ipynb": _dump(C.solution_nb(course, A))}, Expect(
        "full", False, outcome=["archivo mal nombrado"], what="archivo con otro nombre")


SPY = r'''
import glob as _g, os as _o
_hallado = []
_home = _o.environ.get("HOME", "/nonexistent")
# where the grader puts things, relative to the kernel: its folder, and the scratch course
# found through $HOME (an absolute search of the disk as the same user is out of scope)
_sitios = ["*", "*/*", _home + "/../../*", _home + "/../../*/*/*/*", _home + "/../../../*"]
for _patron in _sitios:
    for _p in _g.glob(_patron)[:200]:
        if _p.endswith((".ipynb", ".db")) and _o.path.isfile(_p):
            try:
                with open(_p, "rb") as _f:
                    if b"HIDDEN" + b" TESTS" in _f.read():
                        _hallado.append(_p)
            except OSError:
                pass
print("ESPIA_CWD", sorted(_o.listdir(".")))
print("ESPIA_NOTEBOOKS", "FILTRADO " + repr(_hallado) if _hallado else "NADA")
def _chivato(info):
    print("ESPIA_CELDA", info.raw_cell)
get_ipython().events.register("pre_run_cell", _chivato)
'''


def espia(course):
    nb = C.solution_nb(course, A)
    first = next(c for c in nb["cells"] if C._meta(c).get("solution"))
    first["source"] = C.src(first) + "\n" + SPY
    return {f"{_nb_name(course)}.ipynb": _dump(nb)}, Expect(
        "full", True, outcome=["pruebas ocultas"], what="lee el cuaderno del disco y espía las celdas de prueba")


ATTACKS = [solucion, en_blanco, parchea_corrector, parchea_rubrica, parchea_ipython, borra_pruebas,
           edita_pruebas, cambia_tipos, bucle_infinito, bomba_memoria, sys_exit, os_exit, mata_kernel,
           salida_enorme, bomba_yaml, no_json, nbformat3, mal_nombre, espia]


def write_submissions(course: Path, dest: Path, attacks=None) -> dict[str, Expect]:
    """nbgrader layout: dest/<student>/<assignment>/<files>. Returns student -> expectation."""
    out = {}
    for fn in attacks or ATTACKS:
        files, exp = fn(course)
        folder = dest / fn.__name__ / A
        folder.mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            (folder / rel).write_bytes(data)
        out[fn.__name__] = exp
    return out
