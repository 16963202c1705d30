# Guazhi: `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: messages run dev test test-browser lint bench install install-dev install-office migrate demo clean deploy-check

$(STAMP): pyproject.toml
	@python=""; for p in python3 python3.11 python3.12 python3.13; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then python=$$p; break; fi; \
	done; \
	if [ -z "$$python" ]; then echo "错误：未找到 Python 3.11 或更高版本。请先安装（Debian 12: apt install python3 python3-venv）。 / No Python >= 3.11 found." >&2; exit 1; fi; \
	if [ ! -x $(PY) ]; then echo "使用 $$python 创建虚拟环境 $(VENV)"; $$python -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet -e .
	@touch $(STAMP)

# Test and lint tools come on top of the runtime, so `make run` stays quick on a fresh machine.
$(DEV_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(DEV_STAMP)

install: $(STAMP)
install-dev: $(DEV_STAMP)

# Optional system packages: LibreOffice converts .doc/.wps uploads and renders PDFs; Noto CJK and
# AR PL UKai stand in for the official fonts in those PDFs (docs/documents.md). Without them the
# app still runs and says in Chinese what it cannot do.
OFFICE_PACKAGES := libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai
install-office:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" -eq 0 ]; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $(OFFICE_PACKAGES); \
	else \
	  echo "请以 root 身份安装 / as root: apt-get install --no-install-recommends $(OFFICE_PACKAGES)"; \
	  echo "无 apt 或离线（麒麟、统信）：见 docs/documents.md / offline: see docs/documents.md"; \
	fi

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# The server and the background worker (django-tasks' db_worker: large exports) run together;
# when the server stops (Ctrl-C, or it exits), the worker is stopped too: no orphan process.
SERVE = $(PY) manage.py db_worker --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The demo runs as users see it: DEBUG off, the app's own Chinese error pages.
run: demo
	@$(SERVE)

# For developers: Django's debug pages and auto-reload (the worker reloads too).
dev: demo
	@export GUAZHI_DEBUG=true; $(SERVE)

test: install-dev
	GUAZHI_FAST_PASSWORD_HASHER=true $(PY) -m pytest -n 2 -m "not browser"

test-browser: install-dev
	GUAZHI_FAST_PASSWORD_HASHER=true DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest tests/browser -m browser -p no:xdist

lint: install-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy guazhi
	$(PY) manage.py makemigrations --check --dry-run

bench: install-dev
	$(PY) bench/originality.py
	$(PY) bench/ledger_export.py
	$(PY) bench/claims.py

# Production settings check (docs/deploy.md): Django's --deploy checks and the project's own,
# with the environment file the systemd units read.
ENV_FILE ?= /etc/guazhi/env
deploy-check: install
	@test -r "$(ENV_FILE)" || { echo "找不到环境文件 $(ENV_FILE)：请按 docs/deploy.md 由 deploy/guazhi.env.example 复制填写，或 make deploy-check ENV_FILE=路径" >&2; exit 2; }
	set -a && . "$(ENV_FILE)" && set +a && $(PY) manage.py check --deploy --fail-level WARNING

# Rebuild the compiled catalogue after editing locale/zh_Hans/LC_MESSAGES/django.po.
messages:
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) var
