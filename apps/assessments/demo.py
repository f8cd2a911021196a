"""Two years of EPA assessments for Northwind's surgery residents, plus open and overdue requests.

Volume goes through bulk writes (history rows via bulk_create_with_history); ``company`` and
``program`` are set explicitly because bulk_create bypasses ``save()``. Idempotent: a program
that already has assessments is left alone. Deterministic: a fixed random seed.
"""

import datetime
import random
import uuid

from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from apps.academics.models import RotationAssignment
from apps.assessments.models import AssessmentFeedbackTag, AssessmentRequest, EPAAssessment
from apps.assessments.signing import assessor_link_path
from apps.core.scoping import unscoped
from apps.notifications.models import Notification
from apps.notifications.selectors import unread_changed
from apps.notifications.services import notification_delivered_in_app
from apps.reference.models import EPA, CaseType, FeedbackTag

MONTHS, PER_MONTH = 24, 6
OPENERS = ["Well prepared for the case.", "Knew the patient and the plan.", "Good pre-operative huddle with the team.",
           "Clear on the indication and the alternatives.", "Came in having reviewed the imaging."]
MIDDLES = ["Handled tissue gently and exposed the field well.", "Moved efficiently through the critical steps.",
           "Needed prompting to obtain the critical view.", "Port placement was safe and well thought out.",
           "Communicated clearly with anaesthesia and the scrub team.",
           "Hesitated at the dissection plane; talk through the anatomy next time.",
           "Managed bleeding calmly and asked for help at the right moment.",
           "Closed neatly; watch the spacing of the fascial sutures."]
CLOSERS = ["Ready for more autonomy on this EPA.", "Keep reading on the steps before the next case.",
           "Next time: lead the debrief.", "Post-op orders were complete and appropriate.",
           "A solid case — keep it up.", "Let's do the next one with me scrubbed out."]
URGENCY = ["elective"] * 6 + ["urgent"] * 3 + ["emergent"]


def seed(world, log=print):
    nw = world["northwind"]
    program = nw["programs"]["surgery"]
    with unscoped("demo seeding: Northwind surgery assessments"):
        if EPAAssessment.all_objects.for_company(nw["company"]).filter(program=program).exists():
            log("assessments: Northwind surgery already has demo assessments; nothing to do")
            return
        context = _context(nw, program)
        assessments = _assessments(context)
        bulk_create_with_history(assessments, EPAAssessment, default_user=nw["users"]["coordinator"])
        links = _tag_links(context, assessments)
        AssessmentFeedbackTag.objects.bulk_create(links, batch_size=2000)
        requests = _requests(context)
        notifications = _received(nw) + _requested(nw)
        bulk_create_with_history(notifications, Notification, default_user=nw["users"]["coordinator"])
        unread_changed(company_id=nw["company"].pk, user_ids=[row.user_id for row in notifications])  # bulk: no signals
    nw["assessments"] = {"count": len(assessments), "requests": requests}
    log(f"assessments: {len(assessments)} Northwind surgery assessments, {len(links)} feedback tags, "
        f"{len(requests)} requests ({sum(r.status == 'open' for r in requests)} open), "
        f"{len(notifications)} in-app notifications")


def _context(nw, program) -> dict:
    learners = list(program.learners.filter(pgy_level__isnull=False).select_related("user"))
    epas = list(EPA.objects.filter(epa_set_id=program.epa_set_id).order_by("number"))
    case_types = {}
    for case_type in CaseType.objects.visible_to(nw["company"]).filter(epa__in=epas, is_active=True):
        case_types.setdefault(case_type.epa_id, []).append(case_type)
    tags = list(FeedbackTag.objects.visible_to(nw["company"]).filter(is_active=True))
    assignments = {}
    for row in RotationAssignment.objects.for_company(nw["company"]).filter(learner__in=learners):
        assignments.setdefault(row.learner_id, []).append(row)
    return {
        "rng": random.Random("northwind-surgery-assessments"), "company": nw["company"], "program": program,
        "learners": learners, "epas": epas, "case_types": case_types, "assignments": assignments,
        "faculty": [f.user for f in program.faculty.select_related("user").order_by("user__email")],
        "strengths": [t for t in tags if t.category == FeedbackTag.Category.STRENGTH],
        "improvements": [t for t in tags if t.category == FeedbackTag.Category.IMPROVEMENT],
        "sites": nw["sites"], "users": nw["users"], "today": timezone.localdate(),
    }


def _assessments(ctx) -> list:
    rng, today, rows = ctx["rng"], ctx["today"], []
    for learner in ctx["learners"]:
        demo_resident = learner.user_id == ctx["users"]["resident"].pk
        for _ in range(MONTHS * PER_MONTH):
            day = today - datetime.timedelta(days=rng.randrange(MONTHS * 30))
            if day >= learner.matriculation_date:
                rows.append(_assessment(ctx, learner, day))
        if demo_resident:  # the demo resident sees fresh feedback on first sign-in
            rows += [_assessment(ctx, learner, today - datetime.timedelta(days=d)) for d in (0, 1, 2, 4, 6)]
    return rows


def _assessment(ctx, learner, day) -> EPAAssessment:
    rng = ctx["rng"]
    epa = rng.choice(ctx["epas"])
    assignment = _assignment_on(ctx["assignments"].get(learner.pk, ()), day)
    submitted = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randrange(7, 20))))
    submitted = min(submitted + datetime.timedelta(hours=rng.choice([0, 1, 3, 20, 40])), timezone.now())
    edited = rng.random() < 0.06
    case_types = ctx["case_types"].get(epa.pk)
    assessment = EPAAssessment(
        company=ctx["company"], program=ctx["program"], learner=learner, epa=epa,
        assessor=_assessor(ctx, learner), entrustment_level=_level(rng, learner, day, ctx["today"]),
        assessment_date=day, submitted_at=submitted, rotation_assignment=assignment,
        site=assignment.site if assignment else ctx["sites"][0],
        case_type=rng.choice(case_types) if case_types else None, case_urgency=rng.choice(URGENCY),
        patient_asa_class=rng.choice([1, 2, 2, 3, 3, 4]), procedure_minutes=rng.randrange(30, 240, 5),
        complications_occurred=rng.random() < 0.08, location_type="operating_room",
        narrative_feedback=" ".join([rng.choice(OPENERS), rng.choice(MIDDLES), rng.choice(CLOSERS)]),
        entry_method=rng.choice(["web", "mobile_web", "mobile_web", "link"]), submission_key=uuid.uuid4(),
        edited=edited, last_edited_at=min(submitted + datetime.timedelta(hours=2), timezone.now()) if edited else None,
        acknowledged_at=submitted + datetime.timedelta(days=1) if day < ctx["today"] - datetime.timedelta(days=7)
        else None)
    return assessment


def _assessor(ctx, learner):
    """The demo faculty login assesses a fair share, so their pages have content."""
    if ctx["rng"].random() < 0.15:
        return ctx["users"]["faculty"]
    return ctx["rng"].choice(ctx["faculty"])


def _level(rng, learner, day, today) -> int:
    """ABS 4-level scale: PGY1 mostly 1–2, PGY5 mostly 3–4, rising through each year, with noise."""
    years_ago = sum(1 for year in range(day.year, today.year + 1)
                    if day < datetime.date(year, 7, 1) <= today)
    pgy = max(1, learner.pgy_level - years_ago)
    year_fraction = ((day - datetime.date(day.year if day.month >= 7 else day.year - 1, 7, 1)).days) / 365
    mean = 1.2 + (pgy - 1 + year_fraction) * 0.62
    return max(1, min(4, round(rng.gauss(mean, 0.55))))


def _assignment_on(assignments, day):
    return next((a for a in assignments if a.start_date <= day <= a.end_date), None)


def _tag_links(ctx, assessments) -> list:
    rng, links = ctx["rng"], []
    for assessment in assessments:
        went_well = rng.sample(ctx["strengths"], k=min(len(ctx["strengths"]), rng.choice([1, 1, 2, 2, 3])))
        names = {tag.name for tag in went_well}
        needs = [t for t in ctx["improvements"] if t.name not in names]
        needs_work = rng.sample(needs, k=min(len(needs), rng.choice([0, 1, 1, 2])))
        links += [AssessmentFeedbackTag(company_id=assessment.company_id, assessment=assessment, tag=tag,
                                        tag_type=kind)
                  for kind, tags in (("went_well", went_well), ("needs_work", needs_work)) for tag in tags]
    return links


def _requests(ctx) -> list:
    """Open requests (some overdue) — several for the demo faculty login — and a few expired ones."""
    rng, now = ctx["rng"], timezone.now()
    demo_faculty, rows, ages = ctx["users"]["faculty"], [], []
    demo_resident = next((lr for lr in ctx["learners"] if lr.user_id == ctx["users"]["resident"].pk), None)
    for index in range(18):
        learner = demo_resident if index < 3 and demo_resident else rng.choice(ctx["learners"])
        assessor = demo_faculty if index % 3 == 0 else rng.choice(ctx["faculty"])
        age = rng.choice([0, 1, 2, 5, 8]) if index < 15 else 20
        epa = rng.choice(ctx["epas"])
        case_types = ctx["case_types"].get(epa.pk)
        rows.append(AssessmentRequest(
            company=ctx["company"], learner=learner, assessor=assessor, epa=epa,
            case_date=ctx["today"] - datetime.timedelta(days=age),
            case_type=rng.choice(case_types) if case_types else None, note=rng.choice(MIDDLES)[:120],
            status="open" if index < 15 else "expired",
            expires_at=now + datetime.timedelta(days=ctx["program"].request_expiry_days - age),
            reminder_count=max(0, age - ctx["program"].reminder_first_after_days),
            last_reminded_at=now - datetime.timedelta(hours=20) if age > 3 else None))
        ages.append(age)
    bulk_create_with_history(rows, AssessmentRequest, default_user=ctx["users"]["coordinator"])
    for request, age in zip(rows, ages):  # created_at is auto_now_add: backdate so "overdue" means something
        request.created_at = now - datetime.timedelta(days=age, hours=2)
    AssessmentRequest.objects.bulk_update(rows, ["created_at"])
    return rows


# ---------------------------------------------------------------- inboxes
def _received(nw) -> list:
    """The demo resident's latest assessments, as already-delivered notifications."""
    resident = nw["users"]["resident"]
    latest = (EPAAssessment.objects.for_company(nw["company"]).filter(learner__user=resident)
              .select_related("epa", "assessor").order_by("-assessment_date", "-submitted_at")[:8])
    return [notification_delivered_in_app(
        user=resident, kind="assessment_received", title=f"New assessment: {a.epa.short_name}",
        message=f"{a.assessor} assessed you on {a.epa} (level {a.entrustment_level}).",
        action_url=reverse("assessments:detail", kwargs={"assessment_id": a.pk}), key=f"assessment:{a.pk}:received",
        read=index >= 3) for index, a in enumerate(latest)]


def _requested(nw) -> list:
    """The demo faculty member's open requests (overdue ones as reminders)."""
    faculty = nw["users"]["faculty"]
    requests = (AssessmentRequest.objects.for_company(nw["company"])
                .filter(assessor=faculty, status=AssessmentRequest.Status.OPEN)
                .select_related("learner__user", "epa").order_by("-created_at"))
    rows = []
    for request in requests:
        overdue = request.reminder_count > 0
        kind = "assessment_reminder" if overdue else "assessment_requested"
        verb = "Reminder: " if overdue else ""
        rows.append(notification_delivered_in_app(
            user=faculty, kind=kind, title=f"{verb}{request.learner} asks for an assessment of {request.epa.short_name}",
            message=f"Case on {request.case_date:%B %-d, %Y}. {request.note}", action_url=assessor_link_path(request),
            key=f"request:{request.pk}:{kind}"))
    return rows
