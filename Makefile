# Two commands do all the set-up on a fresh machine:
#   make run    install, migrate and serve the site on http://127.0.0.1:$(PORT)/
#   make test   install and run the whole test suite on real PostgreSQL
# With no DATABASE_URL both use the embedded PostgreSQL in .data/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test test-fast reliability install install-dev lock clean chromium nginx bench oracle

$(UV):
	"$$(bin/find-python)" -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# The lock files (requirements/*.txt, with hashes) are made from pyproject.toml by
# `make lock`; installing syncs the venv to exactly what they pin.
$(VENV)/.installed-%: requirements/%.txt $(UV)
	[ -x $(PY) ] || $(UV) venv --quiet --python "$$(bin/find-python)" $(VENV)
	VIRTUAL_ENV=$(VENV) $(UV) pip sync --quiet requirements/$*.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(VENV)/.installed-main
install-dev: $(VENV)/.installed-dev

lock: $(UV)
	$(UV) pip compile pyproject.toml --generate-hashes --python-version 3.12 -q -o requirements/main.txt
	$(UV) pip compile pyproject.toml --group dev --generate-hashes --python-version 3.12 -q -o requirements/dev.txt

# bin/run makes .data/secret_key when it is missing; settings read it.
run: install
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

test: install-dev chromium nginx
	bin/test $(ARGS)

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
