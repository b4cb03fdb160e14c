# The whole set-up is `make demo` or `make test`: each creates .venv when it is missing and installs
# what it needs. Stamp files record what was installed, so a second run starts at once.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

$(VENV)/.core: $(PY) pyproject.toml
	$(PY) -m pip install -e .
	touch $@

$(VENV)/.demo: $(VENV)/.core
	$(PY) -m pip install -e '.[viz,logging]'
	touch $@

$(VENV)/.test: $(VENV)/.core
	$(PY) -m pip install -e '.[test]'
	touch $@

# The main job: LeNet-5 on the bundled digits; logs, checkpoints and pictures in runs/demo.
demo: $(VENV)/.demo
	$(VENV)/bin/konspekt demo

test: $(VENV)/.test
	$(PY) -m pytest -n 2 tests

bench: $(VENV)/.test
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis out runs
