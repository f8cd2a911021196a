import pytest
from django.core import mail
from django.urls import reverse

from apps.notifications.jobs import notification_deliver
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.services import notification_send
from tests.factories import NotificationFactory


def _send(user, key="k1"):
    return notification_send(company_id=user.company_id, user=user, kind="assessment_received", title="Hello",
                             message="Body", action_url="/x/", channels=["in_app", "email"], idempotency_key=key)


@pytest.mark.django_db
def test_the_same_key_sends_once(northwind, make_user, django_capture_on_commit_callbacks):
    nadia = make_user(northwind)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(_send(nadia)) == 2
        assert _send(nadia) == []
    assert Notification.objects.for_company(northwind).filter(user=nadia).count() == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [nadia.email]
    email = Notification.objects.for_company(northwind).get(channel="email")
    assert email.status == "sent" and email.attempts == 1
    assert notification_deliver(company_id=northwind.pk, notification_id=email.pk) is False, "a retry sends nothing"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_channel_turned_off_is_not_sent(client, northwind, make_user, django_capture_on_commit_callbacks):
    nadia = make_user(northwind)
    client.force_login(nadia)
    client.post(reverse("notifications:preferences"), {"assessment_received:in_app": "on"})
    assert NotificationPreference.objects.for_company(northwind).get(
        user=nadia, kind="assessment_received", channel="email").enabled is False
    with django_capture_on_commit_callbacks(execute=True):
        assert [n.channel for n in _send(nadia)] == ["in_app"]
    assert mail.outbox == []


@pytest.mark.django_db
def test_nadia_reads_her_inbox(client, northwind, make_user):
    nadia = make_user(northwind)
    note = NotificationFactory(user=nadia, title="Your assessment arrived")
    client.force_login(nadia)
    assert b"Your assessment arrived" in client.get(reverse("notifications:inbox")).content
    assert b"1 unread notification" in client.get(reverse("home")).content
    client.post(reverse("notifications:mark_read", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at is not None
    api = client.get(reverse("notification-list")).json()
    assert api["count"] == 1 and api["results"][0]["read_at"]


@pytest.mark.django_db
def test_inbox_queries_do_not_grow(client, northwind, make_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nadia = make_user(northwind)
    NotificationFactory(user=nadia)
    client.force_login(nadia)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("notifications:inbox"))
    NotificationFactory.create_batch(10, user=nadia)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("notifications:inbox"))


@pytest.mark.django_db
def test_nadia_marks_everything_read_and_each_read_is_in_history_with_her_name(client, northwind, make_user):
    from apps.notifications.models import Notification
    from tests.factories import NotificationFactory

    nadia = make_user(northwind)
    others = make_user(northwind)
    mine = [NotificationFactory(user=nadia, channel="in_app") for _ in range(3)]
    theirs = NotificationFactory(user=others, channel="in_app")
    client.force_login(nadia)
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.for_company(northwind).filter(user=nadia, read_at__isnull=True).exists()
    for notification in mine:
        assert notification.history.first().history_user == nadia
    theirs.refresh_from_db()
    assert theirs.read_at is None
