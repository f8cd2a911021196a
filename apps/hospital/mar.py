"""Scheduling the MAR: the doses a prescription's frequency puts on the ward's administration record
(apps.hospital.frequencies). Used by the services (on prescribing, on resuming) and by the daily job."""

import datetime

from django.utils import timezone

from apps.hospital import frequencies
from apps.hospital.mar_cache import mar_changed
from apps.hospital.models import Dose, Prescription

OPEN_SCHEDULE_DAYS = 3  # doses scheduled ahead for a prescription without a duration (extended daily)
MAX_SCHEDULE_DAYS = 14  # and at most this far ahead for one with a duration


def dose_schedule_extend(*, prescription, actor=None, now=None) -> int:
    """Create the scheduled doses of an active prescription up to its end (at most 14 days ahead) or,
    without an end, 3 days ahead. Idempotent (one row per due time: unique constraint)."""
    if prescription.as_needed or prescription.status != Prescription.Status.ACTIVE:
        return 0
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=OPEN_SCHEDULE_DAYS if prescription.end_at is None else MAX_SCHEDULE_DAYS)
    end = min(prescription.end_at, horizon) if prescription.end_at else horizon
    start = prescription.start_at
    due = frequencies.due_times(prescription.frequency, start=start, end=end, tz=prescription.site.time_zone)
    existing = set(Dose.objects.for_company(prescription.company_id).filter(
        prescription=prescription, due_at__isnull=False).values_list("due_at", flat=True))
    rows = [Dose(prescription=prescription, due_at=moment, company_id=prescription.company_id)
            for moment in due if moment not in existing]
    for row in rows:
        row._history_user = actor
    Dose.objects.bulk_create(rows)  # scheduling only; each recorded dose is a save with history
    if rows:
        mar_changed(company_id=prescription.company_id)  # bulk_create sends no signal (apps.hospital.mar_cache)
    return len(rows)
