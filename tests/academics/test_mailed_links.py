"""Issue 11, item 16: e-mailed links pointed at 127.0.0.1:8000 whatever address the demo ran on.
One helper (apps.core.links) builds every mailed link: ROUNDS_SITE_URL when set; in demo mode
without it, the address the request came in on; in a worker (no request) or in production, SITE_URL —
production never takes a mailed link's host from the request's Host header."""

import re

import pytest
from django.urls import reverse

from apps.assessments import jobs
from apps.core.links import request_base, site_url_bound
from apps.notifications.models import Notification
from tests.factories import AssessmentRequestFactory, FacultyFactory, LearnerFactory

DEMO_HOST = "localhost:8123"  # a demo served on another port than 8000
PRIYA = {"email": "priya.raman@northwind.example", "first_name": "Priya", "last_name": "Raman",
         "roles": ["resident"], "pgy_level": "1", "entry_pgy_level": "1", "matriculation_date": "2026-07-01",
         "track": "Categorical", "degree": "MD", "medical_school": "Lakeside School of Medicine", "key": "add-1"}


def _reset_link(mail) -> str:
    return re.search(r"(\S+)/accounts/reset/", mail.body).group(1)


@pytest.mark.django_db(transaction=True)  # the invitation task runs at the request's real commit, as in the demo
def test_in_the_demo_priyas_invitation_links_to_the_address_casey_opened_rounds_at(client, casey, program, mailoutbox):
    client.force_login(casey)

    response = client.post(f"/programs/{program.pk}/people/add/", PRIYA, HTTP_HOST=DEMO_HOST)

    assert response.status_code == 302
    [mail] = mailoutbox
    assert _reset_link(mail) == f"http://{DEMO_HOST}"


@pytest.mark.django_db
def test_in_the_demo_a_password_reset_mail_links_to_the_address_it_was_asked_from(client, casey, mailoutbox):
    casey.set_password("an-old-passphrase-1"); casey.save()

    client.post(reverse("password_reset"), {"email": casey.email}, HTTP_HOST=DEMO_HOST)

    assert _reset_link(mailoutbox[0]) == f"http://{DEMO_HOST}"


@pytest.mark.django_db
def test_rounds_site_url_when_set_wins_over_the_request(client, casey, mailoutbox, settings):
    settings.SITE_URL = "https://rounds.example"
    casey.set_password("an-old-passphrase-1"); casey.save()

    client.post(reverse("password_reset"), {"email": casey.email}, HTTP_HOST=DEMO_HOST)

    assert _reset_link(mailoutbox[0]) == "https://rounds.example"


@pytest.mark.django_db
def test_in_production_a_mailed_link_never_takes_the_requests_host(client, casey, mailoutbox, settings):
    settings.PRODUCTION, settings.DEBUG = True, False
    casey.set_password("an-old-passphrase-1"); casey.save()

    client.post(reverse("password_reset"), {"email": casey.email}, HTTP_HOST=DEMO_HOST)

    assert _reset_link(mailoutbox[0]) == settings.SITE_URL_DEFAULT


@pytest.mark.django_db
def test_a_reminder_sent_by_the_worker_uses_site_url_unless_given_the_requests_address(program):
    riley = LearnerFactory(program=program)
    faith = FacultyFactory(program=program).user
    request = AssessmentRequestFactory(learner=riley, assessor=faith)

    def mailed_link(key):
        jobs.request_notify_assessor(company_id=program.company_id, request_id=request.pk,
                                     kind="assessment_reminder", key=key)
        mail = Notification.objects.for_company(program.company).get(
            idempotency_key=f"request:{request.pk}:{key}:email")
        return re.search(r"(\S+)/assessments/link/", mail.action_url).group(1)

    assert request_base() is None
    assert mailed_link("worker") == "http://127.0.0.1:8000"
    with site_url_bound(f"http://{DEMO_HOST}/"):  # a base taken at request time and passed to the task
        assert mailed_link("passed-along") == f"http://{DEMO_HOST}"


def test_nobody_builds_a_mailed_link_from_site_url_by_hand():
    """Every link builder goes through apps.core.links (grep SITE_URL)."""
    from pathlib import Path

    from django.conf import settings

    offenders = [str(path) for path in Path(settings.BASE_DIR, "apps").rglob("*.py")
                 if "SITE_URL" in path.read_text() and path.name != "links.py"]
    assert offenders == []


