"""Real browser test: the student notebooks in JupyterLab, in headless Chromium.

For each chapter row below: start JupyterLab as `make lab` does, open the student notebook, run
it as a student would, with the menu Run > Run All Cells, wait until the run is over, and check that
  * Run All executed every code cell: it goes past the unanswered exercise stubs, because
    `make release` tags them `raises-exception` (JupyterLab then sends them with
    stop_on_error=false and the kernel does not abort the cells queued after them),
  * no cell fails except the exercise stubs (NotImplementedError, by design),
  * no widget fails to display ("Error displaying widget" / ipywidgets' error icon),
  * the chapter's widget is rendered and reacts: clicking its control changes what it shows.
A screenshot of each chapter goes to test-output/browser-<chapter>.png (also when it fails),
with the cell outputs (-cells.json), the browser console (-console.log) and the server log.

New chapters: append a row to CASES. Rows whose notebook does not exist yet are skipped, except
the required ones (chapter 01).
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import asdict
from pathlib import Path

import pytest

import browser_support as bs
from browser_support import BrowserCase, Interaction

COURSE_DIR = bs.REPO_ROOT / "course"

CASES = [
    BrowserCase(
        id="01-imagenes-y-tags",
        notebook="01-imagenes-y-tags/01-imagenes-y-tags.ipynb",
        widget=".k8s-registry-table",
        interactions=(Interaction(click=".k8s-registry-next", changes=".k8s-registry-table",
                                  description="'Siguiente publicación' advances the registry timeline"),),
        required=True,
    ),
    BrowserCase(
        id="02-pods-y-sidecars",
        notebook="02-pods-y-sidecars/02-pods-y-sidecars.ipynb",
        widget=".k8s-cluster-view",
        interactions=(Interaction(click=".k8s-clock-step", changes=".k8s-cluster-view",
                                  description="stepping the clock changes the cluster view"),),
    ),
    BrowserCase(
        id="04-sondas",
        notebook="04-sondas/04-sondas.ipynb",
        widget=".k8s-probe-timeline",
        interactions=(Interaction(click=".k8s-clock-step-10", changes=".k8s-cluster-view",
                                  description="stepping the clock 10 s changes the cluster view"),
                      Interaction(click=".k8s-probe-refresh", changes=".k8s-probe-timeline",
                                  description="refreshing after the step adds probe results")),
    ),
]

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return bs.require_browser()


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=bs.CHROMIUM_ARGS,
                                     headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def lab(browser):
    """One JupyterLab for every chapter row, started exactly as `make lab` does (course/)."""
    with bs.running_lab("course", log_name="browser") as server:
        yield server


def check_notebook(browser, server: bs.LabServer, case: BrowserCase, out_prefix: Path,
                   interaction_timeout_s: float = 30, widget_timeout_s: float = 30,
                   run_all_timeout_s: float = 300) -> list[str]:
    """Drive one notebook; return the list of problems found (empty = all good).

    Always leaves a screenshot, the cell outputs and the browser console under `out_prefix`.
    """
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"[{m.type}] {m.text}"))
    page.on("pageerror", lambda e: console.append(f"[pageerror] {e}"))
    problems: list[str] = []
    runs: list[bs.CellRun] = []
    run_all: dict = {}
    interactions: list[dict] = []
    try:
        bs.open_notebook(page, server, case.notebook)
        result = bs.run_all_cells(page, timeout_s=run_all_timeout_s)
        runs = result.cells
        run_all = {"seconds": result.seconds, "finished": result.finished,
                   "replies": {s: result.replies.count(s) for s in sorted(set(result.replies))},
                   "executed": sum(1 for c in runs if c.must_run and c.execution_count is not None),
                   "code_cells": sum(1 for c in runs if c.must_run)}
        problems += bs.unexecuted_problems(result)
        bs.wait_until_idle(page)
        widget = bs.current_panel(page).locator(case.widget).first
        try:
            widget.wait_for(state="visible", timeout=widget_timeout_s * 1000)
        except Exception:
            problems.append(f"the chapter widget ({case.widget}) is not visible after "
                            f"Run All Cells")
        problems += bs.unexpected_problems(runs, bs.dom_cells(page))
        if not problems:
            for step in case.interactions:
                before, after = bs.interact(page, step, timeout_s=interaction_timeout_s)
                interactions.append({**asdict(step), "before": before, "after": after})
                if before == after:
                    problems.append(f"clicking {step.click} did not change {step.changes} "
                                    f"({step.description}); it still shows:\n{before[:800]}")
            # A click may make the kernel fail (callbacks print tracebacks to the output).
            bs.wait_until_idle(page)
            problems += bs.unexpected_problems([], bs.dom_cells(page))
        with_widget = bs.current_panel(page).locator(case.widget).first
        if with_widget.count():
            with_widget.scroll_into_view_if_needed()
    except Exception as exc:  # keep the evidence, then report
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        out_prefix.parent.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(out_prefix.with_suffix(".png")), full_page=True)
        except Exception as exc:
            problems.append(f"screenshot failed: {exc}")
        Path(f"{out_prefix}-cells.json").write_text(json.dumps(
            {"notebook": case.notebook, "problems": problems, "run_all": run_all,
             "interactions": interactions,
             "cells": [asdict(r) for r in runs]}, indent=1, ensure_ascii=False))
        Path(f"{out_prefix}-console.log").write_text("\n".join(console))
        context.close()
        with contextlib.suppress(Exception):  # free the 2 shared cores for the next notebook
            server.shutdown_sessions(case.notebook)
    return problems


def executed_cells(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code"
               and (c.get("execution_count") is not None or c.get("outputs")))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_student_notebook_in_browser(case: BrowserCase, request):
    notebook = COURSE_DIR / case.notebook
    if not notebook.exists():
        if case.required:
            pytest.fail(f"required student notebook missing: {notebook.relative_to(bs.REPO_ROOT)} "
                        f"(make release generates it from source/)")
        pytest.skip(f"{notebook.relative_to(bs.REPO_ROOT)} does not exist yet")
    browser = request.getfixturevalue("browser")
    server = request.getfixturevalue("lab")
    out = bs.OUTPUT_DIR / f"browser-{case.id}"
    executed_before = executed_cells(notebook)
    problems = check_notebook(browser, server, case, out)
    # (Compared by executed cells, not bytes: `make release` may rewrite it meanwhile.)
    if executed_cells(notebook) > executed_before:
        problems.append("running the notebook in the browser saved outputs into the committed "
                        f"file {notebook} (autosave must stay off)")
    assert not problems, (
        f"{case.notebook}: {len(problems)} problem(s) in the browser "
        f"(screenshot {out}.png, outputs {out}-cells.json):\n\n" + "\n\n".join(problems))


# ------------------------------------------------------------------ the checker can fail

WIDGET_CELL = '''import ipywidgets as w
state = {"i": 0}
tags = ["nginx:1.25", "nginx:1.26", "nginx:1.27"]
table = w.HTML()
table.add_class("k8s-registry-table")
def render():
    table.value = f"<table><tr><td>web</td><td>{tags[state['i']]}</td></tr></table>"
def advance(_):
    state["i"] = (state["i"] + 1) % len(tags)
    render()
step = w.Button(description="Siguiente publicación")
step.add_class("k8s-registry-next")
step.on_click(advance)
dead = w.Button(description="No hace nada")
dead.add_class("k8s-dead-button")
render()
w.VBox([step, dead, table])'''

BROKEN_WIDGET_CELL = '''import ipywidgets as w, traitlets
class Broken(w.DOMWidget):
    _model_module = traitlets.Unicode("no-such-module").tag(sync=True)
    _model_name = traitlets.Unicode("NoModel").tag(sync=True)
    _view_module = traitlets.Unicode("no-such-module").tag(sync=True)
    _view_name = traitlets.Unicode("NoView").tag(sync=True)
Broken()'''

STUB_CELL = "# TU CÓDIGO AQUÍ\nraise NotImplementedError()"
# What autograder/release.py does to every released answer stub.
TAGGED_STUB = (STUB_CELL, ["raises-exception"])
FEEDBACK_CELL = "print('Ejercicio 1 sin responder: 0 de 2 puntos')"


def _write_notebook(path: Path, sources: list) -> None:
    """Code cells from `sources`: a string, or a (source, tags) pair."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [new_markdown_cell("# Cuaderno de prueba")]
    for item in sources:
        source, tags = (item, None) if isinstance(item, str) else item
        cells.append(new_code_cell(source, metadata={"tags": tags} if tags else {}))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def test_checker_catches_failures(browser, tmp_path):
    """The same checker, on synthetic notebooks: it passes a good one and flags every kind of failure."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    # The stub comes first, as in the chapters: Run All must get past it to the widget.
    _write_notebook(notebooks / "good.ipynb", [TAGGED_STUB, WIDGET_CELL, FEEDBACK_CELL])
    _write_notebook(notebooks / "error.ipynb", [WIDGET_CELL, TAGGED_STUB, "1 / 0"])
    _write_notebook(notebooks / "broken.ipynb", [BROKEN_WIDGET_CELL, WIDGET_CELL])
    # A stub released without the tag: Run All stops there (the kernel aborts the rest).
    _write_notebook(notebooks / "untagged.ipynb", [STUB_CELL, WIDGET_CELL, FEEDBACK_CELL])
    step = Interaction(click=".k8s-registry-next", changes=".k8s-registry-table")
    dead = Interaction(click=".k8s-dead-button", changes=".k8s-registry-table")
    cases = {
        "good": BrowserCase("good", "good.ipynb", ".k8s-registry-table", (step,)),
        "error": BrowserCase("error", "error.ipynb", ".k8s-registry-table", (step,)),
        "broken": BrowserCase("broken", "broken.ipynb", ".k8s-registry-table", (step,)),
        "dead": BrowserCase("dead", "good.ipynb", ".k8s-registry-table", (dead,)),
        "absent": BrowserCase("absent", "good.ipynb", ".k8s-no-such-widget", ()),
        "untagged": BrowserCase("untagged", "untagged.ipynb", ".k8s-registry-table", (step,)),
    }
    out = bs.OUTPUT_DIR / "checker"
    with bs.running_lab(str(notebooks), log_name="browser-checker") as server:
        # The private settings are in force (cells all in the DOM, no autosave).
        tracker = server.api("/lab/api/settings/@jupyterlab/notebook-extension:tracker")
        assert tracker["settings"]["windowingMode"] == "none"
        docmanager = server.api("/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
        assert docmanager["settings"]["autosave"] is False
        found = {name: check_notebook(browser, server, case, out / name,
                                       interaction_timeout_s=3, widget_timeout_s=5)
                 for name, case in cases.items()}

    assert found["good"] == []
    assert any("ZeroDivisionError" in p for p in found["error"]), found["error"]
    assert not any("NotImplementedError" in p for p in found["error"]), found["error"]
    assert any("widget failed to display" in p for p in found["broken"]), found["broken"]
    assert any("did not change" in p for p in found["dead"]), found["dead"]
    assert any("not visible" in p for p in found["absent"]), found["absent"]
    assert any("left 2 of 3 code cells unexecuted" in p and "stopped after the error in cell 1" in p
               for p in found["untagged"]), found["untagged"]
    runs = json.loads((out / "untagged-cells.json").read_text())["run_all"]
    assert runs["replies"] == {"aborted": 2, "error": 1}, runs
    assert (out / "good.png").stat().st_size > 10_000
    # Nothing written next to the notebooks: no autosave, checkpoints kept elsewhere.
    assert sorted(p.name for p in notebooks.iterdir()) == ["broken.ipynb", "error.ipynb", "good.ipynb",
                                                           "untagged.ipynb"]
    assert executed_cells(notebooks / "good.ipynb") == 0
