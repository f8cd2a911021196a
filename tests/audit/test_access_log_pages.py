"""The real pages that show a learner's record write the access log (issue 10, part 4):
Riley's person page, Riley's progress page and the learner API. Casey coordinates Riley's
program in Northwind; Charlie is Southbay's administrator.

The entries are written after the view, by AuditContextMiddleware (or at the end of a Celery
task): the tests run as the app role under row-level security, so the row must still be written
once the view is done."""

import pytest
from celery import shared_task
from django.urls import reverse
from rest_framework.authtoken.models import Token

from apps.audit.access import access_log_record
from apps.audit.models import AccessLog
from apps.audit.selectors import access_log_for_record, access_log_for_user
from apps.core import rls
from apps.tenants.roles import Role
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def riley(northwind):
    return LearnerFactory(program__sponsor__institution__company=northwind, user__first_name="Riley")


@pytest.fixture
def casey(riley, make_user):
    return make_user(riley.company, Role.COORDINATOR, program=riley.program)


def _who_opened(learner):
    return [(entry.actor, entry.action, entry.endpoint)
            for entry in access_log_for_record(company=learner.company, obj=learner)]


def test_casey_opens_rileys_person_page_and_who_opened_rileys_record_lists_casey(client, riley, casey):
    client.force_login(casey)
    url = reverse("academics:person_detail", args=[riley.program_id, riley.user_id])
    assert client.get(url).status_code == 200
    assert _who_opened(riley) == [(casey, "view", url)]
    assert [e.entity_id for e in access_log_for_user(company=riley.company, user=casey)] == [str(riley.pk)]


def test_casey_opens_rileys_progress_page_and_it_is_in_the_access_log(client, riley, casey):
    client.force_login(casey)
    url = reverse("analytics_learner_progress", args=[riley.pk])
    assert client.get(url).status_code == 200
    assert _who_opened(riley) == [(casey, "view", url)]


def test_riley_opening_her_own_progress_is_logged_too(client, riley):
    client.force_login(riley.user)
    assert client.get(reverse("analytics_learner_progress", args=[riley.pk])).status_code == 200
    assert [actor for actor, _, _ in _who_opened(riley)] == [riley.user]


def test_casey_reads_riley_through_the_api_and_the_read_is_logged_but_the_roster_list_is_not_a_view(
        client, riley, casey):
    client.force_login(casey)
    assert client.get("/api/learners/").status_code == 200
    assert not access_log_for_record(company=riley.company, obj=riley).exists()
    response = client.get(f"/api/learners/{riley.pk}/")
    assert response.status_code == 200 and response.json()["email"] == riley.user.email
    assert _who_opened(riley) == [(casey, "view", f"/api/learners/{riley.pk}/")]


def test_charlie_from_southbay_opens_rileys_pages_gets_404s_and_nothing_is_logged(client, riley, southbay,
                                                                                   make_user):
    charlie = make_user(southbay, Role.ORG_ADMIN)
    client.force_login(charlie)
    for url in (reverse("academics:person_detail", args=[riley.program_id, riley.user_id]),
                reverse("analytics_learner_progress", args=[riley.pk]), f"/api/learners/{riley.pk}/"):
        assert client.get(url).status_code == 404, url
    assert not AccessLog.objects.unscoped().exists()


# ---------------------------------------------------------------- the flush under row-level security
# The tests run as the app role; the entries are written after the view (or task) returned.
def test_the_flush_after_caseys_page_writes_a_northwind_row_that_northwind_reads(client, riley, casey):
    client.force_login(casey)
    assert client.get(reverse("academics:person_detail", args=[riley.program_id, riley.user_id])).status_code == 200
    with rls.tenant(riley.company_id):  # read back as Northwind, not under the tests' bypass
        [entry] = access_log_for_record(company=riley.company, obj=riley)
    assert (entry.actor_id, entry.company_id, entry.status_code) == (casey.pk, riley.company_id, 200)


def test_the_flush_after_an_api_call_with_a_token_is_written_too(client, riley, casey):
    token = Token.objects.create(user=casey)
    response = client.get(f"/api/learners/{riley.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    with rls.tenant(riley.company_id):
        assert [actor for actor, _, _ in _who_opened(riley)] == [casey]


@shared_task
def _print_learner(company_id, learner_id, user_id):
    from apps.academics.models import Learner
    from apps.tenants.models import User

    learner = Learner.objects.for_company(company_id).get(pk=learner_id)
    user = User.objects.for_company(company_id).get(pk=user_id)
    access_log_record(actor=user, obj_or_queryset=learner, action="print")


def test_a_task_running_as_northwind_writes_its_entries_after_its_tenant_is_unbound(riley, casey):
    with rls.tenant(None):  # as in a worker: nothing bound outside the task (not the tests' bypass)
        _print_learner.delay(company_id=str(riley.company_id), learner_id=str(riley.pk), user_id=str(casey.pk))
    [entry] = access_log_for_user(company=riley.company, user=casey)
    assert (entry.action, entry.entity_id, entry.company_id) == ("print", str(riley.pk), riley.company_id)
