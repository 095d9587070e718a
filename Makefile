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
# The installer: uv (pinned in requirements/uv.txt, bootstrapped with pip). It unpacks each locked
# wheel once into its cache (~/.cache/uv) and hard-links it into every environment, and compiles
# bytecode on every core: 107 s of CPU for both environments with a warm cache (pip: 141 s for the
# course environment alone, on one core). It reads no pip
# configuration: tools/uv_env.py passes on pip's find-links and extra indexes; like pip, it takes
# the best match across all indexes. Bytecode is compiled at install, as pip does. It runs in uv's
# own venv, which has pip (Debian's python3 may not). Where no local wheel of the locked
# torch==X+cpu exists, it adds PyTorch's CPU index (MLEP_TORCH_INDEX; see docs/container.md).
UV_DIR := .envs/uv
UV := $(UV_DIR)/bin/uv
UV_INSTALL = env $(shell $(UV_DIR)/bin/python tools/uv_env.py) $(UV) pip install --quiet --index-strategy unsafe-best-match --compile-bytecode
# pytest workers: both cores by default
WORKERS ?= 2

.PHONY: setup start test test-fast docs serve-docs grade check bench lint clean browser redis labs figures

setup: $(COURSE)/.ok $(TOOLS)/.ok $(KERNEL)

$(UV): requirements/uv.txt
	@test -x $(UV_DIR)/bin/python || $(PYTHON) -m venv $(UV_DIR)
	$(UV_DIR)/bin/python -m pip install $(PIP_QUIET) -r requirements/uv.txt $(QUIET_NOTES)
	@touch $@

# The course environment: TF/TFX 1.16 family and the reference suite (see README).
# tfx/ml-pipelines-sdk declare Requires-Python <3.11 (see course-nodeps.txt); uv's --no-deps install
# does not check it (pip needed --ignore-requires-python).
$(COURSE)/.ok: requirements/course.txt requirements/course-constraints.txt requirements/course-nodeps.txt pyproject.toml | $(UV)
	@echo "== course environment ($(COURSE)): about 5 minutes on first run, 1-2 with a warm uv cache"
	@test -x $(COURSE_PY) || $(PYTHON) -m venv $(COURSE)
	@date +%s > $(COURSE)/.install-start
	$(UV_INSTALL) --python $(COURSE_PY) -r requirements/course.txt -c requirements/course-constraints.txt
	$(UV_INSTALL) --python $(COURSE_PY) --no-deps -r requirements/course-nodeps.txt
	$(UV_INSTALL) --python $(COURSE_PY) --no-deps -e .
	TF_CPP_MIN_LOG_LEVEL=3 $(COURSE_PY) -c "import mlep, nbformat, tensorflow_data_validation, tfx"
	@echo $$(( $$(date +%s) - $$(cat $(COURSE)/.install-start) )) > $(COURSE)/.install-seconds
	@touch $@

# The tools environment: nbgrader, JupyterLab, mkdocs-material (their IPython pin clashes with TFMA's).
$(TOOLS)/.ok: requirements/tools.txt requirements/tools-constraints.txt pyproject.toml | $(UV)
	@echo "== tools environment ($(TOOLS)): about 1 minute on first run"
	@test -x $(TOOLS_BIN)/python || $(PYTHON) -m venv $(TOOLS)
	@date +%s > $(TOOLS)/.install-start
	$(UV_INSTALL) --python $(TOOLS_BIN)/python -r requirements/tools.txt -c requirements/tools-constraints.txt
	$(UV_INSTALL) --python $(TOOLS_BIN)/python --no-deps -e .
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

# The learner's container (Containerfile) built as Docker or Podman would, with `make test-fast`
# run inside the build (MLEP_TEST=1). Not part of `make test`: 10-20 minutes, ~2 GB of downloads
# from PyPI and ~20 GB of podman's vfs storage (podman's own `podman --storage-driver vfs rmi`
# or `podman system reset` frees it). No registry image can be pulled here, so the base is made
# from Debian 12's packages (mmdebstrap) and tagged as the official image the Containerfile
# names. Only `podman build --isolation chroot` works on this kernel (`podman run` does not).
# The machine's CA bundle is bound in for PyPI (pip and uv check TLS against it, as on the host)
# and its local wheel folder for the locked torch==X+cpu, which learners get from PyTorch's
# CPU index instead (tools/uv_env.py).
CONTAINER_DIR := build/container
CONTAINER_BASE := docker.io/library/debian:bookworm-slim
CONTAINER_CERTS ?= /etc/ssl/certs
CONTAINER_WHEELS ?= /opt/wheels
PODMAN := podman --storage-driver vfs
.PHONY: test-container container-tools

container-tools:
	@{ command -v podman && command -v mmdebstrap; } >/dev/null || { echo "== installing Debian's podman and mmdebstrap"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman mmdebstrap >/dev/null; }

$(CONTAINER_DIR)/base.tar: | container-tools
	mkdir -p $(CONTAINER_DIR)
	mmdebstrap --quiet --variant=minbase --include=python3,python3-venv,make,git,ca-certificates bookworm $(CONTAINER_DIR)/base.part.tar
	mv $(CONTAINER_DIR)/base.part.tar $@

test-container: container-tools $(CONTAINER_DIR)/base.tar
	$(PODMAN) import $(CONTAINER_DIR)/base.tar $(CONTAINER_BASE)
	@date +%s > $(CONTAINER_DIR)/build-start
	$(PODMAN) build --pull=never --isolation chroot --cgroup-manager cgroupfs --ulimit nofile=1024:1024 \
	  -v $(CONTAINER_CERTS):/etc/ssl/host-certs:ro -v $(CONTAINER_WHEELS):/opt/wheels:ro \
	  --build-arg PIP_CERT=/etc/ssl/host-certs/ca-certificates.crt \
	  --build-arg SSL_CERT_FILE=/etc/ssl/host-certs/ca-certificates.crt \
	  --build-arg PIP_FIND_LINKS=/opt/wheels --build-arg MLEP_TEST=1 \
	  -f Containerfile -t localhost/mlep-test .
	@echo "== container built and tested in $$(( $$(date +%s) - $$(cat $(CONTAINER_DIR)/build-start) )) s;" \
	  "image size $$($(PODMAN) image inspect --format '{{.Size}}' localhost/mlep-test | numfmt --to=si)B"

# The model server's image (containers/model-server/Containerfile: the FastAPI wine endpoint),
# built from the same Debian base; a RUN step inside the build starts the server on loopback and
# checks its answers (podman run does not work here). Not part of `make test`: about two minutes
# (131 s measured) and a 620 MB image, which tests/test_model_server_image.py removes afterwards.
.PHONY: test-model-server-image
test-model-server-image: container-tools $(CONTAINER_DIR)/base.tar
	$(PODMAN) image exists $(CONTAINER_BASE) || $(PODMAN) import $(CONTAINER_DIR)/base.tar $(CONTAINER_BASE)
	MLEP_IMAGE_TESTS=1 CONTAINER_CERTS=$(CONTAINER_CERTS) PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" \
	  $(COURSE_PY) -m pytest tests/test_model_server_image.py -p no:randomly -s -q

# Each test module stays on one worker and the longest groups start first (tests/conftest.py).
test: setup browser redis sandbox
	PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" $(COURSE_PY) -m pytest -n $(WORKERS) --dist loadgroup

# The edit loop, under a minute on 2 workers: everything but the items marked slow (notebooks,
# TFX pipelines, servers and TensorFlow in their own process) and the browser.
test-fast: setup sandbox
	PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" $(COURSE_PY) -m pytest -n $(WORKERS) --dist loadgroup -m "not slow and not browser"

# A lab's solution graded at load ~8: eight busy-looping processes run while `mlep grade`
# autogrades it, and it must still score full marks (tests/test_under_load.py, skipped by
# `make test`). Several minutes; LOAD_LAB=<lab> picks another lab.
LOAD_LAB ?= c3w3_high_performance
.PHONY: test-load
test-load: setup sandbox
	MLEP_TEST_LOAD=1 MLEP_LOAD_LAB=$(LOAD_LAB) PATH="$(CURDIR)/$(TOOLS_BIN):$$PATH" \
	  $(COURSE_PY) -m pytest tests/test_under_load.py -p no:randomly -s

docs: setup
	$(TOOLS_BIN)/mkdocs build --strict

serve-docs: setup
	$(TOOLS_BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Redraw the reading pages' charts (course/figures/*.svg, seeded, deterministic; a test fails
# when one is stale). About 10 s.
figures: setup
	$(COURSE_PY) tools/figures.py

# The labs' outputs shown on the site (docs/lab_outputs/<lab>.json): each released lab whose
# notebook changed is run once in the mlep kernel, exercise cells skipped (no solution reaches
# the site); the site build itself never executes a notebook. All 16 labs: about 4 min on 2
# cores (16 min when the machine is busy); one changed lab: 2-40 s.
.PHONY: lab-outputs
lab-outputs: setup
	$(TOOLS_BIN)/python tools/lab_outputs.py

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
	$(TOOLS_BIN)/ruff check lib tests tools autograder
	$(TOOLS_BIN)/ruff format --check lib tests tools autograder
	$(COURSE_PY) -m mypy  # pyproject's [tool.mypy]; tests/lib/test_types.py holds the baseline

clean:
	rm -rf .envs site autograder/var .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
