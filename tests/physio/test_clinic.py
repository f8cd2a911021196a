"""Pat's clinic side: a signed evaluation, pain maps side by side, plans with handouts and feedback,
intake forms reviewed before anything is overwritten."""

import datetime

import pytest
from django.urls import reverse

from apps.physio.models import (
    Evaluation,
    ExerciseFeedback,
    IntakeForm,
    PainAssessment,
    SignedEvaluationError,
    TreatmentPlan,
)
from apps.physio.services import evaluations as evaluation_services
from apps.physio.services import intake as intake_services
from apps.physio.services import plans as plan_services
from tests.clinical.factories import VisitFactory

pytestmark = pytest.mark.django_db


def test_pat_writes_and_signs_an_evaluation_which_then_never_changes(client, practitioner, visit):
    client.force_login(practitioner)
    created = client.post(reverse("physio:evaluation_new", kwargs={"visit_id": visit.pk}), {
        "presenting_complaint": "Low back pain for six weeks", "goals": "Walk 30 minutes"})
    evaluation = Evaluation.objects.for_company(visit.company).get()
    assert created.status_code == 302 and evaluation.content["goals"] == "Walk 30 minutes"
    client.post(reverse("physio:evaluation_sign", kwargs={"evaluation_id": evaluation.pk}))
    evaluation.refresh_from_db()
    assert evaluation.is_signed and len(evaluation.signed_digest) == 64
    assert evaluation_services.evaluation_digest_matches(evaluation)
    edit = client.post(reverse("physio:evaluation", kwargs={"evaluation_id": evaluation.pk}), {"goals": "changed"})
    assert edit.status_code == 403
    with pytest.raises(SignedEvaluationError):
        evaluation_services.evaluation_save(actor=practitioner, evaluation=evaluation, content={"goals": "x"})
    # Altered behind the service's back (an UPDATE): the page says so.
    Evaluation.objects.for_company(visit.company).filter(pk=evaluation.pk).update(content={"goals": "tampered"})
    page = client.get(reverse("physio:evaluation", kwargs={"evaluation_id": evaluation.pk})).content.decode()
    assert "ALTERED" in page


def test_nurse_nora_cannot_write_an_evaluation(client, nurse, visit):
    client.force_login(nurse)
    assert client.get(reverse("physio:evaluation_new", kwargs={"visit_id": visit.pk})).status_code == 403


def test_pat_taps_the_left_knee_on_the_body_map_and_the_last_two_maps_show_side_by_side(
        client, practitioner, visit, patient):
    client.force_login(practitioner)
    url = reverse("physio:pain_new", kwargs={"visit_id": visit.pk})
    picked = client.post(url, {"nprs_now": "6", "pick": "knee:left"})  # tap: the form comes back with the row
    assert picked.status_code == 200 and 'value="knee:left" selected' in picked.content.decode()
    saved = client.post(url, {"nprs_now": "6", "nprs_worst": "8", "pain_types": ["sharp"], "region_0": "knee:left",
                              "intensity_0": "6", "type_0": "sharp"})
    assert saved.status_code == 302
    later = VisitFactory(case=visit.case)
    client.post(reverse("physio:pain_new", kwargs={"visit_id": later.pk}), {
        "nprs_now": "2", "region_0": "knee:left", "intensity_0": "2", "type_0": "aching"})
    assessments = PainAssessment.objects.for_company(visit.company).order_by("recorded_at")
    assert [a.regions.get().intensity for a in assessments] == [6, 2]
    page = client.get(reverse("physio:patient", kwargs={"patient_id": patient.pk})).content.decode()
    assert page.count('class="bodymap"') == 2 and "Knee — left 6/10" in page and "Knee — left 2/10" in page


def test_a_bad_region_or_intensity_is_refused_beside_the_form(client, practitioner, visit):
    client.force_login(practitioner)
    url = reverse("physio:pain_new", kwargs={"visit_id": visit.pk})
    assert client.post(url, {"nprs_now": "11"}).status_code == 400
    bad = client.post(url, {"nprs_now": "3", "region_0": "tail:left", "intensity_0": "3"})
    assert bad.status_code == 400 and "Unknown region" in bad.content.decode()
    assert not PainAssessment.objects.for_company(visit.company).exists()


def _library(company, actor):
    exercise = plan_services.exercise_save(actor=actor, company=company, data={"name": "Bridging", "sets": 3,
                                                                                "reps": 10})
    template = plan_services.plan_template_create(actor=actor, company=company, name="Back plan", phases=[
        {"name": "Settle", "weeks": 2, "items": [{"exercise": exercise, "sets": 2, "reps": 8}]}])
    return exercise, template


def test_a_plan_from_a_template_reaches_amaras_portal_and_she_records_a_session(
        client, practitioner, portal_patient, northwind):
    _, template = _library(northwind, practitioner)
    client.force_login(practitioner)
    client.post(reverse("physio:plan_new", kwargs={"patient_id": portal_patient.pk}), {
        "title": "Back plan for Amara", "template": str(template.pk)})
    plan = TreatmentPlan.objects.for_company(northwind).get()
    assert plan.phases.get().exercises.get().dosage == "2 sets, 8 reps"
    handout = client.get(reverse("physio:plan_handout", kwargs={"plan_id": plan.pk}))
    assert "Bridging" in handout.content.decode()

    client.force_login(portal_patient.portal_user)
    page = client.get(reverse("physio:portal_plan", kwargs={"plan_id": plan.pk}))
    assert page.status_code == 200 and "How did today" in page.content.decode()
    plan_exercise = plan.phases.get().exercises.get()
    body = {"done": "yes", "pain_during": "3", "difficulty": "2", "comment": "Fine",
            "idempotency_key": "0f0e0d0c-0b0a-4908-8706-050403020100"}
    feedback_url = reverse("physio:portal_feedback", kwargs={"plan_exercise_id": plan_exercise.pk})
    client.post(feedback_url, body)
    client.post(feedback_url, body)  # double submit
    row = ExerciseFeedback.objects.for_company(northwind).get()
    assert (row.pain_during, row.difficulty, row.submitted_by) == (3, 2, portal_patient.portal_user)
    future = client.post(feedback_url, {**body, "idempotency_key": "", "session_date": str(
        datetime.date.today() + datetime.timedelta(days=3))})
    assert future.status_code == 302 and ExerciseFeedback.objects.for_company(northwind).count() == 1


def test_another_patient_gets_404_for_amaras_plan(client, practitioner, portal_patient, northwind, make_user, clinic):
    from apps.tenants.roles import Role
    from tests.clinical.factories import PatientFactory

    plan = plan_services.plan_create(actor=practitioner, patient=portal_patient, title="Amara's plan")
    other = make_user(northwind, Role.PATIENT, email="other@northwind.example")
    PatientFactory(home_site=clinic, portal_user=other)
    client.force_login(other)
    assert client.get(reverse("physio:portal_plan", kwargs={"plan_id": plan.pk})).status_code == 404


def test_an_intake_changes_the_record_only_where_staff_accept_it(client, practitioner, reception, patient, northwind):
    form = IntakeForm.objects.create(company=northwind, name="Intake", consent_text="I agree.",
                                     questions=[{"key": "reason", "label": "Why physio?"}])
    intake = intake_services.intake_send(actor=reception, patient=patient, form=form, channel="none")
    from apps.physio import signing

    url = reverse("physio:intake_link", kwargs={"token": signing.intake_token(intake)})
    save = reverse("physio:intake_autosave", kwargs={"token": signing.intake_token(intake)})
    assert client.post(save, {"field": "city", "city": "Harborview"}).status_code == 200
    refused = client.post(url, {"phone": "555-0100", "city": "Harborview", "reason": "Knee"})
    assert refused.status_code == 400 and "consent" in refused.content.decode()
    client.post(url, {"phone": "555-0100", "city": "Harborview", "reason": "Knee", "consent": "yes"})
    patient.refresh_from_db()
    assert patient.city != "Harborview"  # nothing overwritten before review
    assert client.get(url).status_code == 410

    client.force_login(reception)
    review = reverse("physio:intake_review", kwargs={"intake_id": intake.pk})
    assert "Harborview" in client.get(review).content.decode()
    client.post(review, {"accept": ["city"]})
    patient.refresh_from_db()
    assert patient.city == "Harborview" and patient.phone != "555-0100"


@pytest.mark.parametrize("visits", [1, 5])
def test_the_physio_page_costs_the_same_queries_however_long_the_record(
        client, practitioner, patient, visit, templates, visits, django_assert_num_queries):
    from apps.physio.services import proms as prom_services
    from tests.physio.conftest import send

    for n in range(visits):
        one = VisitFactory(case=visit.case)
        evaluation_services.pain_assessment_record(actor=practitioner, visit=one, nprs_now=n % 10,
                                                   regions=[{"region": "knee", "side": "left", "intensity": 3}])
        evaluation_services.evaluation_start(actor=practitioner, visit=one, content={"goals": f"goal {n}"})
        plan_services.plan_create(actor=practitioner, patient=patient, title=f"Plan {n}")
        for code, answers in (("nprs", {"pain": n % 10}), ("koos", {"p1": 1, "p2": 1, "p3": 1, "p4": 1, "p5": 1})):
            prom_services.prom_submit(instance=send(patient, templates[code], practitioner), answers=answers)
        send(patient, templates["odi"], practitioner)
    client.force_login(practitioner)
    url = reverse("physio:patient", kwargs={"patient_id": patient.pk})
    client.get(url)
    # session, user, memberships, role codes, patient, the access-log row, the page shell (2); the record:
    # responses, open flags, pain maps (2), evaluations, plans, instances, schedules, templates, intake
    # forms, intakes, visits
    with django_assert_num_queries(17):
        page = client.get(url)
    assert page.status_code == 200


def test_a_double_submitted_pain_assessment_is_saved_once(client, practitioner, visit):
    client.force_login(practitioner)
    url = reverse("physio:pain_new", kwargs={"visit_id": visit.pk})
    body = {"nprs_now": "5", "idempotency_key": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}
    client.post(url, body)
    client.post(url, body)
    assert PainAssessment.objects.for_company(visit.company).count() == 1


def test_rita_at_reception_sends_the_intake_form_but_sees_no_scores(client, reception, practitioner, patient,
                                                                    templates, northwind):
    from apps.physio.services import proms as prom_services
    from tests.physio.conftest import send

    prom_services.prom_submit(instance=send(patient, templates["nprs"], practitioner), answers={"pain": 7})
    form = IntakeForm.objects.create(company=northwind, name="New physio patient intake")
    patient.email = "margaret@example.com"
    patient.save()
    client.force_login(reception)
    url = reverse("physio:patient", kwargs={"patient_id": patient.pk})
    page = client.get(url).content.decode()
    assert "Send intake form" in page and "Numeric Pain Rating Scale (NPRS)</a></strong>" not in page
    assert "Pain maps" not in page
    assert client.post(url, {"action": "send_intake", "form": str(form.pk), "channel": "email"}).status_code == 302
    assert patient.intakes.count() == 1
