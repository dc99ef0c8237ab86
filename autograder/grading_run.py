"""One grading run: a folder or zip of submissions for one assignment, end to end.

Steps (see :func:`run`):

1. **Course check**: the assignment must be in the course's ``gradebook.db``; if it is not,
   ``nbgrader generate_assignment <a> --force`` is run first in the course folder.
   A *template* gradebook is made once per run: a copy of the real one with every student
   and every other assignment removed and the file vacuumed (so no other student's data is
   in it).
2. **Pre-flight** (:mod:`autograder.preflight`): layout, file names, JSON/nbformat checks,
   repairs; each decision recorded in Spanish.
3. **Per submission, in parallel** (``--jobs`` threads, each driving subprocesses):

   - a scratch course folder (``nbgrader_config.py`` written by us, the template gradebook,
     the one submission, the assignment's support files; never ``source/`` notebooks nor
     ``release/``), and ``nbgrader autograde`` run there as a separate process with
     RLIMIT_AS (memory), RLIMIT_CPU, RLIMIT_FSIZE, a wall-clock timeout (the whole process
     tree, kernel included, is killed on expiry), its own HOME/IPYTHONDIR/Jupyter dirs and
     the kernel started in a separate folder by :class:`~autograder._nbgrader_sandbox.SandboxedExecute`;
   - at the same time, the clean-room re-check (:mod:`autograder.cleanroom`);
   - the scores of both are compared per test cell: a difference, a missing score or a
     failed re-check marks the row ``revisar`` with the reason. The score kept is nbgrader's
     when both agree and the lower of the two when they disagree; when nbgrader could not
     grade the notebook at all (kernel died, timeout) every cell gets 0 and the clean-room
     score is shown as a suggestion.
   - outputs that contain lines of the hidden tests (student code printing the cells it
     sees run) are replaced and the row is flagged.

4. **Merge** (one thread, sequential): scores and comments are written into the real
   gradebook with nbgrader's Gradebook API (student and submission created or updated,
   ``auto_score`` set, manual scores never touched; flagged cells get
   ``needs_manual_grade``), the autograded notebook is copied to ``autograded/``.
5. **Reports**: ``nbgrader generate_feedback`` (with the hidden-test blocks removed from the
   feedback), ``resultados.csv`` (nbgrader ``export`` columns + ours),
   ``resumen_ejercicios.csv``/``.md``, ``histograma.png`` and ``resultados.json`` in ``--out``.

Rerunning is safe: every step overwrites what a previous run wrote for the same student and
the gradebook rows are updated in place (no duplicates); manual scores are never touched.

Speed: each parallel job owns a fork server (:mod:`autograder._zygote`) that has imported
nbgrader once; every submission is still graded in its own forked process (own session,
limits, folder and environment), so isolation is unchanged and ~2 s of imports per
submission are saved. If a fork server cannot start, ``python -m nbgrader`` is run instead.

What is protected, and what is not (student code runs as the grader's own user):

- **the kernel's view of the disk** (:mod:`autograder._isolation`): once per run a quick probe
  checks that Linux lets an unprivileged user create user+mount+PID namespaces; if so every
  nbgrader kernel (only the kernel: the process that runs student code) starts in namespaces
  where the real course folder (``source/``, ``release/``, ``submitted/``, ``autograded/``,
  ``feedback/``, ``gradebook.db``, ``resultados/``, ``.git``... the whole folder), the
  submissions folder or zip, the ``--out`` folder, the repository of an editable install of
  this package, the run's scratch folders and the other kernels' folders are covered by empty
  read-only tmpfs mounts; only the Python installation and the ``autograder``/``k8s_helpers``
  packages are bound back (read-only), plus the kernel's own folder and HOME/Jupyter folders.
  ``/proc`` is a fresh one of the kernel's own PID namespace (no ``/proc/PID/root`` of the
  grader's processes) and the mounts are locked (a second user namespace maps the grader's
  uid back), so student code cannot unmount the covers. The network is the host's (the
  kernel talks to nbgrader on 127.0.0.1). ``ejecucion.json`` (``kernel_aislado``,
  ``aislamiento``), the console and each row of ``resultados.json`` say whether it was used;
  ``K8S_AUTOGRADE_NO_ISOLATION=1`` turns it off. When it is unavailable (no user namespaces,
  EPERM, not Linux) the run grades exactly as before and says so: the kernel can then read
  the course folder by absolute path (grade as a dedicated user that cannot, for real
  protection). Not covered either way: files elsewhere that the grader's user can read (e.g.
  other copies of the solutions in the grader's HOME), the nbgrader log the kernel writes to
  (reachable through ``/proc/self/fd``), and the clean-room sandbox (:mod:`autograder.cleanroom`),
  which runs student code outside these namespaces (as ``nobody`` when the grader is root);
- the real ``gradebook.db`` is only written by this process, after the submission's grading
  has finished, from plain numbers: a submission cannot corrupt it or other students' rows
  through nbgrader;
- while student code runs, the notebook with the hidden tests is not on disk in the scratch
  folder (deleted before the kernel starts), the scratch gradebook's copies of the cell
  sources are blanked, the kernel runs in an empty folder away from the scratch folder, and
  the template gradebook is kept in memory only; the hidden tests still exist in the
  kernel's memory (student code can watch the test cells run: such outputs are redacted and
  the row is flagged);
- student code may write files anywhere the grader's user can outside the hidden folders
  (HOME, IPYTHONDIR and the Jupyter folders point to a per-submission scratch folder and
  PYTHONNOUSERSITE is set, so the usual start-up hooks of later kernels cannot be planted by
  accident, but an absolute path can still be written); RLIMIT_FSIZE caps each file at 256 MiB;
- whatever student code does in nbgrader's kernel, the clean-room score does not depend on
  it, and a disagreement is flagged and the lower score kept.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from autograder import _isolation, cleanroom, preflight
from autograder._nbgrader_sandbox import GUARD

TOL = 1e-6


@dataclass
class Options:
    course: Path
    assignment: str
    submissions: Path
    out: Path | None = None
    jobs: int = max(1, os.cpu_count() or 1)
    timeout: float = 300.0         # wall seconds for nbgrader autograde of one submission
    cell_timeout: int = 60         # seconds per cell (nbgrader and clean room)
    memory_mb: int = 2048          # RLIMIT_AS of the autograde process and its kernel
    cleanroom: bool = True
    feedback: bool = True
    progress: bool = True
    keep_scratch: bool = False


@dataclass
class CellResult:
    grade_id: str
    max_score: float
    nbgrader: float | None = None
    limpia: float | None = None
    final: float = 0.0
    notes: list[str] = field(default_factory=list)
    flag: str = ""


@dataclass
class StudentResult:
    student: str
    estado: str = "corregido"
    outcomes: list[str] = field(default_factory=list)
    cells: dict[str, CellResult] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    seconds: float = 0.0
    t_nbgrader: float = 0.0
    t_limpia: float = 0.0
    timestamp: str | None = None
    autograded_dir: Path | None = None
    kernel_aislado: bool | None = None   # None: no kernel was started

    @property
    def score(self) -> float:
        return round(sum(c.final for c in self.cells.values()), 4)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_score for c in self.cells.values()), 4)

    @property
    def nbgrader_score(self) -> float | None:
        vals = [c.nbgrader for c in self.cells.values()]
        return None if any(v is None for v in vals) else round(sum(vals), 4)

    @property
    def limpia_score(self) -> float | None:
        vals = [c.limpia for c in self.cells.values()]
        return None if any(v is None for v in vals) else round(sum(vals), 4)

    def to_dict(self) -> dict:
        return {"student": self.student, "estado": self.estado, "score": self.score,
                "max_score": self.max_score, "nbgrader_score": self.nbgrader_score,
                "limpia_score": self.limpia_score, "revisar": bool(self.flags), "motivos": self.flags,
                "outcomes": self.outcomes, "seconds": round(self.seconds, 2),
                "t_nbgrader": round(self.t_nbgrader, 2), "t_limpia": round(self.t_limpia, 2),
                "kernel_aislado": self.kernel_aislado,
                "cells": {k: vars(v) for k, v in self.cells.items()}}


# --------------------------------------------------------------------------- course setup

def tool_env(base: dict | None = None) -> dict:
    """Environment for nbgrader subprocesses: the venv's bin first on PATH (nbgrader runs
    ``alembic`` from PATH when it creates a gradebook)."""
    env = dict(os.environ if base is None else base)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "/usr/bin:/bin")])
    return env


def _nbgrader(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=tool_env())


def source_notebooks(course: Path, assignment: str) -> dict[str, dict]:
    folder = course / "source" / assignment
    nbs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.ipynb"))}
    if not nbs:
        raise SystemExit(f"No hay cuadernos en {folder}")
    return nbs


def ensure_assignment(course: Path, assignment: str, names: list[str]) -> None:
    db = course / "gradebook.db"
    if db.exists():
        from nbgrader.api import Gradebook, MissingEntry
        with Gradebook(f"sqlite:///{db}") as gb:
            try:
                a = gb.find_assignment(assignment)
                if {n.name for n in a.notebooks} >= set(names):
                    return
            except MissingEntry:
                pass
    r = _nbgrader(["generate_assignment", assignment, "--force"], cwd=course)
    if r.returncode != 0:
        raise SystemExit("nbgrader generate_assignment falló:\n" + r.stderr[-3000:])


def make_template(course: Path, assignment: str, dest: Path) -> Path:
    """The real gradebook minus every student and every other assignment."""
    from nbgrader.api import Gradebook
    shutil.copy(course / "gradebook.db", dest)
    with Gradebook(f"sqlite:///{dest}") as gb:
        for a in list(gb.assignments):
            if a.name != assignment:
                gb.remove_assignment(a.name)
        for s in list(gb.students):
            gb.remove_student(s.id)
    con = sqlite3.connect(dest)
    con.execute("VACUUM")
    con.close()
    return dest


SCRATCH_CONFIG = """\
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.db_url = {db_url!r}
c.Autograde.autograde_preprocessors = [
    'autograder._nbgrader_sandbox.SandboxedExecute',
    'nbgrader.preprocessors.IgnorePattern',
    'nbconvert.preprocessors.ClearMetadataPreprocessor',
    'nbgrader.preprocessors.LimitOutput',
    'nbgrader.preprocessors.SaveAutoGrades',
    'nbgrader.preprocessors.AssignLatePenalties',
    'nbgrader.preprocessors.CheckCellMetadata',
]
c.Execute.kernel_name = 'python3'
c.Execute.timeout = {cell_timeout}
c.Execute.startup_timeout = 120
c.Execute.interrupt_on_timeout = True
c.Execute.extra_arguments = {extra_args!r}
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
"""


KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.exec_lines=" + json.dumps([GUARD])]


def _limits_preexec(memory_mb: int, cpu_s: int):
    def fn():
        os.setsid()
        cleanroom.set_limit(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
        cleanroom.set_limit(resource.RLIMIT_CPU, cpu_s, 5)
        cleanroom.set_limit(resource.RLIMIT_FSIZE, 256 * 1024 * 1024)
        cleanroom.set_limit(resource.RLIMIT_CORE, 0)
    return fn


class _ZygoteBroken(Exception):
    pass


class _Zygote:
    """Handle on an :mod:`autograder._zygote` fork server (one per parallel job)."""

    def __init__(self, proc: subprocess.Popen):
        self.proc, self.buf = proc, b""

    @classmethod
    def start(cls) -> "_Zygote | None":
        try:
            proc = subprocess.Popen([sys.executable, "-m", "autograder._zygote"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=tool_env(),
                                    cwd=tempfile.gettempdir())
            z = cls(proc)
            if (z._recv(120) or {}).get("ready"):
                return z
            z.close()
        except OSError:
            pass
        return None

    def _recv(self, timeout: float) -> dict | None:
        import select
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise _ZygoteBroken()
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def run(self, req: dict, timeout: float, token: str) -> tuple[int | None, bool]:
        """(exit code, timed out). The child's whole process tree is killed when done."""
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
            msg = self._recv(60)
        except (OSError, ValueError) as exc:
            raise _ZygoteBroken() from exc
        if not msg or "pid" not in msg:
            raise _ZygoteBroken()
        pid = msg["pid"]
        t0 = time.monotonic()
        msg = self._recv(timeout)
        timed_out = msg is None
        cleanroom.kill_tree(pid, token)
        if msg is None:
            msg = self._recv(30)
            if msg is None:
                raise _ZygoteBroken()
        _ = t0
        return msg.get("exit"), timed_out

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001
            cleanroom.kill_tree(self.proc.pid)
            with contextlib.suppress(Exception):
                self.proc.wait(timeout=5)


# --------------------------------------------------------------------------- one submission

def _cell_events(nb: dict, source_ids: dict[str, str]) -> list[str]:
    """Spanish notes on what happened in the graded notebook (timeouts, memory, exits...)."""
    notes = []
    for cell in nb.get("cells", []):
        gid = preflight._meta(cell).get("grade_id")
        label = source_ids.get(gid) or (f"celda «{gid}»" if gid else None)
        for out in cell.get("outputs", []) or []:
            if out.get("output_type") != "error":
                continue
            ename = out.get("ename", "")
            where = label or "una celda del estudiante"
            if ename == "CellTimeoutError" or ename == "KeyboardInterrupt":
                notes.append(f"{where}: tiempo agotado (interrumpida)")
            elif ename == "MemoryError":
                notes.append(f"{where}: memoria agotada (MemoryError)")
            elif ename == "SystemExit":
                notes.append(f"{where}: llamó a sys.exit()")
            elif ename == "NotImplementedError":
                continue  # the released stub: an unanswered exercise, nothing to report
            elif gid and gid in source_ids:
                notes.append(f"{where}: error {ename}")
        text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) or [] if o.get("output_type") == "stream")
        if "salida recortada por el corrector" in text or "Output truncated" in text:
            notes.append(f"{label or 'una celda'}: salida excesiva recortada")
    return notes


def _redact_leaks(nb: dict, hidden: list[str]) -> int:
    """Replace outputs that quote hidden-test lines; returns how many outputs were replaced."""
    if not hidden:
        return 0
    n = 0
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            blob = json.dumps(out, ensure_ascii=False)
            if any(h in blob or json.dumps(h, ensure_ascii=False)[1:-1] in blob for h in hidden):
                for k in list(out.keys()):
                    if k not in ("output_type", "name", "metadata", "execution_count"):
                        out.pop(k)
                out["output_type"] = "stream"
                out["name"] = "stdout"
                out["text"] = "[salida retirada por el corrector: contenía las pruebas ocultas]\n"
                out.pop("execution_count", None)
                out.pop("metadata", None)
                n += 1
    return n


class Runner:
    def __init__(self, opts: Options):
        self.opts = opts
        self.course = Path(opts.course).resolve()
        self.a = opts.assignment
        self.out = Path(opts.out or (self.course / "resultados" / self.a)).resolve()
        self.work = Path(tempfile.mkdtemp(prefix="ag-run-"))
        os.chmod(self.work, 0o700)
        self.kwork = Path(tempfile.mkdtemp(prefix="ag-k-"))   # the kernels' folders, away from the scratch ones
        os.chmod(self.kwork, 0o700)
        self.iso: dict | None = None        # isolation spec shared by every kernel, see setup_isolation()
        self.iso_note = ""
        self.sources = source_notebooks(self.course, self.a)
        self.hidden = [ln for nb in self.sources.values() for ln in cleanroom.hidden_lines(nb)]
        self.test_ids: dict[str, dict[str, str]] = {}
        self.test_points: dict[str, dict[str, float]] = {}
        self.labels: dict[str, str] = {}
        for name, nb in self.sources.items():
            ids, pts = {}, {}
            for c in nb.get("cells", []):
                m = preflight._meta(c)
                if m.get("grade") and m.get("grade_id"):
                    ids[m["grade_id"]] = f"ejercicio «{m['grade_id']}»"
                    pts[m["grade_id"]] = float(m.get("points") or 0)
                elif m.get("solution") and m.get("grade_id"):
                    ids[m["grade_id"]] = f"respuesta «{m['grade_id']}»"
            self.test_ids[name], self.test_points[name] = ids, pts
        self.lock = threading.Lock()
        self.run_id = "AGRUN" + uuid.uuid4().hex
        self.zygotes = None   # queue of fork servers, see start_zygotes()

    def start_zygotes(self, n: int) -> None:
        import queue
        zs = [_Zygote.start() for _ in range(n)]
        if all(z is not None for z in zs):
            self.zygotes = queue.Queue()
            for z in zs:
                self.zygotes.put(z)
        else:  # fall back to one `python -m nbgrader` process per submission
            for z in zs:
                if z is not None:
                    z.close()

    def stop_zygotes(self) -> None:
        if self.zygotes is not None:
            while not self.zygotes.empty():
                z = self.zygotes.get()
                if z is not None:
                    z.close()
            self.zygotes = None

    def setup_isolation(self, submissions: Path) -> tuple[bool, str]:
        """Probe once whether kernels can run in Linux namespaces with the course hidden."""
        hide = [self.course, submissions, self.work, self.kwork, *_isolation.project_roots()]
        if self.out.exists():
            hide.append(self.out)
        probe_dir = Path(tempfile.mkdtemp(prefix="probe-", dir=self.work))
        base = _isolation.spec(hide, _isolation.python_paths(), [])
        canaries = [str(p) for p in (self.course / "gradebook.db", self.course / "source", submissions,
                                     self.work / "template.db") if p.exists()]
        canaries += [str(Path(r) / "source") for r in _isolation.project_roots() if (Path(r) / "source").exists()]
        env = tool_env({k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "PYTHON"))})
        env.update({"HOME": str(probe_dir), "PYTHONNOUSERSITE": "1", "AUTOGRADER_RUN": self.run_id})
        try:
            ok, why = _isolation.probe({**base, "keep_rw": [str(probe_dir.resolve())]}, canaries, env)
        except Exception as exc:  # noqa: BLE001 - isolation must never break a run
            ok, why = False, f"{type(exc).__name__}: {exc}"
        finally:
            shutil.rmtree(probe_dir, ignore_errors=True)
        self.iso = base if ok else None
        if ok:
            self.iso_note = ("Kernel aislado: el código de los estudiantes se ejecutó en espacios de nombres de "
                             "Linux en los que la carpeta del curso (source/, release/, submitted/, autograded/, "
                             "gradebook.db...), las entregas y las carpetas temporales de las demás entregas "
                             "estaban vacías.")
        else:
            self.iso_note = (f"Aviso: el kernel NO se aisló ({why}); el código de los estudiantes pudo leer por "
                             "ruta absoluta la carpeta del curso (source/ con las pruebas ocultas, "
                             "gradebook.db...). Corrija con un usuario sin acceso a esa carpeta si le preocupa.")
        return ok, why

    # -- helpers
    def load_template(self, path: Path) -> None:
        """Keep the template gradebook in memory only (it holds the hidden tests)."""
        con = sqlite3.connect(path)
        try:
            row = con.execute("SELECT course_id FROM assignment LIMIT 1").fetchone()
        finally:
            con.close()
        self.course_id = row[0] if row else "default_course"
        self.template = path.read_bytes()
        path.unlink()

    def _course_id(self) -> str:
        return self.course_id

    def grade_one(self, prep: preflight.Prepared) -> StudentResult:
        t0 = time.monotonic()
        res = StudentResult(prep.student, outcomes=list(prep.outcomes), timestamp=prep.timestamp)
        for name, pts in self.test_points.items():
            for gid, p in pts.items():
                res.cells[f"{name}/{gid}" if len(self.sources) > 1 else gid] = CellResult(gid, p)
        if not prep.valid:
            res.estado = preflight.INVALID
            res.seconds = time.monotonic() - t0
            return res
        try:
            self._grade_valid(prep, res)
        except Exception as exc:  # noqa: BLE001 - never lose the run for one submission
            res.estado = "error del corrector"
            res.outcomes.append(f"error inesperado del corrector: {type(exc).__name__}: {exc}")
            res.flags.append("error inesperado del corrector")
            for c in res.cells.values():
                c.final = 0.0
        res.seconds = time.monotonic() - t0
        return res

    def _grade_valid(self, prep: preflight.Prepared, res: StudentResult) -> None:
        o = self.opts
        s = prep.student
        scratch = Path(tempfile.mkdtemp(prefix=f"s-{s[:20]}-", dir=self.work))
        kernel_cwd = Path(tempfile.mkdtemp(prefix="k-", dir=self.kwork))   # not next to any scratch folder
        for d in ("home", "ipython", "jupyter/config", "jupyter/data", "jupyter/runtime"):
            (scratch / "env" / d).mkdir(parents=True, exist_ok=True)
        (scratch / "gradebook.db").write_bytes(self.template)
        (scratch / "nbgrader_config.py").write_text(SCRATCH_CONFIG.format(
            root=str(scratch), course_id=self._course_id(), db_url=f"sqlite:///{scratch / 'gradebook.db'}",
            cell_timeout=int(o.cell_timeout), extra_args=KERNEL_ARGS))
        sub_dir = scratch / "submitted" / s / self.a
        for name, nb in prep.notebooks.items():
            preflight.write_notebook(nb, sub_dir / f"{name}.ipynb")
        if prep.timestamp:
            (sub_dir / "timestamp.txt").write_text(prep.timestamp, encoding="utf-8")
        src_dir = self.course / "source" / self.a
        for f in src_dir.rglob("*"):  # support files only, never notebooks
            if f.is_file() and f.suffix != ".ipynb" and ".ipynb_checkpoints" not in f.parts:
                dest = scratch / "source" / self.a / f.relative_to(src_dir)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(f, dest)
        (scratch / "source" / self.a).mkdir(parents=True, exist_ok=True)

        # clean room in parallel with nbgrader
        cr_results: dict[str, cleanroom.CleanRoomResult] = {}

        def do_cleanroom():
            lim = cleanroom.Limits(cell_timeout=max(2.0, min(o.cell_timeout, 10.0)),
                                   total_timeout=max(30.0, min(o.timeout, 120.0)),
                                   memory_mb=min(o.memory_mb, 1024))
            t = time.monotonic()
            for name, nb in prep.notebooks.items():
                cr_results[name] = cleanroom.recheck(nb, self.sources[name], lim)
            res.t_limpia = time.monotonic() - t

        cr_thread = threading.Thread(target=do_cleanroom, daemon=True)
        if o.cleanroom:
            cr_thread.start()

        token = "AGJOB" + uuid.uuid4().hex
        env = tool_env({k: v for k, v in os.environ.items()
                        if not k.startswith(("JUPYTER", "IPYTHON", "PYTHON"))})
        env.update({"AUTOGRADER_JOB": token, "AUTOGRADER_RUN": self.run_id, "AUTOGRADER_KERNEL_CWD": str(kernel_cwd),
                    "AUTOGRADER_SCRATCH_DB": str(scratch / "gradebook.db"),
                    "HOME": str(scratch / "env" / "home"), "IPYTHONDIR": str(scratch / "env" / "ipython"),
                    "JUPYTER_CONFIG_DIR": str(scratch / "env" / "jupyter/config"),
                    "JUPYTER_DATA_DIR": str(scratch / "env" / "jupyter/data"),
                    "JUPYTER_RUNTIME_DIR": str(scratch / "env" / "jupyter/runtime"),
                    "MPLBACKEND": "Agg", "MALLOC_ARENA_MAX": "2", "PYTHONNOUSERSITE": "1"})
        if self.iso is not None:
            env["AUTOGRADER_ISOLATION"] = json.dumps(_isolation.spec(
                self.iso["hide"], self.iso["keep_ro"], [scratch / "env", kernel_cwd]))
        log_path = scratch / "autograde.log"
        try:
            failed_why = self._autograde(scratch, s, env, log_path, res)
        finally:
            shutil.rmtree(kernel_cwd, ignore_errors=True)
        self._after_autograde(scratch, s, res, failed_why, cr_thread, cr_results)

    def _autograde(self, scratch: Path, s: str, env: dict, log_path: Path, res: StudentResult) -> str:
        o = self.opts
        token = env["AUTOGRADER_JOB"]
        failed_why = ""
        t_nb = time.monotonic()
        argv = ["autograde", self.a, "--student", s]
        limits = {"memory_mb": o.memory_mb, "cpu_seconds": int(o.timeout) + 30}
        code, timed_out, done = None, False, False
        if self.zygotes is not None:
            z = self.zygotes.get()
            try:
                if z is not None:
                    code, timed_out = z.run({"cwd": str(scratch), "env": env, "argv": argv, "log": str(log_path),
                                             **limits}, o.timeout, token)
                    done = True
            except _ZygoteBroken:
                z.close()
                z = _Zygote.start()
            finally:
                self.zygotes.put(z)
        if not done:
            with open(log_path, "wb") as log:
                proc = subprocess.Popen([sys.executable, "-m", "nbgrader", *argv],
                                        cwd=scratch, stdout=log, stderr=subprocess.STDOUT, env=env,
                                        preexec_fn=_limits_preexec(o.memory_mb, limits["cpu_seconds"]))
                try:
                    proc.wait(timeout=o.timeout)
                except subprocess.TimeoutExpired:
                    timed_out = True
                finally:
                    cleanroom.kill_tree(proc.pid, token)
                    with contextlib.suppress(Exception):
                        proc.wait(timeout=10)
                code = proc.returncode
        if timed_out:
            failed_why = f"tiempo agotado: la corrección superó {o.timeout:g} s y se detuvo"
        res.t_nbgrader = time.monotonic() - t_nb
        logtxt = log_path.read_text(encoding="utf-8", errors="replace")
        marks = [ln.split(_isolation.MARK, 1)[1].strip() for ln in logtxt.splitlines() if _isolation.MARK in ln]
        if self.iso is None:
            res.kernel_aislado = False
        elif marks:
            bad = [m for m in marks if not m.startswith("ok")]
            res.kernel_aislado = not bad
            if bad:
                res.outcomes.append("el kernel se ejecutó sin aislamiento: " + bad[0].removeprefix("FALLÓ").strip()[:200])
        if "Exception while loading config file" in logtxt:  # never grade with nbgrader's defaults
            raise RuntimeError("nbgrader no pudo leer la configuración temporal del corrector")
        if not failed_why and code != 0:
            if "Kernel died" in logtxt or "DeadKernelError" in logtxt:
                failed_why = "el kernel murió durante la corrección (os._exit, señal o memoria)"
            elif "CellTimeoutError" in logtxt:
                failed_why = ("tiempo agotado: una celda siguió ejecutándose tras la interrupción "
                              "(¿un bucle que ignora Ctrl+C?) y nbgrader abandonó el cuaderno")
            elif "MemoryError" in logtxt:
                failed_why = "memoria agotada en el proceso de corrección"
            else:
                last = [ln for ln in logtxt.splitlines() if "[ERROR]" in ln or "Error" in ln][-3:]
                failed_why = "nbgrader no pudo corregir el cuaderno: " + " | ".join(x.strip()[:200] for x in last)
        return failed_why

    def _after_autograde(self, scratch: Path, s: str, res: StudentResult, failed_why: str,
                         cr_thread: threading.Thread, cr_results: dict) -> None:
        o = self.opts
        # nbgrader's scores from the scratch gradebook
        nb_scores: dict[str, float | None] = {}
        if not failed_why:
            from nbgrader.api import Gradebook, MissingEntry
            with Gradebook(f"sqlite:///{scratch / 'gradebook.db'}") as gb:
                for name in self.sources:
                    try:
                        snb = gb.find_submission_notebook(name, self.a, s)
                    except MissingEntry:
                        continue
                    for g in snb.grades:
                        if g.cell_type == "code" and g.name in self.test_points[name]:
                            key = f"{name}/{g.name}" if len(self.sources) > 1 else g.name
                            nb_scores[key] = None if g.auto_score is None else float(g.auto_score)
        if failed_why:
            res.estado = "sin nota de nbgrader"
            res.outcomes.append(failed_why)
            res.flags.append(failed_why)

        # the graded notebooks: events, leaks, the note for the student
        adir = scratch / "autograded" / s / self.a
        for name in self.sources:
            p = adir / f"{name}.ipynb"
            if not p.exists():
                continue
            nbj = json.loads(p.read_text(encoding="utf-8"))
            for ev in _cell_events(nbj, self.test_ids[name]):
                if ev not in res.outcomes:
                    res.outcomes.append(ev)
            leaks = _redact_leaks(nbj, self.hidden)
            if leaks:
                msg = f"{leaks} salida(s) citaban las pruebas ocultas: retiradas del cuaderno y del feedback"
                res.outcomes.append(msg)
                res.flags.append("posible filtración de pruebas ocultas")
            p.write_text(json.dumps(nbj, ensure_ascii=False, indent=1), encoding="utf-8")
        if adir.exists():
            res.autograded_dir = adir

        if o.cleanroom:
            cr_thread.join()
        for name, cr in cr_results.items():
            res.outcomes.extend(cr.notes[:5])
            if not cr.ok:
                res.flags.append("la verificación limpia no terminó")

        # combine
        for key, cell in res.cells.items():
            name = key.split("/", 1)[0] if len(self.sources) > 1 else next(iter(self.sources))
            cell.nbgrader = nb_scores.get(key)
            crc = cr_results.get(name).cells.get(cell.grade_id) if name in cr_results else None
            cell.limpia = crc.score if crc else None
            if crc and crc.status != "ok" and crc.message:
                cell.notes.append(f"limpia: {crc.message}")
            if cell.nbgrader is None:
                cell.final = 0.0
                if not failed_why:
                    cell.flag = "nbgrader no dio nota a esta celda"
                elif cell.limpia is not None:
                    cell.notes.append(f"la verificación limpia daría {cell.limpia:g}/{cell.max_score:g}")
            elif cell.limpia is None:
                cell.final = cell.nbgrader
                if o.cleanroom and cell.nbgrader > TOL:
                    cell.flag = (f"{cell.grade_id}: nbgrader {cell.nbgrader:g}/{cell.max_score:g} "
                                 "sin confirmar en la verificación limpia")
            elif abs(cell.nbgrader - cell.limpia) <= TOL:
                cell.final = cell.nbgrader
            else:
                cell.final = min(cell.nbgrader, cell.limpia)
                cell.flag = (f"{cell.grade_id}: nbgrader {cell.nbgrader:g}/{cell.max_score:g}, "
                             f"verificación limpia {cell.limpia:g}/{cell.max_score:g}")
            if cell.flag:
                res.flags.append(cell.flag)
        if res.flags and res.estado == "corregido":
            res.estado = "revisar"

        # a note for the student at the top of the graded notebook (shown in the feedback)
        if res.autograded_dir:
            for name in self.sources:
                p = res.autograded_dir / f"{name}.ipynb"
                if p.exists() and (res.outcomes or res.flags):
                    nbj = json.loads(p.read_text(encoding="utf-8"))
                    lines = ["**Notas de la corrección automática**", ""]
                    lines += [f"- {x}" for x in dict.fromkeys(res.outcomes + res.flags)
                              if not x.startswith("Salida del código")]
                    if res.flags:
                        lines += ["", "Tu profesor revisará esta entrega antes de dar la nota final."]
                    nbj["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "\n".join(lines),
                                            **({"id": "ag-notas"} if nbj.get("nbformat_minor", 0) >= 5 else {})})
                    p.write_text(json.dumps(nbj, ensure_ascii=False, indent=1), encoding="utf-8")
    # -- merge into the real gradebook (called under self.lock)
    def merge(self, res: StudentResult) -> None:
        import warnings
        from nbgrader.api import Gradebook, MissingEntry
        warnings.filterwarnings("ignore", message=".*not in session.*")
        db = f"sqlite:///{self.course / 'gradebook.db'}"
        with Gradebook(db) as gb:
            gb.update_or_create_student(res.student)
            kw = {}
            if res.timestamp:
                with contextlib.suppress(Exception):
                    from nbgrader.utils import parse_utc
                    kw["timestamp"] = parse_utc(res.timestamp)
            gb.update_or_create_submission(self.a, res.student, **kw)
            for key, cell in res.cells.items():
                name = key.split("/", 1)[0] if len(self.sources) > 1 else next(iter(self.sources))
                try:
                    g = gb.find_grade(cell.grade_id, name, self.a, res.student)
                except MissingEntry:
                    continue
                g.auto_score = cell.final
                g.needs_manual_grade = bool(cell.flag) or (g.manual_score is not None) or bool(
                    res.flags and res.estado != "corregido")
            gb.db.commit()
        dest = self.course / "autograded" / res.student / self.a
        if res.autograded_dir and res.autograded_dir.exists():
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(res.autograded_dir, dest)
        elif dest.exists():
            shutil.rmtree(dest)  # a previous run's notebook must not contradict this run

    def feedback(self) -> str:
        """nbgrader generate_feedback for the assignment, hidden-test blocks removed."""
        pre = ("['nbgrader.preprocessors.ClearHiddenTests','nbgrader.preprocessors.GetGrades',"
               "'nbconvert.preprocessors.CSSHTMLHeaderPreprocessor']")
        r = _nbgrader(["generate_feedback", self.a, "--force", f"--GenerateFeedback.preprocessors={pre}"],
                      cwd=self.course, timeout=1800)
        return "" if r.returncode == 0 else r.stderr[-2000:]


# --------------------------------------------------------------------------- reports

EXPORT_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                  "raw_score", "late_submission_penalty", "score", "max_score"]
OUR_COLUMNS = ["nota_nbgrader", "nota_limpia", "estado", "revisar", "motivo", "incidencias"]


def write_reports(runner: Runner, results: list[StudentResult]) -> dict[str, Path]:
    out = runner.out
    out.mkdir(parents=True, exist_ok=True)
    from nbgrader.api import Gradebook, MissingEntry
    rows = []
    with Gradebook(f"sqlite:///{runner.course / 'gradebook.db'}") as gb:
        a = gb.find_assignment(runner.a)
        for r in sorted(results, key=lambda x: x.student):
            stu = gb.find_student(r.student)
            try:
                sub = gb.find_submission(runner.a, r.student)
                score, pen, ts, mx = sub.score, sub.late_submission_penalty, sub.timestamp, sub.max_score
            except MissingEntry:
                score, pen, ts, mx = r.score, 0.0, None, r.max_score
            rows.append({
                "assignment": runner.a, "duedate": a.duedate or "", "timestamp": ts or "",
                "student_id": r.student, "last_name": stu.last_name or "", "first_name": stu.first_name or "",
                "email": stu.email or "", "raw_score": round(score + (pen or 0), 4),
                "late_submission_penalty": pen or 0.0, "score": round(score, 4), "max_score": mx,
                "nota_nbgrader": "" if r.nbgrader_score is None else r.nbgrader_score,
                "nota_limpia": "" if r.limpia_score is None else r.limpia_score,
                "estado": r.estado, "revisar": "sí" if r.flags else "no",
                "motivo": " | ".join(dict.fromkeys(r.flags)),
                "incidencias": " | ".join(x for x in dict.fromkeys(r.outcomes) if not x.startswith("Salida del"))})
    paths = {"csv": out / "resultados.csv", "json": out / "resultados.json",
             "resumen_csv": out / "resumen_ejercicios.csv", "resumen_md": out / "resumen_ejercicios.md",
             "histograma": out / "histograma.png"}
    with open(paths["csv"], "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=EXPORT_COLUMNS + OUR_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    paths["json"].write_text(json.dumps([r.to_dict() for r in sorted(results, key=lambda x: x.student)],
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    summary = exercise_summary(results)
    with open(paths["resumen_csv"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ejercicio", "puntos", "media", "mediana", "nota_completa_%", "cero_%", "revisar"])
        w.writerows(summary)
    paths["resumen_md"].write_text(summary_markdown(summary), encoding="utf-8")
    histogram([r.score for r in results], results[0].max_score if results else 0, paths["histograma"], runner.a)
    return paths


def exercise_summary(results: list[StudentResult]) -> list[list]:
    keys: list[str] = []
    for r in results:
        for k in r.cells:
            if k not in keys:
                keys.append(k)
    table = []
    for k in keys:
        cells = [r.cells[k] for r in results if k in r.cells]
        vals = [c.final for c in cells]
        pts = cells[0].max_score if cells else 0
        table.append([k, f"{pts:g}", f"{statistics.mean(vals):.2f}" if vals else "",
                      f"{statistics.median(vals):.2f}" if vals else "",
                      f"{100 * sum(v >= pts - TOL for v in vals) / len(vals):.0f}" if vals else "",
                      f"{100 * sum(v <= TOL for v in vals) / len(vals):.0f}" if vals else "",
                      sum(bool(c.flag) for c in cells)])
    return table


def _es(x) -> str:
    """Decimal comma for the tables people read (the CSV files keep the dot)."""
    return str(x).replace(".", ",") if isinstance(x, (str, float)) and re.fullmatch(r"-?\d+\.\d+", str(x)) else str(x)


def summary_markdown(summary: list[list]) -> str:
    head = ["ejercicio", "puntos", "media", "mediana", "% nota completa", "% cero", "revisar"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join([str(row[0])] + [_es(x) for x in row[1:]]) + " |" for row in summary]
    return "\n".join(lines) + "\n"


def histogram(scores: list[float], max_score: float, path: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    bins = max(5, min(20, int(max_score) + 1)) if max_score else 10
    ax.hist(scores, bins=bins, range=(0, max_score or 1), color="#326ce5", edgecolor="white")
    ax.set_xlabel(f"Nota (sobre {max_score:g})")
    ax.set_ylabel("Estudiantes")
    from matplotlib.ticker import MaxNLocator
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"{title}: {len(scores)} entregas")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# --------------------------------------------------------------------------- the run

class _Progress:
    def __init__(self, total: int, enabled: bool):
        self.total, self.n, self.enabled, self.t0 = total, 0, enabled, time.monotonic()
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
                self.bar = tqdm(total=total, unit="entrega", desc="Corrigiendo", file=sys.stderr)
            except ImportError:
                self.bar = None

    def update(self, label: str) -> None:
        self.n += 1
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_postfix_str(label[:30])
            self.bar.update(1)
            return
        width = 30
        done = int(width * self.n / max(1, self.total))
        el = time.monotonic() - self.t0
        sys.stderr.write(f"\rCorrigiendo [{'#' * done}{'.' * (width - done)}] {self.n}/{self.total} "
                         f"{el:5.0f} s  {label[:30]:<30}")
        if self.n == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(opts: Options, log: Callable[[str], None] = print) -> tuple[list[StudentResult], dict[str, Path]]:
    course = Path(opts.course).resolve()
    sources = source_notebooks(course, opts.assignment)
    ensure_assignment(course, opts.assignment, list(sources))
    runner = Runner(opts)
    phases: dict[str, float] = {}
    t0 = time.monotonic()
    try:
        make_template(course, opts.assignment, runner.work / "template.db")
        runner.load_template(runner.work / "template.db")
        phases["preparación"] = time.monotonic() - t0
        subs = Path(opts.submissions)
        if subs.is_file() and subs.suffix.lower() == ".zip":
            subs = preflight.extract_zip(subs, runner.work / "zip")
        found = preflight.discover(subs, opts.assignment, list(sources))
        iso_ok, _ = runner.setup_isolation(Path(opts.submissions).resolve())
        log(runner.iso_note)
        preps = [preflight.prepare(f, sources) for f in found]
        log(f"{len(preps)} entregas de «{opts.assignment}»; {opts.jobs} en paralelo, "
            f"máximo {opts.timeout:g} s por entrega y {opts.cell_timeout} s por celda.")
        results: list[StudentResult] = []
        bar = _Progress(len(preps), opts.progress)
        if sum(p.valid for p in preps) > 1:
            runner.start_zygotes(min(max(1, opts.jobs), len(preps)))
        with ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
            futs = {pool.submit(runner.grade_one, p): p for p in preps}
            for fut in as_completed(futs):
                p = futs[fut]
                try:
                    res = fut.result()
                except Exception as exc:  # noqa: BLE001
                    res = StudentResult(p.student, estado="error del corrector",
                                        outcomes=[f"{type(exc).__name__}: {exc}"], flags=["error del corrector"])
                with runner.lock:
                    try:
                        runner.merge(res)
                    except Exception as exc:  # noqa: BLE001
                        res.flags.append(f"no se pudo guardar en el gradebook: {exc}")
                results.append(res)
                bar.update(res.student)
        bar.close()
        phases["corrección"] = time.monotonic() - t0 - sum(phases.values())
        if opts.feedback:
            err = runner.feedback()
            if err:
                log("Aviso: nbgrader generate_feedback falló: " + err[-500:])
            phases["feedback"] = time.monotonic() - t0 - sum(phases.values())
        paths = write_reports(runner, results)
        phases["informes"] = time.monotonic() - t0 - sum(phases.values())
        log("Tiempos: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
        (runner.out / "ejecucion.json").write_text(json.dumps(
            {"run_id": runner.run_id, "assignment": runner.a, "jobs": opts.jobs,
             "fases_s": {k: round(v, 2) for k, v in phases.items()},
             "kernel_aislado": iso_ok, "aislamiento": runner.iso_note}, ensure_ascii=False, indent=1),
            encoding="utf-8")
        return results, paths
    finally:
        runner.stop_zygotes()
        if not opts.keep_scratch:
            shutil.rmtree(runner.work, ignore_errors=True)
        shutil.rmtree(runner.kwork, ignore_errors=True)


def results_table(results: list[StudentResult]) -> str:
    head = ["estudiante", "nota", "máx", "nbgrader", "limpia", "estado", "revisar"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in sorted(results, key=lambda x: x.student):
        lines.append("| " + " | ".join([
            r.student, _es(f"{r.score:g}"), _es(f"{r.max_score:g}"),
            "—" if r.nbgrader_score is None else _es(f"{r.nbgrader_score:g}"),
            "—" if r.limpia_score is None else _es(f"{r.limpia_score:g}"),
            r.estado, "sí" if r.flags else "no"]) + " |")
    return "\n".join(lines) + "\n"
