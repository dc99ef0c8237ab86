"""The student side of the clean-room re-check (runs student code; trusts nothing).

Started by :mod:`autograder.cleanroom` as ``python -I -m autograder._sandbox REQ_FD RESP_FD``
with resource limits (CPU seconds, address space, file size) already applied and, when the
grader runs as root, as the unprivileged user ``nobody``. It:

1. reads a job (the submission's code cells, per-cell timeout) as one JSON line on REQ_FD;
2. runs each cell in one namespace, reporting ``start``/``end`` events on RESP_FD, with a
   ``SIGALRM`` timeout per cell; every exception (even ``SystemExit``) is caught and reported;
3. serves requests from the checker: ``get`` (an answer as *data*, see :func:`encode`) and
   ``call`` (call an answer function with data arguments, return data or the error).

Only plain data crosses the pipe: strings, numbers, lists, dicts... rebuilt by the checker
from exact built-in types, so a value with a forged ``__eq__`` or a patched checker in this
process cannot influence the grade. Student code may of course write anything on the
pipes: that is the same as submitting some other answer, which the checker then grades.

Only the standard library is used here.
"""
from __future__ import annotations

import base64
import builtins
import json
import math
import os
import signal
import sys

MAX_NODES = 200_000
MAX_DEPTH = 60


class _Timeout(BaseException):
    pass


class _TooBig(Exception):
    pass


def encode(value, _state=None, _depth=0):
    """Plain, tagged JSON for a value built only from exact built-in types."""
    if _state is None:
        _state = [0]
    _state[0] += 1
    if _state[0] > MAX_NODES or _depth > MAX_DEPTH:
        raise _TooBig()
    if value is None or value is True or value is False:
        return value
    if isinstance(value, bool):
        return bool.__bool__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        f = float.__float__(value)
        if math.isfinite(f):
            return f
        return {"__t": "float", "v": repr(f)}
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        return {"__t": "bytes", "v": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, list):
        return [encode(v, _state, _depth + 1) for v in list.__iter__(value)]
    if isinstance(value, tuple):
        return {"__t": "tuple", "v": [encode(v, _state, _depth + 1) for v in tuple.__iter__(value)]}
    if isinstance(value, (set, frozenset)):
        return {"__t": "frozenset" if isinstance(value, frozenset) else "set",
                "v": [encode(v, _state, _depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"__t": "dict", "v": [[encode(k, _state, _depth + 1), encode(v, _state, _depth + 1)]
                                     for k, v in dict.items(value)]}
    if callable(value):
        return {"__t": "callable", "name": str(getattr(value, "__name__", "funcion"))}
    return {"__t": "unserializable", "type": type(value).__name__}


def decode(obj):
    """Inverse of :func:`encode` (also used by the checker side)."""
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    if isinstance(obj, dict):
        t = obj.get("__t")
        if t == "dict":
            out = {}
            for k, v in obj["v"]:
                k = decode(k)
                if isinstance(k, list):  # unhashable key cannot come from a real dict
                    k = tuple(k)
                out[k] = decode(v)
            return out
        if t == "tuple":
            return tuple(decode(v) for v in obj["v"])
        if t == "set":
            return {decode(v) for v in obj["v"]}
        if t == "frozenset":
            return frozenset(decode(v) for v in obj["v"])
        if t == "float":
            return float(obj["v"])
        if t == "bytes":
            return base64.b64decode(obj["v"])
        raise ValueError("valor no serializable")
    return obj


def _compile_cell(src):
    try:
        return compile(src, "<celda>", "exec")
    except SyntaxError:
        # IPython syntax (%magic, !shell): translate; get_ipython() is then undefined here.
        try:
            from IPython.core.inputtransformer2 import TransformerManager
            return compile(TransformerManager().transform_cell(src), "<celda>", "exec")
        except Exception:
            raise


class _Capped:
    """stdout/stderr that keep at most ``cap`` characters and drop the rest cheaply."""

    def __init__(self, stream, cap):
        self._stream, self._left = stream, cap

    def write(self, text):
        if self._left > 0:
            piece = text[: self._left]
            self._left -= len(piece)
            self._stream.write(piece)
        return len(text)

    def flush(self):
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def main(req_fd: int, resp_fd: int) -> None:
    sys.stdout = _Capped(sys.stdout, 64 * 1024)
    sys.stderr = _Capped(sys.stderr, 64 * 1024)
    req = os.fdopen(req_fd, "r", encoding="utf-8")
    resp = os.fdopen(resp_fd, "w", encoding="utf-8")

    def send(obj):
        resp.write(json.dumps(obj) + "\n")
        resp.flush()

    def on_alarm(signum, frame):
        raise _Timeout()

    signal.signal(signal.SIGALRM, on_alarm)
    job = json.loads(req.readline())
    timeout = max(1, int(job.get("cell_timeout", 10)))
    skip = set(job.get("skip", []))
    ns = {"__name__": "__main__", "__builtins__": builtins}
    for k, src in enumerate(job["cells"]):
        if k in skip:
            continue
        send({"ev": "start", "cell": k})
        status, err = "ok", ""
        try:
            code = _compile_cell(src)
            signal.alarm(timeout)
            try:
                exec(code, ns)
            finally:
                signal.alarm(0)
        except _Timeout:
            status, err = "timeout", f"más de {timeout} s"
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything
            status, err = "error", f"{type(exc).__name__}: {str(exc)[:300]}"
        try:
            sys.stdout.flush()
        except BaseException:  # noqa: BLE001
            pass
        send({"ev": "end", "cell": k, "status": status, "error": err})
    send({"ev": "ready"})

    while True:
        line = req.readline()
        if not line:
            return
        msg = json.loads(line)
        op = msg.get("op")
        if op == "bye":
            return
        name = msg.get("name", "")
        if op == "get":
            if name not in ns:
                send({"kind": "missing"})
                continue
            try:
                send({"kind": "value", "value": encode(ns[name])})
            except _TooBig:
                send({"kind": "error", "etype": "ValueError", "msg": "respuesta demasiado grande"})
            except BaseException as exc:  # noqa: BLE001
                send({"kind": "error", "etype": type(exc).__name__, "msg": str(exc)[:300]})
        elif op == "call":
            try:
                args = decode(msg.get("args", []))
                fn = ns[name]
                signal.alarm(max(1, int(msg.get("timeout", timeout))))
                try:
                    result = fn(*args)
                finally:
                    signal.alarm(0)
                send({"ok": True, "value": encode(result)})
            except _Timeout:
                send({"ok": False, "etype": "TimeoutError",
                      "msg": f"tu función tardó más de {msg.get('timeout', timeout)} s"})
            except _TooBig:
                send({"ok": False, "etype": "ValueError", "msg": "resultado demasiado grande"})
            except BaseException as exc:  # noqa: BLE001
                try:
                    text = str(exc)[:300]
                except BaseException:  # noqa: BLE001
                    text = ""
                send({"ok": False, "etype": type(exc).__name__, "msg": text})


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
