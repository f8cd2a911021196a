"""Recording vital signs: BMI, reference-range flags and NEWS2 are computed here, once, and
stored with the row. A medium or high NEWS2 notifies the responsible nurse and practitioner
through a Celery task published on commit."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.audit.services import save_with_audit
from apps.clinical import news2
from apps.clinical.models import VitalSigns
from apps.core.tasks import dispatch

VITAL_FIELDS = ["recorded_at", "temp", "pulse", "sbp", "dbp", "rr", "spo2", "spo2_scale", "on_oxygen", "consciousness",
                "weight_kg", "height_cm", "pain"]

# Adult reference ranges used to flag single values. Where NEWS2 scores a parameter, the range is
# its 0-point band (RCP 2017, chart 1); BMI uses the WHO adult "normal" band 18.5–24.9.
REFERENCE_RANGES = {
    "rr": (12, 20),
    "spo2": (96, 100),
    "sbp": (111, 219),
    "pulse": (51, 90),
    "temp": (Decimal("36.1"), Decimal("38.0")),
    "dbp": (60, 90),
    "bmi": (Decimal("18.5"), Decimal("24.9")),
    "pain": (0, 3),
}


def compute_bmi(weight_kg, height_cm):
    if not weight_kg or not height_cm:
        return None
    metres = Decimal(height_cm) / 100
    return (Decimal(weight_kg) / (metres * metres)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def flags_for(vitals) -> dict:
    flags = {}
    for name, (low, high) in REFERENCE_RANGES.items():
        if name == "spo2" and vitals.spo2_scale == 2:
            low, high = 88, 92  # scale 2: the prescribed target range
        value = getattr(vitals, name)
        if value is None:
            continue
        if value < low:
            flags[name] = "low"
        elif value > high:
            flags[name] = "high"
    if vitals.consciousness and vitals.consciousness != "A":
        flags["consciousness"] = "abnormal"
    return flags


def news2_for(vitals, patient):
    """The NEWS2 score, or None when the patient is under 16 or a parameter is missing."""
    required = [vitals.rr, vitals.spo2, vitals.sbp, vitals.pulse, vitals.consciousness, vitals.temp]
    if any(value in (None, "") for value in required):
        return None
    if patient.age_on(vitals.recorded_at.date()) < news2.MINIMUM_AGE:
        return None
    return news2.score(news2.Observations(
        rr=vitals.rr, spo2=vitals.spo2, on_oxygen=vitals.on_oxygen, sbp=vitals.sbp, pulse=vitals.pulse,
        consciousness=vitals.consciousness, temp=vitals.temp, spo2_scale=vitals.spo2_scale))


def vitals_record(*, actor, patient, site, data: dict, visit=None) -> VitalSigns:
    if site.company_id != patient.company_id or (visit is not None and visit.patient_id != patient.pk):
        raise ValidationError("The site and visit must belong to this patient's organization.")
    values = {key: value for key, value in data.items() if key in VITAL_FIELDS and value is not None}
    if not any(key in values for key in VITAL_FIELDS if key not in ("recorded_at", "spo2_scale", "on_oxygen")):
        raise ValidationError("Record at least one value.")
    vitals = VitalSigns(patient=patient, site=site, visit=visit, recorded_by=actor, **values)
    vitals.company_id = patient.company_id
    vitals.full_clean()
    vitals.bmi = compute_bmi(vitals.weight_kg, vitals.height_cm)
    vitals.flags = flags_for(vitals)
    result = news2_for(vitals, patient)
    if result is not None:
        vitals.news2_score, vitals.news2_risk, vitals.news2_parameters = result.total, result.risk, result.parameters
    with transaction.atomic():
        save_with_audit(instance=vitals, actor=actor, action="vitals.record")
        if vitals.news2_risk in (news2.MEDIUM, news2.HIGH):
            from apps.clinical.tasks import notify_news2_alert

            dispatch(notify_news2_alert, company_id=str(vitals.company_id), vitals_id=str(vitals.pk))
    return vitals
