"""course/ (the committed student version) must match what `make release` generates from source/."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder import notebook_tools as nbt
from autograder.release import generate

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir() and re.match(r"\d\d-", p.name))
HINT = "course/ is out of sync with source/: run `make release` and commit course/"


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and not any(part in (".ipynb_checkpoints", "__pycache__")
                                             for part in p.relative_to(folder).parts))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_course_matches_a_fresh_release(assignment, tmp_path):
    course = ROOT / "course" / assignment
    assert course.is_dir(), f"course/{assignment} is missing. {HINT}"
    fresh = generate(assignment, tmp_path / assignment)
    assert files(course) == files(fresh), f"different files in course/{assignment}. {HINT}"
    for name in files(fresh):
        if name.endswith(".ipynb"):
            got, want = nbt.comparable(nbt.load(course / name)), nbt.comparable(nbt.load(fresh / name))
            first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
            assert got == want, (f"course/{assignment}/{name} differs from source/ (first at cell {first}; "
                                 f"{len(got)} vs {len(want)} cells). {HINT}")
        else:
            assert (course / name).read_bytes() == (fresh / name).read_bytes(), \
                f"course/{assignment}/{name} differs. {HINT}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_course_notebooks_are_clean(assignment):
    """Committed student notebooks carry no outputs, no solutions and no hidden tests."""
    course = ROOT / "course" / assignment
    if not course.is_dir():
        pytest.fail(f"course/{assignment} is missing. {HINT}")
    notebooks = sorted(course.glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = nbt.load(path)
        for cell in nb["cells"]:
            text = nbt.source_text(cell)
            assert "### BEGIN SOLUTION" not in text and "### BEGIN HIDDEN TESTS" not in text, path.name
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name
            if nbt.nbgrader_meta(cell).get("solution") and "NotImplementedError" in text:
                # so "Run All" goes past unanswered stubs (see autograder.release.tag_stubs)
                assert "raises-exception" in cell["metadata"].get("tags", []), (path.name, cell.get("id"))


def test_no_stale_assignments_in_course():
    course = ROOT / "course"
    stale = sorted(p.name for p in course.iterdir() if p.is_dir() and re.match(r"\d\d-", p.name)
                   and p.name not in ASSIGNMENTS) if course.is_dir() else []
    assert not stale, f"course/ has assignments that are not in source/: {stale}"
