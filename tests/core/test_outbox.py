"""The transactional outbox without a worker: what ``dispatch`` records and publishes, what the
relay and the purge pick, and that a message delivered twice runs once."""

import datetime
import threading
import uuid

import pytest
from celery import shared_task
from celery.exceptions import Retry
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import EPAAssessment
from apps.core.models import OutboxMessage
from apps.core.outbox import outbox_purge, outbox_relay
from apps.core.tasks import dispatch, dispatch_together

NOTIFY = "apps.assessments.tasks.notify_learner_of_assessment"
RUNS = []
GATE = {"entered": threading.Event(), "release": threading.Event()}


@shared_task(name="tests.core.record_run")
def record_run(company_id=None, note="", fail=False, wait=False):
    if wait:
        GATE["entered"].set()
        GATE["release"].wait(10)
    if fail:
        raise RuntimeError("the task failed")
    RUNS.append(note)
    return note


@pytest.fixture(autouse=True)
def _fresh_runs():
    RUNS.clear()
    GATE["entered"].clear()
    GATE["release"].clear()


def _dispatch_committed(note="hello", **kwargs):
    with transaction.atomic():
        dispatch(record_run, note=note, **kwargs)
    return OutboxMessage.objects.get(kwargs__note=note)


# ------------------------------------------------------------------ dispatch
@pytest.mark.django_db(transaction=True)
def test_a_dispatch_inside_a_rolled_back_transaction_leaves_no_row_and_publishes_nothing(broker):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            dispatch(record_run, note="never")
            raise RuntimeError("the write failed")
    assert not OutboxMessage.objects.exists()
    assert broker.sent == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_dispatch_is_recorded_then_published_with_the_row_id_as_task_id(broker, northwind):
    message = _dispatch_committed(company_id=str(northwind.pk))
    assert broker.sent == [("tests.core.record_run", {"note": "hello", "company_id": str(northwind.pk)},
                            str(message.pk))]
    assert message.published_at is not None and message.attempts == 1
    assert message.company_id == northwind.pk and message.executed_at is None
    assert RUNS == [], "published, not run in the request"


@pytest.mark.django_db(transaction=True)
def test_a_publish_failure_never_reaches_the_caller_and_leaves_the_row_for_the_relay(broker, caplog):
    broker.down = True
    message = _dispatch_committed()  # no exception: the write is committed whatever the broker says
    assert message.published_at is None and message.attempts == 1
    assert "Connection refused" in message.last_error
    assert "the relay will retry" in caplog.text

    broker.down = False
    assert outbox_relay(min_age_seconds=0) == 1
    message.refresh_from_db()
    assert broker.task_ids() == [str(message.pk)]
    assert message.published_at is not None and message.attempts == 2 and message.last_error == ""


@pytest.mark.django_db
def test_in_eager_mode_dispatch_runs_the_task_at_commit_without_an_outbox_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(record_run, note="eager")
        assert RUNS == [], "not before the commit"
    assert RUNS == ["eager"]
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_faith_submits_while_redis_is_down_and_the_relay_later_publishes_rileys_notification(
        client, ward, redis_down, django_capture_on_commit_callbacks):
    broker = redis_down
    client.force_login(ward["faith"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:new"), {
            "submission_key": str(uuid.uuid4()), "learner": ward["riley"].pk, "epa": ward["epa"].pk,
            "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat()})
    assessment = EPAAssessment.objects.for_company(ward["program"].company).get()
    assert response.status_code == 302 and response.url == reverse("assessments:detail", args=[assessment.pk])
    waiting = OutboxMessage.objects.get(task_name=NOTIFY)
    assert waiting.published_at is None and waiting.kwargs == {
        "company_id": str(assessment.company_id), "assessment_id": str(assessment.pk)}
    assert waiting.company_id == assessment.company_id

    broker.down = False
    # Two messages waited: Riley's notification and the analytics refresh the submit asked for.
    assert outbox_relay(min_age_seconds=0) == 2
    assert broker.task_ids(NOTIFY) == [str(waiting.pk)]


@pytest.mark.django_db(transaction=True)
def test_tasks_dispatched_together_are_one_insert_and_one_update_and_each_is_published(broker):
    with CaptureQueriesContext(connection) as captured:
        with transaction.atomic():
            with dispatch_together():
                dispatch(record_run, note="one")
                dispatch(record_run, note="two")
                assert not OutboxMessage.objects.exists(), "written when the block ends"
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "core_outboxmessage"')]
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "core_outboxmessage"')]
    assert len(inserts) == 1 and len(updates) == 1
    one, two = OutboxMessage.objects.get(kwargs__note="one"), OutboxMessage.objects.get(kwargs__note="two")
    assert broker.sent == [("tests.core.record_run", {"note": "one"}, str(one.pk)),
                           ("tests.core.record_run", {"note": "two"}, str(two.pk))]
    assert one.published_at is not None and two.published_at is not None and one.attempts == two.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_tasks_dispatched_together_in_a_failing_block_leave_no_row(broker):
    with pytest.raises(RuntimeError):
        with transaction.atomic(), dispatch_together():
            dispatch(record_run, note="never")
            raise RuntimeError("the write failed")
    with transaction.atomic():
        dispatch(record_run, note="alone")  # the block is over: a dispatch is written at once again
        assert OutboxMessage.objects.filter(kwargs__note="alone").exists()
    assert not OutboxMessage.objects.filter(kwargs__note="never").exists()
    assert [note for _, kwargs, _ in broker.sent for note in [kwargs["note"]]] == ["alone"]


@pytest.mark.django_db(transaction=True)
def test_a_broker_refusing_one_of_the_tasks_dispatched_together_leaves_it_for_the_relay(broker, monkeypatch):
    from apps.core import outbox

    send = outbox._send

    def refuse_two(message):
        if message.kwargs["note"] == "two":
            raise OSError("Connection refused")
        send(message)
    monkeypatch.setattr(outbox, "_send", refuse_two)
    with transaction.atomic(), dispatch_together():
        dispatch(record_run, note="one")
        dispatch(record_run, note="two")
    one, two = OutboxMessage.objects.get(kwargs__note="one"), OutboxMessage.objects.get(kwargs__note="two")
    assert one.published_at is not None and two.published_at is None
    assert two.attempts == 1 and "Connection refused" in two.last_error


# ------------------------------------------------------------------ relay and purge
def _row(note, *, age_seconds=60, published=False, executed=False):
    created = timezone.now() - datetime.timedelta(seconds=age_seconds)
    return OutboxMessage.objects.create(
        task_name="tests.core.record_run", kwargs={"note": note}, created_at=created,
        published_at=created if published else None, executed_at=created if executed else None)


@pytest.mark.django_db
def test_the_relay_publishes_only_unpublished_unexecuted_rows_old_enough_oldest_first(broker):
    older, waiting = _row("older", age_seconds=120), _row("waiting", age_seconds=60)
    _row("published", published=True)
    _row("ran before its publish was marked", executed=True)
    _row("its commit is publishing it right now", age_seconds=1)
    assert outbox_relay() == 2
    assert broker.task_ids() == [str(older.pk), str(waiting.pk)]
    assert outbox_relay() == 0, "published rows are not published again"


@pytest.mark.django_db
def test_the_relay_stops_at_the_first_broker_error_and_keeps_every_row(broker):
    first, second = _row("first", age_seconds=120), _row("second")
    broker.down = True
    assert outbox_relay() == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.attempts == 1 and "Connection refused" in first.last_error
    assert second.attempts == 0, "no point trying the rest while the broker is down"
    assert first.published_at is None and second.published_at is None


@pytest.mark.django_db
def test_the_relay_command_reports_what_it_published(broker, capsys):
    _row("waiting")
    call_command("outbox_relay")
    assert "published 1" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_relay_command_refuses_without_a_broker(capsys):
    from django.core.management.base import CommandError

    _row("waiting")
    with pytest.raises(CommandError, match="REDIS_URL"):
        call_command("outbox_relay")


@pytest.mark.django_db
def test_the_purge_forgets_long_executed_and_long_failed_rows_only():
    day = 24 * 3600
    _row("executed a week ago", age_seconds=8 * day, published=True, executed=True)
    _row("failed a month ago", age_seconds=31 * day, published=True)
    kept = {_row("executed yesterday", age_seconds=day, published=True, executed=True).pk,
            _row("failed last week", age_seconds=8 * day, published=True).pk,
            _row("never published", age_seconds=40 * day).pk}
    assert outbox_purge() == 2
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == kept


# ------------------------------------------------------------------ executing once
@pytest.mark.django_db(transaction=True)
def test_a_message_delivered_twice_executes_once(broker):
    message = _dispatch_committed(note="once")
    for _ in range(2):  # the relay's copy after a lost publish confirmation, or a Redis redelivery
        record_run.apply(kwargs=message.kwargs, task_id=str(message.pk))
    assert RUNS == ["once"]
    message.refresh_from_db()
    assert message.executed_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_copies_delivered_at_the_same_time_execute_once(broker):
    message = _dispatch_committed(note="racing", wait=True)

    def deliver():
        try:
            record_run.apply(kwargs=message.kwargs, task_id=str(message.pk))
        finally:
            connection.close()

    first = threading.Thread(target=deliver)
    first.start()
    assert GATE["entered"].wait(10), "the first copy never started"
    second = threading.Thread(target=deliver)  # waits on the row lock the first copy holds
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second copy must wait for the first"
    GATE["release"].set()
    first.join(10)
    second.join(10)
    assert RUNS == ["racing"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_is_not_marked_executed_so_the_retry_runs_it(broker):
    message = _dispatch_committed(note="flaky", fail=True)
    result = record_run.apply(kwargs=message.kwargs, task_id=str(message.pk), throw=False)  # as in a worker
    assert result.failed()
    message.refresh_from_db()
    assert message.executed_at is None and "the task failed" in message.last_error

    record_run.apply(kwargs={**message.kwargs, "fail": False}, task_id=str(message.pk))
    message.refresh_from_db()
    assert RUNS == ["flaky"] and message.executed_at is not None


@pytest.mark.django_db
def test_a_task_without_an_outbox_row_runs_as_a_plain_task():
    record_run.apply(kwargs={"note": "beat"}, task_id=str(uuid.uuid4()))
    record_run.apply(kwargs={"note": "beat"}, task_id="not-a-uuid")
    assert RUNS == ["beat", "beat"]


@pytest.mark.django_db
def test_a_database_error_in_the_worker_retries_the_task_instead_of_losing_it(monkeypatch):
    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    retried = []

    def retry(exc=None, countdown=None, max_retries=None, **options):
        retried.append((type(exc), countdown))
        return Retry(exc=exc, when=countdown)

    task = record_run._get_current_object()
    monkeypatch.setattr(task, "run", database_gone)
    monkeypatch.setattr(task, "retry", retry)
    task.push_request(id=str(uuid.uuid4()), is_eager=False, called_directly=False, retries=2)
    try:
        with pytest.raises(Retry):
            task(note="later")
    finally:
        task.pop_request()
    assert retried == [(OperationalError, 20)]


@pytest.mark.django_db
def test_the_platform_admin_sees_what_waits_for_the_broker(client):
    from apps.tenants.models import User

    _row("waiting for the broker")
    client.force_login(User.objects.create_superuser("root@rounds.example", "x"))
    response = client.get(reverse("admin:core_outboxmessage_changelist") + "?published_at__isempty=1")
    assert response.status_code == 200 and b"tests.core.record_run" in response.content
