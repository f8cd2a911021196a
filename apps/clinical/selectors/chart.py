"""The chart: everything one patient page shows, in a fixed number of queries."""

from django.db.models import Prefetch

from apps.clinical.models import Allergy, Medication, Note, Problem, Visit, VitalSigns


def active_allergies(*, patient):
    return (Allergy.objects.for_company(patient.company_id)
            .filter(patient=patient, entered_in_error_at__isnull=True, status=Allergy.Status.ACTIVE))


def latest_vitals(*, patient):
    return (VitalSigns.objects.for_company(patient.company_id)
            .filter(patient=patient, entered_in_error_at__isnull=True).order_by("-recorded_at").first())


def timeline(*, patient, with_notes: bool, limit=50):
    visits = (Visit.objects.for_company(patient.company_id).filter(patient=patient)
              .select_related("practitioner", "site", "case").order_by("-visited_at"))
    if with_notes:
        visits = visits.prefetch_related(Prefetch(
            "notes", queryset=Note.objects.for_company(patient.company_id).select_related("author", "cosigned_by")
            .order_by("created_at")))
    return list(visits[:limit])


def chart_for(*, patient, can_read_chart: bool, can_read_notes: bool) -> dict:
    """Allergies are in the banner (always, for anyone who may open the chart)."""
    chart = {"patient": patient, "allergies": list(active_allergies(patient=patient))}
    if can_read_chart:
        scope = patient.company_id
        chart["problems"] = list(Problem.objects.for_company(scope).filter(
            patient=patient, entered_in_error_at__isnull=True).exclude(status=Problem.Status.RESOLVED))
        chart["medications"] = list(Medication.objects.for_company(scope).filter(
            patient=patient, entered_in_error_at__isnull=True, status=Medication.Status.ACTIVE))
        chart["latest_vitals"] = latest_vitals(patient=patient)
        chart["timeline"] = timeline(patient=patient, with_notes=can_read_notes)
    return chart
