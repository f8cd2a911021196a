"""Physio routes for the URL walk: Northwind's physio objects at its clinic (built in clinical's
world), Charlie's own at his Southbay clinic."""

from apps.physio import signing
from apps.physio.models import (
    BookingRequest,
    IntakeForm,
    PromFlag,
    PromTemplate,
)
from apps.physio.services import evaluations as evaluation_services
from apps.physio.services import intake as intake_services
from apps.physio.services import plans as plan_services
from apps.physio.services import proms as prom_services


def _physio_world(patient, visit, actor, marker):
    company = patient.company
    prom_services.prom_templates_ensure(actor=actor, company=company)
    phq9 = PromTemplate.objects.for_company(company).get(instrument="phq9")
    instance = prom_services.prom_send(actor=actor, patient=patient, template=phq9, channel="none")
    answered = prom_services.prom_send(actor=actor, patient=patient, template=phq9, channel="none")
    response = prom_services.prom_submit(instance=answered, answers={f"q{n}": 1 for n in range(1, 10)})
    flag = PromFlag.objects.for_company(company).get(response=response)
    booking = BookingRequest(patient=patient, reason=f"{marker} booking reason", source_response=response)
    booking.save()
    exercise = plan_services.exercise_save(actor=actor, company=company, data={"name": f"{marker} exercise", "sets": 3})
    plan = plan_services.plan_create(actor=actor, patient=patient, title=f"{marker} plan")
    phase = plan_services.plan_phase_add(actor=actor, plan=plan, name=f"{marker} phase")
    plan_exercise = plan_services.plan_exercise_add(actor=actor, phase=phase, exercise=exercise)
    evaluation = evaluation_services.evaluation_start(actor=actor, visit=visit, content={
        "presenting_complaint": f"{marker} complaint"})
    pain = evaluation_services.pain_assessment_record(actor=actor, visit=visit, nprs_now=5, aggravating=f"{marker} pain",
                                                      regions=[{"region": "knee", "side": "left", "intensity": 5}])
    form = IntakeForm.objects.create(company=company, name=f"{marker} intake",
                                     questions=[{"key": "reason", "label": "Why?"}])
    intake = intake_services.intake_send(actor=actor, patient=patient, form=form, channel="none")
    submitted = intake_services.intake_send(actor=actor, patient=patient, form=form, channel="none")
    intake_services.intake_submit(intake=submitted, answers={"phone": "555-0199", "reason": f"{marker} reason"},
                                  consent=False)
    return {"prom_template": phq9, "prom_instance": instance, "prom_response": response, "prom_flag": flag,
            "booking": booking, "exercise": exercise, "plan": plan, "phase": phase, "plan_exercise": plan_exercise,
            "evaluation": evaluation, "pain": pain, "intake_form": form, "intake": intake, "intake_submitted": submitted,
            "prom_version": response.template_version}


def build(world):
    actor = world["note"].author
    world["physio"] = _physio_world(world["patient"], world["visit"], actor, "Northwind secret physio")
    world["markers"] += ["Northwind secret physio"]


def build_own(own, user):
    own["physio"] = _physio_world(own["patient"], own["visit"], user, "Charlie physio")


def _p(key):
    return lambda w: {f"{key}_id": w["physio"][key].pk}


def _patient(w):
    return {"patient_id": w["patient"].pk}


def _visit(w):
    return {"visit_id": w["visit"].pk}


SAMPLES = {
    "physio:booking_dismiss": lambda w: {"request_id": w["physio"]["booking"].pk},
    "physio:booking_book": lambda w: {"request_id": w["physio"]["booking"].pk},
    "physio:patient": _patient,
    "physio:chart_card": _patient,
    "physio:trend": lambda w: {"patient_id": w["patient"].pk, "instrument": "phq9"},
    "physio:plan_new": _patient,
    "physio:evaluation_new": _visit,
    "physio:pain_new": _visit,
    "physio:evaluation": _p("evaluation"),
    "physio:evaluation_sign": _p("evaluation"),
    "physio:plan": _p("plan"),
    "physio:plan_handout": _p("plan"),
    "physio:response": lambda w: {"response_id": w["physio"]["prom_response"].pk},
    "physio:flag_acknowledge": lambda w: {"flag_id": w["physio"]["prom_flag"].pk},
    "physio:intake_review": lambda w: {"intake_id": w["physio"]["intake_submitted"].pk},
    # A valid Northwind token: Charlie (signed in at Southbay) gets 404 — one clinic's link never opens
    # for another's people, and the lookup is scoped by the token's company and the instance's UUID.
    "physio:prom_link": lambda w: {"token": signing.prom_token(w["physio"]["prom_instance"])},
    "physio:prom_autosave": lambda w: {"token": signing.prom_token(w["physio"]["prom_instance"])},
    "physio:intake_link": lambda w: {"token": signing.intake_token(w["physio"]["intake"])},
    "physio:intake_autosave": lambda w: {"token": signing.intake_token(w["physio"]["intake"])},
    "physio:portal_plan": _p("plan"),
    "physio:portal_feedback": _p("plan_exercise"),
    "physio-template-detail": lambda w: {"template_id": w["physio"]["prom_template"].pk},
    "physio-instance-list": _patient,
    "physio-response-list": _patient,
    "physio-plan-list": _patient,
    "physio-response-detail": lambda w: {"response_id": w["physio"]["prom_response"].pk},
    "physio-plan-detail": _p("plan"),
    "physio-feedback-list": _p("plan_exercise"),
    "fhir-questionnaire": lambda w: {"version_id": w["physio"]["prom_version"].pk},
    "fhir-questionnaireresponse": lambda w: {"response_id": w["physio"]["prom_response"].pk},
}


def _send(w):
    return {"action": "send_prom", "template": str(w["physio"]["prom_template"].pk), "channel": "none",
            "plan": str(w["physio"]["plan"].pk), "case": str(w["case"].pk), "form": str(w["physio"]["intake_form"].pk)}


def _plan_body(w):
    return {"action": "exercise", "phase": str(w["physio"]["phase"].pk), "exercise": str(w["physio"]["exercise"].pk),
            "title": "Walk plan", "template": str(w["physio"]["plan"].pk), "case": str(w["case"].pk),
            "milestone": str(w["physio"]["plan"].pk), "name": "Walk phase"}


def _pain(w):
    return {"nprs_now": "4", "region_0": "knee:left", "intensity_0": "4", "type_0": "aching",
            "visit": str(w["visit"].pk), "patient": str(w["patient"].pk)}


def _evaluation(w):
    return {"presenting_complaint": "walk", "template": str(w["physio"]["evaluation"].pk),
            "visit": str(w["visit"].pk)}


def _feedback(w):
    return {"done": "yes", "pain_during": "2", "difficulty": "2", "plan_exercise": str(w["physio"]["plan_exercise"].pk)}


QUERIES = {
    # A Northwind template as the evaluation template of Charlie's own visit: not one of his (ignored, 200).
    "physio:evaluation_new": lambda w: {"template": str(w["physio"]["evaluation"].pk)},
}
BODIES = {
    # Northwind's site, practitioner and service on Charlie's own request: none of his (400 with errors).
    "physio:booking_book": lambda w: {"site": str(w["clinical_site"].pk), "practitioner": str(w["note"].author_id),
                                      "service_type": str(w.get("sched_service", w["clinical_site"]).pk),
                                      "start": "2026-12-01T10:00"},
    # Northwind's template, plan, case or intake form on Charlie's own patient: unknown (400 with errors).
    "physio:patient": _send,
    "physio:library": lambda w: {"name": "Walk exercise", "exercise": str(w["physio"]["exercise"].pk)},
    "physio:plan_new": _plan_body,
    "physio:plan": _plan_body,
    "physio:evaluation_new": _evaluation,
    "physio:evaluation": _evaluation,
    "physio:pain_new": _pain,
    "physio:intake_review": lambda w: {"accept": ["phone"], "patient": str(w["patient"].pk)},
    "physio:flag_acknowledge": lambda w: {"note": "walk", "flag": str(w["physio"]["prom_flag"].pk)},
    "physio:prom_link": lambda w: {"q1": "1", "instance": str(w["physio"]["prom_instance"].pk)},
    "physio:prom_autosave": lambda w: {"item": "q1", "q1": "1"},
    "physio:intake_link": lambda w: {"phone": "555", "consent": "yes"},
    "physio:intake_autosave": lambda w: {"field": "phone", "phone": "555"},
    "physio:portal_feedback": _feedback,
    "physio-instance-list": lambda w: {"template": str(w["physio"]["prom_template"].pk), "channel": "none"},
    "physio-plan-list": lambda w: {"title": "Walk plan", "template": str(w["physio"]["plan"].pk)},
    "physio-feedback-list": _feedback,
}
NO_BODY = {
    "physio:home": "read-only page",
    "physio:bookings": "read-only list",
    "physio:booking_dismiss": "the request is the path argument; no input",
    "physio:outcomes": "read-only report",
    "physio:trend": "read-only page",
    "physio:chart_card": "read-only card",
    "physio:evaluation_sign": "the evaluation is the path argument; no input",
    "physio:plan_handout": "read-only page",
    "physio:response": "read-only page",
    "physio:portal": "read-only page",
    "physio:portal_plan": "read-only page",
    "physio-template-list": "read-only API",
    "physio-template-detail": "read-only API",
    "physio-response-list": "read-only API",
    "physio-response-detail": "read-only API",
    "physio-plan-detail": "read-only API",
    "fhir-questionnaire": "read-only FHIR resource",
    "fhir-questionnaireresponse": "read-only FHIR resource",
}


def _own_token(kind):
    if kind == "prom":
        return lambda own: {"token": signing.prom_token(own["physio"]["prom_instance"])}
    return lambda own: {"token": signing.intake_token(own["physio"]["intake"])}


OWN_SAMPLES = {
    "physio:booking_book": lambda own: {"request_id": own["physio"]["booking"].pk},
    # Charlie's own patient, plan, visit and evaluation with Northwind's ids in the body: refused or ignored.
    "physio:patient": lambda own: {"patient_id": own["patient"].pk},
    "physio:plan_new": lambda own: {"patient_id": own["patient"].pk},
    "physio:plan": lambda own: {"plan_id": own["physio"]["plan"].pk},
    "physio:evaluation_new": lambda own: {"visit_id": own["visit"].pk},
    "physio:evaluation": lambda own: {"evaluation_id": own["physio"]["evaluation"].pk},
    "physio:pain_new": lambda own: {"visit_id": own["visit"].pk},
    "physio:intake_review": lambda own: {"intake_id": own["physio"]["intake_submitted"].pk},
    "physio:prom_autosave": _own_token("prom"),
    "physio:intake_autosave": _own_token("intake"),
    "physio-instance-list": lambda own: {"patient_id": own["patient"].pk},
    "physio-plan-list": lambda own: {"patient_id": own["patient"].pk},
    "physio-feedback-list": lambda own: {"plan_exercise_id": own["physio"]["plan_exercise"].pk},
}
