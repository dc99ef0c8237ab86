"""Binder (repo2docker) configuration: consistent with the project, and it does hide nbgrader.

binder/requirements.txt : `-e .`, the project itself; repo2docker runs pip from the repository
                          root after copying the whole repo when a requirement is local, so the
                          dependency list is pyproject.toml's, with no second copy to drift.
binder/runtime.txt      : the Python version, which must satisfy pyproject's requires-python.
binder/postBuild        : hides nbgrader's instructor tools (user-level Jupyter config).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path

import pytest

import browser_support as bs

ROOT = bs.REPO_ROOT
BINDER = ROOT / "binder"
NBGRADER_LAB_PACKAGE = "@jupyter/nbgrader"
STUDENT_CHAPTER = "course/01-imagenes-y-tags/01-imagenes-y-tags.ipynb"


def _requirement_lines() -> list[str]:
    lines = []
    for raw in (BINDER / "requirements.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def _pyproject() -> dict:
    text = (ROOT / "pyproject.toml").read_text()
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            name = re.search(r'^name\s*=\s*"([^"]+)"', text, re.M)
            requires = re.search(r'^requires-python\s*=\s*"([^"]+)"', text, re.M)
            return {"project": {"name": name and name.group(1),
                                "requires-python": requires and requires.group(1)}}
    return tomllib.loads(text)


def _bash_array(script: str, name: str) -> list[str]:
    match = re.search(rf"^{name}=\(([^)]*)\)", script, re.M)
    assert match, f"binder/postBuild no longer defines {name}=(...)"
    return match.group(1).split()


def _postbuild_lists() -> tuple[list[str], list[str]]:
    script = (BINDER / "postBuild").read_text()
    return _bash_array(script, "HIDDEN_LAB_PLUGINS"), _bash_array(script, "HIDDEN_SERVER_EXTENSIONS")


# ------------------------------------------------------------------------------- static checks

def test_binder_installs_exactly_this_project():
    lines = _requirement_lines()
    assert len(lines) == 1, (
        f"binder/requirements.txt must install only the project (dependencies live in "
        f"pyproject.toml); found {lines}")
    line = lines[0]
    match = re.fullmatch(r"(?:-e\s+|--editable[=\s]+)?(\S+?)(\[[\w,\s-]*\])?", line)
    assert match, f"not a local project requirement: {line!r}"
    path = match.group(1)
    # repo2docker runs `pip install -r binder/requirements.txt` with the repository root as the
    # working directory, and pip resolves local paths against the working directory.
    assert path.startswith(".") and (ROOT / path).resolve() == ROOT, (
        f"{line!r} must point at the repository root ('.'), which holds pyproject.toml")
    assert _pyproject()["project"]["name"] == "k8s-course"
    # Same form as `make venv` (pip install -e .), so Binder and local installs cannot differ.
    assert line.startswith(("-e ", "--editable")), "install editable, as the Makefile does"


def test_binder_links_open_the_course_folder():
    """Binder's launch URL (README badge) opens JupyterLab in course/, where the student
    notebooks are; links without ?urlpath=lab/tree/course would open the repository root."""
    assert (ROOT / "course").is_dir()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for link in re.findall(r"https?://mybinder\.org/v2/[^\s)\]]+", readme):
        assert re.search(r"[?&]urlpath=(/?lab/tree/course|lab%2Ftree%2Fcourse)\b", link), (
            f"Binder link without urlpath=lab/tree/course: {link}")


def test_binder_directory_has_no_competing_environment_files():
    """With binder/ present repo2docker reads only binder/; these would change the build."""
    competing = {"environment.yml", "Pipfile", "Pipfile.lock", "setup.py", "Dockerfile",
                 "Project.toml", "install.R", "requirements3.txt"}
    present = sorted(p.name for p in BINDER.iterdir() if p.name in competing)
    assert present == [], f"binder/ contains {present}: keep one dependency list (pyproject.toml)"


def test_runtime_satisfies_requires_python():
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert match, f"binder/runtime.txt must read python-X.Y, not {runtime!r}"
    requires = _pyproject()["project"]["requires-python"]
    assert Version(match.group(1)) in SpecifierSet(requires), (
        f"Binder's Python {match.group(1)} does not satisfy requires-python {requires!r}")


def test_postbuild_names_real_nbgrader_extensions():
    """Every plugin/extension postBuild disables exists in the installed nbgrader."""
    lab_plugins, server_extensions = _postbuild_lists()
    assert {"formgrader", "create-assignment"} <= set(lab_plugins), "instructor panels must go"
    assert "validate-assignment" not in lab_plugins
    from jupyter_core.paths import jupyter_path

    bundles = [p for d in jupyter_path("labextensions")
               for p in (Path(d) / NBGRADER_LAB_PACKAGE / "static").glob("*.js")]
    assert bundles, f"{NBGRADER_LAB_PACKAGE} lab extension not installed"
    code = "\n".join(p.read_text(errors="replace") for p in bundles)
    for plugin in lab_plugins + ["validate-assignment"]:
        assert f'"{NBGRADER_LAB_PACKAGE}:{plugin}"' in code, (
            f"{NBGRADER_LAB_PACKAGE}:{plugin} is not a plugin of the installed nbgrader")
    assert "formgrader" in server_extensions
    for ext in server_extensions:
        assert find_spec(f"nbgrader.server_extensions.{ext}") is not None, ext


def test_postbuild_is_executable_bash():
    script = BINDER / "postBuild"
    assert os.access(script, os.X_OK), "repo2docker chmods it, but keep it runnable locally"
    assert script.read_text().startswith("#!/usr/bin/env bash")
    subprocess.run(["bash", "-n", str(script)], check=True)


# -------------------------------------------------------------- postBuild applied for real

def make_throwaway_prefix(prefix: Path) -> Path:
    """A Python environment at `prefix` that runs the project's .venv packages but has its own
    etc/jupyter (a copy), so postBuild's --sys-prefix changes land there and not in .venv.

    Returns its bin/ directory, with `jupyter`, `jupyter-lab`, `jupyter-labextension` and
    `jupyter-server` bound to the new prefix's interpreter.
    """
    venv_python = bs.VENV_BIN / "python"
    info = json.loads(subprocess.run(
        [str(venv_python), "-c", "import json, sys, sysconfig; print(json.dumps("
         "{'prefix': sys.prefix, 'purelib': sysconfig.get_paths()['purelib']}))"],
        check=True, capture_output=True, text=True).stdout)
    subprocess.run([str(venv_python), "-m", "venv", "--without-pip", str(prefix)], check=True)
    purelib = Path(subprocess.run(
        [str(prefix / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    # addsitedir (not a bare path) so .venv's own .pth files, e.g. the editable install, apply.
    (purelib / "_k8s_course_venv.pth").write_text(
        f"import site; site.addsitedir({info['purelib']!r})\n")
    venv_prefix = Path(info["prefix"])
    shutil.copytree(venv_prefix / "etc" / "jupyter", prefix / "etc" / "jupyter")
    (prefix / "share").mkdir(exist_ok=True)
    (prefix / "share" / "jupyter").symlink_to(venv_prefix / "share" / "jupyter")
    for script in ("jupyter", "jupyter-lab", "jupyter-labextension", "jupyter-server"):
        body = (bs.VENV_BIN / script).read_text().split("\n", 1)[1]
        target = prefix / "bin" / script
        target.write_text(f"#!{prefix / 'bin' / 'python'}\n{body}")
        target.chmod(0o755)
    return prefix / "bin"


@pytest.fixture(scope="module")
def binder_env():
    """(bin dir, user config dir) of a throw-away environment to which binder/postBuild was
    applied, as repo2docker applies it to Binder's environment."""
    with tempfile.TemporaryDirectory(prefix="k8s-course-binder-") as tmp:
        bin_dir = make_throwaway_prefix(Path(tmp) / "env")
        user_config = Path(tmp) / "user-config"  # empty: the developer's ~/.jupyter stays out
        user_config.mkdir()
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(user_config),
                   PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
        result = subprocess.run(["bash", str(BINDER / "postBuild")], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stdout + result.stderr
        yield bin_dir, user_config


def _jupyter(binder_env, *args: str) -> str:
    bin_dir, user_config = binder_env
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(user_config), NO_COLOR="1",
               PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run([str(bin_dir / "jupyter"), *args], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)


def test_postbuild_leaves_the_project_venv_alone(binder_env):
    bin_dir, _ = binder_env
    assert bin_dir.parent != bs.VENV_BIN.parent
    assert not (bs.VENV_BIN.parent / "etc" / "jupyter" / "labconfig" / "page_config.json").exists() \
        or "nbgrader" not in (bs.VENV_BIN.parent / "etc" / "jupyter" / "labconfig"
                              / "page_config.json").read_text()


@pytest.mark.slow
def test_postbuild_disables_lab_plugins(binder_env):
    bin_dir, _ = binder_env
    lab_plugins, _ = _postbuild_lists()
    listing = _jupyter(binder_env, "labextension", "list")
    disabled = listing.split("Disabled extensions:", 1)
    assert len(disabled) == 2, listing
    for plugin in lab_plugins:
        assert f"{NBGRADER_LAB_PACKAGE}:{plugin}" in disabled[1], listing
    assert f"{NBGRADER_LAB_PACKAGE}:validate-assignment" not in disabled[1]
    page_config = json.loads(
        (bin_dir.parent / "etc" / "jupyter" / "labconfig" / "page_config.json").read_text())
    for plugin in lab_plugins:
        assert page_config["lockedExtensions"][f"{NBGRADER_LAB_PACKAGE}:{plugin}"] is True


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return bs.require_browser()


@pytest.fixture(scope="module")
def binder_lab(binder_env):
    """JupyterLab as on Binder: the postBuild environment, the repository as the root."""
    bin_dir, user_config = binder_env
    with bs.running_lab(".", config_dir=user_config, bin_dir=bin_dir, log_name="binder") as server:
        yield server


@pytest.mark.slow
def test_binder_server_hides_instructor_tools(binder_lab):
    """A server started in the postBuild environment (Binder's root is the repository) loads no
    instructor server extension (no /formgrader), keeps validation, and lists the hidden
    plugins as disabled in the page config."""
    server = binder_lab
    def status(path: str) -> int:
        req = urllib.request.Request(f"{server.url}{path}",
                                     headers={"Authorization": f"token {server.token}"})
        try:
            with urllib.request.urlopen(req, timeout=20) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code

    assert status("/formgrader") == 404
    assert status("/lab/tree/course") == 200
    html = urllib.request.urlopen(
        urllib.request.Request(f"{server.url}/lab/tree/course",
                               headers={"Authorization": f"token {server.token}"}),
        timeout=20).read().decode()
    config = json.loads(re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
        html, re.S).group(1))
    lab_plugins, _ = _postbuild_lists()
    for plugin in lab_plugins:
        assert f"{NBGRADER_LAB_PACKAGE}:{plugin}" in config["disabledExtensions"]
    log = server.log_tail(100_000)
    assert "validate_assignment | extension was successfully loaded" in log
    _, server_extensions = _postbuild_lists()
    for ext in server_extensions:
        assert f"nbgrader.server_extensions.{ext} | extension was successfully loaded" \
            not in log, f"{ext} still loaded:\n{log[-3000:]}"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_binder_student_view_in_browser(chromium_path, binder_lab):
    """What a student sees on Binder (urlpath lab/tree/course): no Nbgrader menu and no
    Create Assignment panel, the Validate button still there, and chapter 01's widget works."""
    from playwright.sync_api import sync_playwright

    from test_browser import CASES, check_notebook

    chromium = chromium_path
    server = binder_lab
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=bs.CHROMIUM_ARGS, headless=True)
        try:
            chapter = next(c for c in CASES if c.id == "01-imagenes-y-tags")
            binder_case = type(chapter)(id="binder", notebook=STUDENT_CHAPTER, widget=chapter.widget,
                                        interactions=chapter.interactions)
            if not (ROOT / STUDENT_CHAPTER).exists():
                pytest.fail(f"{STUDENT_CHAPTER} missing (make release generates it)")
            problems = check_notebook(browser, server, binder_case, bs.OUTPUT_DIR / "browser-binder")
            assert not problems, "\n\n".join(problems)

            page = browser.new_page(viewport={"width": 1400, "height": 900})
            try:
                page.goto(f"{server.url}/lab/tree/course?reset&token={server.token}")
                page.locator(".jp-DirListing-item").first.wait_for(timeout=60_000)
                page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined")
                page.wait_for_timeout(1000)
                menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
                assert "Help" in menus or "Ayuda" in menus, menus  # the menu bar did render
                assert not any("nbgrader" in m.lower() for m in menus), menus
                tabs = page.locator(".lm-TabBar-tab").all_inner_texts()
                assert not any("Create Assignment" in t for t in tabs), tabs
                listing = page.locator(".jp-DirListing-item").all_inner_texts()
                assert any("01-imagenes-y-tags" in t for t in listing), listing
                page.screenshot(path=str(bs.OUTPUT_DIR / "browser-binder-course.png"))
                page.goto(server.lab_url(STUDENT_CHAPTER))
                # nbgrader's student "Validate" button is still in the notebook toolbar.
                page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True) \
                    .first.wait_for(state="visible", timeout=60_000)
            finally:
                page.close()
        finally:
            browser.close()
