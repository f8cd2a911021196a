"""Physio reads: scoped querysets and the few summaries pages need (each a fixed number of queries)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch

from apps.physio import bodymap
from apps.physio.models import (
    BookingRequest,
    Evaluation,
    IntakeInstance,
    PainAssessment,
    PromFlag,
    PromInstance,
    PromResponse,
    PromTemplate,
    TreatmentPlan,
)
from apps.physio.scoring import registry


def open_flags(patient):
    return (PromFlag.objects.for_company(patient.company_id).filter(patient=patient, acknowledged_at__isnull=True)
            .select_related("response").order_by("-created_at"))


def responses_for(patient, limit=200):
    return list(PromResponse.objects.for_company(patient.company_id).filter(patient=patient)
                .select_related("template_version__template").order_by("submitted_at")[:limit])


def improvement(instrument, first, last):
    """Change from first to last, signed so that positive is better for the patient."""
    if first is None or last is None:
        return None
    change = last - first
    return change if instrument.higher_is_better else -change


def summaries(responses) -> list[dict]:
    """Per instrument: the latest score and band, the change since the first scored response and
    whether it reaches the published MCID. KOOS reads its subscales."""
    by_instrument = defaultdict(list)
    for response in responses:
        by_instrument[response.instrument].append(response)
    rows = []
    for code, rows_of in by_instrument.items():
        instrument = registry.get(code)
        scored = [r for r in rows_of if r.score is not None]
        latest = rows_of[-1]
        change = improvement(instrument, scored[0].score, scored[-1].score) if len(scored) >= 2 else None
        rows.append({"code": code, "name": instrument.name, "latest": latest, "count": len(rows_of),
                     "change": change, "mcid": instrument.mcid,
                     "mcid_met": change is not None and instrument.mcid is not None and change >= instrument.mcid,
                     "subscales": [(s.label, latest.subscales.get(s.key)) for s in instrument.subscales]})
    return sorted(rows, key=lambda row: row["name"])


def chart_summary(patient) -> dict:
    """The chart section: open flags and the PROM summary (two queries, whatever the history)."""
    return {"flags": list(open_flags(patient)), "summaries": summaries(responses_for(patient))}


def pain_maps(patient, limit=2) -> list[dict]:
    """The last ``limit`` pain assessments with their body maps, newest first (two queries)."""
    assessments = list(PainAssessment.objects.for_company(patient.company_id).filter(patient=patient)
                       .select_related("visit").prefetch_related("regions").order_by("-recorded_at")[:limit])
    return [{"assessment": a, "views": bodymap.views(bodymap.marks_of(a.regions.all())),
             "regions": [{"label": bodymap.label(r.region), **vars_of(r)} for r in a.regions.all()]}
            for a in assessments]


def vars_of(region) -> dict:
    return {"side": region.side, "intensity": region.intensity, "pain_type": region.get_pain_type_display()}


def evaluations_for(patient):
    return (Evaluation.objects.for_company(patient.company_id).filter(patient=patient)
            .select_related("visit", "author").order_by("-created_at"))


def plans_for(patient):
    return (TreatmentPlan.objects.for_company(patient.company_id).filter(patient=patient)
            .select_related("created_by").order_by("-start_date"))


def plan_detail(plan):
    """Phases with exercises (and their latest feedback) and milestones: four queries."""
    from apps.physio.models import ExerciseFeedback, PlanExercise, PlanPhase

    phases = list(PlanPhase.objects.for_company(plan.company_id).filter(plan=plan).order_by("order").prefetch_related(
        Prefetch("exercises", queryset=PlanExercise.objects.for_company(plan.company_id).select_related("exercise")
                 .prefetch_related(Prefetch("feedback", queryset=ExerciseFeedback.objects.for_company(
                     plan.company_id).order_by("-session_date", "-created_at"))))))
    milestones = list(plan.milestones.order_by("target_date"))
    return phases, milestones


def instances_for(patient, limit=20):
    return list(PromInstance.objects.for_company(patient.company_id).filter(patient=patient)
                .select_related("template_version__template", "sent_by", "response").order_by("-created_at")[:limit])


def templates_of(company):
    return PromTemplate.objects.for_company(company).filter(is_active=True).order_by("name")


def booking_queue(company, status=BookingRequest.Status.OPEN):
    return (BookingRequest.objects.for_company(company).filter(status=status)
            .select_related("patient", "source_response").order_by("created_at"))


def intakes_to_review(company):
    return (IntakeInstance.objects.for_company(company).filter(review=IntakeInstance.Review.PENDING)
            .select_related("patient", "form").order_by("link_used_at"))


def outcomes_report(company) -> dict:
    """Mean change per instrument per practitioner (first to last scored response of each patient,
    signed so that positive is better; KOOS uses its pain subscale) and response rates per
    instrument (completed of sent). Three queries."""
    from apps.tenants.models import User

    responses = (PromResponse.objects.for_company(company).values(
        "patient_id", "instrument", "score", "subscales", "submitted_at", "practitioner_id").order_by("submitted_at"))
    firsts, lasts = {}, {}
    for row in responses:
        value = row["score"]
        if row["instrument"] == "koos":
            pain = (row["subscales"] or {}).get("pain")
            value = Decimal(pain) if pain is not None else None
        if value is None:
            continue
        key = (row["patient_id"], row["instrument"])
        firsts.setdefault(key, (value, row["practitioner_id"]))
        lasts[key] = value
    changes = defaultdict(list)
    for key, (first, practitioner_id) in firsts.items():
        last = lasts[key]
        if key in lasts and (first, last) != (None, None):
            instrument = registry.get(key[1])
            changes[(key[1], practitioner_id)].append(improvement(instrument, first, last))
    names = {u.pk: u.full_name or u.email for u in User.objects.for_company(company).filter(
        pk__in={p for _, p in changes if p})}
    by_practitioner = []
    for (code, practitioner_id), values in sorted(changes.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        instrument = registry.get(code)
        mean = sum(values) / len(values)
        by_practitioner.append({"instrument": instrument.name, "practitioner": names.get(practitioner_id, "—"),
                                "patients": len(values), "mean_change": mean.quantize(Decimal("0.1")),
                                "mcid": instrument.mcid})
    sent = defaultdict(lambda: [0, 0])
    for row in PromInstance.objects.for_company(company).exclude(status=PromInstance.Status.CANCELLED).values(
            "template_version__instrument", "status"):
        counts = sent[row["template_version__instrument"]]
        counts[0] += 1
        counts[1] += row["status"] == PromInstance.Status.COMPLETED
    rates = [{"instrument": registry.get(code).name, "sent": n, "completed": done,
              "rate": round(100 * done / n) if n else 0} for code, (n, done) in sorted(sent.items())]
    return {"by_practitioner": by_practitioner, "rates": rates}
