import os

import pytest
from django.test import Client, override_settings

from tests.factories import CompanyFactory, MembershipFactory, SiteFactory, SponsorFactory, UserFactory


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
