"""Writes on the hospital floor. Every function is keyword-only ``<entity>_<action>(*, actor, …)``, runs
in one transaction, writes its audit row in it, and starts side effects only through
``apps.core.tasks.dispatch`` (on commit). Pages, the API and the demo call these same functions.

Rows that two requests may change together are locked in primary-key order with the ``lock_*``
helpers. The database refuses what the services refuse (exclusion and check constraints in
models.py); an IntegrityError from a lost race becomes the same ValidationError.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.services import audit_log_record, model_changes, snapshot
from apps.clinical.access import user_has_code
from apps.clinical.models import Allergy
from apps.core.idempotency import replay_or_create
from apps.core.tasks import dispatch
from apps.hospital import frequencies
from apps.hospital.mar import dose_schedule_extend
from apps.hospital.models import (
    Admission,
    Bed,
    BedAssignment,
    Dispense,
    Dose,
    Draft,
    InventoryItem,
    LabOrder,
    LabResult,
    LabTest,
    Prescription,
    ReferenceRange,
    StockLot,
    StockMove,
    Ward,
)


class Conflict(ValidationError):
    """The request is valid but the record's state refuses it (already admitted, bed taken, dose already
    given, not enough stock, draft already decided): the API answers 409, a page shows the message."""


def _need(actor, code, site):
    if not user_has_code(actor, code, site):
        raise PermissionDenied(f"needs {code} at {site}")


def _same_company(*rows):
    companies = {row.company_id for row in rows if row is not None}
    if len(companies) > 1:
        raise ValidationError("These records belong to different organizations.")


def _save(instance, actor, action, before=None):
    instance._history_user = actor
    instance.save()
    changes = model_changes(instance, before) if before is not None else snapshot(instance)
    audit_log_record(company=instance.company_id, actor=actor, action=action, entity=instance, changes=changes)
    return instance


# ------------------------------------------------------------------ locks (always pk order)
def lock_beds(beds) -> dict:
    ids = sorted({bed.pk for bed in beds if bed is not None})
    return {bed.pk: bed for bed in Bed.objects.for_company(beds[0].company_id).select_for_update()
            .filter(pk__in=ids).order_by("pk")}


def lock_items(items) -> dict:
    ids = sorted({item.pk for item in items})
    return {item.pk: item for item in InventoryItem.objects.for_company(items[0].company_id).select_for_update()
            .filter(pk__in=ids).order_by("pk")}


def lock_prescription(prescription) -> Prescription:
    return Prescription.objects.for_company(prescription.company_id).select_for_update().get(pk=prescription.pk)


# ------------------------------------------------------------------ wards and beds
def ward_create(*, actor, site, name, floor="", speciality="") -> Ward:
    _need(actor, "admission.manage", site)
    with transaction.atomic():
        ward = Ward(site=site, name=name.strip(), floor=floor, speciality=speciality)
        ward.company_id = site.company_id
        if Ward.objects.for_company(site.company_id).filter(site=site, name=ward.name).exists():
            raise ValidationError({"name": "This site already has a ward of that name."})
        return _save(ward, actor, "ward.create")


def bed_create(*, actor, ward, label) -> Bed:
    _need(actor, "admission.manage", ward.site_id)
    with transaction.atomic():
        if Bed.objects.for_company(ward.company_id).filter(ward=ward, label=label.strip()).exists():
            raise ValidationError({"label": "This ward already has a bed with that label."})
        return _save(Bed(ward=ward, label=label.strip()), actor, "bed.create")


MANUAL_BED_STATUSES = {Bed.Status.AVAILABLE, Bed.Status.CLEANING, Bed.Status.MAINTENANCE, Bed.Status.RESERVED}


def bed_set_status(*, actor, bed, status) -> Bed:
    """Housekeeping: available / cleaning / maintenance / reserved. ``occupied`` follows assignments only."""
    _need(actor, "admission.manage", bed.ward.site_id)
    if status not in MANUAL_BED_STATUSES:
        raise ValidationError({"status": "A bed becomes occupied by admitting or transferring a patient to it."})
    with transaction.atomic():
        locked = lock_beds([bed])[bed.pk]
        if locked.status == Bed.Status.OCCUPIED:
            raise ValidationError({"status": "This bed is occupied: transfer or discharge its patient first."})
        before = snapshot(locked)
        locked.status = status
        return _save(locked, actor, "bed.set_status", before)


def _occupy(*, actor, admission, bed, at) -> BedAssignment:
    if bed.company_id != admission.company_id:
        raise ValidationError({"bed": "Unknown bed."})
    if bed.ward.site_id != admission.site_id:
        raise ValidationError({"bed": "This bed is at another site than the admission."})
    if bed.status not in (Bed.Status.AVAILABLE, Bed.Status.RESERVED):
        raise Conflict({"bed": f"Bed {bed.label} is {bed.get_status_display().lower()}."})
    assignment = BedAssignment(admission=admission, patient_id=admission.patient_id, bed=bed, start=at,
                               assigned_by=actor)
    try:
        with transaction.atomic():
            _save(assignment, actor, "bed_assignment.create")
    except IntegrityError as error:  # the exclusion constraints: a race lost to another assignment
        raise Conflict({"bed": "This bed or this patient already has an assignment at that time."}) from error
    before = snapshot(bed)
    bed.status = Bed.Status.OCCUPIED
    _save(bed, actor, "bed.occupy", before)
    return assignment


def _vacate(*, actor, admission, at, beds) -> None:
    for assignment in BedAssignment.objects.for_company(admission.company_id).filter(admission=admission,
                                                                                      end__isnull=True):
        before = snapshot(assignment)
        assignment.end = at
        _save(assignment, actor, "bed_assignment.end", before)
        bed = beds[assignment.bed_id]
        before = snapshot(bed)
        bed.status = Bed.Status.CLEANING
        _save(bed, actor, "bed.vacate", before)


def _open_bed_ids(admission):
    return list(BedAssignment.objects.for_company(admission.company_id).filter(
        admission=admission, end__isnull=True).values_list("bed_id", flat=True))


# ------------------------------------------------------------------ admissions
def admission_admit(*, actor, patient, site, reason, practitioner, bed=None, admitted_at=None,
                    idempotency_key=None) -> Admission:
    """Admit ``patient`` at ``site`` (optionally straight into ``bed``). The admitting practitioner must be
    someone who may prescribe at that site. One open admission per patient (service + unique constraint)."""
    _need(actor, "admission.manage", site)
    _same_company(patient, site, bed)
    if practitioner is None or practitioner.company_id != site.company_id \
            or not user_has_code(practitioner, "medication.prescribe", site):
        raise ValidationError({"practitioner": "Choose a practitioner who may prescribe at this site."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for admission."})
    at = admitted_at or timezone.now()

    def create():
        if Admission.objects.for_company(patient.company_id).filter(patient=patient,
                                                                      status=Admission.Status.ADMITTED).exists():
            raise Conflict({"patient": f"{patient.full_name} is already admitted."})
        admission = Admission(patient=patient, site=site, reason=reason.strip(), admitting_practitioner=practitioner,
                              admitted_at=at, idempotency_key=idempotency_key)
        try:
            with transaction.atomic():
                _save(admission, actor, "admission.admit")
        except IntegrityError as error:
            raise Conflict({"patient": f"{patient.full_name} is already admitted."}) from error
        if bed is not None:
            locked = lock_beds([bed])[bed.pk]
            locked.ward = bed.ward
            _occupy(actor=actor, admission=admission, bed=locked, at=at)
        return admission

    with transaction.atomic():
        admission, _ = replay_or_create(Admission.objects.for_company(patient.company_id),
                                        key_field="idempotency_key", key=idempotency_key, create=create)
    return admission


def admission_transfer(*, actor, admission, bed, at=None) -> BedAssignment:
    """Move the patient to ``bed``: the open assignment ends, a new one starts (the bed history)."""
    _need(actor, "admission.manage", admission.site_id)
    if admission.status != Admission.Status.ADMITTED:
        raise Conflict("This admission is closed.")
    at = at or timezone.now()
    with transaction.atomic():
        current = _open_bed_ids(admission)
        if bed.pk in current:
            raise ValidationError({"bed": "The patient is already in this bed."})
        beds = lock_beds([bed, *Bed.objects.for_company(admission.company_id).filter(pk__in=current)])
        _vacate(actor=actor, admission=admission, at=at, beds=beds)
        locked = beds[bed.pk]
        locked.ward = bed.ward
        assignment = _occupy(actor=actor, admission=admission, bed=locked, at=at)
        audit_log_record(company=admission.company_id, actor=actor, action="admission.transfer", entity=admission,
                         changes={"bed": [[str(pk) for pk in current], str(bed.pk)]})
    return assignment


def admission_discharge(*, actor, admission, disposition, summary, at=None) -> Admission:
    """Close the admission; the discharge summary starts as a draft that someone else must approve."""
    _need(actor, "admission.manage", admission.site_id)
    if disposition not in Admission.Disposition.values:
        raise ValidationError({"disposition": "Choose a disposition."})
    if not summary.strip():
        raise ValidationError({"summary": "Write the discharge summary."})
    at = at or timezone.now()
    with transaction.atomic():
        admission = Admission.objects.for_company(admission.company_id).select_for_update().select_related(
            "patient").get(pk=admission.pk)
        if admission.status != Admission.Status.ADMITTED:
            raise Conflict("This admission is already closed.")
        if at < admission.admitted_at:
            raise ValidationError({"at": "Discharge cannot be before admission."})
        current = _open_bed_ids(admission)
        if current:
            _vacate(actor=actor, admission=admission, at=at,
                    beds=lock_beds(list(Bed.objects.for_company(admission.company_id).filter(pk__in=current))))
        draft = Draft(site_id=admission.site_id, patient=admission.patient, kind=Draft.Kind.DISCHARGE_SUMMARY,
                      title=f"Discharge summary — {admission.patient.full_name}", body=summary.strip(), author=actor)
        draft.company_id = admission.company_id
        _save(draft, actor, "draft.create")
        before = snapshot(admission)
        admission.status, admission.discharged_at = Admission.Status.DISCHARGED, at
        admission.disposition, admission.discharge_summary = disposition, draft
        _save(admission, actor, "admission.discharge", before)
    return admission


# ------------------------------------------------------------------ drafts
def draft_update(*, actor, draft, body) -> Draft:
    if draft.author_id != actor.pk:
        raise PermissionDenied("Only the author edits a draft.")
    with transaction.atomic():
        draft = Draft.objects.for_company(draft.company_id).select_for_update().get(pk=draft.pk)
        if draft.status != Draft.Status.DRAFT:
            raise ValidationError("Only a draft can be edited.")
        if not body.strip():
            raise ValidationError({"body": "The draft cannot be empty."})
        before = snapshot(draft)
        draft.body = body.strip()
        return _save(draft, actor, "draft.update", before)


def _decide(*, actor, draft, status, reason) -> Draft:
    with transaction.atomic():
        draft = Draft.objects.for_company(draft.company_id).select_for_update().get(pk=draft.pk)
        if draft.status != Draft.Status.DRAFT:
            raise Conflict(f"This draft is already {draft.get_status_display().lower()}.")
        if draft.author_id == actor.pk:
            raise PermissionDenied("Someone other than the author must review a draft.")
        _need(actor, "document.approve", draft.site_id)
        before = snapshot(draft)
        draft.status, draft.reviewer, draft.reviewed_at, draft.reason = status, actor, timezone.now(), reason
        draft._change_reason = reason or status
        verb = "approve" if status == Draft.Status.APPROVED else "reject"
        return _save(draft, actor, f"draft.{verb}", before)


def draft_approve(*, actor, draft, reason="") -> Draft:
    return _decide(actor=actor, draft=draft, status=Draft.Status.APPROVED, reason=reason.strip())


def draft_reject(*, actor, draft, reason) -> Draft:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the draft is rejected."})
    return _decide(actor=actor, draft=draft, status=Draft.Status.REJECTED, reason=reason.strip())


# ------------------------------------------------------------------ lab
def reference_range_for(ranges, *, sex, age) -> ReferenceRange | None:
    """The most specific range that fits: one for the patient's sex beats one for any sex; among those,
    an age band [min, max) containing the age beats no band."""
    best, best_score = None, -1
    for candidate in ranges:
        if candidate.sex and candidate.sex != sex:
            continue
        if candidate.age_min_years is not None and age < candidate.age_min_years:
            continue
        if candidate.age_max_years is not None and age >= candidate.age_max_years:
            continue
        score = (2 if candidate.sex else 0) + (1 if candidate.age_min_years is not None
                                               or candidate.age_max_years is not None else 0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def flag_for(value: Decimal, rng: ReferenceRange | None) -> str:
    """critical-low at or below the low critical limit, critical-high at or above the high one; low/high
    outside the normal range; else normal. No range: no flag."""
    if rng is None:
        return ""
    if rng.low_critical is not None and value <= rng.low_critical:
        return LabResult.Flag.CRITICAL_LOW
    if rng.high_critical is not None and value >= rng.high_critical:
        return LabResult.Flag.CRITICAL_HIGH
    if rng.low_normal is not None and value < rng.low_normal:
        return LabResult.Flag.LOW
    if rng.high_normal is not None and value > rng.high_normal:
        return LabResult.Flag.HIGH
    return LabResult.Flag.NORMAL


def _range_text(rng) -> str:
    if rng is None or (rng.low_normal is None and rng.high_normal is None):
        return ""
    low = "" if rng.low_normal is None else f"{rng.low_normal.normalize():f}"
    high = "" if rng.high_normal is None else f"{rng.high_normal.normalize():f}"
    return f"{low}–{high}"


def lab_test_create(*, actor, company, name, unit="", specimen="", loinc_code="", ranges=()) -> LabTest:
    if not user_has_code(actor, "lab.process"):
        raise PermissionDenied("needs lab.process")
    with transaction.atomic():
        test = LabTest(name=name.strip(), unit=unit, specimen=specimen, loinc_code=loinc_code)
        test.company_id = getattr(company, "pk", company)
        _save(test, actor, "lab_test.create")
        for values in ranges:
            _save(ReferenceRange(test=test, **values), actor, "reference_range.create")
    return test


def lab_order_create(*, actor, patient, site, tests, urgency=LabOrder.Urgency.ROUTINE, clinical_note="",
                     admission=None, idempotency_key=None) -> LabOrder:
    _need(actor, "lab.order", site)
    _same_company(patient, site, admission, *tests)
    if not tests:
        raise ValidationError({"tests": "Choose at least one test."})
    if any(not test.is_active for test in tests):
        raise ValidationError({"tests": "A test is no longer offered."})
    if urgency not in LabOrder.Urgency.values:
        raise ValidationError({"urgency": "Choose routine, urgent or stat."})
    if admission is not None and admission.patient_id != patient.pk:
        raise ValidationError({"admission": "Another patient's admission."})

    def create():
        order = LabOrder(patient=patient, site=site, admission=admission, ordered_by=actor, ordered_at=timezone.now(),
                         urgency=urgency, clinical_note=clinical_note.strip(), idempotency_key=idempotency_key)
        _save(order, actor, "lab_order.create")
        for test in {test.pk: test for test in tests}.values():
            result = LabResult(order=order, test=test, unit=test.unit)
            result._history_user = actor
            result.save()
        return order

    with transaction.atomic():
        order, _ = replay_or_create(LabOrder.objects.for_company(patient.company_id), key_field="idempotency_key",
                                    key=idempotency_key, create=create)
    return order


LAB_TRANSITIONS = {
    # to: (from statuses, code needed at the order's site)
    LabOrder.Status.ACCEPTED: ({LabOrder.Status.REQUESTED}, "lab.process"),
    LabOrder.Status.IN_PROGRESS: ({LabOrder.Status.ACCEPTED}, "lab.process"),
    LabOrder.Status.REJECTED: ({LabOrder.Status.REQUESTED, LabOrder.Status.ACCEPTED}, "lab.process"),
    LabOrder.Status.CANCELLED: ({LabOrder.Status.REQUESTED, LabOrder.Status.ACCEPTED, LabOrder.Status.IN_PROGRESS},
                                "lab.order"),
}


def lab_order_transition(*, actor, order, status, reason="") -> LabOrder:
    """requested → accepted → in-progress → completed (by recording results); rejected (lab) or
    cancelled (orderer) with a reason."""
    if status not in LAB_TRANSITIONS:
        raise ValidationError({"status": "Not a status you can set."})
    sources, code = LAB_TRANSITIONS[status]
    _need(actor, code, order.site_id)
    if status in (LabOrder.Status.REJECTED, LabOrder.Status.CANCELLED) and not reason.strip():
        raise ValidationError({"reason": "Give a reason."})
    with transaction.atomic():
        order = LabOrder.objects.for_company(order.company_id).select_for_update().get(pk=order.pk)
        if order.status not in sources:
            raise Conflict({"status": f"The order is {order.get_status_display().lower()}."})
        before = snapshot(order)
        order.status, order.status_reason = status, reason.strip()
        verb = {"accepted": "accept", "in-progress": "start", "rejected": "reject", "cancelled": "cancel"}[status]
        return _save(order, actor, f"lab_order.{verb}", before)


def lab_specimen_collect(*, actor, order, at=None) -> LabOrder:
    _need(actor, "lab.process", order.site_id)
    with transaction.atomic():
        order = LabOrder.objects.for_company(order.company_id).select_for_update().get(pk=order.pk)
        if order.status not in (LabOrder.Status.ACCEPTED, LabOrder.Status.IN_PROGRESS):
            raise ValidationError("Accept the order before collecting the specimen.")
        at = at or timezone.now()
        if at > timezone.now() + datetime.timedelta(minutes=5) or at < order.ordered_at:
            raise ValidationError({"at": "The collection time must be between the order and now."})
        before = snapshot(order)
        order.specimen_collected_at = at
        order.status = LabOrder.Status.IN_PROGRESS
        return _save(order, actor, "lab_order.collect", before)


def _decimal(value, field):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: "Enter a number."}) from error
    if not number.is_finite() or abs(number) >= Decimal("1e8"):
        raise ValidationError({field: "Enter a number."})
    return number


def lab_results_record(*, actor, order, values: dict, report_file=None) -> LabOrder:
    """Record values ({result id or test id: number}); each is flagged against the matching reference range.
    When every test has a value the order is completed. A critical value notifies the ordering
    practitioner at once (task on commit; one notification per result, by key)."""
    from apps.hospital.tasks import notify_critical_result

    _need(actor, "lab.process", order.site_id)
    with transaction.atomic():
        order = LabOrder.objects.for_company(order.company_id).select_for_update().select_related("patient").get(
            pk=order.pk)
        if order.status not in (LabOrder.Status.ACCEPTED, LabOrder.Status.IN_PROGRESS):
            raise ValidationError("Results are recorded on an accepted or in-progress order.")
        results = {str(r.pk): r for r in LabResult.objects.for_company(order.company_id).filter(order=order)
                   .select_related("test").order_by("pk")}
        by_test = {str(r.test_id): r for r in results.values()}
        ranges = list(ReferenceRange.objects.for_company(order.company_id).filter(
            test_id__in=[r.test_id for r in results.values()]))
        now = timezone.now()
        patient = order.patient
        age = patient.age_on(timezone.localdate())
        critical = []
        for key, raw in values.items():
            if raw in (None, ""):
                continue
            result = results.get(str(key)) or by_test.get(str(key))
            if result is None:
                raise ValidationError({"values": "A value for a test that is not on this order."})
            if result.resulted_at is not None:
                raise ValidationError({"values": f"{result.test.name} already has a result."})
            value = _decimal(raw, f"value_{result.pk}")
            rng = reference_range_for([r for r in ranges if r.test_id == result.test_id], sex=patient.sex, age=age)
            result.value, result.flag, result.reference_text = value, flag_for(value, rng), _range_text(rng)
            result.resulted_at, result.resulted_by = now, actor
            _save(result, actor, "lab_result.record")
            if result.is_critical:
                critical.append(result)
        before = snapshot(order)
        if report_file is not None:
            order.report_file.save(f"{order.pk}.pdf", report_file, save=False)
        if order.specimen_collected_at is None:
            order.specimen_collected_at = now
        if all(r.resulted_at is not None for r in results.values()):
            order.status, order.completed_at = LabOrder.Status.COMPLETED, now
        else:
            order.status = LabOrder.Status.IN_PROGRESS
        _save(order, actor, "lab_order.result", before)
        for result in critical:
            dispatch(notify_critical_result, company_id=str(order.company_id), result_id=str(result.pk))
    return order


def lab_result_acknowledge(*, actor, result) -> LabResult:
    """The ordering practitioner (or another who may order at the site) has seen a flagged result."""
    with transaction.atomic():
        result = LabResult.objects.for_company(result.company_id).select_for_update().select_related("order").get(
            pk=result.pk)
        if result.order.ordered_by_id != actor.pk and not user_has_code(actor, "lab.order", result.order.site_id):
            raise PermissionDenied("Only the ordering practitioner or a colleague who orders here acknowledges.")
        if result.resulted_at is None:
            raise ValidationError("There is no result to acknowledge yet.")
        if result.acknowledged_at is not None:
            return result
        before = snapshot(result)
        result.acknowledged_at, result.acknowledged_by = timezone.now(), actor
        return _save(result, actor, "lab_result.acknowledge", before)


# ------------------------------------------------------------------ prescriptions and the MAR
class AllergyWarning(ValidationError):
    """The chart lists an allergy matching the medication: the prescriber must acknowledge it."""

    def __init__(self, allergies):
        self.allergies = allergies
        names = ", ".join(a.substance for a in allergies)
        super().__init__({"acknowledge_allergy": f"Allergy on the chart: {names}. Acknowledge to prescribe anyway."})


def allergies_matching(patient, medication: str) -> list:
    """Active allergies (not entered in error) whose substance and the medication name contain one another,
    ignoring case: "Penicillin" matches "Penicillin V" and "Amoxicillin" does not (name match only)."""
    name = medication.strip().lower()
    if not name:
        return []
    matches = []
    for allergy in Allergy.objects.for_company(patient.company_id).filter(
            patient=patient, status=Allergy.Status.ACTIVE, entered_in_error_at__isnull=True):
        substance = allergy.substance.strip().lower()
        if substance and (substance in name or name in substance):
            matches.append(allergy)
    return matches


PRESCRIPTION_FIELDS = ["medication", "strength", "form", "dose", "dose_unit", "route", "frequency", "as_needed",
                       "as_needed_condition", "duration_days", "quantity", "refills", "start_at"]


def prescription_create(*, actor, patient, site, data: dict, acknowledge_allergy=False, admission=None,
                        inventory_item=None, idempotency_key=None) -> Prescription:
    _need(actor, "medication.prescribe", site)
    _same_company(patient, site, admission, inventory_item)
    values = {key: data[key] for key in PRESCRIPTION_FIELDS if data.get(key) not in (None, "")}
    if values.get("frequency") not in frequencies.FREQUENCIES:
        raise ValidationError({"frequency": "Choose a frequency code (" + ", ".join(frequencies.FREQUENCIES) + ")."})
    if values.get("frequency") == "PRN":
        values["as_needed"] = True
    if values.get("as_needed") and not values.get("as_needed_condition", "").strip():
        raise ValidationError({"as_needed_condition": "Say when the as-needed dose may be given."})
    if admission is not None and admission.patient_id != patient.pk:
        raise ValidationError({"admission": "Another patient's admission."})
    values.setdefault("start_at", timezone.now())
    prescription = Prescription(patient=patient, site=site, admission=admission, prescriber=actor,
                                inventory_item=inventory_item, idempotency_key=idempotency_key, **values)
    prescription.company_id = patient.company_id
    prescription.full_clean(exclude=["company", "prescriber", "patient", "site", "admission", "inventory_item"])
    if prescription.duration_days:
        prescription.end_at = prescription.start_at + datetime.timedelta(days=prescription.duration_days)

    def create():
        matches = allergies_matching(patient, prescription.medication)
        if matches and not acknowledge_allergy:
            raise AllergyWarning(matches)
        if matches:
            prescription.allergy_warning = ", ".join(a.substance for a in matches)[:300]
        _save(prescription, actor, "prescription.create")
        if matches:
            audit_log_record(company=patient.company_id, actor=actor, action="prescription.acknowledge_allergy",
                             entity=prescription, changes={"allergies": [a.substance for a in matches],
                                                           "medication": prescription.medication})
        dose_schedule_extend(prescription=prescription, actor=actor)
        return prescription

    with transaction.atomic():
        prescription, _ = replay_or_create(Prescription.objects.for_company(patient.company_id),
                                           key_field="idempotency_key", key=idempotency_key, create=create)
    return prescription


STATUS_VERBS = {Prescription.Status.ON_HOLD: "hold", Prescription.Status.ACTIVE: "resume",
                Prescription.Status.STOPPED: "stop", Prescription.Status.COMPLETED: "complete",
                Prescription.Status.ENTERED_IN_ERROR: "enter_in_error"}


def prescription_set_status(*, actor, prescription, status, reason="") -> Prescription:
    _need(actor, "medication.prescribe", prescription.site_id)
    if status not in STATUS_VERBS:
        raise ValidationError({"status": "Not a status."})
    if status in (Prescription.Status.STOPPED, Prescription.Status.ENTERED_IN_ERROR,
                  Prescription.Status.ON_HOLD) and not reason.strip():
        raise ValidationError({"reason": "Give a reason."})
    with transaction.atomic():
        locked = lock_prescription(prescription)
        if locked.status in (Prescription.Status.STOPPED, Prescription.Status.COMPLETED,
                             Prescription.Status.ENTERED_IN_ERROR):
            raise ValidationError(f"This prescription is {locked.get_status_display().lower()}.")
        before = snapshot(locked)
        locked.status, locked.status_reason = status, reason.strip()
        _save(locked, actor, f"prescription.{STATUS_VERBS[status]}", before)
        if status == Prescription.Status.ACTIVE:
            locked.site = prescription.site
            dose_schedule_extend(prescription=locked, actor=actor)
    return locked


def _refuse_double(prescription, given_at, exclude_pk=None):
    gap = frequencies.get(prescription.frequency).min_gap
    clash = Dose.objects.for_company(prescription.company_id).filter(
        prescription=prescription, status=Dose.Status.GIVEN, given_at__gt=given_at - gap,
        given_at__lt=given_at + gap).exclude(pk=exclude_pk).first()
    if clash is not None:
        raise Conflict({"status": f"A dose was already given at {timezone.localtime(clash.given_at):%H:%M}; "
                                         f"the next may be given {_hours(gap)} after it."})
    return gap


def _hours(gap):
    return f"{int(gap.total_seconds() // 3600)} h"


DOSE_VERBS = {"given": "give", "held": "hold", "refused": "refuse", "missed": "miss"}


def dose_record(*, actor, dose, status, at=None, reason="") -> Dose:
    """Record what became of a scheduled dose: given / held / refused / missed (held and refused need a
    reason). A second given dose inside the frequency's minimum gap is refused (frequencies.py)."""
    prescription = dose.prescription
    _need(actor, "medication.administer", prescription.site_id)
    if status not in (Dose.Status.GIVEN, Dose.Status.HELD, Dose.Status.REFUSED, Dose.Status.MISSED):
        raise ValidationError({"status": "Choose given, held, refused or missed."})
    if status in (Dose.Status.HELD, Dose.Status.REFUSED) and not reason.strip():
        raise ValidationError({"reason": "Say why the dose was not given."})
    now = timezone.now()
    at = at or now
    if at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"at": "A dose cannot be recorded in the future."})
    with transaction.atomic():
        locked = lock_prescription(prescription)  # one writer per prescription: the interval check holds
        if locked.status != Prescription.Status.ACTIVE:
            raise ValidationError(f"The prescription is {locked.get_status_display().lower()}.")
        dose = Dose.objects.for_company(dose.company_id).select_for_update().get(pk=dose.pk)
        if dose.status != Dose.Status.SCHEDULED:
            raise Conflict({"status": f"This dose is already recorded as {dose.get_status_display().lower()}."})
        before = snapshot(dose)
        dose.status, dose.recorded_at, dose.recorded_by, dose.reason = status, now, actor, reason.strip()
        if status == Dose.Status.GIVEN:
            gap = _refuse_double(locked, at, exclude_pk=dose.pk)
            dose.given_at, dose.blocks_until = at, at + gap
        try:
            with transaction.atomic():
                _save(dose, actor, f"dose.{DOSE_VERBS[status]}", before)
        except IntegrityError as error:
            raise Conflict({"status": "This dose was already given inside its interval."}) from error
    return dose


def dose_give_as_needed(*, actor, prescription, at=None, reason="") -> Dose:
    """An as-needed dose, recorded when given (the condition it was given for in ``reason``)."""
    _need(actor, "medication.administer", prescription.site_id)
    if not prescription.as_needed:
        raise ValidationError("This prescription is scheduled: record its scheduled doses.")
    now = timezone.now()
    at = at or now
    if at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"at": "A dose cannot be recorded in the future."})
    with transaction.atomic():
        locked = lock_prescription(prescription)
        if locked.status != Prescription.Status.ACTIVE:
            raise ValidationError(f"The prescription is {locked.get_status_display().lower()}.")
        gap = _refuse_double(locked, at)
        dose = Dose(prescription=locked, status=Dose.Status.GIVEN, given_at=at, blocks_until=at + gap,
                    recorded_at=now, recorded_by=actor, reason=reason.strip())
        try:
            with transaction.atomic():
                _save(dose, actor, "dose.give")
        except IntegrityError as error:
            raise Conflict({"status": "A dose was already given inside its interval."}) from error
    return dose


# ------------------------------------------------------------------ stock ledger
def _apply_moves(*, actor, moves, at=None) -> list[StockMove]:
    """moves: [(item, lot or None, kind, signed quantity, reason)]. Locks the items (pk order), then the
    lots (pk order), checks that no level goes below zero, writes the ledger lines with their running
    balances and the new levels — all in the caller's transaction."""
    at = at or timezone.now()
    items = lock_items([item for item, *_ in moves])
    lot_ids = sorted({lot.pk for _, lot, *_ in moves if lot is not None})
    lots = {lot.pk: lot for lot in StockLot.objects.for_company(moves[0][0].company_id).select_for_update()
            .filter(pk__in=lot_ids).order_by("pk")}
    before_items = {pk: snapshot(item) for pk, item in items.items()}
    written = []
    for item, lot, kind, quantity, reason in moves:
        locked_item = items[item.pk]
        locked_lot = lots.get(lot.pk) if lot is not None else None
        if locked_lot is not None and locked_lot.item_id != locked_item.pk:
            raise ValidationError({"lot": "This lot is not of this item."})
        locked_item.level += quantity
        if locked_lot is not None:
            locked_lot.level += quantity
        if locked_item.level < 0 or (locked_lot is not None and locked_lot.level < 0):
            available = locked_lot.level - quantity if locked_lot is not None else locked_item.level - quantity
            raise Conflict({"quantity": f"Only {available.normalize():f} {locked_item.unit} in stock."})
        move = StockMove(item=locked_item, lot=locked_lot, kind=kind, quantity=quantity, reason=reason,
                         item_balance=locked_item.level, lot_balance=locked_lot.level if locked_lot else None,
                         actor=actor, moved_at=at)
        move.save()
        written.append(move)
    for pk, item in items.items():
        _save(item, actor, "inventory_item.move", before_items[pk])
    for lot in lots.values():
        lot._history_user = actor
        lot.save()
    return written


def _positive(quantity, field="quantity") -> Decimal:
    number = _decimal(quantity, field)
    if number <= 0:
        raise ValidationError({field: "Enter a quantity above zero."})
    return number


def inventory_item_create(*, actor, site, name, kind, unit, reorder_threshold=0) -> InventoryItem:
    _need(actor, "inventory.manage", site)
    with transaction.atomic():
        if InventoryItem.objects.for_company(site.company_id).filter(site=site, name=name.strip()).exists():
            raise ValidationError({"name": "This site already stocks an item of that name."})
        item = InventoryItem(site=site, name=name.strip(), kind=kind, unit=unit,
                             reorder_threshold=Decimal(str(reorder_threshold)))
        item.full_clean(exclude=["company", "site"])
        return _save(item, actor, "inventory_item.create")


def stock_receive(*, actor, item, lot_number, quantity, expiry_date=None) -> StockMove:
    _need(actor, "inventory.manage", item.site_id)
    quantity = _positive(quantity)
    with transaction.atomic():
        lot = StockLot.objects.for_company(item.company_id).filter(item=item, lot_number=lot_number.strip()).first()
        if lot is None:
            lot = _save(StockLot(item=item, lot_number=lot_number.strip(), expiry_date=expiry_date), actor,
                        "stock_lot.create")
        elif expiry_date and lot.expiry_date != expiry_date:
            raise ValidationError({"expiry_date": f"Lot {lot.lot_number} expires {lot.expiry_date}."})
        return _apply_moves(actor=actor, moves=[(item, lot, StockMove.Kind.RECEIVE, quantity, "")])[0]


def stock_adjust(*, actor, item, quantity, reason, lot=None) -> StockMove:
    """A signed correction (count, breakage, expiry write-off) with a reason."""
    _need(actor, "inventory.manage", item.site_id)
    quantity = _decimal(quantity, "quantity")
    if quantity == 0:
        raise ValidationError({"quantity": "Enter a non-zero quantity."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the adjustment."})
    with transaction.atomic():
        return _apply_moves(actor=actor, moves=[(item, lot, StockMove.Kind.ADJUST, quantity, reason.strip())])[0]


def stock_transfer(*, actor, item, lot, to_item, quantity) -> list[StockMove]:
    """Move stock of one lot to the same item at another site of the company (the lot number follows)."""
    _need(actor, "inventory.manage", item.site_id)
    _need(actor, "inventory.manage", to_item.site_id)
    _same_company(item, to_item, lot)
    quantity = _positive(quantity)
    if item.pk == to_item.pk:
        raise ValidationError({"to_item": "Choose another site's item."})
    with transaction.atomic():
        target = StockLot.objects.for_company(item.company_id).filter(item=to_item, lot_number=lot.lot_number).first()
        if target is None:
            target = _save(StockLot(item=to_item, lot_number=lot.lot_number, expiry_date=lot.expiry_date), actor,
                           "stock_lot.create")
        return _apply_moves(actor=actor, moves=[
            (item, lot, StockMove.Kind.TRANSFER_OUT, -quantity, f"to {to_item.site}"),
            (to_item, target, StockMove.Kind.TRANSFER_IN, quantity, f"from {item.site}")])


def prescription_dispense(*, actor, prescription, lot, quantity, idempotency_key=None) -> Dispense:
    """A pharmacist dispenses from a lot: the stock goes down in the same transaction (never below zero)."""
    _need(actor, "medication.dispense", prescription.site_id)
    _same_company(prescription, lot)
    quantity = _positive(quantity)
    if prescription.status not in (Prescription.Status.ACTIVE, Prescription.Status.ON_HOLD):
        raise ValidationError(f"The prescription is {prescription.get_status_display().lower()}.")
    if lot.expiry_date is not None and lot.expiry_date < timezone.localdate():
        raise ValidationError({"lot": f"Lot {lot.lot_number} expired on {lot.expiry_date}."})

    def create():
        move = _apply_moves(actor=actor, moves=[(lot.item, lot, StockMove.Kind.DISPENSE, -quantity,
                                                 f"prescription {prescription.pk}")])[0]
        dispense = Dispense(prescription=prescription, lot=lot, quantity=quantity, dispensed_by=actor,
                            dispensed_at=move.moved_at, move=move, idempotency_key=idempotency_key)
        return _save(dispense, actor, "dispense.create")

    with transaction.atomic():
        dispense, _ = replay_or_create(Dispense.objects.for_company(prescription.company_id),
                                       key_field="idempotency_key", key=idempotency_key, create=create)
    return dispense

