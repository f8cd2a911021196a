"""Margaret answers her questionnaires from a link on her phone: no login, saved as she goes, once."""

import datetime

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from apps.physio import signing as physio_signing
from apps.physio.models import PromInstance, PromResponse
from tests.clinical.factories import PatientFactory
from tests.factories import SiteFactory
from tests.physio.conftest import send

pytestmark = pytest.mark.django_db


def _link(instance):
    return reverse("physio:prom_link", kwargs={"token": physio_signing.prom_token(instance)})


def _save(instance):
    return reverse("physio:prom_autosave", kwargs={"token": physio_signing.prom_token(instance)})


def test_margaret_answers_gad7_item_by_item_then_submits_and_the_score_is_on_her_chart(
        client, patient, practitioner, templates):
    instance = send(patient, templates["gad7"], practitioner)
    page = client.get(_link(instance))
    assert page.status_code == 200
    assert "Feeling nervous, anxious, or on edge" in page.content.decode()
    saved = client.post(_save(instance), {"item": "q1", "q1": "2"})
    assert saved.status_code == 200
    instance.refresh_from_db()
    assert instance.draft_answers == {"q1": 2}
    assert 'value="2" checked' in client.get(_link(instance)).content.decode()  # the saved answer comes back

    answers = {f"q{n}": v for n, v in enumerate([2, 2, 1, 1, 2, 1, 1], 1)}  # 10: moderate
    done = client.post(_link(instance), answers)
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    response = PromResponse.objects.for_company(patient.company).get(instance=instance)
    assert (response.score, response.band) == (10, "Moderate")

    client.force_login(practitioner)
    chart = client.get(reverse("clinical:chart", kwargs={"patient_id": patient.pk})).content.decode()
    card = reverse("physio:chart_card", kwargs={"patient_id": patient.pk})
    assert f'hx-get="{card}"' in chart  # the chart's card loads by htmx (no query on the chart)
    shown = client.get(card, headers={"HX-Request": "true"}).content.decode()
    assert "GAD-7" in shown and "10 · Moderate" in shown and "<html" not in shown


def test_a_used_link_says_it_was_already_used_and_a_second_submit_adds_nothing(client, patient, practitioner,
                                                                                 templates):
    instance = send(patient, templates["nprs"], practitioner)
    assert client.post(_link(instance), {"pain": "6"}).status_code == 200
    again = client.get(_link(instance))
    assert again.status_code == 410 and "already answered" in again.content.decode()
    resubmit = client.post(_link(instance), {"pain": "2"})
    assert resubmit.status_code == 410
    assert client.post(_save(instance), {"item": "pain", "pain": "1"}).status_code == 410
    assert PromResponse.objects.for_company(patient.company).filter(instance=instance).count() == 1


def test_an_expired_link_says_when_it_expired(client, patient, practitioner, templates):
    instance = send(patient, templates["nprs"], practitioner)
    PromInstance.objects.for_company(patient.company).filter(pk=instance.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    page = client.get(_link(instance))
    assert page.status_code == 410 and "expired" in page.content.decode()


def test_a_token_naming_another_clinic_never_opens_this_clinics_questionnaire(client, patient, practitioner,
                                                                              templates, southbay):
    """The lookup is scoped by the token's company and the instance's UUID: a Southbay-signed token
    carrying a Northwind instance's id finds nothing (404), and so does a tampered one."""
    instance = send(patient, templates["nprs"], practitioner)
    forged = signing.dumps({"c": str(southbay.pk), "i": str(instance.pk)}, salt=physio_signing.PROM_SALT)
    assert client.get(reverse("physio:prom_link", kwargs={"token": forged})).status_code == 404
    assert client.get(_link(instance)[:-3] + "xx/").status_code == 404
    # An intake token is not a PROM token (a salt per kind).
    intake_kind = signing.dumps({"c": str(patient.company_id), "i": str(instance.pk)}, salt=physio_signing.INTAKE_SALT)
    assert client.get(reverse("physio:prom_link", kwargs={"token": intake_kind})).status_code == 404


def test_charlie_from_southbay_signed_in_gets_404_for_a_northwind_link(client, patient, practitioner, templates,
                                                                        southbay_charlie):
    instance = send(patient, templates["nprs"], practitioner)
    client.force_login(southbay_charlie)
    assert client.get(_link(instance)).status_code == 404


def test_the_link_goes_out_by_text_message_or_email_once_the_send_commits(
        patient, practitioner, templates, sms_outbox, django_capture_on_commit_callbacks):
    patient.email = "margaret@example.com"
    patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        by_sms = send(patient, templates["nprs"], practitioner, channel="sms")
        send(patient, templates["odi"], practitioner, channel="email")
    assert len(sms_outbox) == 1 and sms_outbox[0].to == patient.phone
    # The link in the text names this questionnaire (the token is read back, not compared with a new
    # one: a token signed a second later differs in its timestamp).
    token = sms_outbox[0].body.rstrip("/").rsplit("/", 1)[1]
    claims = physio_signing.prom_claims(token)
    assert claims.instance_id == str(by_sms.pk) and claims.company_id == str(patient.company_id)
    assert len(mail.outbox) == 1 and "/physio/p/" in mail.outbox[0].body


def test_a_licensed_instrument_shows_placeholders_and_a_short_response_is_saved_without_a_score(
        client, patient, practitioner, templates):
    instance = send(patient, templates["quickdash"], practitioner)
    assert "replace with the licensed text" in client.get(_link(instance)).content.decode()
    client.post(_link(instance), {f"q{n}": "3" for n in range(1, 10)})  # 9 of 11
    response = PromResponse.objects.for_company(patient.company).get(instance=instance)
    assert response.score is None and "at least 10 of 11" in response.score_reason


def test_an_answer_outside_the_options_is_refused_beside_the_form(client, patient, practitioner, templates):
    instance = send(patient, templates["phq9"], practitioner)
    page = client.post(_link(instance), {"q1": "7"})
    assert page.status_code == 400 and "Choose one of the options" in page.content.decode()
    assert client.post(_save(instance), {"item": "q99", "q99": "1"}).status_code == 400


def test_a_patient_of_another_clinic_cannot_be_sent_this_clinics_template(practitioner, templates, southbay):
    from django.core.exceptions import ValidationError

    elsewhere = PatientFactory(home_site=SiteFactory(institution__company=southbay))
    with pytest.raises(ValidationError):
        send(elsewhere, templates["nprs"], practitioner)
