"""Physio demo data at Northwind's Harbor Street Clinic: the nine standard questionnaires (ODI
with a booking threshold), an evaluation template and an intake form, an exercise library and a
plan template; four physio patients with a signed evaluation, pain maps on two visits, a plan with
feedback and three or four PROM responses each showing improvement — one PHQ-9 with item 9 above 0
(an open urgent flag). Amara Whitlock, the demo portal patient, has the plan she sees in the portal.

Everything goes through the services (so scores, digests and audit rows are real); only the
submission times are moved back afterwards so the trends span weeks. Seeding twice changes nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.clinical.models import Patient
from apps.clinical.services import visits as visit_services
from apps.core.scoping import unscoped
from apps.physio.models import (
    EvaluationTemplate,
    Exercise,
    IntakeForm,
    PromInstance,
    PromResponse,
    PromTemplate,
)
from apps.physio.services import evaluations as evaluation_services
from apps.physio.services import plans as plan_services
from apps.physio.services import proms as prom_services
from apps.tenants.models import User

EXERCISES = [
    ("Bridging", "Lie on your back, knees bent. Squeeze your buttocks and lift your hips until your body is in a line "
                 "from shoulders to knees. Lower slowly.", 3, 10, 5, "daily"),
    ("Bird dog", "On hands and knees, reach one arm forward and the opposite leg back, keeping your back level.",
     3, 8, 5, "daily"),
    ("Cat–camel", "On hands and knees, gently round your back up, then let it sag, within comfort.", 2, 10, None, "twice daily"),
    ("Chin tucks", "Sit tall, glide your chin straight back, hold, relax.", 3, 10, 5, "three times daily"),
    ("Straight leg raise", "Lying down, tighten the thigh and lift the straight leg to the height of the other knee.",
     3, 12, 2, "daily"),
    ("Wall squat", "Back against a wall, slide down to a comfortable bend, hold, slide back up.", 3, 8, 10, "daily"),
    ("Walking", "Walk at a comfortable pace on level ground.", None, None, None, "20 minutes daily"),
]
# (first, last) of clinical demo patients are random; physio patients are the clinic's first four by name.
PLANS = {
    "odi": ("Low back pain: graded activity", "Lower back pain", ["Bridging", "Bird dog", "Cat–camel", "Walking"]),
    "ndi": ("Neck pain: mobility and control", "Neck pain", ["Chin tucks", "Walking"]),
    "lefs": ("Knee: strength and return to walking", "Knee pain", ["Straight leg raise", "Wall squat", "Walking"]),
}
# Each course improves: answers per instrument per visit (worst → better).
COURSES = {
    "odi": [{f"q{n}": v for n, v in enumerate(row, 1)} for row in (
        [3, 2, 3, 3, 2, 3, 2, 1, 2, 3], [2, 2, 2, 2, 2, 2, 1, 1, 2, 2], [1, 1, 2, 1, 1, 1, 1, 0, 1, 1],
        [1, 0, 1, 1, 0, 1, 0, 0, 1, 0])],
    "ndi": [{f"q{n}": v for n, v in enumerate(row, 1)} for row in (
        [3, 2, 2, 3, 2, 2, 3, 2, 2, 1], [2, 2, 1, 2, 1, 2, 2, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 0, 1, 0])],
    "lefs": [{f"q{n}": v for n, v in enumerate(row, 1)} for row in (
        [1] * 12 + [2] * 8, [2] * 12 + [3] * 8, [3] * 14 + [4] * 6, [4] * 16 + [3] * 4)],
    "phq9": [{f"q{n}": v for n, v in enumerate(row, 1)} for row in (
        [2, 2, 2, 2, 1, 2, 1, 1, 0], [1, 1, 2, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 0, 0, 1, 0, 0])],
}
PAIN = {  # two visits' body maps per course: (nprs now, worst, regions)
    "odi": [(7, 8, [("lower_back", "centre", 7, "aching"), ("buttock", "left", 5, "sharp"),
                    ("hamstring", "left", 4, "tingling")]),
            (3, 5, [("lower_back", "centre", 3, "aching"), ("buttock", "left", 2, "aching")])],
    "ndi": [(6, 7, [("neck", "centre", 6, "aching"), ("shoulder_blade", "right", 4, "burning"),
                    ("head_back", "centre", 3, "throbbing")]),
            (3, 4, [("neck", "centre", 3, "aching")])],
    "lefs": [(6, 8, [("knee", "right", 6, "sharp"), ("shin", "right", 2, "aching")]),
             (2, 4, [("knee", "right", 2, "aching")])],
}


def seed(world, log=print):
    with unscoped("demo seeding: physio at Harbor Street Clinic"):
        tenant = world.get("northwind")
        if not tenant:
            return
        company, clinic = tenant["company"], tenant["sites"][1]
        if PromTemplate.objects.for_company(company).exists():
            log("physio: Northwind already seeded")
            return
        practitioner = User.objects.filter(email="practitioner@northwind.example").first()
        if practitioner is None:
            log("physio: no clinic practitioner (run the clinical demo first)")
            return
        _library(company, practitioner)
        patients = list(Patient.objects.for_company(company).filter(home_site=clinic, portal_user__isnull=True)
                        .order_by("last_name", "first_name")[:3])
        portal = Patient.objects.for_company(company).filter(portal_user__email="patient@northwind.example").first()
        if portal is not None:
            patients.append(portal)
        now = timezone.now()
        for patient, code in zip(patients, ("odi", "ndi", "lefs", "odi"), strict=False):
            _course(patient, code, clinic, practitioner, now, with_phq9=(code == "ndi"))
        log(f"physio: {len(patients)} physio patients at {clinic.name} with evaluations, pain maps, plans and PROMs")


def _library(company, actor):
    prom_services.prom_templates_ensure(actor=actor, company=company)
    odi = PromTemplate.objects.for_company(company).get(instrument="odi")
    odi.booking_threshold = Decimal(40)  # ODI ≥ 40 %: severe disability — reception books a review
    odi.save()
    for name, instructions, sets, reps, hold, frequency in EXERCISES:
        plan_services.exercise_save(actor=actor, company=company, data={
            "name": name, "instructions": instructions, "sets": sets, "reps": reps, "hold_seconds": hold,
            "frequency": frequency})
    by_name = {e.name: e for e in Exercise.objects.for_company(company)}
    plan_services.plan_template_create(actor=actor, company=company, name="Low back pain: graded activity", phases=[
        {"name": "Settle and move", "weeks": 2, "items": [{"exercise": by_name["Cat–camel"], "sets": 2, "reps": 10},
                                                          {"exercise": by_name["Walking"], "frequency": "10 minutes daily"}]},
        {"name": "Strengthen", "weeks": 4, "items": [{"exercise": by_name["Bridging"], "sets": 3, "reps": 10},
                                                     {"exercise": by_name["Bird dog"], "sets": 3, "reps": 8}]}])
    EvaluationTemplate.objects.create(company=company, name="Musculoskeletal initial evaluation", prompts={
        "presenting_complaint": "Where, since when, how it started", "objective": "Observation, range of movement, "
        "neuro screen, special tests", "goals": "Patient's goals, measurable"}, red_flag_questions=[
        "Unexplained weight loss?", "Night pain not eased by position?", "Bladder or bowel changes?",
        "Saddle numbness?", "History of cancer?"])
    IntakeForm.objects.create(company=company, name="New physio patient intake", questions=[
        {"key": "reason", "label": "What brings you to physio?"},
        {"key": "previous", "label": "Have you had physiotherapy for this before? What helped?"},
        {"key": "goals", "label": "What would you like to be able to do again?"}],
        consent_text="I agree to assessment and treatment by the clinic's physiotherapists, and that my answers "
                     "are added to my record after staff have reviewed them.")


def _course(patient, code, clinic, practitioner, now, with_phq9=False):
    company = patient.company_id
    title, problem, exercise_names = PLANS[code]
    if patient.email == "":
        patient.email = f"{patient.first_name.lower()}.{patient.last_name.lower()}@example.com"
        patient.save(update_fields=["email"])
    case = visit_services.case_open(actor=practitioner, patient=patient, title=problem,
                                    responsible_practitioner=practitioner)
    weeks = len(COURSES[code])
    visits = [visit_services.visit_create(actor=practitioner, case=case, site=clinic, practitioner=practitioner,
                                          visited_at=now - datetime.timedelta(weeks=weeks - 1 - n, days=1),
                                          reason="Physio" if n else "Physio initial evaluation")
              for n in range(weeks)]
    template = EvaluationTemplate.objects.for_company(company).first()
    evaluation = evaluation_services.evaluation_start(
        actor=practitioner, visit=visits[0], template=template, red_flags={q: "no" for q in template.red_flag_questions},
        content={"presenting_complaint": f"{problem}, gradual onset about six weeks ago.",
                 "history": "Worse with prolonged sitting; no trauma.",
                 "physio_history": "One similar episode three years ago, settled with exercise.",
                 "objective": "Reduced range of movement, painful at end of range; neuro screen normal.",
                 "assessment": f"Non-specific {problem.lower()}, no red flags.",
                 "goals": "Walk 30 minutes without pain in six weeks; return to work duties."})
    evaluation_services.evaluation_sign(actor=practitioner, evaluation=evaluation)
    for visit, (now_score, worst, regions) in zip((visits[0], visits[-1]), PAIN[code], strict=False):
        evaluation_services.pain_assessment_record(
            actor=practitioner, visit=visit, nprs_now=now_score, nprs_best=max(0, now_score - 2), nprs_worst=worst,
            pain_types=sorted({r[3] for r in regions}), aggravating="Sitting, bending", easing="Walking, heat",
            regions=[{"region": r, "side": s, "intensity": i, "pain_type": t} for r, s, i, t in regions])
    plan = plan_services.plan_create(actor=practitioner, patient=patient, title=title, case=case,
                                     start_date=(now - datetime.timedelta(weeks=weeks)).date())
    phase = plan_services.plan_phase_add(actor=practitioner, plan=plan, name="Build up", weeks=weeks)
    exercises = {e.name: e for e in Exercise.objects.for_company(company)}
    rows = [plan_services.plan_exercise_add(actor=practitioner, phase=phase, exercise=exercises[name])
            for name in exercise_names]
    plan_services.plan_milestone_add(actor=practitioner, plan=plan, title="Walk 30 minutes without pain",
                                     target_date=(now + datetime.timedelta(weeks=2)).date())
    feedback_user = patient.portal_user or practitioner
    for days_ago, pain, difficulty in ((9, 5, 3), (6, 4, 2), (3, 2, 2), (1, 1, 1)):
        plan_services.feedback_record(actor=feedback_user, plan_exercise=rows[0],
                                      session_date=(now - datetime.timedelta(days=days_ago)).date(), done=True,
                                      pain_during=pain, difficulty=difficulty,
                                      comment="Easier today" if pain < 3 else "")
    _proms(patient, code, practitioner, now, plan)
    if with_phq9:
        _proms(patient, "phq9", practitioner, now, plan, flag_last=True)


def _proms(patient, code, practitioner, now, plan, flag_last=False):
    template = PromTemplate.objects.for_company(patient.company_id).get(instrument=code)
    course = COURSES[code]
    for n, answers in enumerate(course):
        answers = dict(answers)
        if flag_last and n == len(course) - 1:
            answers["q9"] = 1  # item 9 above 0: the urgent flag
        instance = prom_services.prom_send(actor=practitioner, patient=patient, template=template, plan=plan,
                                           channel="none")
        response = prom_services.prom_submit(instance=instance, answers=answers)
        when = now - datetime.timedelta(weeks=len(course) - 1 - n, hours=2)
        # Only the demo moves times back (trends over weeks); no history is kept for these columns.
        PromResponse.objects.for_company(patient.company_id).filter(pk=response.pk).update(submitted_at=when)
        PromInstance.objects.for_company(patient.company_id).filter(pk=instance.pk).update(link_used_at=when)
