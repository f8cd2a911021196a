"""`make demo` from a fresh database: every demo login reaches its home page, seeding twice changes
nothing, and each context's demo data is there and wired up.

seed_demo takes seconds, so it runs once for this whole module (``demo``), not once per test."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from apps.academics.models import Learner, Program, RotationAssignment
from apps.core import rls
from apps.core.scoping import unscoped
from apps.tenants.access import has_role
from apps.tenants.demo import DEMO_PASSWORD, DEMO_ROLES, DEMO_TOTP_SECRET
from apps.tenants.models import Company, Membership, User
from apps.tenants.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """One seed_demo for every test in this module, inside a transaction that is rolled back after
    the last one: the tests in other modules still start from an empty database. Each test runs in
    a savepoint of it (pytest-django's ``db``), so what one test changes the next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        with rls.bypass("tests: the demo seed is platform code"):
            call_command("seed_demo", stdout=io.StringIO())
            # Check the deferred foreign keys now, once; otherwise every test's teardown checks them again.
            connection.check_constraints()
        yield
        transaction.set_rollback(True)


def _demo_code():
    """What an authenticator app holding the README's demo secret shows now."""
    import base64

    from django_otp.oath import totp

    return f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"


def _counts():
    with unscoped("test: counting every tenant's rows"):
        return {model.__name__: model.objects.count()
                for model in (User, Membership, Program, Learner, RotationAssignment)}


def test_seeding_the_demo_twice_changes_nothing():
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first


def test_every_demo_login_reaches_its_home_page(client):
    logins = [f"{role}@{tenant}.example" for tenant in ("northwind", "southbay") for role in DEMO_ROLES]
    for email in logins:
        client.logout()
        response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD}, follow=True)
        # A clinical role (the clinician; the student and resident on rotation at the clinic): the
        # demo authenticator's code is asked for.
        if email.split("@")[0] in ("clinician", "student", "resident"):
            assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify")), email
            response = client.post(response.redirect_chain[-1][0], {"token": _demo_code()}, follow=True)
        assert response.status_code == 200, email
        assert response.redirect_chain[-1][0] == reverse("home"), email
        assert "Your roles" in response.content.decode(), email

    client.logout()
    response = client.post(reverse("login"), {"username": "admin@rounds.example", "password": DEMO_PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    response = client.post(response.redirect_chain[-1][0], {"token": _demo_code()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index") and response.status_code == 200


def test_the_demo_programs_have_their_people_roles_and_schedules(client):
    with unscoped("test: looking at both demo tenants"):
        northwind = Company.objects.get(subdomain="northwind")
        users = {role: User.objects.get(email=f"{role}@northwind.example") for role in DEMO_ROLES}
        programs = Program.objects.filter(company=northwind)
        surgery = programs.get(name="Northwind General Surgery Residency")
        assert surgery.learners.filter(kind="resident").count() == 26
        assert surgery.learners.get(user=users["resident"]).pgy_level == 3
        assert has_role(users["director"], Role.PROGRAM_DIRECTOR, program=surgery)
        assert programs.count() == 3
        assert all(has_role(users["coordinator"], Role.COORDINATOR, program=program) for program in programs)
        assert programs.get(name="Northwind Third-Year Clerkship").learners.filter(user=users["student"]).exists()
        assert RotationAssignment.objects.for_company(northwind).filter(
            primary_supervisor__user=users["faculty"]).exists()
        assert Program.objects.get(name="Southbay General Surgery Residency").learners.count() == 7
        year = surgery.academic_years.get()
        assert year.blocks.count() == 13
    client.force_login(users["coordinator"])
    assert client.get(f"/programs/{surgery.pk}/years/{year.pk}/grid/").status_code == 200


def test_the_demo_residents_dashboard_shows_her_seeded_assessments(client):
    """The analytics views are refreshed by seed_demo, so the dashboards are not empty on day one."""
    from apps.analytics.models import ResidentEPAProgress

    response = client.post(reverse("login"), {"username": "resident@northwind.example", "password": DEMO_PASSWORD},
                           follow=True)  # she is on rotation at the clinic: a clinical role, so two-factor
    client.post(response.redirect_chain[-1][0], {"token": _demo_code()})
    with unscoped("test: find the demo resident"):
        riley = Learner.objects.select_related("user").get(user__email="resident@northwind.example",
                                                           program__name__contains="Surgery")
    rows = ResidentEPAProgress.objects.for_company(riley.company_id).filter(learner_id=riley.pk)
    assert sum(row.assessment_count for row in rows) > 20
    page = client.get(reverse("analytics_learner_progress", args=[riley.pk]))
    assert page.status_code == 200 and "Appendicitis" in page.content.decode()



def test_the_demo_internal_medicine_ccc_and_surgery_packets(client):
    """Issue 18: a completed mid-year CCC (half the residents reviewed), a planned one for the rest;
    the IM resident reads her review; surgery's packets come from two years of assessments."""
    from apps.ccc.models import CCCMeeting

    with unscoped("test: the demo's CCC"):
        medicine = Program.objects.get(name="Northwind Internal Medicine Residency")
        meetings = {m.status: m for m in CCCMeeting.objects.filter(program=medicine)}
        done, planned = meetings["completed"], meetings["planned"]
        residents = medicine.learners.filter(kind="resident").count()
        assert done.reviews.count() == done.residents.count() == residents // 2
        assert done.residents.count() + planned.residents.count() == residents
        assert done.milestone_assessments.count() == 21 * done.reviews.count()
        assert medicine.milestone_set.milestones.count() == 21
        surgery = CCCMeeting.objects.get(program__name="Northwind General Surgery Residency")
        riley = Learner.objects.get(user__email="resident@northwind.example", program=surgery.program)
    client.post(reverse("login"), {"username": "im-resident@northwind.example", "password": DEMO_PASSWORD})
    page = client.get(reverse("ccc:my_reviews")).content.decode()
    assert "Mid-year 2026-2027" in page
    client.logout()
    client.post(reverse("login"), {"username": "faculty@northwind.example", "password": DEMO_PASSWORD})
    packet = client.get(reverse("ccc:resident", args=[surgery.pk, riley.pk]))
    assert packet.status_code == 200
    assert 'class="suggested"' in packet.content.decode()


def test_harbor_street_physio_patients_have_evaluations_maps_plans_and_improving_proms(client):
    from apps.physio.models import Evaluation, ExerciseFeedback, PainAssessment, PromFlag, PromResponse

    with unscoped("test: the physio demo"):
        northwind = Company.objects.get(subdomain="northwind")
        responses = list(PromResponse.objects.for_company(northwind).order_by("submitted_at"))
        patients = {r.patient_id for r in responses}
        assert len(patients) == 4
        for patient_id in patients:
            assert Evaluation.objects.for_company(northwind).filter(patient_id=patient_id, status="signed").exists()
            assert PainAssessment.objects.for_company(northwind).filter(patient_id=patient_id).count() == 2
            own = [r for r in responses if r.patient_id == patient_id and r.instrument != "phq9"]
            assert 3 <= len(own) <= 4
            first, last = own[0].score, own[-1].score
            better = last > first if own[0].instrument == "lefs" else last < first
            assert better, own[0].instrument
        assert ExerciseFeedback.objects.for_company(northwind).count() >= 4
        flags = PromFlag.objects.for_company(northwind).filter(acknowledged_at__isnull=True)
        assert flags.count() == 1 and flags.get().kind == "phq9_item9"
        practitioner = User.objects.get(email="practitioner@northwind.example")
        flagged = flags.get().patient
    client.force_login(practitioner)
    page = client.get(reverse("physio:patient", kwargs={"patient_id": flagged.pk})).content.decode()
    assert "Urgent:" in page and "Neck Disability Index" in page and page.count('class="bodymap"') == 2
