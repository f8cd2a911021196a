"""Correcting a person's name from the Edit page: coordinators and directors of a program the
person belongs to, with history and audit; nobody else's names."""

import pytest

from apps.academics import services
from apps.audit.models import AuditLog
from apps.tenants.roles import Role
from tests.factories import MembershipFactory, ProgramFactory, SponsorFactory, UserFactory

pytestmark = pytest.mark.django_db


def _edit_url(program, user):
    return f"/programs/{program.pk}/people/{user.pk}/edit/"


def _learner_fields(learner):
    return {"learner-status": learner.status, "learner-pgy_level": str(learner.pgy_level),
            "learner-track": "", "learner-degree": "", "learner-class_year": "",
            "learner-required_clinical_hours": ""}


def test_casey_corrects_rileys_misspelt_name_and_the_history_and_audit_keep_it(client, casey, program, riley):
    client.force_login(casey)
    page = client.get(_edit_url(program, riley.user)).content.decode()
    assert 'name="person-first_name"' in page and 'value="Riley"' in page
    response = client.post(_edit_url(program, riley.user), {
        "person-first_name": " Rylee ", "person-last_name": "Chen-Park", **_learner_fields(riley)})
    assert response.status_code == 302
    riley.user.refresh_from_db()
    assert (riley.user.first_name, riley.user.last_name) == ("Rylee", "Chen-Park")
    latest = riley.user.history.first()
    assert (latest.first_name, latest.history_user) == ("Rylee", casey)
    audit = AuditLog.objects.for_company(program.company).get(action="user.update_name")
    assert audit.actor == casey and audit.changes["last_name"] == ["Chen", "Chen-Park"]
    assert "Rylee Chen-Park" in client.get(f"/programs/{program.pk}/roster/").content.decode()


def test_an_empty_last_name_is_refused_beside_the_field_and_nothing_is_written(client, casey, program, riley):
    client.force_login(casey)
    response = client.post(_edit_url(program, riley.user), {
        "person-first_name": "Rylee", "person-last_name": "  ", **_learner_fields(riley)})
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required." in page
    riley.user.refresh_from_db()
    assert (riley.user.first_name, riley.user.last_name) == ("Riley", "Chen")
    assert not AuditLog.objects.for_company(program.company).filter(action="user.update_name").exists()


def test_saving_an_unchanged_name_records_nothing(client, casey, program, riley):
    client.force_login(casey)
    before = riley.user.history.count()
    client.post(_edit_url(program, riley.user), {
        "person-first_name": "Riley", "person-last_name": "Chen", **_learner_fields(riley)})
    assert riley.user.history.count() == before
    assert not AuditLog.objects.for_company(program.company).filter(action="user.update_name").exists()


def test_casey_cannot_rename_someone_of_another_program_nor_of_southbay(client, casey, program, riley, southbay):
    other_program = ProgramFactory(sponsor=program.sponsor, name="Northwind Psychiatry")
    otto = UserFactory(company=program.company, first_name="Otto", last_name="Other")
    MembershipFactory(user=otto, role=Role.FACULTY, program=other_program)
    sam = UserFactory(company=southbay, first_name="Sam", last_name="Southbay")
    client.force_login(casey)
    assert client.post(_edit_url(program, otto), {"person-first_name": "X", "person-last_name": "Y"}).status_code == 404
    assert client.post(_edit_url(program, sam), {"person-first_name": "X", "person-last_name": "Y"}).status_code == 404
    with pytest.raises(services.ValidationError):
        services.person_name_update(actor=casey, program=program, user=otto, first_name="X", last_name="Y")
    otto.refresh_from_db()
    assert otto.last_name == "Other"


def test_riley_the_resident_cannot_rename_anyone(client, program, riley):
    client.force_login(riley.user)
    response = client.post(_edit_url(program, riley.user), {"person-first_name": "R", "person-last_name": "C"})
    assert response.status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.person_name_update(actor=riley.user, program=program, user=riley.user,
                                    first_name="R", last_name="C")
    riley.user.refresh_from_db()
    assert riley.user.first_name == "Riley"


def test_a_southbay_coordinator_gets_404_on_a_northwind_person(client, program, riley, southbay):
    southbay_program = ProgramFactory(sponsor=SponsorFactory(institution__company=southbay))
    charlie = UserFactory(company=southbay)
    MembershipFactory(user=charlie, role=Role.COORDINATOR, program=southbay_program)
    client.force_login(charlie)
    assert client.post(_edit_url(program, riley.user), {"person-first_name": "X", "person-last_name": "Y"}
                       ).status_code == 404
    riley.user.refresh_from_db()
    assert riley.user.first_name == "Riley"


def test_casey_cannot_rename_a_surgery_faculty_member_who_also_teaches_psychiatry(client, casey, program, riley):
    psychiatry = ProgramFactory(sponsor=program.sponsor, name="Northwind Psychiatry")
    otto = UserFactory(company=program.company, first_name="Otto", last_name="Other")
    MembershipFactory(user=otto, role=Role.FACULTY, program=program)
    MembershipFactory(user=otto, role=Role.FACULTY, program=psychiatry)
    client.force_login(casey)
    response = client.post(_edit_url(program, otto), {"person-first_name": "X", "person-last_name": "Y"})
    assert response.status_code == 200
    assert "only the organization administrator can change their name" in response.content.decode()
    otto.refresh_from_db()
    assert otto.last_name == "Other"


def test_casey_cannot_rename_the_organization_admin_even_when_she_is_faculty_here(client, casey, program):
    olga = UserFactory(company=program.company, first_name="Olga", last_name="Admin")
    MembershipFactory(user=olga, role=Role.ORG_ADMIN, program=None)
    MembershipFactory(user=olga, role=Role.FACULTY, program=program)
    client.force_login(casey)
    response = client.post(_edit_url(program, olga), {"person-first_name": "X", "person-last_name": "Y"})
    assert "only the organization administrator can change their name" in response.content.decode()
    olga.refresh_from_db()
    assert olga.last_name == "Admin"
    with pytest.raises(services.ValidationError):
        services.person_name_update(actor=casey, program=program, user=olga, first_name="X", last_name="Y")


def test_the_org_admin_renames_someone_of_two_programs(client, program):
    psychiatry = ProgramFactory(sponsor=program.sponsor, name="Northwind Psychiatry")
    olga = UserFactory(company=program.company)
    MembershipFactory(user=olga, role=Role.ORG_ADMIN, program=None)
    MembershipFactory(user=olga, role=Role.COORDINATOR, program=program)
    otto = UserFactory(company=program.company, first_name="Otto", last_name="Other")
    MembershipFactory(user=otto, role=Role.FACULTY, program=program)
    MembershipFactory(user=otto, role=Role.FACULTY, program=psychiatry)
    client.force_login(olga)
    assert client.post(_edit_url(program, otto), {"person-first_name": "Otto", "person-last_name": "Ott"}
                       ).status_code == 302
    otto.refresh_from_db()
    assert otto.last_name == "Ott"
