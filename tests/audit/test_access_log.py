"""Who opened this record: the access log (issue 10, part 4).

Casey (Northwind coordinator) opens Riley's person page and the roster; Charlie (Southbay)
tries Riley's page. Entries are collected during the request and written in one insert."""

import pytest
from celery import shared_task
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.access import access_log_batch, access_log_record
from apps.audit.models import AccessLog
from apps.audit.selectors import access_log_for_record, access_log_for_user
from apps.tenants.roles import Role
from tests.factories import LearnerFactory, SuperuserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audit.urls")]


@pytest.fixture
def riley(northwind):
    return LearnerFactory(program__sponsor__institution__company=northwind)


@pytest.fixture
def casey(riley, make_user):
    return make_user(riley.company, Role.COORDINATOR, program=riley.program)


def _inserts(queries):
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "audit_accesslog"')]


def test_casey_opens_rileys_page_and_the_access_log_says_who_when_and_from_where(client, riley, casey):
    client.force_login(casey)
    response = client.get(reverse("test_learner_page", args=[riley.pk]), REMOTE_ADDR="203.0.113.5",
                          HTTP_USER_AGENT="Phone")
    assert response.status_code == 200
    [entry] = access_log_for_record(company=riley.company, obj=riley)
    assert (entry.actor, entry.action, entry.entity_type) == (casey, "view", "academics.Learner")
    assert (entry.ip_address, entry.user_agent, entry.status_code) == ("203.0.113.5", "Phone", 200)
    assert entry.endpoint == reverse("test_learner_page", args=[riley.pk])


def test_a_roster_of_three_is_one_insert_for_the_whole_page(client, riley, casey):
    LearnerFactory(program=riley.program)
    LearnerFactory(program=riley.program)
    client.force_login(casey)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("test_roster_page", args=[riley.program_id])).status_code == 200
    assert len(_inserts(queries)) == 1
    assert access_log_for_user(company=riley.company, user=casey).filter(action="list").count() == 3


def test_charlie_from_southbay_gets_404_and_his_attempt_reads_nothing(client, riley, southbay, make_user):
    charlie = make_user(southbay, Role.ORG_ADMIN)
    client.force_login(charlie)
    assert client.get(reverse("test_learner_page", args=[riley.pk])).status_code == 404
    assert not access_log_for_record(company=riley.company, obj=riley).exists()
    assert not access_log_for_user(company=southbay, user=charlie).exists()


def test_southbay_cannot_read_northwinds_access_log(client, riley, casey, southbay):
    client.force_login(casey)
    client.get(reverse("test_learner_page", args=[riley.pk]))
    assert not access_log_for_record(company=southbay, obj=riley).exists()
    assert access_log_for_record(company=riley.company, obj=riley).count() == 1


def test_the_access_log_is_append_only_in_the_database(riley, casey):
    access_log_record(actor=casey, obj_or_queryset=riley)
    for sql in ("UPDATE audit_accesslog SET actor_id = NULL", "DELETE FROM audit_accesslog"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    entry = AccessLog.objects.for_company(riley.company).get()
    with pytest.raises(RuntimeError):
        entry.save()


def test_only_opted_in_models_are_access_logged(site, casey):
    with pytest.raises(ValueError, match="not access-logged"):
        access_log_record(actor=casey, obj_or_queryset=site)


def test_outside_a_request_a_batch_writes_once_and_a_lone_call_writes_at_once(riley, casey):
    with CaptureQueriesContext(connection) as queries:
        with access_log_batch():
            for action in ("view", "export", "print"):
                access_log_record(actor=casey, obj_or_queryset=riley, action=action)
            assert not AccessLog.objects.for_company(riley.company).exists()
    assert len(_inserts(queries)) == 1
    access_log_record(actor=casey, obj_or_queryset=[riley])
    assert AccessLog.objects.for_company(riley.company).count() == 4


@shared_task
def _export_task(learner_id, user_id):
    from apps.academics.models import Learner
    from apps.tenants.models import User

    learner = Learner.objects.unscoped().get(pk=learner_id)
    user = User.objects.unscoped().get(pk=user_id)
    access_log_record(actor=user, obj_or_queryset=learner, action="export")
    assert not AccessLog.objects.unscoped().exists()  # collected until the task ends


def test_a_task_flushes_its_entries_when_it_ends(riley, casey):
    _export_task.delay(str(riley.pk), str(casey.pk))
    assert access_log_for_user(company=riley.company, user=casey).get().action == "export"


def test_the_platform_admin_answers_who_opened_this_record_and_what_this_person_opened(
        client, riley, casey, make_user):
    other = LearnerFactory(program=riley.program)
    director = make_user(riley.company, Role.PROGRAM_DIRECTOR, program=riley.program)
    with access_log_batch():
        access_log_record(actor=casey, obj_or_queryset=[riley, other])
        access_log_record(actor=director, obj_or_queryset=riley)
    client.force_login(SuperuserFactory())
    url = reverse("admin:audit_accesslog_changelist")
    by_record = client.get(url, {"record": str(riley.pk)})
    by_person = client.get(url, {"actor": str(casey.pk)})
    assert by_record.status_code == 200 and by_record.context["cl"].result_count == 2
    assert {e.actor for e in by_record.context["cl"].result_list} == {casey, director}
    assert {e.entity_id for e in by_person.context["cl"].result_list} == {str(riley.pk), str(other.pk)}


def test_a_user_named_in_the_access_log_cannot_be_deleted_nor_their_company(riley, casey):
    """The log's keys are kept by Django (no per-row check in PostgreSQL on this hot table)."""
    from django.db.models import ProtectedError

    access_log_record(actor=casey, obj_or_queryset=riley)
    with pytest.raises(ProtectedError):
        casey.delete()
    with pytest.raises(ProtectedError):
        riley.company.delete()
