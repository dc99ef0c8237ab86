"""Runs inside the grading kernel at start-up: caps what one cell may print.

Kept free of heavy imports (it is imported in every kernel). Student code can undo it; then
the address-space limit and the wall timeout of the autograde process are what stop a flood.
"""
from __future__ import annotations

OUTPUT_CAP_BYTES = 200_000


def install(cap: int = OUTPUT_CAP_BYTES) -> None:
    import sys

    state = {"n": 0, "cut": False}

    def wrap(stream):
        original = stream.write

        def write(text):
            if state["cut"]:
                return len(text)
            state["n"] += len(text)
            if state["n"] > cap:
                state["cut"] = True
                original(text[: max(0, cap - (state["n"] - len(text)))])
                original(f"\n[... salida recortada por el corrector: más de {cap // 1000} kB en una celda ...]\n")
                return len(text)
            return original(text)

        stream.write = write

    wrap(sys.stdout)
    wrap(sys.stderr)

    def reset(*args, **kwargs):
        state["n"], state["cut"] = 0, False

    try:
        get_ipython().events.register("pre_run_cell", reset)  # noqa: F821 - IPython builtin
    except Exception:  # noqa: BLE001
        pass
