import datetime

import pytest
from django.urls import reverse

from apps.audit.models import AuditLog
from apps.clinical import access
from apps.clinical.models import BASELINE_ROLE_CODES, Patient, RolePermission
from apps.tenants.roles import Role
from tests.clinical.factories import PatientFactory

pytestmark = pytest.mark.django_db

NEW_PATIENT = {"first_name": "Ada", "last_name": "Quist", "date_of_birth": "1984-02-29", "sex": "female",
               "phone": "(555) 123-4567", "emergency_name": "Olaf Quist", "emergency_relationship": "brother",
               "emergency_phone": "555-9999", "insurance_payer": "Harbor Mutual", "insurance_member_id": "HM-1"}


def test_every_new_company_starts_with_the_baseline_role_codes(northwind):
    held = set(RolePermission.objects.for_company(northwind).values_list("role", "code"))
    assert held == {(role, code) for role, codes in BASELINE_ROLE_CODES.items() for code in codes}


def test_clinician_keeps_working_with_practitioner_codes(northwind, clinic, make_user):
    claire = make_user(northwind, Role.CLINICIAN, site=clinic)
    assert access.user_has_code(claire, "note.cosign", clinic)
    assert access.user_has_code(claire, "patient.read")


def test_codes_hold_only_at_the_site_of_the_membership(northwind, clinic, sponsor, practitioner):
    from tests.factories import SiteFactory

    other = SiteFactory(institution=sponsor.institution, name="Other clinic")
    assert access.user_has_code(practitioner, "note.sign", clinic)
    assert not access.user_has_code(practitioner, "note.sign", other)


def test_rita_at_reception_registers_a_patient_with_the_company_mrn_format(client, reception, clinic):
    client.force_login(reception)
    response = client.post(reverse("clinical:patient_new"), {**NEW_PATIENT, "home_site": clinic.pk})
    ada = Patient.objects.for_company(clinic.company).get(last_name="Quist")
    assert response.status_code == 302 and response.url == reverse("clinical:chart", args=[ada.pk])
    assert ada.mrn == "COM-000001" or ada.mrn.endswith("000001")
    assert ada.emergency_contacts == [{"name": "Olaf Quist", "relationship": "brother", "phone": "555-9999"}]
    assert AuditLog.objects.for_company(clinic.company).filter(action="patient.create", entity_id=str(ada.pk)).exists()
    client.post(reverse("clinical:patient_new"), {**NEW_PATIENT, "first_name": "Bea", "home_site": clinic.pk})
    bea = Patient.objects.for_company(clinic.company).get(first_name="Bea")
    assert int(bea.mrn[-6:]) == int(ada.mrn[-6:]) + 1


def test_a_possible_duplicate_is_shown_before_saving_and_needs_a_confirmation(client, reception, clinic):
    PatientFactory(home_site=clinic, first_name="Ada", last_name="Quist", date_of_birth=datetime.date(1984, 2, 29),
                   mrn="X-1")
    client.force_login(reception)
    response = client.post(reverse("clinical:patient_new"), {**NEW_PATIENT, "home_site": clinic.pk})
    assert response.status_code == 200
    assert "Possible duplicate" in response.content.decode() and "X-1" in response.content.decode()
    assert Patient.objects.for_company(clinic.company).filter(last_name="Quist").count() == 1
    response = client.post(reverse("clinical:patient_new"),
                           {**NEW_PATIENT, "home_site": clinic.pk, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Patient.objects.for_company(clinic.company).filter(last_name="Quist").count() == 2


@pytest.mark.parametrize("query", ["Holowey", "hollowy", "margret", "T-000", "1970-05-17", "05/17/1970", "5550142"])
def test_search_finds_margaret_despite_typos_and_by_mrn_dob_or_phone(client, reception, clinic, query):
    PatientFactory(home_site=clinic, first_name="Margaret", last_name="Holloway", mrn="T-000777", phone="555-0142")
    PatientFactory(home_site=clinic, first_name="Zed", last_name="Xylo", mrn="Q-1", phone="111",
                   date_of_birth=datetime.date(2001, 1, 1))
    client.force_login(reception)
    body = client.get(reverse("clinical:home"), {"q": query}).content.decode()
    assert "Holloway" in body
    assert "Xylo" not in body


def test_the_best_match_comes_first_and_a_common_name_pages_without_counting_everyone(client, reception, clinic):
    PatientFactory.create_batch(30, home_site=clinic, first_name="Ann", last_name="Hollis")
    PatientFactory(home_site=clinic, first_name="Margaret", last_name="Holloway")
    client.force_login(reception)
    first = client.get(reverse("clinical:home"), {"q": "holloway"}).content.decode()
    assert first.index("Holloway, Margaret") < first.index("Hollis, Ann")  # exact beats similar
    assert "Matches 1–25, best first" in first and "page=2" in first
    second = client.get(reverse("clinical:home"), {"q": "holloway", "page": "2"}).content.decode()
    assert "Matches 26–31" in second and "page=2" not in second and second.count("Hollis, Ann") == 6
    assert client.get(reverse("clinical:home"), {"q": "hollis", "page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("patients", [5, 40])
def test_a_search_takes_the_same_queries_for_5_or_40_patients(client, reception, clinic, patients,
                                                             django_assert_num_queries):
    PatientFactory.create_batch(patients, home_site=clinic, first_name="Ann", last_name="Hollis")
    client.force_login(reception)
    client.get(reverse("clinical:home"), {"q": "hollis"})
    # session, user, memberships, role codes, one LIMIT query for the page (no COUNT), the page shell's
    # unread badge
    with django_assert_num_queries(4):
        assert client.get(reverse("clinical:home"), {"q": "hollis"}).status_code == 200


@pytest.mark.parametrize("patients", [5, 40])
def test_a_practitioners_search_takes_the_same_queries_for_5_or_40_patients(client, practitioner, clinic, patients,
                                                                          django_assert_num_queries):
    PatientFactory.create_batch(patients, home_site=clinic, first_name="Ann", last_name="Hollis")
    client.force_login(practitioner)
    client.get(reverse("clinical:home"), {"q": "hollis"})
    # reception's four, and the practitioner's home bits: the count of notes to co-sign, the sites
    # whose shift handoff they may read
    with django_assert_num_queries(6):
        body = client.get(reverse("clinical:home"), {"q": "hollis"}).content.decode()
    assert body.count("Hollis, Ann") == min(patients, 25)
    assert f'<a href="{reverse("clinical:handoff", args=[clinic.pk])}">Handoff: Harbor Street Clinic</a>' in body


def test_a_removed_patient_keeps_the_reason_and_leaves_the_search(client, reception, clinic, patient):
    client.force_login(reception)
    assert client.post(reverse("clinical:patient_delete", args=[patient.pk]), {"reason": ""}).status_code == 200
    client.post(reverse("clinical:patient_delete", args=[patient.pk]), {"reason": "Registered twice"})
    patient = Patient.all_objects.for_company(clinic.company).get(pk=patient.pk)
    assert patient.is_deleted and patient.delete_reason == "Registered twice"
    assert "Nobody matches" in client.get(reverse("clinical:home"), {"q": "Holloway"}).content.decode()
    assert client.get(reverse("clinical:chart", args=[patient.pk])).status_code == 404


def test_an_org_admin_changes_what_reception_may_do_and_it_is_audited(client, northwind, clinic, reception,
                                                                          patient, make_user):
    admin = make_user(northwind, Role.ORG_ADMIN)
    client.force_login(admin)
    page = client.get(reverse("clinical:roles"))
    assert page.status_code == 200 and "patient.read" in page.content.decode()
    client.post(reverse("clinical:roles"), {"role": Role.RECEPTION, "codes": ["patient.write"]})
    entry = AuditLog.objects.for_company(northwind).get(action="role_permissions.change")
    assert entry.changes["removed"] == ["appointment.manage", "billing.view", "patient.read", "prom.send"]
    client.force_login(reception)
    assert client.get(reverse("clinical:chart", args=[patient.pk])).status_code == 403


def test_reception_loses_chart_access_at_the_next_request_when_the_org_admin_removes_it(
        client, northwind, clinic, reception, patient, make_user):
    from django.test import Client

    client.force_login(reception)
    assert client.get(reverse("clinical:home")).status_code == 200  # the company's codes are now cached
    admin = Client()
    admin.force_login(make_user(northwind, Role.ORG_ADMIN))
    admin.post(reverse("clinical:roles"), {"role": Role.RECEPTION, "codes": ["patient.write"]})
    assert client.get(reverse("clinical:home")).status_code == 403


def test_only_org_admins_see_the_roles_page(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("clinical:roles")).status_code == 403


def test_charlie_from_southbay_gets_404_on_a_northwind_chart(client, southbay_charlie, patient):
    client.force_login(southbay_charlie)
    assert client.get(reverse("clinical:chart", args=[patient.pk])).status_code == 404
