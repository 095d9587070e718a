# MLEP Companion — every target builds what it needs first.
#   make start   open the course: the site and JupyterLab on 127.0.0.1
#   make test    the reference suite (what CI runs)
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3.11
COURSE := .envs/course
TOOLS := .envs/tools
COURSE_PY := $(COURSE)/bin/python
TOOLS_BIN := $(TOOLS)/bin
KERNEL := $(TOOLS)/share/jupyter/kernels/mlep/kernel.json
PIP_QUIET := --quiet --no-input --disable-pip-version-check
# hide this machine's notes about absent local package mirrors; pip errors still fail the build
QUIET_NOTES := 2>&1 | { grep -v "^WARNING: Location" || true; }
# pytest workers: both cores by default
WORKERS ?= 2

.PHONY: setup start test test-fast docs serve-docs grade check bench lint clean browser redis labs figures

setup: $(COURSE)/.ok $(TOOLS)/.ok $(KERNEL)

# The course environment: TF/TFX 1.16 family and the reference suite (see README).
$(COURSE)/.ok: requirements/course.txt requirements/course-constraints.txt requirements/course-nodeps.txt pyproject.toml
	@echo "== course environment ($(COURSE)): about 6 minutes on first run"
	@test -x $(COURSE_PY) || $(PYTHON) -m venv $(COURSE)
	@date +%s > $(COURSE)/.install-start
	$(COURSE_PY) -m pip install $(PIP_QUIET) -r requirements/course.txt -c requirements/course-constraints.txt $(QUIET_NOTES)
	$(COURSE_PY) -m pip install $(PIP_QUIET) --no-deps --ignore-requires-python -r requirements/course-nodeps.txt $(QUIET_NOTES)
	$(COURSE_PY) -m pip install $(PIP_QUIET) --no-deps -e . $(QUIET_NOTES)
	TF_CPP_MIN_LOG_LEVEL=3 $(COURSE_PY) -c "import mlep, nbformat, tensorflow_data_validation, tfx"
	@echo $$(( $$(date +%s) - $$(cat $(COURSE)/.install-start) )) > $(COURSE)/.install-seconds
	@touch $@

# The tools environment: nbgrader, JupyterLab, mkdocs-material (their IPython pin clashes with TFMA's).
$(TOOLS)/.ok: requirements/tools.txt requirements/tools-constraints.txt pyproject.toml
	@echo "== tools environment ($(TOOLS)): about 1 minute on first run"
	@test -x $(TOOLS_BIN)/python || $(PYTHON) -m venv $(TOOLS)
	@date +%s > $(TOOLS)/.install-start
	$(TOOLS_BIN)/python -m pip install $(PIP_QUIET) -r requirements/tools.txt -c requirements/tools-constraints.txt $(QUIET_NOTES)
	$(TOOLS_BIN)/python -m pip install $(PIP_QUIET) --no-deps -e . $(QUIET_NOTES)
	$(TOOLS_BIN)/python -c "import nbgrader, mkdocs, mlep"
	@echo $$(( $$(date +%s) - $$(cat $(TOOLS)/.install-start) )) > $(TOOLS)/.install-seconds
	@touch $@

# Register the course environment as the `mlep` kernel inside the tools environment.
$(KERNEL): $(COURSE)/.ok $(TOOLS)/.ok lib/mlep/kernel.py lib/mlep/runtime.py
	$(COURSE_PY) -m mlep.kernel install --prefix $(TOOLS)

# Debian's Chromium for the site test (never a browser download).
browser:
	@command -v chromium >/dev/null || { echo "== installing Debian's chromium"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "could not install chromium: the browser test will be skipped"; }

# Debian's redis-server for the feature store's Redis online-store test (tests start and stop
# their own server on a loopback port; the package's service is not used).
redis:
	@command -v redis-server >/dev/null || test -x /usr/bin/redis-server || { echo "== installing Debian's redis-server"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
	  || echo "could not install redis-server: the Redis test will be skipped"; }

# Debian's bubblewrap: `mlep grade` and `mlep check` run every learner's kernel in its sandbox
# (see docs/instructors.md); without it they refuse unless given --no-sandbox.
sandbox:
	@command -v bwrap >/dev/null || test -x /usr/bin/bwrap || { echo "== installing Debian's bubblewrap"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null) \
	  || echo "could not install bubblewrap: grading tests will be skipped or fail with the reason"; }

start: setup
	$(TOOLS_BIN)/mlep start

test: setup browser redis sandbox
	PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" $(COURSE_PY) -m pytest -n $(WORKERS) --dist loadgroup

# Everything but notebook runs and the browser (seconds, for the edit loop).
test-fast: setup
	PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" $(COURSE_PY) -m pytest -m "not slow and not browser"

docs: setup
	$(TOOLS_BIN)/mkdocs build --strict

serve-docs: setup
	$(TOOLS_BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Redraw the reading pages' charts (course/figures/*.svg, seeded, deterministic; a test fails
# when one is stale). About 10 s.
figures: setup
	$(COURSE_PY) tools/figures.py

# Regenerate the released labs from the source notebooks.
labs: setup
	$(TOOLS_BIN)/mlep release --all

# Instructor: autograde every submission of LAB in autograder/var (see docs/instructors.md).
grade: setup sandbox
	$(TOOLS_BIN)/mlep grade $(LAB)

# Learner: check one notebook, e.g. make check NB=labs/c2w1_data_validation/c2w1_data_validation.ipynb
check: setup sandbox
	$(TOOLS_BIN)/mlep check $(NB)

bench: setup
	PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" $(COURSE_PY) tests/benchmarks/run.py
	$(COURSE_PY) tests/benchmarks/drift_detectors.py
	$(COURSE_PY) tests/benchmarks/labeling.py
	$(COURSE_PY) tests/benchmarks/data_pipeline.py
	$(COURSE_PY) tests/benchmarks/serving.py
	$(COURSE_PY) tests/benchmarks/compression.py
	$(COURSE_PY) tests/benchmarks/distribution.py
	$(COURSE_PY) tests/benchmarks/input_pipeline.py
	$(COURSE_PY) tests/benchmarks/batch.py
	$(COURSE_PY) tests/benchmarks/tuning.py
	PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" $(COURSE_PY) tests/benchmarks/grading_sandbox.py

# Grading throughput: a class of generated submissions graded with 1 and 2 workers and on a
# 2-worker Dask LocalCluster (STUDENTS=8 for a quick run).
STUDENTS ?= 50
.PHONY: bench-grading
bench-grading: setup
	PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" $(COURSE_PY) tests/benchmarks/grading.py --students $(STUDENTS)

lint: setup
	$(TOOLS_BIN)/ruff check lib tests autograder

clean:
	rm -rf .envs site autograder/var .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
