# Two set-up commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: demo test bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[all]"
	touch $@

$(TESTSTAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(STAMP)

## make demo: virtual env, install, the main job.
demo: $(STAMP)
	$(PY) -m rosenblatt demo

## make test: test dependencies and the whole suite.
test: $(TESTSTAMP)
	$(PY) -m pytest -n 2 tests

## make bench: rosenblatt and PyTorch side by side; writes benchmarks/results.json.
bench: $(TESTSTAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
