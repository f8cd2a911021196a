"""Adding and editing people on the roster without a file: the Add person page, the Edit page,
ending a role, invitations, and the same rules through the learners API."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.academics.models import Faculty, Learner
from apps.audit.models import AuditLog
from apps.tenants.models import Membership, User
from apps.tenants.roles import Role
from tests.factories import (
    FacultyFactory,
    LearnerFactory,
    MembershipFactory,
    ProgramFactory,
    SponsorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PRIYA = {"email": "Priya.Raman@northwind.example", "first_name": "Priya", "last_name": "Raman",
         "roles": ["resident"], "pgy_level": "1", "entry_pgy_level": "1", "matriculation_date": "2026-07-01",
         "track": "Categorical", "degree": "MD", "medical_school": "Lakeside School of Medicine", "key": "add-1"}


def _add(client, program, **changes):
    return client.post(f"/programs/{program.pk}/people/add/", {**PRIYA, **changes})


def test_casey_adds_priya_a_new_pgy1_who_sets_her_password_through_the_invitation_and_signs_in(
        client, casey, program, mailoutbox, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://rounds.example"
    client.force_login(casey)
    assert 'name="key"' in client.get(f"/programs/{program.pk}/people/add/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _add(client, program)
    priya = User.objects.for_company(program.company).get(email="priya.raman@northwind.example")
    assert response.status_code == 302 and response["Location"] == f"/programs/{program.pk}/people/{priya.pk}/"
    learner = program.learners.get(user=priya)
    assert (learner.kind, learner.pgy_level, learner.entry_pgy_level, learner.track, learner.degree) == (
        "resident", 1, 1, "Categorical", "MD")
    assert learner.matriculation_date == datetime.date(2026, 7, 1) and not priya.has_usable_password()
    assert learner.history.get().history_user == casey
    assert set(AuditLog.objects.for_company(program.company).values_list("action", flat=True)) >= {
        "user.create", "learner.add", "membership.create"}
    [mail] = mailoutbox
    assert mail.to == ["priya.raman@northwind.example"] and "Northwind General Surgery" in mail.subject
    link = re.search(r"https://rounds\.example(/accounts/reset/\S+/)", mail.body).group(1)

    client.logout()
    set_password_page = client.get(link)
    assert set_password_page.status_code == 302  # Django swaps the token for a session and redirects
    done = client.post(set_password_page["Location"], {"new_password1": "a-long-Pass-phrase-42",
                                                       "new_password2": "a-long-Pass-phrase-42"})
    assert done.status_code == 302
    signed_in = client.post("/accounts/login/", {"username": "priya.raman@northwind.example",
                                                 "password": "a-long-Pass-phrase-42"})
    assert signed_in.status_code == 302 and client.get("/programs/schedule/").status_code == 200
    client.logout()
    assert client.get(link).status_code == 200  # used once: the page now says the link is invalid
    assert client.post(set_password_page["Location"], {"new_password1": "x-Other-pass-99",
                                                       "new_password2": "x-Other-pass-99"}).status_code == 200


def test_a_double_submitted_add_form_creates_one_person_and_one_invitation(
        client, casey, program, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(casey)
    with django_capture_on_commit_callbacks(execute=True):
        first, second = _add(client, program), _add(client, program)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert program.learners.count() == 1 and len(mailoutbox) == 1
    assert Membership.objects.for_company(program.company).filter(program=program, role=Role.RESIDENT).count() == 1
    again = _add(client, program, key="add-2")  # a new form for the same person says so beside the email
    assert "already has that role" in again.content.decode() and program.learners.count() == 1


def test_casey_cannot_add_someone_from_southbay_and_is_not_told_whose_they_are(
        client, casey, program, southbay, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(company=southbay, email="sam@southbay.example")
    client.force_login(casey)
    with django_capture_on_commit_callbacks(execute=True):
        response = _add(client, program, email="SAM@southbay.example")
    body = response.content.decode()
    assert response.status_code == 200
    assert "This email address cannot be added here. Ask the person for the address they use with you." in body and "Southbay" not in body
    assert not program.learners.exists() and not mailoutbox
    assert not Membership.objects.for_company(program.company).filter(program=program, role=Role.RESIDENT).exists()


def test_a_resident_without_a_pgy_is_refused_beside_the_field_and_nothing_is_written(client, casey, program):
    client.force_login(casey)
    body = _add(client, program, pgy_level="").content.decode()
    assert "A resident needs a PGY level (1–10)." in body
    assert not User.objects.for_company(program.company).filter(email="priya.raman@northwind.example").exists()


def test_casey_adds_a_colleague_as_core_faculty_and_preceptor_without_an_invitation(
        client, casey, program, mailoutbox, django_capture_on_commit_callbacks):
    colleague = UserFactory(company=program.company, email="omar@northwind.example", last_name="Haddad")
    client.force_login(casey)
    with django_capture_on_commit_callbacks(execute=True):
        response = _add(client, program, email="omar@northwind.example", first_name="Ignored", last_name="Ignored",
                        roles=["faculty", "preceptor"], pgy_level="", rank="associate_professor",
                        department="Surgery", is_core_faculty="on", teaching_percentage="40",
                        confirm_existing="on")
    assert response.status_code == 302 and not mailoutbox
    faculty = program.faculty.get(user=colleague)
    assert (faculty.rank, faculty.department, faculty.is_core_faculty, faculty.teaching_percentage) == (
        "associate_professor", "Surgery", True, 40)
    assert set(Membership.objects.for_company(program.company).filter(user=colleague).values_list(
        "role", flat=True)) == {"faculty", "preceptor"}
    colleague.refresh_from_db()
    assert colleague.last_name == "Haddad"  # an existing account keeps its name
    roster = client.get(f"/programs/{program.pk}/roster/", {"role": "preceptor"}).content.decode()
    assert "Haddad" in roster and "Faculty, Preceptor" in roster


def test_casey_edits_riley_and_a_bad_value_is_refused_beside_the_field(client, casey, program, riley):
    client.force_login(casey)
    page = client.get(f"/programs/{program.pk}/people/{riley.user_id}/")
    assert f'/programs/{program.pk}/people/{riley.user_id}/edit/' in page.content.decode()
    form = {"person-first_name": "Riley", "person-last_name": "Chen", "learner-status": "probation", "learner-pgy_level": "4", "learner-track": "Research",
            "learner-degree": "DO", "learner-class_year": "", "learner-required_clinical_hours": ""}
    assert client.post(f"/programs/{program.pk}/people/{riley.user_id}/edit/", form).status_code == 302
    riley.refresh_from_db()
    assert (riley.status, riley.pgy_level, riley.track, riley.degree) == ("probation", 4, "Research", "DO")
    assert riley.history.first().history_user == casey
    bad = client.post(f"/programs/{program.pk}/people/{riley.user_id}/edit/", {**form, "learner-pgy_level": ""})
    assert "A resident needs a PGY level (1–10)." in bad.content.decode()
    riley.refresh_from_db()
    assert riley.pgy_level == 4


def test_casey_ends_faiths_faculty_role_and_the_history_keeps_it(client, casey, program):
    faith = FacultyFactory(program=program, user__last_name="Okafor", teaching_percentage=20)
    membership = Membership.objects.for_company(program.company).get(user=faith.user, role=Role.FACULTY)
    client.force_login(casey)
    too_much = client.post(f"/programs/{program.pk}/people/{faith.user_id}/edit/", {
        "faculty-rank": "professor", "faculty-teaching_percentage": "150"})
    assert "Ensure this value is less than or equal to 100." in too_much.content.decode()
    faith.refresh_from_db()
    assert faith.teaching_percentage == 20
    response = client.post(f"/programs/{program.pk}/people/{faith.user_id}/end-role/",
                           {"membership": membership.pk, "ended_on": "2026-06-30"})
    assert response.status_code == 302
    membership.refresh_from_db()
    faith.refresh_from_db()
    assert (membership.is_active, membership.ended_on) == (False, datetime.date(2026, 6, 30))
    assert (faith.is_active, faith.ended_on) == (False, datetime.date(2026, 6, 30))
    assert membership.history.count() == 2 and membership.history.first().history_user == casey
    assert AuditLog.objects.for_company(program.company).filter(action="membership.end").count() == 1
    inactive = client.get(f"/programs/{program.pk}/roster/", {"status": "inactive"}).content.decode()
    assert "Okafor" in inactive


def test_riley_the_resident_gets_403_on_add_person_and_on_edit(client, program, riley):
    client.force_login(riley.user)
    assert client.get(f"/programs/{program.pk}/people/add/").status_code == 403
    assert _add(client, program).status_code == 403
    assert client.get(f"/programs/{program.pk}/people/{riley.user_id}/edit/").status_code == 403
    assert "/edit/" not in client.get(f"/programs/{program.pk}/people/{riley.user_id}/").content.decode()
    assert not User.objects.for_company(program.company).filter(email="priya.raman@northwind.example").exists()


def test_the_roster_import_invites_only_the_people_it_creates(
        client, casey, program, riley, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(casey)
    client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": SimpleUploadedFile(
        "r.csv", b"email,first_name,last_name,role,pgy,track\n"
                 b"riley@northwind.example,Riley,Chen,resident,3,\n"
                 b"new.person@northwind.example,New,Person,student,,\n", content_type="text/csv")})
    token = client.session["academics_import"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/programs/{program.pk}/import/confirm/", {"token": token}).status_code == 302
    assert [m.to for m in mailoutbox] == [["new.person@northwind.example"]]
    assert "/accounts/reset/" in mailoutbox[0].body


# ---------------------------------------------------------------- API
def test_casey_creates_and_updates_a_learner_through_the_api_with_the_same_rules(
        client, casey, program, southbay, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(casey)
    payload = {"program": str(program.pk), "email": "noor@northwind.example", "first_name": "Noor",
               "last_name": "Aziz", "kind": "resident", "pgy_level": 2, "track": "Prelim",
               "company": str(southbay.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/learners/", payload, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["email"], body["pgy_level"], body["track"], body["kind"]) == ("noor@northwind.example", 2,
                                                                              "Prelim", "resident")
    learner = program.learners.get(pk=body["id"])
    assert learner.company_id == program.company_id and len(mailoutbox) == 1
    no_pgy = client.post("/api/learners/", {**payload, "email": "x@northwind.example", "pgy_level": None},
                         content_type="application/json")
    assert no_pgy.status_code == 400 and "pgy_level" in no_pgy.json()
    updated = client.patch(f"/api/learners/{learner.pk}/", {"pgy_level": 3, "status": "leave_of_absence",
                                                            "email": "changed@northwind.example"},
                           content_type="application/json")
    assert updated.status_code == 200 and updated.json()["pgy_level"] == 3
    learner.refresh_from_db()
    assert (learner.pgy_level, learner.status, learner.user.email) == (3, "leave_of_absence", "noor@northwind.example")
    out_of_range = client.patch(f"/api/learners/{learner.pk}/", {"pgy_level": 12}, content_type="application/json")
    assert out_of_range.status_code == 400 and "pgy_level" in out_of_range.json()


def test_the_api_refuses_a_southbay_email_and_a_southbay_program(client, casey, program, southbay):
    UserFactory(company=southbay, email="sam@southbay.example")
    other = ProgramFactory(sponsor=SponsorFactory(institution__company=southbay))
    client.force_login(casey)
    base = {"program": str(program.pk), "first_name": "Sam", "last_name": "Lee", "kind": "student"}
    taken = client.post("/api/learners/", {**base, "email": "sam@southbay.example"}, content_type="application/json")
    assert taken.status_code == 400
    assert taken.json()["email"] == ["This email address cannot be added here. Ask the person for the address they use with you."]
    elsewhere = client.post("/api/learners/", {**base, "email": "new@northwind.example", "program": str(other.pk)},
                            content_type="application/json")
    assert elsewhere.status_code == 400 and "program" in elsewhere.json()
    assert not Learner.objects.for_company(southbay).exists() and not Learner.objects.for_company(program.company).exists()


def test_riley_cannot_create_learners_through_the_api(client, program, riley):
    client.force_login(riley.user)
    response = client.post("/api/learners/", {"program": str(program.pk), "email": "z@northwind.example",
                                              "first_name": "Z", "last_name": "Z", "kind": "student"},
                           content_type="application/json")
    assert response.status_code == 400 and "program" in response.json()
    assert client.patch(f"/api/learners/{riley.pk}/", {"pgy_level": 9},
                        content_type="application/json").status_code == 404


def test_the_api_schema_is_served(client, casey):
    client.force_login(casey)
    response = client.get("/api/schema/")
    assert response.status_code == 200 and b"/api/learners/" in response.content


def test_faculty_records_stay_unique_when_casey_re_adds_an_ended_faculty_member(client, casey, program):
    faith = FacultyFactory(program=program)
    membership = Membership.objects.for_company(program.company).get(user=faith.user, role=Role.FACULTY)
    client.force_login(casey)
    client.post(f"/programs/{program.pk}/people/{faith.user_id}/end-role/",
                {"membership": membership.pk, "ended_on": "2026-06-30"})
    response = _add(client, program, email=faith.user.email, roles=["faculty"], pgy_level="", key="re-add",
                    confirm_existing="on")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active and membership.ended_on is None
    assert Faculty.objects.for_company(program.company).filter(user=faith.user).get().is_active


# ---------------------------------------------------------------- an address that is already someone's
def test_adding_rileys_address_as_faculty_says_whose_it_is_and_needs_casey_to_confirm(client, casey, program, riley):
    client.force_login(casey)
    first = _add(client, program, email="RILEY@northwind.example", first_name="Dup", last_name="Dup",
                 roles=["faculty"], pgy_level="", key="dup-1")
    body = first.content.decode()
    assert first.status_code == 200
    assert "riley@northwind.example already belongs to Riley Chen (Resident in Northwind General Surgery)" in body
    assert "the name you typed (“Dup Dup”) is not used" in body and 'name="confirm_existing"' in body
    assert not program.faculty.exists()
    assert not Membership.objects.for_company(program.company).filter(user=riley.user, role=Role.FACULTY).exists()

    confirmed = _add(client, program, email="riley@northwind.example", first_name="Dup", last_name="Dup",
                     roles=["faculty"], pgy_level="", key="dup-1", confirm_existing="on")
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/programs/{program.pk}/people/{riley.user_id}/"
    assert program.faculty.get().user == riley.user
    riley.user.refresh_from_db()
    assert (riley.user.first_name, riley.user.last_name) == ("Riley", "Chen")


def test_a_new_address_needs_no_confirmation_and_the_box_is_not_shown(client, casey, program):
    client.force_login(casey)
    assert 'name="confirm_existing"' not in client.get(f"/programs/{program.pk}/people/add/").content.decode()
    assert _add(client, program).status_code == 302


def test_the_api_refuses_an_existing_persons_address_until_add_existing_person_is_sent(client, casey, program, riley):
    client.force_login(casey)
    payload = {"program": str(program.pk), "email": "riley@northwind.example", "first_name": "Dup",
               "last_name": "Dup", "kind": "student"}
    refused = client.post("/api/learners/", payload, content_type="application/json")
    assert refused.status_code == 400 and "already belongs to Riley Chen" in refused.json()["add_existing_person"][0]
    riley.refresh_from_db()
    assert riley.kind == "resident"


# ---------------------------------------------------------------- identity edits stay within what one manages
@pytest.fixture
def psychiatry(program):
    return ProgramFactory(sponsor=program.sponsor, name="Northwind Psychiatry")


@pytest.fixture
def dana(program):
    """Dana directs the surgery program (not the organization administrator)."""
    user = UserFactory(company=program.company, email="dana@northwind.example", first_name="Dana")
    MembershipFactory(user=user, role=Role.PROGRAM_DIRECTOR, program=program)
    return user


@pytest.fixture
def olga(program):
    """Olga is the organization administrator."""
    user = UserFactory(company=program.company, email="olga@northwind.example", first_name="Olga")
    MembershipFactory(user=user, role=Role.ORG_ADMIN, program=None)
    return user


def test_dana_cannot_attach_a_psychiatry_resident_as_surgery_preceptor_but_the_org_admin_can(
        client, dana, olga, program, psychiatry):
    ivan = LearnerFactory(program=psychiatry, user__email="ivan@northwind.example", pgy_level=2).user
    client.force_login(dana)
    refused = _add(client, program, email=ivan.email, roles=["preceptor"], pgy_level="", key="iv-1",
                   confirm_existing="on")
    assert refused.status_code == 200
    assert "Ask the organization administrator to add this person here." in refused.content.decode()
    assert not Membership.objects.for_company(program.company).filter(user=ivan, program=program).exists()

    client.force_login(olga)
    MembershipFactory(user=olga, role=Role.COORDINATOR, program=program)  # she may open the surgery pages
    assert _add(client, program, email=ivan.email, roles=["preceptor"], pgy_level="", key="iv-2",
                confirm_existing="on").status_code == 302
    assert Membership.objects.for_company(program.company).filter(user=ivan, program=program, role="preceptor").exists()


def test_dana_cannot_make_a_student_a_program_director_only_the_org_admin_can(client, dana, olga, program):
    sasha = LearnerFactory(program=program, kind="student", pgy_level=None, user__email="sasha@northwind.example").user
    client.force_login(dana)
    refused = _add(client, program, email=sasha.email, roles=["program_director"], pgy_level="", key="pd-1",
                   confirm_existing="on")
    assert "Only the organization administrator can make someone a program director." in refused.content.decode()
    assert not Membership.objects.for_company(program.company).filter(user=sasha, role=Role.PROGRAM_DIRECTOR).exists()
    client.force_login(olga)
    MembershipFactory(user=olga, role=Role.COORDINATOR, program=program)
    assert _add(client, program, email=sasha.email, roles=["program_director"], pgy_level="", key="pd-2",
                confirm_existing="on").status_code == 302


def test_dana_cannot_grant_director_through_a_roster_import_either(client, dana, program):
    client.force_login(dana)
    csv = b"email,first_name,last_name,role\nnew.pd@northwind.example,New,Director,program_director\n"
    preview = client.post(f"/programs/{program.pk}/import/", {
        "kind": "roster", "file": SimpleUploadedFile("roster.csv", csv, content_type="text/csv")})
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    applied = client.post(f"/programs/{program.pk}/import/confirm/", {"token": token}, follow=True)
    assert "Only the organization administrator can make someone a program director." in applied.content.decode()
    assert not Membership.objects.for_company(program.company).filter(role=Role.PROGRAM_DIRECTOR).exclude(
        user=dana).exists()
