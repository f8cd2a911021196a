"""The QR code Riley shows opens Faith's form on Faith's phone — but only Faith can submit it:
signed in as herself, with the link only she was e-mailed, or with a one-time code e-mailed to
her at that moment. Riley's own browser, signed out or signed in, cannot file an assessment in
Faith's name."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import AssessmentLinkCode, EPAAssessment
from apps.assessments.services import masked_email
from apps.assessments.signing import assessor_link_path, request_link_claims, request_link_path
from apps.audit.models import AuditLog
from apps.notifications.models import Notification
from tests.factories import AssessmentRequestFactory


@pytest.fixture
def asked(surgery):
    return AssessmentRequestFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"],
                                    note="Appendectomy, bed 4")


def _answers(**extra):
    data = {"submission_key": str(uuid.uuid4()), "entrustment_level": 2,
            "assessment_date": timezone.localdate().isoformat(), "narrative_feedback": "Great case!",
            "tags_went_well": []}
    data.update(extra)
    return data


def _saved(request):
    return EPAAssessment.all_objects.for_company(request.company).filter(request=request)


def _codes_sent(request):
    """The codes e-mailed to Faith (the e-mail notifications' text)."""
    return [re.search(r": (\d{6})$", n.title).group(1) for n in Notification.objects.for_company(request.company)
            .filter(user=request.assessor, kind="assessment_link_code", channel="email").order_by("created_at")]


@pytest.mark.django_db
def test_riley_signed_out_cannot_submit_faiths_form_from_the_qr_link(client, asked):
    path = request_link_path(asked)
    form = client.get(path)
    assert form.status_code == 200 and b"E-mail me a code" in form.content

    no_code = client.post(path, _answers())
    assert no_code.status_code == 200
    assert "Enter the 6-digit code e-mailed to Faith Hall" in no_code.context["form"].errors["code"][0]
    guessed = client.post(path, _answers(code="123456"))
    assert guessed.context["form"].errors["code"], "no code was sent yet: nothing to guess"

    client.post(path, {**_answers(), "send_code": "1"})  # Riley can ask; the code goes to Faith's mailbox
    (sent,) = _codes_sent(asked)
    wrong = f"{(int(sent) + 1) % 10**6:06d}"
    refused = client.post(path, _answers(code=wrong))
    assert refused.context["form"].errors["code"] == ["That is not the code we e-mailed."]
    assert not _saved(asked).exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_riley_signed_in_gets_403_with_a_message_on_faiths_form(client, asked, surgery):
    client.force_login(surgery["riley"].user)
    for path in (request_link_path(asked), assessor_link_path(asked)):
        page = client.get(path)
        assert page.status_code == 403 and b"Only Faith Hall can submit this assessment" in page.content
        posted = client.post(path, _answers())
        assert posted.status_code == 403
    assert not _saved(asked).exists()
    assert AuditLog.objects.unscoped().filter(action="assessment_request.refuse_link", actor=surgery["riley"].user,
                                              entity_id=str(asked.pk)).count() == 4


@pytest.mark.django_db
def test_faith_signed_in_submits_from_the_qr_link_without_a_code(client, asked, surgery):
    client.force_login(surgery["faith"])
    path = request_link_path(asked)
    assert b"E-mail me a code" not in client.get(path).content
    done = client.post(path, _answers())
    assert done.status_code == 200 and b"Thank you" in done.content
    assessment = _saved(asked).get()
    assert assessment.assessor == surgery["faith"] and assessment.entry_method == "link"
    assert AuditLog.objects.unscoped().get(action="assessment_request.prove_assessor",
                                           entity_id=str(asked.pk)).changes == {"proof": "session"}


@pytest.mark.django_db
def test_faith_on_her_phone_submits_with_the_code_e_mailed_to_her(client, asked, surgery):
    path = request_link_path(asked)
    filled = _answers(entrustment_level=3, tags_went_well=[surgery["good_tag"].pk])
    asking = client.post(path, {**filled, "send_code": "1"})
    sent_to = masked_email(surgery["faith"].email)
    assert sent_to.startswith(surgery["faith"].email[0]) and sent_to.endswith(surgery["faith"].email.split("@")[1])
    assert f"We e-mailed a 6-digit code to {sent_to}" in asking.content.decode()
    assert re.search(rb'value="3"[^>]*checked', asking.content), "what Faith filled in is kept"
    assert re.search(rf'value="{surgery["good_tag"].pk}"[^>]*checked'.encode(), asking.content)
    assert not asking.context["form"].errors, "asking for a code judges nothing yet"
    (code,) = _codes_sent(asked)
    email = Notification.objects.for_company(asked.company).get(kind="assessment_link_code")
    assert email.user == surgery["faith"] and email.channel == "email" and email.action_url == ""

    done = client.post(path, {**filled, "code": code})
    assert done.status_code == 200 and b"Thank you" in done.content
    assessment = _saved(asked).get()
    assert assessment.assessor == surgery["faith"] and assessment.entrustment_level == 3
    assert AssessmentLinkCode.objects.for_company(asked.company).get().used_at is not None
    assert AuditLog.objects.unscoped().get(action="assessment_request.prove_assessor",
                                           entity_id=str(asked.pk)).changes == {"proof": "email_code"}


@pytest.mark.django_db
def test_a_code_expires_after_ten_minutes(client, asked):
    path = request_link_path(asked)
    client.post(path, {**_answers(), "send_code": "1"})
    (code,) = _codes_sent(asked)
    AssessmentLinkCode.objects.for_company(asked.company).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    late = client.post(path, _answers(code=code))
    assert late.context["form"].errors["code"] == ["That code has expired or was used: e-mail a new one."]
    assert not _saved(asked).exists()


@pytest.mark.django_db
def test_five_wrong_codes_kill_the_code_and_three_codes_an_hour_is_the_most(client, asked):
    path = request_link_path(asked)
    client.post(path, {**_answers(), "send_code": "1"})
    (code,) = _codes_sent(asked)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(path, _answers(code=wrong))
    dead = client.post(path, _answers(code=code))
    assert dead.context["form"].errors["code"] == ["Too many wrong codes: e-mail a new one."]

    client.post(path, {**_answers(), "send_code": "1"})
    client.post(path, {**_answers(), "send_code": "1"})
    fourth = client.post(path, {**_answers(), "send_code": "1"})
    assert b"3 codes were e-mailed in the last hour" in fourth.content
    assert len(_codes_sent(asked)) == 3
    assert not _saved(asked).exists()


def _link_kinds(text) -> set:
    """The kinds of the signed links in a text (tokens carry a timestamp: compare kinds, not strings)."""
    return {request_link_claims(token).kind for token in re.findall(r"/assessments/link/([^/\s\"']+)/", text)}


@pytest.mark.django_db
def test_only_faiths_e_mail_carries_the_link_that_needs_no_code(client, asked, surgery,
                                                                 django_capture_on_commit_callbacks):
    from apps.assessments import jobs

    with django_capture_on_commit_callbacks(execute=True):
        jobs.request_notify_assessor(company_id=asked.company_id, request_id=asked.pk, kind="assessment_requested",
                                     key="requested")
    email = Notification.objects.for_company(asked.company).get(user=surgery["faith"], channel="email")
    assert _link_kinds(email.message) == {"assessor_link"}

    client.force_login(surgery["riley"].user)
    page = client.get(reverse("assessments:request_detail", args=[asked.pk])).content.decode()
    assert _link_kinds(page) == {"request_link"}
    client.logout()

    done = client.post(assessor_link_path(asked), _answers())  # signed out, no code: the e-mailed link is proof
    assert b"Thank you" in done.content and _saved(asked).get().assessor == surgery["faith"]
