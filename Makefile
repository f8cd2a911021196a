# Rounds — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: constraints demo test install migrate reference seed serve worker beat stop check clean-db bench

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Rounds needs Python 3.11+"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]' -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

## make constraints: re-pin every installed package after changing pyproject.toml
constraints: install
	(echo "# Exact versions Rounds is tested with (pip freeze). Regenerate: make constraints"; \
	 $(PY) -m pip freeze --exclude-editable | grep -v '^rounds') > constraints.txt

migrate: install
	$(PY) manage.py migrate --noinput

reference: migrate
	$(PY) manage.py load_reference

seed: reference
	$(PY) manage.py seed_demo

## make demo: install, start the embedded PostgreSQL, migrate, load reference + demo data, serve :8000
## (another address: make demo DEMO_ADDR=127.0.0.1:8080)
DEMO_ADDR ?= 127.0.0.1:8000
demo: seed
	@echo
	@echo "Rounds is starting on http://$(DEMO_ADDR)/accounts/login/ — demo logins (password rounds-demo):"
	@echo "  coordinator@northwind.example  director@northwind.example  faculty@northwind.example"
	@echo "  resident@northwind.example     student@northwind.example   clinician@northwind.example"
	@echo "  clinic: practitioner@ nurse@ reception@ billing@ patient@northwind.example"
	@echo "  hospital: labtech@ pharmacist@northwind.example (and nurse@, practitioner@)"
	@echo "  CCC: ccc-chair@ im-resident@northwind.example (faculty@ chairs surgery's)"
	@echo "  (the same at @southbay.example, but patient@)   platform superuser: admin@rounds.example"
	@echo "  clinical roles (clinic staff, the student and resident on rotation) and the superuser also"
	@echo "  enter a TOTP code: demo authenticator secret"
	@echo "  OJXXK3TEOMWWIZLNN4WXI33UOAWWWZLZ (README → Demo logins)"
	@echo "  e-mails are printed here; their links use ROUNDS_SITE_URL (e.g. ROUNDS_SITE_URL=http://my-host:8000)."
	@echo "  Unset, they follow the address you open Rounds at; mails sent by a Celery worker use http://127.0.0.1:8000"
	@echo
	$(PY) manage.py runserver $(DEMO_ADDR)

## make test: every test, against real PostgreSQL (embedded unless DATABASE_URL is set).
## The test database is kept between runs (--reuse-db); make test PYTEST_ARGS=--create-db rebuilds it.
PYTEST_ARGS ?=
test: install
	@status=0; $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no test (exit 5) — that is a failure here"; fi; \
	exit $$status

## make check: migrations, ruff, import contracts, and check --deploy under production settings
## (production needs DATABASE_URL and REDIS_URL: the embedded server's URL and a Redis URL it never dials).
check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	ROUNDS_PRODUCTION=1 DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
		DATABASE_URL=$${DATABASE_URL:-$$($(PY) -c 'from pathlib import Path; from config.database import embedded_database_url as url; print(url(Path("var")))')} \
		REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
		DJANGO_ALLOWED_HOSTS=rounds.example $(PY) manage.py check --deploy --fail-level WARNING

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

## make stop: stop the embedded PostgreSQL (data stays under var/pgdata)
stop:
	@$(PY) -c 'from pathlib import Path; from config.database import embedded_server_stop as s; print("stopped" if s(Path("var")) else "not running")'

clean-db: stop
	rm -rf var/pgdata

## make bench SIZE=S|M|L: seed that size if needed, benchmark key pages, write docs/benchmarks.md
SIZE ?= S
bench: install
	$(PY) bench/run.py --size $(SIZE)
