"""Signing in, lockout, session timeout, and the audit trail of each."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditLog
from apps.tenants.roles import Role
from tests.factories import PASSWORD


def _login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR="10.1.2.3")


@pytest.mark.django_db
class TestSigningIn:
    def test_casey_signs_in_with_email_and_lands_on_her_home_page(self, client, northwind, make_user):
        casey = make_user(northwind, Role.ORG_ADMIN, email="casey@northwind.example")
        response = _login(client, "casey@northwind.example", PASSWORD)
        assert response.status_code == 302 and response.url == reverse("home")
        page = client.get(reverse("home"))
        assert page.status_code == 200
        assert "Organization administrator" in page.content.decode()
        login = AuditLog.objects.for_company(northwind).get(action="user.login")
        assert login.actor == casey and login.ip_address == "10.1.2.3"

    def test_a_wrong_password_shows_an_error_and_is_audited(self, client, northwind, make_user):
        make_user(northwind, email="casey@northwind.example")
        response = _login(client, "casey@northwind.example", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct email and password" in response.content.decode()
        failed = AuditLog.objects.for_company(northwind).get(action="user.login_fail")
        assert failed.severity == AuditLog.Severity.WARNING and failed.ip_address == "10.1.2.3"

    def test_five_wrong_passwords_lock_the_account_even_with_the_right_one_after(self, client, northwind, make_user,
                                                                                 settings):
        make_user(northwind, email="casey@northwind.example")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, "casey@northwind.example", "wrong")
        response = _login(client, "casey@northwind.example", PASSWORD)
        assert response.status_code == 429
        assert "Account temporarily locked" in response.content.decode()
        assert AuditLog.objects.for_company(northwind).filter(action="user.lock").exists()
        assert "_auth_user_id" not in client.session

    def test_logout_is_audited(self, client, northwind, make_user):
        casey = make_user(northwind, email="casey@northwind.example")
        client.force_login(casey)
        client.post(reverse("logout"))
        assert AuditLog.objects.for_company(northwind).filter(action="user.logout", actor=casey).exists()

    def test_the_session_expires_after_thirty_idle_minutes(self, client, northwind, make_user, monkeypatch):
        from django.contrib.sessions.models import Session

        client.force_login(make_user(northwind))
        clock = [1_000_000.0]
        monkeypatch.setattr("apps.tenants.middleware.time.time", lambda: clock[0])

        def expiry():
            return Session.objects.get(session_key=client.session.session_key).expire_date

        client.get(reverse("home"))
        first = expiry()
        clock[0] += 30  # half a minute later: the session is not written again
        client.get(reverse("home"))
        assert expiry() == first
        clock[0] += 61  # a minute on: the idle timeout is pushed back by a fresh 30 minutes
        client.get(reverse("home"))
        assert expiry() > first
        assert client.session.get_expiry_age() == 30 * 60

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, db):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_the_superuser_lands_in_the_admin(self, client, db):
        from apps.tenants.models import User

        admin = User.objects.create_superuser("root@rounds.example", PASSWORD)
        client.force_login(admin)
        assert client.get(reverse("home")).url == reverse("admin:index")


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_in_production_settings():
    from django.conf import settings as django_settings

    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert django_settings.AUTH_USER_MODEL == "tenants.User"


@pytest.mark.django_db
def test_password_reset_sends_a_mail_to_a_known_address(client, northwind, make_user, mailoutbox):
    make_user(northwind, email="casey@northwind.example")
    response = client.post(reverse("password_reset"), {"email": "casey@northwind.example"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["casey@northwind.example"]


@pytest.mark.django_db
def test_casey_resets_her_password_through_the_emailed_link_and_signs_in(client, northwind, make_user, mailoutbox):
    import re

    make_user(northwind, email="casey@northwind.example")
    client.post(reverse("password_reset"), {"email": "casey@northwind.example"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose your password" in form_page.content.decode()
    weak = client.post(form_page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    assert "This password is too short" in weak.content.decode()
    done = client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": "a-much-better-passphrase", "new_password2": "a-much-better-passphrase"},
                       follow=True)
    assert "Password saved" in done.content.decode()
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "casey@northwind.example",
                                               "password": "a-much-better-passphrase"})
    assert signed_in.status_code == 302 and signed_in.url == reverse("home")
    assert "no longer works" in client.get(link, follow=True).content.decode()
