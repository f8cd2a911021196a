import pytest
from django.urls import reverse

from apps.clinical.models import NurseLog
from apps.clinical.services import notes as note_services
from apps.tenants.roles import Role
from tests.clinical.factories import CaseFactory, PatientFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_nora_logs_a_handoff_and_the_site_handoff_view_shows_it(client, nurse, patient, clinic):
    client.force_login(nurse)
    client.post(reverse("clinical:nurse_log", args=[patient.pk]),
                {"kind": NurseLog.Kind.HANDOFF, "text": "Pain controlled; recheck obs at 22:00.", "site": clinic.pk})
    page = client.get(reverse("clinical:handoff", args=[clinic.pk])).content.decode()
    assert "recheck obs at 22:00" in page and "Holloway" in page


def test_reception_cannot_open_the_handoff_view(client, reception, clinic):
    client.force_login(reception)
    assert client.get(reverse("clinical:handoff", args=[clinic.pk])).status_code == 403


def test_a_patient_sees_their_own_summary_but_never_a_confidential_note(client, northwind, clinic, practitioner,
                                                                          make_user):
    login = make_user(northwind, Role.PATIENT)
    patient = PatientFactory(home_site=clinic, portal_user=login, first_name="Iris")
    visit = VisitFactory(case=CaseFactory(patient=patient, responsible_practitioner=practitioner), site=clinic,
                         practitioner=practitioner)
    for confidential, plan in ((False, "Open plan"), (True, "Secret plan")):
        note = note_services.note_start(actor=practitioner, visit=visit, confidential=confidential,
                                        content={"plan": plan})
        note_services.note_sign(actor=practitioner, note=note)
    client.force_login(login)
    response = client.get(reverse("clinical:portal"))
    assert response.status_code == 200 and "Iris" in response.content.decode()
    body = response.content.decode()
    assert "Open plan" in body and "Secret plan" not in body
    assert client.get(reverse("clinical:chart", args=[patient.pk])).status_code == 403
