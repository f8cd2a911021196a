"""A deactivated company: its people cannot sign in, their sessions and API tokens stop working, and
its data stays exactly as it was."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token

from apps.academics.models import Program
from apps.audit.models import AuditLog
from apps.tenants.backends import EmailBackend
from apps.tenants.middleware import TenantSuspendedMiddleware
from apps.tenants.models import Institution, Membership, Site, User
from apps.tenants.roles import Role
from tests.factories import PASSWORD, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

SUSPENDED = "Your organization&#x27;s access to Rounds is suspended"


@pytest.fixture
def nora(northwind, sponsor):
    """Nora coordinates Northwind's surgery program and runs the organization."""
    program = ProgramFactory(sponsor=sponsor, name="Northwind Surgery")
    nora = User.objects.create_user("nora@northwind.example", PASSWORD, company=northwind)
    MembershipFactory(user=nora, role=Role.ORG_ADMIN)
    MembershipFactory(user=nora, role=Role.COORDINATOR, program=program)
    return nora


def _suspend(company):
    company.is_active = False
    company.save()


def _rows(company):
    return {model.__name__: model.objects.for_company(company).count()
            for model in (Institution, Site, Program, Membership, AuditLog)} | {
        "users": User.objects.for_company(company).count()}


def test_nora_cannot_sign_in_once_northwind_is_suspended_and_nothing_is_deleted(client, nora, northwind):
    _suspend(northwind)
    before = _rows(northwind)
    response = client.post(reverse("login"), {"username": "nora@northwind.example", "password": PASSWORD})
    assert response.status_code == 200 and SUSPENDED in response.content.decode()
    assert SESSION_KEY not in client.session
    after = _rows(northwind)
    assert after == before and before["Program"] == 1 and before["Membership"] == 2


def test_a_wrong_password_for_a_suspended_company_says_nothing_about_the_suspension(client, nora, northwind):
    _suspend(northwind)
    response = client.post(reverse("login"), {"username": "nora@northwind.example", "password": "wrong"})
    assert "suspended" not in response.content.decode()


def test_noras_open_session_ends_on_her_next_page_with_the_message(client, nora, northwind):
    client.force_login(nora)
    assert client.get(reverse("organization")).status_code == 200
    _suspend(northwind)
    response = client.get(reverse("organization"), follow=True)
    assert response.redirect_chain[0][0] == reverse("login")
    assert SUSPENDED in response.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_noras_api_token_and_api_session_stop_working(client, nora, northwind):
    token = Token.objects.create(user=nora)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/programs/", **auth).status_code == 200
    client.force_login(nora)
    assert client.get("/api/programs/").status_code == 200
    _suspend(northwind)
    assert client.get("/api/programs/").status_code == 401
    client.logout()
    refused = client.get("/api/programs/", **auth)
    assert refused.status_code in (401, 403) and "suspended" in refused.json()["detail"]
    assert Token.objects.filter(pk=token.pk).exists()  # kept: it works again if Northwind is reactivated


def test_a_suspended_company_gets_no_password_reset_mail(client, nora, northwind, mailoutbox):
    _suspend(northwind)
    response = client.post(reverse("password_reset"), {"email": "nora@northwind.example"})
    assert response.status_code == 302 and not mailoutbox


def test_the_suspension_check_costs_no_query_the_user_comes_with_its_company(nora, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = EmailBackend().get_user(nora.pk)
    request.session = {}
    middleware = TenantSuspendedMiddleware(lambda request: "page")
    with django_assert_num_queries(0):
        assert middleware(request) == "page"
