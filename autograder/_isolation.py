"""Start the grading kernel where the instructor's files cannot be seen (Linux namespaces).

Why: the kernel runs student code as the grader's own user, so without this it could open the
instructor's course folder (``source/`` with solutions and hidden tests, ``gradebook.db``,
``release/``, other students' ``submitted/`` and ``autograded/`` folders) by absolute path.

How (Linux, unprivileged user namespaces; no root needed): the kernel command is prefixed with
this file, run as a tiny launcher (``python -I -S _isolation.py SPEC -- kernel argv``):

``L`` (the process jupyter_client started and watches)
    stays in the host namespaces, forks ``C1`` and waits for it; when ``C1`` reports a setup
    failure, ``L`` prints a marker line on stderr and runs the kernel *without* isolation
    (grading never fails because isolation is unavailable).
``C1``
    ``unshare(CLONE_NEWUSER|CLONE_NEWNS)`` (own uid mapped to 0), makes every mount private,
    covers each ``hide`` path with an empty tmpfs (a file: with ``/dev/null``), binds back
    the ``keep_ro`` paths below them read-only (the Python installation, editable packages)
    and the ``keep_rw`` paths read-write (the kernel's folder, its HOME/Jupyter folders),
    makes the covering tmpfs read-only, then ``unshare(CLONE_NEWPID)`` and forks ``C2``.
``C2`` (PID 1 of a new PID namespace)
    mounts a fresh ``/proc`` (the kernel cannot reach other processes' ``/proc/PID/root``,
    ``cwd``, ``environ`` or memory), enters a *second* user+mount namespace with the
    original uid mapped back (every mount made above becomes locked: student code cannot
    unmount a tmpfs to uncover what is below, nor bind the root without its covers), forks
    ``G`` and reaps zombies until ``G`` ends (its status is passed up to ``L``).
``G``
    signals reset to default, ``chdir`` again by path, ``exec`` of the real kernel.

The network namespace is the host's: the kernel reaches the grader on 127.0.0.1 as usual.
:func:`probe` runs the same launcher once per grading run with a small check program; if
it fails (no ``unshare``/EPERM/not Linux), the run grades without isolation and says so.
"""
from __future__ import annotations

import json
import os
import sys

ENV_SPEC = "AUTOGRADER_ISOLATION"          # JSON spec for the kernel manager (per submission)
ENV_OFF = "K8S_AUTOGRADE_NO_ISOLATION"     # "1": never isolate (testing, or a broken kernel setup)
MARK = "AUTOGRADER_ISOLATION:"             # stderr line of the launcher: "ok" or "FALLÓ <why>"

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
_ST_TO_MS = {1: MS_RDONLY, 2: MS_NOSUID, 4: MS_NODEV, 8: MS_NOEXEC, 1024: MS_NOATIME,
             2048: MS_NODIRATIME, 4096: MS_RELATIME}
PR_SET_PDEATHSIG = 1


# --------------------------------------------------------------------------- grader side

def _under(p: str, root: str) -> bool:
    return p == root or p.startswith(root.rstrip("/") + "/")


def python_paths() -> list[str]:
    """What the kernel's interpreter needs to see: prefixes, sys.path, editable packages."""
    import importlib.util
    out = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
           os.path.dirname(os.path.abspath(sys.executable)), os.path.dirname(os.path.realpath(sys.executable))]
    out += [p for p in sys.path if p]
    for name in ("autograder", "k8s_helpers"):
        spec = importlib.util.find_spec(name)
        if spec is not None:
            out += list(spec.submodule_search_locations or []) or ([spec.origin] if spec.origin else [])
    out += [v for v in _editable_mapping().values()]
    return sorted({os.path.realpath(p) for p in out if p and os.path.exists(p)})


def _editable_mapping() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, mod in list(sys.modules.items()):
        if name.startswith("__editable__") and isinstance(getattr(mod, "MAPPING", None), dict):
            found.update({k: v for k, v in mod.MAPPING.items() if isinstance(v, str)})
    if not found:
        for d in (p for p in sys.path if p and os.path.isdir(p)):
            try:
                names = [n for n in os.listdir(d) if n.startswith("__editable__") and n.endswith("_finder.py")]
            except OSError:
                continue
            for n in names:
                import ast
                try:
                    tree = ast.parse(open(os.path.join(d, n), encoding="utf-8").read())
                except (OSError, SyntaxError):
                    continue
                for node in tree.body:
                    if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "MAPPING" for t in node.targets):
                        try:
                            found.update(ast.literal_eval(node.value))
                        except ValueError:
                            pass
    return found


def project_roots() -> list[str]:
    """Folders of editable (``pip install -e``) projects: the repository of the course, with its
    own ``source/`` and tests, is hidden too (its packages are bound back read-only)."""
    roots = set()
    for path in _editable_mapping().values():
        parent = os.path.dirname(os.path.realpath(path))
        if parent not in ("/", "") and any(os.path.exists(os.path.join(parent, f))
                                           for f in ("pyproject.toml", "setup.py", "setup.cfg")):
            roots.add(parent)
    return sorted(roots)


def spec(hide: list, keep_ro: list, keep_rw: list) -> dict:
    real = lambda xs: sorted({os.path.realpath(str(x)) for x in xs if x and os.path.lexists(str(x))})  # noqa: E731
    return {"hide": real(hide), "keep_ro": real(keep_ro), "keep_rw": real(keep_rw)}


def wrap(argv: list[str], sp: dict) -> list[str]:
    return [sys.executable, "-I", "-S", os.path.abspath(__file__), json.dumps(sp), "--", *argv]


PROBE = r"""
import json, os, sys
sp = json.loads(sys.argv[1]); canaries = json.loads(sys.argv[2])
import ctypes, importlib.util, ipykernel.kernelapp, autograder._kernel_guard  # noqa: F401  the kernel starts
for name in ("k8s_helpers",):  # located and readable (not imported: its code is not the probe's business)
    spec = importlib.util.find_spec(name)
    if spec is None or not open(spec.origin, "rb"): print("missing", name); sys.exit(6)
def shows(c):
    if os.path.isdir(c): return bool(os.listdir(c))
    try:
        with open(c, "rb") as f: return bool(f.read(1))
    except OSError: return False
seen = [c for c in canaries if shows(c)]
if seen: print("visible:", seen); sys.exit(3)
pids = [p for p in os.listdir("/proc") if p.isdigit()]
if len(pids) > 4: print("proc", pids); sys.exit(4)
libc = ctypes.CDLL(None, use_errno=True)
if libc.umount2(sp["hide"][0].encode(), 2) == 0: print("umount worked"); sys.exit(5)
for d in sp["keep_rw"]:
    open(os.path.join(d, "w"), "w").write("x")
print("PROBE-OK", os.getuid())
"""


def probe(sp: dict, canaries: list[str], env: dict | None = None, timeout: float = 60) -> tuple[bool, str]:
    """Run the launcher once with a check program; (isolation works, Spanish detail)."""
    import subprocess
    if os.environ.get(ENV_OFF, "").strip().lower() in ("1", "true", "sí", "si", "yes"):
        return False, f"desactivado con {ENV_OFF}"
    if not sys.platform.startswith("linux"):
        return False, f"sistema {sys.platform}: sin espacios de nombres de Linux"
    cmd = wrap([sys.executable, "-c", PROBE, json.dumps(sp), json.dumps(canaries)], sp)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                           cwd=(sp["keep_rw"] or ["/"])[0])
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"la prueba de aislamiento falló: {exc}"
    fail = [ln for ln in r.stderr.splitlines() if ln.startswith(MARK) and "FALLÓ" in ln]
    if fail:
        return False, fail[0][len(MARK):].replace("FALLÓ", "").strip()[:300]
    if r.returncode != 0 or f"PROBE-OK {os.getuid()}" not in r.stdout:
        return False, f"la prueba de aislamiento no pasó ({r.returncode}): {(r.stdout + r.stderr)[-300:]}"
    return True, "el kernel se ejecuta en espacios de nombres de Linux con la carpeta del curso oculta"


# --------------------------------------------------------------------------- launcher side

def _libc():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    return libc


def _check(rc: int, what: str) -> None:
    if rc != 0:
        import ctypes
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def _mount(libc, src, target, fstype, flags, data=None) -> None:
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    _check(libc.mount(enc(src), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _enter_userns(libc, inner: int, outer_uid: int, outer_gid: int, inner_gid: int) -> None:
    _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare")
    try:
        _write("/proc/self/setgroups", "deny")
    except OSError:
        pass
    _write("/proc/self/uid_map", f"{inner} {outer_uid} 1")
    _write("/proc/self/gid_map", f"{inner_gid} {outer_gid} 1")


def _setup_mounts(libc, sp: dict) -> None:
    hide = [h for h in sp["hide"] if os.path.lexists(h) and not os.path.islink(h)]
    keeps = [(k, False) for k in sp["keep_ro"]] + [(k, True) for k in sp["keep_rw"]]
    # a kept path that contains a hidden one would uncover it: not kept
    keeps = [(k, rw) for k, rw in keeps if os.path.exists(k) and not any(_under(h, k) for h in hide)]
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    tops = []
    for h in sorted(hide, key=len):
        if not any(_under(h, t) for t in tops):
            tops.append(h)
    # only kept paths below a covered one need binding back; the outermost of each mode
    binds = []
    for k, rw in sorted(keeps, key=lambda x: len(x[0])):
        if any(_under(k, t) for t in tops) and not any(_under(k, b) and (brw == rw or not rw) for b, brw in binds):
            binds.append((k, rw))
    fds = {k: os.open(k, os.O_PATH | os.O_CLOEXEC) for k, _ in binds}
    dirs = {k: os.path.isdir(k) for k, _ in binds}
    covers = []
    for h in tops:
        if os.path.isdir(h):
            _mount(libc, "tmpfs", h, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=0755")
            covers.append(h)
        else:
            _mount(libc, "/dev/null", h, None, MS_BIND)
    for k, rw in binds:
        if dirs[k]:
            os.makedirs(k, exist_ok=True)
        elif not os.path.exists(k):
            os.makedirs(os.path.dirname(k), exist_ok=True)
            open(k, "a").close()
        _mount(libc, f"/proc/self/fd/{fds[k]}", k, None, MS_BIND | MS_REC)
        os.close(fds[k])
        if not rw:
            flags = 0
            st = os.statvfs(k).f_flag
            for bit, ms in _ST_TO_MS.items():
                if st & bit:
                    flags |= ms
            try:
                _mount(libc, None, k, None, MS_BIND | MS_REMOUNT | MS_RDONLY | flags)
            except OSError:
                pass  # read-only is a bonus; hiding is what matters
    for h in hide:  # hidden paths inside a kept one (bound back above) are covered again
        if any(_under(h, k) and h != k for k, _ in binds) and os.path.lexists(h):
            if os.path.isdir(h):
                _mount(libc, "tmpfs", h, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
            else:
                _mount(libc, "/dev/null", h, None, MS_BIND)
    for c in covers:
        try:
            _mount(libc, None, c, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
        except OSError:
            pass


def _wait_exit(pid: int) -> int:
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            return status
        except ChildProcessError:
            return 1 << 8
        except InterruptedError:
            continue


def _status_code(status: int) -> int:
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1


def _c2(libc, argv: list[str], cwd: str, uid: int, gid: int, w: int) -> None:
    """PID 1 of the new PID namespace."""
    import signal
    _mount(libc, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _enter_userns(libc, uid, 0, 0, gid)       # second namespace: every mount above is now locked
    g = os.fork()
    if g == 0:
        for s in range(1, signal.NSIG):
            if s not in (signal.SIGKILL, signal.SIGSTOP):
                try:
                    signal.signal(s, signal.SIG_DFL)
                except (OSError, ValueError):
                    pass
        os.chdir(cwd)
        os.write(w, b"ok\n")
        os.close(w)
        os.execvp(argv[0], argv)
    os.close(w)
    while True:  # init: reap everything, leave with the kernel's status
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
        if pid == g:
            os._exit(_status_code(status))


def main() -> None:
    import signal
    # jupyter_client interrupts the kernel with SIGINT to its whole process group: only the
    # kernel (G, which resets every signal) may get it, never L, C1 or the init C2
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sp = json.loads(sys.argv[1])
    argv = sys.argv[sys.argv.index("--") + 1:]
    env = os.environ
    env.pop(ENV_SPEC, None)
    cwd = os.getcwd()
    uid, gid = os.getuid(), os.getgid()
    err = None
    r, w = os.pipe()
    try:
        libc = _libc()
        c1 = os.fork()
    except OSError as exc:
        c1, err = -1, f"{exc}"
    if c1 == 0:  # ----------------------------------------------- C1
        os.close(r)
        code = 1
        try:
            libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
            _enter_userns(libc, 0, uid, gid, 0)
            _setup_mounts(libc, sp)
            _check(libc.unshare(CLONE_NEWPID), "unshare pid")
            env.pop("JPY_PARENT_PID", None)   # the kernel's parent is our init (pid 1), not the grader
            c2 = os.fork()
            if c2 == 0:
                try:
                    libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
                    _c2(libc, argv, cwd, uid, gid, w)
                except BaseException as exc:  # noqa: BLE001
                    os.write(w, f"ERR {exc}\n".encode())
                os._exit(1)
            os.close(w)
            code = _status_code(_wait_exit(c2))
        except BaseException as exc:  # noqa: BLE001
            try:
                os.write(w, f"ERR {exc}\n".encode())
            except OSError:
                pass
        os._exit(code)
    # --------------------------------------------------------------- L
    if c1 > 0:
        os.close(w)
        msg = b""
        while True:
            chunk = os.read(r, 4096)
            if not chunk:
                break
            msg += chunk
            if msg.startswith(b"ok\n"):
                break
        os.close(r)
        if msg.startswith(b"ok\n"):
            sys.stderr.write(f"{MARK} ok\n")
            sys.stderr.flush()
            code = _status_code(_wait_exit(c1))
            os._exit(code)
        _wait_exit(c1)
        err = msg.decode(errors="replace").strip().removeprefix("ERR ").strip() or "error desconocido"
    else:
        os.close(r)
        os.close(w)
    sys.stderr.write(f"{MARK} FALLÓ {err}\n")
    sys.stderr.flush()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main()
