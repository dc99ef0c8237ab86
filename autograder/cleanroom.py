"""Clean-room re-check: grade each submission again, away from the student's kernel.

Why: nbgrader runs the student's code and the test cells in the same kernel, so student
code can monkeypatch the checker, ``assert``, ``print`` or the rubric and fool it (the
nbgrader FAQ says so). This module grades the same answers again with a process split in
which student code never shares memory with the checker:

``grader`` (the instructor's process, :func:`recheck`)
    builds a job from the SUBMISSION (its code cells, minus the test cells) and from the
    SOURCE notebook (the test cells with their ``### BEGIN HIDDEN TESTS`` blocks, which only
    the grader reads), and starts the checker process with resource limits and a wall
    timeout. The job reaches the checker on its stdin; nothing is written to disk.

``checker`` (``python -I -m autograder.cleanroom``, :func:`_checker_main`)
    imports the trusted checkers, then starts the sandbox (below) and asks it for the
    answers. For each graded test cell it runs the SOURCE test cell's code (hidden tests
    included) in a fresh namespace where the answer names hold plain data rebuilt from
    exact built-in types, or, for function answers, a proxy that calls the student's
    function in the sandbox and gets plain data back. The score is read like nbgrader does
    (error or any stderr output -> 0; a float as the last expression -> partial credit;
    otherwise full points).

``sandbox`` (``python -I -m autograder._sandbox``)
    runs the student's cells in order, each with a timeout, under RLIMIT_CPU, RLIMIT_AS and
    RLIMIT_FSIZE, in an empty temporary working directory, and as user ``nobody`` when the
    grader is root. A cell that kills the process (``os._exit``, a signal, the memory limit)
    or ignores the timeout is recorded and the sandbox is started again without it. Its
    stdout/stderr are drained and kept up to a size cap.

The result, per test cell: score, status, Spanish message and the (capped) printed rubric;
:mod:`autograder.grading_run` compares it with nbgrader's score and flags disagreements.

What this does not protect: the sandbox runs as the grader's user unless the grader is
root, so student code there can read any file that user can read (e.g. the course's
``source/`` folder). It never sees the hidden tests through this module, and whatever it
does cannot change the score except through the answers it returns as data.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import os
import pwd
import resource
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from autograder import _sandbox

OUTPUT_CAP = 64 * 1024
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


@dataclass
class Limits:
    cell_timeout: float = 10.0     # seconds per student cell / per function call / per checker
    total_timeout: float = 120.0   # wall seconds for the whole re-check of one submission
    memory_mb: int = 1024          # RLIMIT_AS of the sandbox (MiB)
    cpu_seconds: int = 120         # RLIMIT_CPU of the sandbox
    file_mb: int = 16              # RLIMIT_FSIZE of the sandbox
    output_cap: int = OUTPUT_CAP   # bytes of the sandbox's stdout/stderr kept


@dataclass
class CellCheck:
    grade_id: str
    max_score: float
    score: float | None            # None: could not be re-checked (see status)
    status: str                    # ok | error | timeout | no_verificable
    message: str = ""
    output: str = ""


@dataclass
class CleanRoomResult:
    cells: dict[str, CellCheck] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)   # Spanish: what happened in the sandbox
    ok: bool = True                                   # False: the re-check itself failed
    seconds: float = 0.0
    output: str = ""                                  # the sandbox's stdout/stderr (capped)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "notes": self.notes, "seconds": round(self.seconds, 2), "output": self.output,
                "cells": {k: vars(v) for k, v in self.cells.items()}}


# --------------------------------------------------------------------------- notebook helpers

def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else str(s)


def _meta(cell: dict) -> dict:
    m = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    m = m.get("nbgrader", {}) if isinstance(m, dict) else {}
    return m if isinstance(m, dict) else {}


def test_cells(source_nb: dict) -> list[dict]:
    """Autograded test cells of the source notebook (grade, not solution, code)."""
    return [c for c in source_nb.get("cells", [])
            if c.get("cell_type") == "code" and _meta(c).get("grade") and not _meta(c).get("solution")
            and _meta(c).get("grade_id")]


def strip_hidden(text: str) -> str:
    """The released (student) version of a test cell's source."""
    out, hidden = [], False
    for line in text.splitlines(keepends=True):
        if BEGIN_HIDDEN in line:
            hidden = True
            continue
        if END_HIDDEN in line:
            hidden = False
            continue
        if not hidden:
            out.append(line)
    return "".join(out)


def hidden_lines(source_nb: dict, min_len: int = 12) -> list[str]:
    """Distinctive lines of the hidden test blocks (to detect leaks into outputs)."""
    lines = []
    for c in test_cells(source_nb):
        hidden = False
        for line in _src(c).splitlines():
            if BEGIN_HIDDEN in line:
                hidden = True
                continue
            if END_HIDDEN in line:
                hidden = False
                continue
            if hidden and len(line.strip()) >= min_len and not line.strip().startswith("#"):
                lines.append(line.strip())
    return lines


def _is_import_only(text: str) -> bool:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)


def definitions_only(text: str) -> str:
    """The top-level imports, definitions and cheap assignments of an instructor cell: what a
    student's answer may use, without the demos, widgets, self-checks and cluster probes."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return ""
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

    def cheap(value) -> bool:
        # literals and objects built from a class (``registro = SimulatedRegistry(...)``); not
        # function calls with effects (``estado = cluster_status()`` probes for a cluster)
        if value is None:
            return True
        calls = [n for n in ast.walk(value) if isinstance(n, ast.Call)]
        return all(isinstance(c.func, ast.Name) and c.func.id[:1].isupper() for c in calls)

    body = [n for n in tree.body if isinstance(n, keep)
            or (isinstance(n, (ast.Assign, ast.AnnAssign)) and cheap(n.value))]
    return ast.unparse(ast.Module(body=body, type_ignores=[])) if body else ""


def _free_names(text: str, known: set[str]) -> list[str]:
    """Names a test cell reads but does not define (candidates for student answers)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    assigned, loaded = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                assigned.add(node.id)
            elif node.id not in loaded:
                loaded.append(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                assigned.add((a.asname or a.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            assigned.add(node.name)
    return [n for n in loaded if n not in assigned and n not in known and not hasattr(builtins, n)]


def _exercise_for_test(grade_id: str):
    try:
        from autograder.exercises import exercises
        for ex in exercises().values():
            if ex.test_grade_id == grade_id:
                return ex
    except Exception:  # noqa: BLE001 - a chapter without a table: fall back to names
        return None
    return None


def build_job(submission_nb: dict, source_nb: dict, limits: Limits) -> dict:
    """The checker's job: student cells (for the sandbox) and trusted test code."""
    src_cells = source_nb.get("cells", [])
    tests = test_cells(source_nb)
    test_ids = {_meta(c)["grade_id"] for c in tests}
    locked = {_meta(c)["grade_id"]: _src(c) for c in src_cells
              if _meta(c).get("locked") and _meta(c).get("grade_id") and c.get("cell_type") == "code"}
    src_types = {_meta(c).get("grade_id"): c.get("cell_type") for c in src_cells if _meta(c).get("grade_id")}
    student_cells, labels = [], []
    for k, c in enumerate(submission_nb.get("cells", [])):
        if not isinstance(c, dict):
            continue
        gid = _meta(c).get("grade_id")
        text = None
        if gid in test_ids:
            continue
        if gid in locked:
            # instructor cells run as released (whatever the student did to them), and only
            # their definitions: demos, widgets and self-checks are not needed for answers
            text = definitions_only(locked[gid])
        elif gid in src_types:  # nbgrader restores the source's cell type: so do we
            if src_types[gid] == "code":
                text = _src(c)
        elif c.get("cell_type") == "code":
            text = _src(c)
        if text:
            student_cells.append(text)
            labels.append(f"«{gid}»" if gid else f"{k + 1} del cuaderno")
    setup = [_src(c) for c in src_cells if c.get("cell_type") == "code" and not _meta(c).get("grade")
             and not _meta(c).get("solution") and _is_import_only(_src(c))]
    known: set[str] = set()
    for s in setup:
        for node in ast.parse(s).body:
            for a in node.names:
                known.add((a.asname or a.name).split(".")[0])
    checks = []
    for c in tests:
        gid = _meta(c)["grade_id"]
        text = _src(c)
        names = _free_names(text, known)
        ex = _exercise_for_test(gid)
        if ex is not None and ex.answer_name not in names:
            names.append(ex.answer_name)
        checks.append({"grade_id": gid, "points": float(_meta(c).get("points", 0) or 0),
                       "source": text, "names": names})
    return {"student_cells": student_cells, "labels": labels, "setup": setup, "checks": checks,
            "limits": vars(limits)}


# --------------------------------------------------------------------------- grader side

def set_limit(kind: int, value: int, extra: int = 0) -> None:
    """setrlimit(soft=value, hard=value+extra), never above the current hard limit."""
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
        top = min(value + extra, hard)
    else:
        top = value + extra
    resource.setrlimit(kind, (value, top))


def _preexec(limits: dict, drop: bool):
    def fn():
        os.setsid()
        set_limit(resource.RLIMIT_AS, int(limits["memory_mb"]) * 1024 * 1024)
        set_limit(resource.RLIMIT_CPU, int(limits["cpu_seconds"]), 5)
        set_limit(resource.RLIMIT_FSIZE, int(limits["file_mb"]) * 1024 * 1024)
        set_limit(resource.RLIMIT_CORE, 0)
        if drop:
            try:
                nobody = pwd.getpwnam("nobody")
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
            except Exception:  # noqa: BLE001
                os._exit(97)
    return fn


_DROP_OK: bool | None = None


def can_drop_privileges() -> bool:
    """True when we are root and user ``nobody`` can run this Python (it cannot when the
    interpreter lives under /root, as with pyenv): then the sandbox runs as ``nobody``."""
    global _DROP_OK
    if _DROP_OK is None:
        _DROP_OK = False
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("nobody")
                r = subprocess.run([sys.executable, "-I", "-c", "import autograder._sandbox"],
                                   preexec_fn=_preexec({"memory_mb": 1024, "cpu_seconds": 10, "file_mb": 1}, True),
                                   capture_output=True, timeout=30, cwd="/")
                _DROP_OK = r.returncode == 0
            except Exception:  # noqa: BLE001
                _DROP_OK = False
    return _DROP_OK


def _checker_limits(limits: Limits) -> dict:
    # The checker is trusted code but handles hostile data (YAML bombs...): limit it too.
    d = vars(limits).copy()
    d["memory_mb"] = max(1024, limits.memory_mb)
    d["cpu_seconds"] = int(limits.total_timeout) + 10
    return d


def recheck(submission_nb: dict, source_nb: dict, limits: Limits | None = None) -> CleanRoomResult:
    """Re-grade one submission in the clean room. Never raises."""
    limits = limits or Limits()
    t0 = time.monotonic()
    result = CleanRoomResult()
    try:
        job = build_job(submission_nb, source_nb, limits)
    except Exception as exc:  # noqa: BLE001
        result.ok = False
        result.notes.append(f"No se pudo preparar la verificación limpia: {type(exc).__name__}: {exc}")
        return result
    for chk in job["checks"]:
        result.cells[chk["grade_id"]] = CellCheck(chk["grade_id"], chk["points"], None, "no_verificable",
                                                  "La verificación limpia no llegó a este ejercicio.")
    job["workdir"] = tempfile.mkdtemp(prefix="ag-sandbox-")   # removed below even if the checker is killed
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")}
    env["PYTHONHASHSEED"] = "0"
    env["MALLOC_ARENA_MAX"] = "2"
    proc = None
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "autograder.cleanroom"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            preexec_fn=_preexec(_checker_limits(limits), False), env=env, cwd=tempfile.gettempdir())
        try:
            out, err = proc.communicate(json.dumps(job).encode(), timeout=limits.total_timeout + 15)
        except subprocess.TimeoutExpired:
            kill_tree(proc.pid)
            proc.kill()
            out, err = proc.communicate()
            result.ok = False
            result.notes.append("La verificación limpia superó su tiempo máximo.")
        data = json.loads(out.decode() or "{}") if proc.returncode == 0 else {}
    except Exception as exc:  # noqa: BLE001
        data = {}
        err = str(exc).encode()
    if not data:
        result.ok = False
        tail = (err or b"").decode(errors="replace")[-400:]
        code = getattr(proc, "returncode", None)
        result.notes.append(f"La verificación limpia falló (código {code}). {tail}".strip())
    finally_rm(job["workdir"])
    for gid, c in data.get("cells", {}).items():
        result.cells[gid] = CellCheck(**c)
    result.notes.extend(data.get("notes", []))
    result.output = data.get("output", "")
    result.seconds = time.monotonic() - t0
    return result


def finally_rm(path: str) -> None:
    import shutil
    shutil.rmtree(path, ignore_errors=True)


def kill_tree(pid: int, token: str | None = None) -> None:
    """SIGKILL a process and all its descendants (found through /proc before killing), plus,
    with ``token``, every process whose initial environment contains it (kernels start their
    own session, and may be re-parented once their parent dies)."""
    victims = {pid}
    try:
        parents: dict[int, int] = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    stat = f.read().decode(errors="replace")
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                parents[int(d)] = ppid
                if token:
                    with open(f"/proc/{d}/environ", "rb") as f:
                        if token.encode() in f.read():
                            victims.add(int(d))
            except (OSError, ValueError, IndexError):
                continue
        changed = True
        while changed:
            changed = False
            for p, pp in parents.items():
                if pp in victims and p not in victims:
                    victims.add(p)
                    changed = True
    except OSError:
        pass
    victims.discard(os.getpid())
    for p in victims:
        with contextlib.suppress(OSError):
            os.kill(p, signal.SIGKILL)


# --------------------------------------------------------------------------- checker process

class _Sandbox:
    """The checker's handle on the sandbox process (restarts it without killer cells)."""

    def __init__(self, cells: list[str], limits: dict, workdir: str | None = None):
        self.cells = cells
        self.limits = limits
        self.skip: dict[int, str] = {}
        self.cell_status: dict[int, dict] = {}
        self.proc = None
        self.output = bytearray()
        self.dead = False
        self.timed_out: set[str] = set()
        self.lost: list[str] = []
        self.restarts = 0
        self.deadline = time.monotonic() + float(limits["total_timeout"])
        self.drop = can_drop_privileges()
        self.workdir = workdir or tempfile.mkdtemp(prefix="ag-sandbox-")
        if self.drop:
            with contextlib.suppress(Exception):
                nobody = pwd.getpwnam("nobody")
                os.chown(self.workdir, nobody.pw_uid, nobody.pw_gid)

    def _drain(self, stream):
        cap = int(self.limits["output_cap"])
        while True:
            chunk = stream.read(65536)
            if not chunk:
                return
            if len(self.output) < cap:
                self.output += chunk[: cap - len(self.output)]

    def _start(self) -> None:
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.workdir,
               "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "MALLOC_ARENA_MAX": "2"}
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "autograder._sandbox", str(req_r), str(resp_w)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            pass_fds=(req_r, resp_w), cwd=self.workdir, env=env,
            preexec_fn=_preexec(self.limits, self.drop))
        os.close(req_r)
        os.close(resp_w)
        self.req = os.fdopen(req_w, "w", encoding="utf-8")
        self.resp_fd = resp_r
        self.buf = b""
        threading.Thread(target=self._drain, args=(self.proc.stdout,), daemon=True).start()
        self._send({"cells": self.cells, "cell_timeout": self.limits["cell_timeout"],
                    "skip": sorted(self.skip)})

    def _send(self, obj) -> None:
        self.req.write(json.dumps(obj) + "\n")
        self.req.flush()

    def _recv(self, timeout: float):
        """One JSON line from the sandbox; None on EOF/timeout/garbage."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.resp_fd], [], [], left)
            if not r:
                return None
            chunk = os.read(self.resp_fd, 1 << 20)
            if not chunk:
                return None
            self.buf += chunk
            if len(self.buf) > 64 * 1024 * 1024:
                return None
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return None

    def close(self) -> None:
        self._stop()
        import shutil
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _stop(self) -> None:
        if self.proc is not None:
            kill_tree(self.proc.pid)
            with contextlib.suppress(Exception):
                self.proc.wait(timeout=5)
            with contextlib.suppress(Exception):
                self.req.close()
            with contextlib.suppress(Exception):
                os.close(self.resp_fd)
            self.proc = None

    def run(self, deadline: float) -> None:
        """Run the student's cells until the sandbox is ready to answer requests."""
        self.deadline = deadline
        grace = float(self.limits["cell_timeout"]) + 5
        while time.monotonic() < deadline:
            self._start()
            current = None
            while True:
                msg = self._recv(min(grace, max(0.1, deadline - time.monotonic())))
                if msg is None:
                    break
                if msg.get("ev") == "start":
                    current = msg.get("cell")
                elif msg.get("ev") == "end":
                    self.cell_status[msg.get("cell")] = msg
                    current = None
                elif msg.get("ev") == "ready":
                    return
            # the sandbox died or hung: record the cell and start again without it
            try:
                code = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            self._stop()
            if current is None or current in self.skip:
                break
            if code is None:
                why = "no terminó en su tiempo (se ignoró la interrupción)"
            elif code < 0 and -code == signal.SIGXCPU:
                why = "agotó el tiempo de CPU"
            elif code < 0:
                why = f"terminó el proceso (señal {-code})"
            else:
                why = f"terminó el proceso (código de salida {code})"
            self.skip[current] = why
        self.dead = True

    def request(self, obj: dict, timeout: float, retry: bool = True):
        """Send a request; if the sandbox died or hung, start it again (a few times, within the
        deadline) so one bad answer function does not cost the other exercises. A ``get`` is
        retried once after a restart; a ``call`` that killed the sandbox is not."""
        if self.dead or self.proc is None:
            return None
        msg = None
        try:
            self._send(obj)
            msg = self._recv(timeout)
        except (OSError, ValueError):
            msg = None
        if msg is not None:
            return msg
        code = None
        with contextlib.suppress(Exception):
            code = self.proc.wait(timeout=1)
        self.lost.append(f"{obj.get('op')} {obj.get('name')}: código {code}")
        self._stop()
        if self.restarts >= 5 or time.monotonic() > self.deadline - 2:
            self.dead = True
            return None
        self.restarts += 1
        self.run(self.deadline)
        if retry and obj.get("op") == "get" and not self.dead:
            return self.request(obj, timeout, retry=False)
        return None


class _RemoteFunction:
    """A student's function living in the sandbox: arguments and results travel as data."""

    _EXC = {n: getattr(builtins, n) for n in dir(builtins)
            if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), Exception)}

    def __init__(self, box: _Sandbox, name: str, fn_name: str):
        self._box, self._name, self.__name__ = box, name, fn_name
        self.__qualname__ = fn_name

    def __call__(self, *args):
        if self._name in self._box.timed_out:  # one timeout is enough: do not wait again per case
            raise TimeoutError("tu función ya superó el tiempo máximo en un caso anterior")
        timeout = float(self._box.limits["cell_timeout"])
        msg = self._box.request({"op": "call", "name": self._name, "args": _sandbox.encode(list(args)),
                                 "timeout": timeout}, timeout + 5)
        if msg is None:
            raise RuntimeError("el proceso con tu código terminó o dejó de responder")
        if msg.get("ok"):
            try:
                return _sandbox.decode(msg.get("value"))
            except Exception:  # noqa: BLE001
                raise TypeError("tu función devolvió un valor que no es un dato simple") from None
        if msg.get("etype") == "TimeoutError":
            self._box.timed_out.add(self._name)
        etype = self._EXC.get(str(msg.get("etype")))
        text = str(msg.get("msg", ""))[:300]
        if etype is None or etype in (SystemExit, KeyboardInterrupt):
            raise RuntimeError(f"{msg.get('etype')}: {text}")
        try:
            exc = etype(text)
        except Exception:  # noqa: BLE001
            exc = RuntimeError(f"{msg.get('etype')}: {text}")
        raise exc


class _Unverifiable(Exception):
    pass


def _run_test_cell(source: str, ns: dict) -> tuple[Any, str, str, BaseException | None]:
    """Run a test cell like a kernel would: (last expression value, stdout, stderr, error)."""
    out, err = io.StringIO(), io.StringIO()
    value, error = None, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            tree = ast.parse(source)
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, "<prueba>", "exec"), ns)
            if last is not None:
                value = eval(compile(last, "<prueba>", "eval"), ns)
        except _Unverifiable:
            raise
        except BaseException as exc:  # noqa: BLE001
            error = exc
    return value, out.getvalue(), err.getvalue(), error


def _score(points: float, value: Any, stderr: str, error: BaseException | None) -> float:
    """nbgrader's determine_grade, on a value instead of a notebook output."""
    if error is not None or stderr:
        return 0.0
    if value is not None and not isinstance(value, bool):
        try:
            return float(repr(value))
        except ValueError:
            return points
    return points


class _CheckTimeout(BaseException):
    pass


def _checker_main() -> None:
    real_stdout = os.fdopen(os.dup(1), "w", encoding="utf-8")
    job = json.loads(sys.stdin.read())
    limits = job["limits"]
    deadline = time.monotonic() + float(limits["total_timeout"])
    notes: list[str] = []
    cells: dict[str, dict] = {}
    # trusted imports first: nothing of the student's has run in this process, nor will
    for s in job["setup"]:
        with contextlib.suppress(Exception):
            exec(compile(s, "<setup>", "exec"), {})
    with contextlib.suppress(Exception):
        import autograder.exercises  # noqa: F401
    box = _Sandbox(job["student_cells"], limits, job.get("workdir"))
    box.run(deadline)
    labels = job.get("labels") or [str(k + 1) for k in range(len(job["student_cells"]))]
    for k, why in sorted(box.skip.items()):
        notes.append(f"limpia: la celda {labels[k]} {why}; se verificó sin ella")
    for k, st in sorted(box.cell_status.items()):
        if st.get("status") == "timeout":
            notes.append(f"limpia: la celda {labels[k]} superó el tiempo por celda ({st.get('error')})")
    if box.dead:
        notes.append("El código del estudiante no pudo ejecutarse entero en la sala limpia.")

    def on_alarm(signum, frame):
        raise _CheckTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    for chk in job["checks"]:
        gid, points = chk["grade_id"], float(chk["points"])
        ns: dict[str, Any] = {"__name__": "__main__"}
        for s in job["setup"]:
            with contextlib.suppress(Exception):
                exec(compile(s, "<setup>", "exec"), ns)
        status, message = "ok", ""
        try:
            for name in chk["names"]:
                msg = box.request({"op": "get", "name": name}, float(limits["cell_timeout"]) + 5)
                if msg is None:
                    continue  # missing: the test cell sees a NameError / "sin respuesta", as in nbgrader
                if msg.get("kind") == "value":
                    v = msg["value"]
                    if isinstance(v, dict) and v.get("__t") == "callable":
                        ns[name] = _RemoteFunction(box, name, str(v.get("name", name)))
                    elif isinstance(v, dict) and v.get("__t") == "unserializable":
                        raise _Unverifiable(f"`{name}` es un objeto de tipo {v.get('type')}, "
                                            "que no se puede verificar como dato")
                    else:
                        ns[name] = _sandbox.decode(v)
            left = max(1, int(deadline - time.monotonic()))
            signal.alarm(min(left, int(float(limits["cell_timeout"]) * 10)))
            try:
                value, out, err, error = _run_test_cell(chk["source"], ns)
            finally:
                signal.alarm(0)
            score = _score(points, value, err, error)
            if error is not None:
                status, message = "error", f"{type(error).__name__}: {str(error)[:200]}"
            elif err:
                status, message = "error", "la prueba escribió en stderr"
            cells[gid] = {"grade_id": gid, "max_score": points, "score": min(max(score, 0.0), points),
                          "status": status, "message": message, "output": out[:4000]}
        except _Unverifiable as exc:
            cells[gid] = {"grade_id": gid, "max_score": points, "score": None, "status": "no_verificable",
                          "message": str(exc), "output": ""}
        except _CheckTimeout:
            cells[gid] = {"grade_id": gid, "max_score": points, "score": 0.0, "status": "timeout",
                          "message": "la corrección de este ejercicio superó su tiempo", "output": ""}
    with contextlib.suppress(Exception):
        if not box.dead and box.proc is not None:
            box._send({"op": "bye"})
            box.proc.wait(timeout=2)
    box.close()
    if box.lost:
        notes.append("limpia: el proceso con el código del estudiante se reinició "
                      f"{box.restarts} vez/veces ({'; '.join(box.lost[:3])})")
    output = box.output[:4000].decode(errors="replace")
    real_stdout.write(json.dumps({"cells": cells, "notes": notes, "output": output}))
    real_stdout.flush()


if __name__ == "__main__":
    _checker_main()
