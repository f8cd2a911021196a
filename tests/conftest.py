import os

import pytest

from tests.factories import CompanyFactory, MembershipFactory, SiteFactory, SponsorFactory, UserFactory


# --- Row-level security (apps/core/rls.py) -----------------------------------------------------
# The test database is built (and dropped) by the owner; the tests run as the app role. Code that
# runs outside a request (factories, direct service calls) runs under the bypass; a request made
# with the test client binds its own tenant (its user's company), exactly as in production.
@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    from apps.core import rls

    rls.use_owner_login()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    from apps.core import rls

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # Test-only: transactional tests empty the tables with TRUNCATE (which RLS does not bind).
        cursor.execute("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO rounds_app")
    rls.use_app_login()
    yield
    rls.use_owner_login()


@pytest.fixture(autouse=True)
def _rls_bypass_outside_requests():
    from apps.core import rls

    with rls.bypass("tests: factories and direct service calls"):
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is deliberately slow; tests only need *a* hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
