"""The clean-room re-check on a tiny scratch assignment (no nbgrader run: fast)."""
from __future__ import annotations

import copy
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile import course as C  # noqa: E402

from autograder import _sandbox, cleanroom  # noqa: E402

LIMITS = cleanroom.Limits(cell_timeout=2, total_timeout=40, memory_mb=512)


def _submission(ej1: str | None = None, ej2: str | None = None, extra: list[str] | None = None) -> dict:
    """The scratch assignment with answer cells replaced (None: the correct solution)."""
    nb = copy.deepcopy(C.scratch_source())
    for c in nb["cells"]:
        gid = c["metadata"].get("nbgrader", {}).get("grade_id")
        if gid == "ej1" and ej1 is not None:
            c["source"] = ej1
        if gid == "ej2" and ej2 is not None:
            c["source"] = ej2
        if gid in ("ej1_tests", "ej2_tests"):
            c["source"] = cleanroom.strip_hidden(C.src(c))   # what students have
    for text in extra or []:
        nb["cells"].insert(2, {"cell_type": "code", "metadata": {}, "source": text, "outputs": [],
                               "execution_count": None})
    return nb


def _check(nb: dict) -> cleanroom.CleanRoomResult:
    return cleanroom.recheck(nb, C.scratch_source(), LIMITS)


def _scores(r: cleanroom.CleanRoomResult) -> dict:
    return {k: v.score for k, v in r.cells.items()}


def test_solution_gets_full_marks_including_hidden_case():
    r = _check(_submission())
    assert r.ok and _scores(r) == {"ej1_tests": 2.0, "ej2_tests": 1.0}
    assert "caso oculto" in r.cells["ej1_tests"].output


def test_wrong_and_missing_answers():
    r = _check(_submission(ej1="def doble(x):\n    return x + 2", ej2="raise NotImplementedError()"))
    assert _scores(r) == {"ej1_tests": 1.0, "ej2_tests": 0.0}   # doble(2) == 4 by luck, hidden case fails
    assert r.cells["ej2_tests"].status == "error" and "NameError" in r.cells["ej2_tests"].message


def test_monkeypatching_the_rubric_changes_nothing():
    patch = ("import autograder.rubric as R\nR.Rubric.score = property(lambda self: self.max_score)\n"
             "import builtins\nbuiltins.print = lambda *a, **k: None\n")
    r = _check(_submission(ej1=patch + "def doble(x):\n    return 0", ej2=patch + "imagen = 'nginx'"))
    assert _scores(r) == {"ej1_tests": 0.0, "ej2_tests": 0.0}


def test_forged_equality_is_reduced_to_plain_data():
    ej2 = "class S(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\nimagen = S('x')"
    ej1 = ("class T(int):\n    def __eq__(self, other):\n        return True\n"
           "def doble(x):\n    return T(0)")
    r = _check(_submission(ej1=ej1, ej2=ej2))
    assert _scores(r) == {"ej1_tests": 0.0, "ej2_tests": 0.0}


def test_a_cell_that_kills_the_process_is_skipped_and_recorded():
    r = _check(_submission(extra=["import os\nos._exit(3)"]))
    assert _scores(r) == {"ej1_tests": 2.0, "ej2_tests": 1.0}
    assert any("terminó el proceso (código de salida 3)" in n for n in r.notes), r.notes


def test_infinite_loop_cell_times_out_and_others_are_graded():
    t0 = time.monotonic()
    r = _check(_submission(extra=["while True:\n    pass"]))
    assert _scores(r) == {"ej1_tests": 2.0, "ej2_tests": 1.0}
    assert any("superó el tiempo" in n for n in r.notes), r.notes
    assert time.monotonic() - t0 < 30


def test_loop_that_ignores_the_alarm_is_killed_and_skipped():
    r = _check(_submission(extra=["import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"]))
    assert _scores(r) == {"ej1_tests": 2.0, "ej2_tests": 1.0}
    assert any("no terminó en su tiempo" in n for n in r.notes), r.notes


def test_memory_bomb_is_contained():
    bomb = "_b = []\nwhile True:\n    _b.append(bytearray(32 * 1024 * 1024))"
    r = _check(_submission(extra=[bomb]))
    assert _scores(r) == {"ej1_tests": 2.0, "ej2_tests": 1.0}


def test_infinite_function_costs_one_timeout_not_one_per_case():
    t0 = time.monotonic()
    r = _check(_submission(ej1="def doble(x):\n    while True:\n        pass"))
    assert _scores(r) == {"ej1_tests": 0.0, "ej2_tests": 1.0}
    assert time.monotonic() - t0 < 2 * LIMITS.cell_timeout + 15


def test_unserializable_answer_is_not_verifiable():
    r = _check(_submission(ej2="imagen = object()"))
    assert r.cells["ej2_tests"].score is None
    assert r.cells["ej2_tests"].status == "no_verificable"
    assert r.cells["ej1_tests"].score == 2.0


def test_student_cells_never_contain_hidden_tests():
    sub = copy.deepcopy(C.scratch_source())   # even if the student submits the source itself
    job = cleanroom.build_job(sub, C.scratch_source(), LIMITS)
    assert not any("HIDDEN" in c or "doble(21)" in c for c in job["student_cells"])
    assert any("doble(21)" in chk["source"] for chk in job["checks"])   # the checker has them
    assert job["checks"][0]["names"] == ["doble"]


def test_strip_hidden_and_hidden_lines():
    src = C.src(C.scratch_source()["cells"][3])
    assert "doble(21)" not in cleanroom.strip_hidden(src)
    assert "doble(2) == 4" in cleanroom.strip_hidden(src)
    assert any("doble(21)" in h for h in cleanroom.hidden_lines(C.scratch_source()))


@pytest.mark.parametrize("value", [
    None, True, 3, 2.5, "ñ", [1, [2]], (1, "a"), {1, 2}, frozenset({3}), {"a": 1, (1, 2): [3]}, b"\x00\xff",
])
def test_encode_decode_roundtrip(value):
    assert _sandbox.decode(_sandbox.encode(value)) == value


def test_encode_special_values():
    assert math.isnan(_sandbox.decode(_sandbox.encode(float("nan"))))
    assert _sandbox.encode(len) == {"__t": "callable", "name": "len"}
    assert _sandbox.encode(object())["__t"] == "unserializable"
    with pytest.raises(_sandbox._TooBig):
        _sandbox.encode(list(range(_sandbox.MAX_NODES + 5)))


def test_kill_tree_kills_children_and_grandchildren():
    p = subprocess.Popen(["sh", "-c", "sleep 60 & sleep 60 & wait"], start_new_session=True)
    time.sleep(0.5)
    kids = [d for d in os.listdir("/proc") if d.isdigit() and _ppid(d) == p.pid]
    assert kids
    cleanroom.kill_tree(p.pid)
    p.wait(timeout=5)
    time.sleep(0.2)
    assert all(not os.path.exists(f"/proc/{k}") or _state(k) == "Z" for k in kids)


def _ppid(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _state(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "X"
