import os

import pytest
from django.test import Client, override_settings

from tests.factories import CompanyFactory, MembershipFactory, SiteFactory, SponsorFactory, UserFactory

# --- The test database: kept between local runs, and every run starts from "just migrated" ----------
# `--reuse-db` (addopts) keeps it, so a run does not migrate from scratch. But a run's transactional
# tests (browser, worker) end with a flush, which also empties the rows data migrations inserted (the
# beat schedules), and materialized views keep their rows through a flush. So right after migrating,
# the database is copied to a template (<name>_migrated), and each later run starts from a fresh copy
# of it (CREATE DATABASE … TEMPLATE, about a second). `--create-db` (CI) rebuilds both.


def _test_database_name() -> str:
    from django.conf import settings

    return settings.DATABASES["default"]["TEST"]["NAME"]


def _server(dbname="postgres"):
    import psycopg
    from django.db import connection

    return psycopg.connect(**{**connection.get_connection_params(), "dbname": dbname}, autocommit=True)


def _applied_migrations(dbname) -> int | None:
    import psycopg

    try:
        with _server(dbname) as database:
            return database.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    except psycopg.Error:  # no such database (or not migrated)
        return None


def _drop_database(name) -> None:
    from psycopg import sql

    with _server() as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _copy_database(source, target) -> None:
    from psycopg import sql

    _drop_database(target)
    with _server() as server:
        server.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target),
                                                                         sql.Identifier(source)))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, django_db_keepdb, django_db_createdb):
    """Before pytest-django sets the test database up: replace a kept one by a copy of the template
    (without a template yet, drop it: the template must be made from a freshly created database).
    The test database is built (and dropped) by the owner login (row-level security, apps/core/rls.py)."""
    from apps.core import rls

    rls.use_owner_login()
    name = _test_database_name()
    if django_db_keepdb and not django_db_createdb:
        if _applied_migrations(f"{name}_migrated"):
            _copy_database(f"{name}_migrated", name)
        else:
            _drop_database(name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_keepdb, django_db_createdb):
    """After it (migrations applied): keep the migrated state as the template for the next runs.
    Then the tests run as the app role, bound by row-level security, as web and worker processes are."""
    from django.db import connection, connections

    from apps.core import rls

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # Test-only: transactional tests empty the tables with TRUNCATE (which RLS does not bind).
        cursor.execute("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO rounds_app")
    name = _test_database_name()
    if django_db_keepdb and (django_db_createdb
                             or _applied_migrations(name) != _applied_migrations(f"{name}_migrated")):
        with django_db_blocker.unblock():
            connections.close_all()  # a template must have no open connections
        _copy_database(name, f"{name}_migrated")
    rls.use_app_login()
    yield
    rls.use_owner_login()


# Code that runs outside a request (factories, direct service calls) runs under the bypass; a request
# made with the test client binds its own tenant (its user's company), exactly as in production.
@pytest.fixture(autouse=True)
def _rls_bypass_outside_requests():
    from apps.core import rls

    with rls.bypass("tests: factories and direct service calls"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_hashing():
    """Argon2 is deliberately slow; tests only need *a* hasher. Session-wide, so that data made once
    for a whole module (tests/test_demo.py) is hashed the way the tests will check it."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


class RoundsClient(Client):
    """``force_login`` means "fully signed in": for someone who needs a second factor (a superuser, a
    clinician) the session is also verified with a test authenticator, as after the verify step.
    ``second_factor=False`` stops after the password. Sign-in tests use the real forms instead."""

    def force_login(self, user, backend=None, *, second_factor=True):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from apps.tenants.two_factor import NEEDS_SECOND_FACTOR

        super().force_login(user, backend)
        session = self.session
        if second_factor and (session.get(NEEDS_SECOND_FACTOR) or user.is_superuser):
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test authenticator",
                                                         defaults={"confirmed": True})
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return RoundsClient()


@pytest.fixture
def northwind(db):
    return CompanyFactory(name="Northwind Health", subdomain="northwind")


@pytest.fixture
def southbay(db):
    return CompanyFactory(name="Southbay Medical", subdomain="southbay")


@pytest.fixture
def make_user(db):
    """make_user(company, *roles, **membership scope) → a user holding those roles."""

    def make(company, *roles, email=None, **scope):
        user = UserFactory(company=company, **({"email": email} if email else {}))
        for role in roles:
            MembershipFactory(user=user, role=role, **scope)
        return user

    return make


@pytest.fixture
def sponsor(northwind):
    return SponsorFactory(institution__company=northwind, institution__name="Northwind University Hospital")


@pytest.fixture
def site(sponsor):
    return SiteFactory(institution=sponsor.institution, name="Northwind Main Campus")


@pytest.fixture(autouse=True)
def _tasks_run_eagerly():
    """Unit tests run Celery tasks in-process; tests marked ``worker`` use a real worker instead."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """Texts go to ``apps.notifications.sms.outbox`` in every test, like Django's mail.outbox."""
    from apps.notifications import sms

    settings.ROUNDS_SMS_BACKEND = "apps.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium. Say so plainly when it is missing (CI requires it)."""
    from tests.browser.conftest import chromium_path

    if chromium_path():
        return
    if os.environ.get("ROUNDS_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("ROUNDS_REQUIRE_BROWSER=1 but no chromium was found (apt-get install chromium)")
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if browser_items:
        items[:] = [item for item in items if not item.get_closest_marker("browser")]
        config.hook.pytest_deselected(items=browser_items)
        config.get_terminal_writer().line(
            f"NOTE: no Chromium found — {len(browser_items)} browser test(s) not run. "
            "Install Debian's chromium (apt-get install chromium) to run them.", yellow=True)
