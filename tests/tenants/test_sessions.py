""""Your sessions" (ASVS 3.3.4) and the absolute session lifetime beside the idle timeout."""

import datetime
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from apps.tenants.models import UserSession
from tests.conftest import RoundsClient
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile Safari"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def _sign_in(client, agent, ip):
    response = client.post(reverse("login"), {"username": "dana@northwind.example", "password": PASSWORD},
                           HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    assert response.status_code == 302
    return client.session.session_key


def _store_has(session_key):
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(session_key)


@pytest.fixture
def dana(northwind):
    return UserFactory(company=northwind, email="dana@northwind.example")


@pytest.fixture
def phone():
    return RoundsClient()


@pytest.mark.parametrize("engine", ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"])
def test_dana_sees_her_phone_session_on_her_laptop_and_signs_it_out(client, phone, dana, settings, engine):
    settings.SESSION_ENGINE = engine
    phone_key = _sign_in(phone, PHONE, "198.51.100.7")
    _sign_in(client, LAPTOP, "203.0.113.9")
    page = client.get(reverse("sessions")).content.decode()
    assert "iPhone" in page and "198.51.100.7" in page and "203.0.113.9" in page and "This session" in page

    row = UserSession.objects.get(user=dana, session_key=phone_key)
    response = client.post(reverse("session_end", args=[row.pk]))
    assert response.status_code == 302
    assert not _store_has(phone_key) and not UserSession.objects.filter(pk=row.pk).exists()
    assert phone.get(reverse("home")).url.startswith(reverse("login"))  # the phone is signed out
    assert client.get(reverse("home")).status_code == 200  # the laptop is not


def test_dana_signs_out_every_other_session_at_once(client, dana):
    others = [RoundsClient() for _ in range(2)]
    for other in others:
        _sign_in(other, PHONE, "198.51.100.7")
    _sign_in(client, LAPTOP, "203.0.113.9")
    assert UserSession.objects.filter(user=dana).count() == 3
    client.post(reverse("session_end_others"))
    assert list(UserSession.objects.filter(user=dana).values_list("session_key", flat=True)) == [
        client.session.session_key]
    for other in others:
        assert SESSION_KEY not in other.session


def test_dana_cannot_end_the_current_session_from_the_list_or_anyone_elses(client, dana, northwind):
    eve = UserFactory(company=northwind)
    eve_client = RoundsClient()
    eve_client.force_login(eve)
    _sign_in(client, LAPTOP, "203.0.113.9")
    own = UserSession.objects.get(session_key=client.session.session_key)
    eves = UserSession.objects.get(user=eve)
    UserSession.objects.filter(pk=eves.pk).update(user_agent="Eve's Secret Browser")
    assert client.post(reverse("session_end", args=[own.pk])).status_code == 404
    assert client.post(reverse("session_end", args=[eves.pk])).status_code == 404
    assert eve_client.get(reverse("home")).status_code == 200
    assert "Secret Browser" not in client.get(reverse("sessions")).content.decode()


def test_signing_out_removes_the_session_from_the_list(client, dana):
    key = _sign_in(client, LAPTOP, "203.0.113.9")
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()


def test_a_session_that_timed_out_is_not_listed(client, phone, dana):
    _sign_in(phone, PHONE, "198.51.100.7")
    UserSession.objects.filter(user=dana).update(last_seen=timezone.now() - datetime.timedelta(hours=1))
    _sign_in(client, LAPTOP, "203.0.113.9")
    assert "iPhone" not in client.get(reverse("sessions")).content.decode()


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(client, dana, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr("apps.tenants.middleware.time.time", lambda: clock[0])
    monkeypatch.setattr("apps.tenants.account_signals.time.time", lambda: clock[0])
    client.force_login(dana)
    for _ in range(12 * 6):  # a request every ten minutes keeps the idle timeout from firing
        assert client.get(reverse("home")).status_code == 200
        clock[0] += 10 * 60
    clock[0] += 1
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0] == reverse("login")
    assert "Your session has ended after 12 hours" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_idle_touch_refreshes_last_seen_at_most_once_a_minute(client, dana, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr("apps.tenants.middleware.time.time", lambda: clock[0])
    monkeypatch.setattr("apps.tenants.account_signals.time.time", lambda: clock[0])
    client.force_login(dana)
    client.get(reverse("home"))
    row = UserSession.objects.get(user=dana)
    UserSession.objects.filter(pk=row.pk).update(last_seen=row.last_seen - datetime.timedelta(minutes=5))
    clock[0] += 30
    client.get(reverse("home"))
    assert UserSession.objects.get(pk=row.pk).last_seen < row.last_seen
    clock[0] += 31
    client.get(reverse("home"))
    assert UserSession.objects.get(pk=row.pk).last_seen >= row.last_seen
