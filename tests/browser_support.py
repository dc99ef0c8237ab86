"""Support for the real-browser tests: a throw-away JupyterLab server and a notebook driver.

The server is started exactly as ``make lab`` starts it (``.venv/bin/jupyter lab
--notebook-dir=course --ServerApp.port=PORT --no-browser`` from the repository root) plus only
what a test needs: a free port, a known token, the app exposed to the page (``window.jupyterapp``)
and private Jupyter/JupyterLab directories, so the developer's own settings, workspaces, kernels
and news pop-ups cannot change what the test sees.

Chromium is Debian's (``/usr/bin/chromium``) driven by Playwright; ``playwright install`` is not
needed. When Chromium or Playwright is missing the test is skipped with the reason, except under
``CI=true`` where it fails instead.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# `make lab` runs .venv/bin/jupyter; fall back to the interpreter running the tests.
VENV_BIN = REPO_ROOT / ".venv" / "bin" if (REPO_ROOT / ".venv" / "bin" / "jupyter").exists() \
    else Path(sys.executable).parent
OUTPUT_DIR = REPO_ROOT / "test-output"

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Without the background-networking flags Chromium keeps dialling Google services, which a
# closed network refuses (and which slows the test down); the rest keep a headless run quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]

# Settings a developer might have changed (or JupyterLab's defaults) that would hide cells from
# the DOM or pop dialogs over the notebook.
LAB_SETTINGS = {
    # JupyterLab 4 virtualises long notebooks: cells out of view are not in the DOM.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    # No "Would you like to receive official Jupyter news?" toast, no update check.
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # Running the cells must never write outputs back into the committed student notebooks.
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip with a visible reason; under CI=true a missing prerequisite is a failure."""
    if in_ci():
        pytest.fail(f"CI=true and the browser test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_browser() -> str:
    """Return the Chromium executable, or skip/fail (CI) with the reason it is unavailable."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("the Python package 'playwright' is not installed (make venv-test installs it)")
    chromium = find_chromium()
    if chromium is None:
        skip_or_fail("Chromium not found (looked for /usr/bin/chromium; `make chromium` installs "
                     "Debian's package when run as root with apt; or set CHROMIUM_PATH)")
    return chromium


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    url: str
    token: str
    port: int
    process: subprocess.Popen
    log_path: Path
    home: Path

    def api(self, path: str, method: str = "GET", timeout: float = 5) -> object:
        req = urllib.request.Request(
            f"{self.url}{path}", method=method, data=b"" if method != "GET" else None,
            headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def lab_url(self, notebook: str) -> str:
        # ?reset: a fresh workspace, so earlier tests' notebooks are not reopened alongside.
        return f"{self.url}/lab/tree/{notebook}?reset&token={self.token}"

    def shutdown_sessions(self, path_suffix: str = "") -> int:
        """Stop the kernels of the notebooks whose path ends with `path_suffix` (all if empty)."""
        stopped = 0
        for session in self.api("/api/sessions") or []:
            if session.get("path", "").endswith(path_suffix):
                with contextlib.suppress(Exception):
                    self.api(f"/api/sessions/{session['id']}", method="DELETE", timeout=20)
                    stopped += 1
        return stopped


def _write_settings(settings_dir: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        package, name = plugin.rsplit("/", 1)
        target = settings_dir / package / f"{name}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2))


def lab_command(notebook_dir: str, port: int, token: str, home: Path,
                bin_dir: Path = VENV_BIN) -> list[str]:
    """`make lab`'s command line plus what an unattended test needs."""
    make_lab = [str(bin_dir / "jupyter"), "lab", f"--notebook-dir={notebook_dir}",
                f"--ServerApp.port={port}", "--no-browser"]
    return make_lab + [
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={home / 'lab-settings'}",
        f"--LabApp.workspaces_dir={home / 'lab-workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        # Opening a notebook makes a checkpoint copy; keep those out of course/.
        f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",
    ] + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])


@contextlib.contextmanager
def running_lab(notebook_dir: str = "course", *, config_dir: Path | None = None,
                bin_dir: Path = VENV_BIN, log_name: str = "lab",
                startup_timeout: float = 120) -> Iterator[LabServer]:
    """Start JupyterLab like `make lab` in a private environment; always stop it (and its kernels).

    `config_dir` replaces the (empty, temporary) user config dir; `bin_dir` the .venv/bin whose
    `jupyter` is run.
    """
    OUTPUT_DIR.mkdir(exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="k8s-course-lab-"))
    _write_settings(home / "lab-settings")
    (home / "lab-workspaces").mkdir()
    port = free_port()
    token = f"test-{os.getpid()}-{port}"
    env = dict(os.environ)
    env.update({
        "JUPYTER_CONFIG_DIR": str(config_dir or home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONUNBUFFERED": "1",
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    env.pop("JUPYTER_TOKEN", None)
    log_path = OUTPUT_DIR / f"{log_name}-server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(lab_command(notebook_dir, port, token, home, bin_dir), cwd=REPO_ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = LabServer(url=f"http://127.0.0.1:{port}", token=token, port=port, process=proc,
                       log_path=log_path, home=home)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{server.log_tail()}")
            try:
                server.api("/api/status", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer /api/status within "
                                       f"{startup_timeout}s:\n{server.log_tail()}")
                time.sleep(0.5)
        yield server
    finally:
        _stop(server)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def _stop(server: LabServer) -> None:
    """Shut the server down politely (it stops its kernels), then by force if needed."""
    proc = server.process
    kernel_pids = _kernel_pids(server.home / "runtime")
    if proc.poll() is None:
        with contextlib.suppress(Exception):
            server.api("/api/shutdown", method="POST", timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    # Kernels run in their own sessions; a clean shutdown stops them, a forced one may not.
    for pid in kernel_pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _kernel_pids(runtime_dir: Path) -> list[int]:
    """PIDs of kernels this server started (from /proc, matching its private runtime dir)."""
    pids = []
    proc_root = Path("/proc")
    if not proc_root.is_dir():
        return pids
    needle = str(runtime_dir).encode()
    for entry in proc_root.iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            cmdline = (entry / "cmdline").read_bytes()
            if b"ipykernel" in cmdline and needle in cmdline:
                pids.append(int(entry.name))
    return pids


# --------------------------------------------------------------------------- notebook driving

@dataclass(frozen=True)
class Interaction:
    """Click `click`; the text of `changes` (in the same cell's output, else the page) must change."""
    click: str
    changes: str
    description: str = ""


@dataclass(frozen=True)
class BrowserCase:
    id: str
    notebook: str                    # relative to the lab's notebook dir (course/)
    widget: str                      # CSS selector that proves the chapter's widget rendered
    interactions: tuple[Interaction, ...] = ()
    required: bool = False           # a missing notebook is a failure, not a skip


@dataclass
class CellRun:
    index: int
    cell_type: str
    source: str
    outputs: list = field(default_factory=list)
    execution_count: int | None = None
    tags: list = field(default_factory=list)
    timed_out: bool = False
    error: str = ""

    @property
    def must_run(self) -> bool:
        """Run All sends every non-blank code cell to the kernel."""
        return self.cell_type == "code" and bool(self.source.strip())


@dataclass
class RunAllResult:
    cells: list[CellRun]
    replies: list[str]          # the kernel's execute_reply statuses, in order
    finished: bool              # every code cell answered, or the kernel settled idle
    seconds: float


ALLOWED_ERROR = "NotImplementedError"
WIDGET_ERROR_TEXT = "Error displaying widget"
# ipywidgets 8 draws a failed view as an error icon with this text instead.
WIDGET_JS_ERROR_TEXT = "Click to show javascript error"

_OPEN_JS = """(path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return 'no-app';
  const w = app.shell.currentWidget;
  if (!w || !w.context || !w.content || !w.context.path.endsWith(path)) return 'no-notebook';
  if (!w.context.isReady) return 'not-ready';
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel) return 'no-kernel';
  if (kernel.status !== 'idle') return 'kernel-' + kernel.status;
  return 'ready';
}"""

_CELL_COUNT_JS = "() => window.jupyterapp.shell.currentWidget.content.widgets.length"

# Records every execute_reply of the notebook's kernel (ok / error / aborted), from now on.
_RECORD_REPLIES_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session.kernel;
  window.__k8sReplies = [];
  kernel.anyMessage.connect((_, args) => {
    if (args.direction === 'recv' && args.msg.header.msg_type === 'execute_reply')
      window.__k8sReplies.push(args.msg.content.status);
  });
}"""

# Progress of a Run All: kernel status, code cells (blank ones are never sent), executed cells.
_RUN_STATE_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const code = w.content.widgets.filter(c => c.model.type === 'code'
                                             && c.model.sharedModel.getSource().trim() !== '');
  const prompts = Array.from(w.node.querySelectorAll('.jp-InputArea-prompt'));
  return {kernel: k ? k.status : 'none', code: code.length,
          executed: code.filter(c => c.model.executionCount != null).length,
          running: prompts.filter(p => p.innerText.includes('*')).length,
          replies: (window.__k8sReplies || []).slice()};
}"""

_CELLS_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets.map((cell, index) => ({
  index, cell_type: cell.model.type, source: cell.model.sharedModel.getSource(),
  outputs: cell.model.type === 'code' ? cell.model.outputs.toJSON() : [],
  execution_count: cell.model.type === 'code' ? cell.model.executionCount : null,
  tags: cell.model.getMetadata('tags') || [],
}))"""

# DOM of the notebook in the current tab only (other open notebooks stay in the DOM, hidden).
_OUTPUT_TEXTS_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget.node;
  return Array.from(panel.querySelectorAll('.jp-Cell')).map((c, i) => ({
    index: i,
    text: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(o => o.innerText).join('\\n'),
    stderr: Array.from(c.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).map(o => o.innerText),
    widget_errors: c.querySelectorAll('.jupyter-widgets-error-widget').length,
  }));
}"""


def output_text(output: dict) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
        return "".join(text) if isinstance(text, list) else text
    if kind == "error":
        tb = "\n".join(output.get("traceback", []))
        return f"{output.get('ename')}: {output.get('evalue')}\n{_strip_ansi(tb)}"
    data = output.get("data", {})
    text = data.get("text/plain", "")
    return "".join(text) if isinstance(text, list) else str(text)


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def unexpected_problems(runs: list[CellRun], dom_cells: list[dict]) -> list[str]:
    """Every error/stderr output or widget failure that is not an exercise stub's NotImplementedError."""
    problems = []
    for run in runs:
        if run.timed_out:
            problems.append(f"cell {run.index}: did not finish running")
        if run.error:
            problems.append(f"cell {run.index}: the run command failed: {run.error}")
        for out in run.outputs:
            kind = out.get("output_type")
            is_error = kind == "error"
            is_stderr = kind == "stream" and out.get("name") == "stderr"
            if not (is_error or is_stderr):
                continue
            text = output_text(out)
            # An exercise stub's exception, or a warning/log line that names it.
            if (out.get("ename") if is_error else None) == ALLOWED_ERROR \
                    or (is_stderr and ALLOWED_ERROR in text):
                continue
            label = "traceback" if is_error else "stderr"
            problems.append(f"cell {run.index}: unexpected {label}:\n{text[-1500:]}\n"
                            f"--- cell source ---\n{run.source[:600]}")
    for cell in dom_cells:
        if WIDGET_ERROR_TEXT in cell["text"] or WIDGET_JS_ERROR_TEXT in cell["text"] \
                or cell["widget_errors"]:
            problems.append(f"cell {cell['index']}: a widget failed to display "
                            f"({WIDGET_ERROR_TEXT}):\n{cell['text'][:1500]}")
        for text in cell["stderr"]:
            if ALLOWED_ERROR not in text and "Traceback" in text:
                problems.append(f"cell {cell['index']}: traceback shown in the page:\n{text[:1500]}")
    return problems


def open_notebook(page, server: LabServer, notebook: str, timeout_s: float = 120) -> None:
    page.goto(server.lab_url(notebook), wait_until="domcontentloaded")
    deadline = time.monotonic() + timeout_s
    state = ""
    while time.monotonic() < deadline:
        state = page.evaluate(_OPEN_JS, notebook)
        if state == "ready":
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"notebook {notebook} did not open with an idle kernel in {timeout_s}s "
                         f"(last state: {state})")


# The Run menu's "Run All Cells" item; for a notebook it does what `notebook:run-all-cells` does
# (NotebookActions.runAll: every cell sent to the kernel at once, in order).
RUN_ALL_MENU_COMMAND = "runmenu:run-all"


def click_run_all_cells(page, timeout_s: float = 10) -> None:
    """What a student does: the menu Run > Run All Cells, clicked."""
    page.locator(".lm-MenuBar-item").filter(
        has=page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^\s*Run\s*$"))
    ).first.click(timeout=timeout_s * 1000)
    item = page.locator(f'.lm-Menu-item[data-command="{RUN_ALL_MENU_COMMAND}"]').first
    item.wait_for(state="visible", timeout=timeout_s * 1000)
    item.click(timeout=timeout_s * 1000)


def run_all_cells(page, timeout_s: float = 300, settle_s: float = 3) -> RunAllResult:
    """Run the notebook with Run > Run All Cells and wait until the run is over.

    Over means: the kernel is idle and every code cell sent has an execute_reply (ok, error or
    aborted), or -- should a request never be sent -- the kernel has stayed idle with no "[*]"
    prompt and no new reply for `settle_s`. JupyterLab clears the "[*]" of the queued cells as
    soon as one cell fails, so the prompts alone do not say whether the kernel is still busy.
    Cells Run All left unexecuted are then reported by `unexecuted_problems`; a run still going
    after `timeout_s` shows up there too (its cells have no execution count yet).
    """
    page.evaluate(_RECORD_REPLIES_JS)
    started = time.monotonic()
    click_run_all_cells(page)
    deadline = started + timeout_s
    last, stable_since, finished = None, time.monotonic(), False
    while time.monotonic() < deadline:
        state = page.evaluate(_RUN_STATE_JS)
        quiet = state["kernel"] == "idle" and state["running"] == 0
        if quiet and len(state["replies"]) >= state["code"]:
            finished = True
            break
        progress = (state["executed"], len(state["replies"]), state["kernel"], state["running"])
        if progress != last:
            last, stable_since = progress, time.monotonic()
        elif quiet and state["replies"] and time.monotonic() - stable_since >= settle_s:
            finished = True
            break
        page.wait_for_timeout(250)
    state = page.evaluate(_RUN_STATE_JS)
    cells = [CellRun(**raw) for raw in page.evaluate(_CELLS_JS)]
    return RunAllResult(cells=cells, replies=state["replies"], finished=finished,
                        seconds=round(time.monotonic() - started, 1))


def unexecuted_problems(result: RunAllResult) -> list[str]:
    """Every code cell Run All did not execute: it stopped early (or never got there)."""
    missing = [c for c in result.cells if c.must_run and c.execution_count is None]
    if not missing:
        return []
    first = missing[0].index
    failed_before = [c.index for c in result.cells
                     if c.index < first and any(o.get("output_type") == "error" for o in c.outputs)]
    replies = {s: result.replies.count(s) for s in sorted(set(result.replies))}
    why = (f"it stopped after the error in cell {failed_before[-1]}" if failed_before
           else "it did not get there")
    if not result.finished:
        why += f"; the run was not over after {result.seconds}s"
    return [f"Run All Cells left {len(missing)} of {sum(c.must_run for c in result.cells)} code "
            f"cells unexecuted (cells {[c.index for c in missing]}): {why} "
            f"(kernel execute_reply statuses: {replies}); an answer stub without the "
            f"'raises-exception' tag stops Run All"]


def wait_until_idle(page, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        busy = page.evaluate("""() => {
          const w = window.jupyterapp.shell.currentWidget;
          const k = w.sessionContext.session && w.sessionContext.session.kernel;
          const prompts = Array.from(w.node.querySelectorAll('.jp-InputArea-prompt'));
          return (k && k.status !== 'idle') || prompts.some(p => p.innerText.includes('*'));
        }""")
        if not busy:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the kernel was still busy {timeout_s}s after the last cell")


def dom_cells(page) -> list[dict]:
    return page.evaluate(_OUTPUT_TEXTS_JS)


def text_of(page, selector: str, scope: str | None = None) -> str | None:
    """innerText of the first match inside `scope` (default: the current notebook panel)."""
    return page.evaluate("""([selector, scope]) => {
      const panel = window.jupyterapp.shell.currentWidget.node;
      const root = scope ? panel.querySelector(scope) : panel;
      const el = root ? root.querySelector(selector) : null;
      return el ? el.innerText : null;
    }""", [selector, scope])


def current_panel(page):
    """Locator for the notebook panel in the current tab."""
    page.evaluate("""() => {
      document.querySelectorAll('[data-k8s-test-current]').forEach(n => n.removeAttribute('data-k8s-test-current'));
      window.jupyterapp.shell.currentWidget.node.setAttribute('data-k8s-test-current', '1');
    }""")
    return page.locator('[data-k8s-test-current="1"]')


def interact(page, interaction: Interaction, timeout_s: float = 30) -> tuple[str, str]:
    """Click the control and wait for the watched text to change; return (before, after)."""
    control = current_panel(page).locator(interaction.click).first
    control.wait_for(state="visible", timeout=timeout_s * 1000)
    # Watch the target inside the control's own cell when there is one (several widgets may exist).
    in_cell = control.evaluate("""el => {
      document.querySelectorAll('[data-k8s-test-scope]').forEach(c => c.removeAttribute('data-k8s-test-scope'));
      const cell = el.closest('.jp-Cell');
      if (cell) cell.setAttribute('data-k8s-test-scope', '1');
      return !!cell;
    }""")
    scope = '[data-k8s-test-scope="1"]' if in_cell else None
    if scope is not None and text_of(page, interaction.changes, scope) is None:
        scope = None
    before = text_of(page, interaction.changes, scope)
    assert before is not None, f"nothing matches {interaction.changes!r} to watch"
    control.scroll_into_view_if_needed()
    control.click()
    deadline = time.monotonic() + timeout_s
    after = before
    while time.monotonic() < deadline:
        after = text_of(page, interaction.changes, scope)
        if after != before:
            break
        page.wait_for_timeout(200)
    return before, after
