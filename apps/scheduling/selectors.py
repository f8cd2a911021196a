"""Reads of the appointment book: scoped querysets (billing and physio read through these)."""

from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, Func, IntegerField, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from apps.core.prepared import prepared
from apps.scheduling.models import Appointment, AppointmentStatus, SchedulingSettings


def scheduling_settings(company_id) -> SchedulingSettings:
    """The company's settings row (defaults when none was saved)."""
    found = SchedulingSettings.objects.for_company(company_id).first()
    return found or SchedulingSettings(company_id=getattr(company_id, "pk", company_id))


def appointments_for_patient(company_id, patient):
    """Every appointment of ``patient`` in the company, newest first."""
    return (Appointment.objects.for_company(company_id).filter(patient=patient)
            .select_related("practitioner", "site", "service_type", "resource").order_by("-start"))


def fulfilled_appointments(company_id, patient=None, site=None):
    """Fulfilled appointments (what billing invoices), optionally of one patient or at one site."""
    queryset = (Appointment.objects.for_company(company_id).filter(status=AppointmentStatus.FULFILLED)
                .select_related("patient", "practitioner", "site", "service_type"))
    if patient is not None:
        queryset = queryset.filter(patient=patient)
    if site is not None:
        queryset = queryset.filter(site=site)
    return queryset.order_by("start")


def day_appointments(*, site, start, end, practitioner=None):
    """Appointments at ``site`` overlapping [start, end) — every status (the day view shows the
    cancelled ones faintly) — with what the book shows, in one query."""
    queryset = (Appointment.objects.for_company(site.company_id).filter(site=site, start__lt=end, end__gt=start)
                .select_related("patient", "practitioner", "service_type", "resource").order_by("start"))
    if practitioner is not None:
        queryset = queryset.filter(practitioner=practitioner)
    return queryset


class EpochMicroseconds(Func):
    """A timestamptz as whole microseconds since 1970-01-01 UTC: the day view places hundreds of
    appointments with integer arithmetic instead of converting each datetime (psycopg's datetime
    with its time zone is most of the cost of reading a row)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()
    convert_value = staticmethod(Func._convert_value_noop)  # psycopg returns an int already


# The patient's no-shows and late cancellations of all time (``attendance_counts``), as an array
# [no-shows, late cancellations] for each row of ``day_book_values``: a correlated subquery on the
# same company (written as SQL: two ORM subqueries cost more to build than the whole query), over
# no-shows and cancellations only, so that it reads the partial index ``appointment_attendance``.
_ATTENDANCE_SQL = (
    f"SELECT ARRAY[count(*) FILTER (WHERE past.status = %s), "
    f"count(*) FILTER (WHERE past.status = %s AND past.late_cancellation)] "
    f'FROM "{Appointment._meta.db_table}" AS past WHERE past.company_id = "{Appointment._meta.db_table}".company_id '
    f'AND past.patient_id = "{Appointment._meta.db_table}".patient_id '
    f"AND past.status IN ('{AppointmentStatus.NOSHOW.value}', '{AppointmentStatus.CANCELLED.value}')")

# The day view's columns (the keys of the rows ``day_book_values`` returns).
DAY_COLUMNS = (
    "id_text", "patient_id", "practitioner_id", "resource_id", "service_type_id", "start_us", "end_us", "status",
    "overbooked", "cancellation_reason", "patient__first_name", "patient__last_name", "practitioner__first_name",
    "practitioner__last_name", "practitioner__email", "service_type__name", "service_type__colour", "resource__name",
    "attendance",
)


def _day_book_builder(company_id, site_id, start, end):
    return (Appointment.objects.for_company(company_id).filter(site_id=site_id, start__lt=end, end__gt=start)
            .order_by("start").annotate(
                id_text=Cast("id", TextField()), start_us=EpochMicroseconds("start"), end_us=EpochMicroseconds("end"),
                attendance=RawSQL(_ATTENDANCE_SQL, (AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED),
                                  output_field=ArrayField(IntegerField())))
            .values(*DAY_COLUMNS))


_day_book_rows = prepared(_day_book_builder)


def day_book_values(*, site, start, end) -> list[dict]:
    """The day view's appointments at ``site`` overlapping [start, end) — every status — as dicts
    of ``DAY_COLUMNS``, joined in one prepared query, no model instances (a busy day has hundreds):
    the appointment's id as text (``id_text``: only written into its link, so not parsed into a
    ``UUID`` and printed back for each row), start and end in microseconds since the epoch
    (``EpochMicroseconds``), and the patient's attendance ([no-shows, late cancellations] of all time, as ``attendance_counts`` counts them)."""
    return _day_book_rows(company_id=site.company_id, site_id=site.pk, start=start, end=end)


def practitioner_appointments(*, practitioner, start, end):
    """One practitioner's appointments (every site) overlapping [start, end), in one query."""
    return (Appointment.objects.for_company(practitioner.company_id)
            .filter(practitioner=practitioner, start__lt=end, end__gt=start)
            .select_related("patient", "site", "service_type", "resource").order_by("start"))


def attendance_counts(*, company_id, patient_ids) -> dict:
    """{patient_id: {"noshows": n, "late_cancellations": m}} over all time, in one query."""
    from django.db.models import Count, Q

    rows = (Appointment.objects.for_company(company_id).filter(patient_id__in=list(patient_ids))
            .values("patient_id").annotate(
                noshows=Count("pk", filter=Q(status=AppointmentStatus.NOSHOW)),
                late_cancellations=Count("pk", filter=Q(status=AppointmentStatus.CANCELLED, late_cancellation=True))))
    return {row["patient_id"]: {"noshows": row["noshows"], "late_cancellations": row["late_cancellations"]}
            for row in rows}


def _fits(free_times, local_start, local_end) -> bool:
    import datetime

    if not free_times:
        return True
    for item in free_times:
        if item.get("weekday") != local_start.weekday():
            continue
        start = datetime.time.fromisoformat(item["start"])
        end = datetime.time.fromisoformat(item["end"])
        if start <= local_start.time() and local_end.time() <= end and local_start.date() == local_end.date():
            return True
    return False


def match_entries(appointment, entries) -> list:
    """The entries (already read, with ``preferred_practitioners`` prefetched) that the time of
    ``appointment`` suits: same site and service, another patient, the practitioner among their
    preferred ones (or none preferred), the time inside their free times (or none given)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(appointment.site.time_zone)
    local_start, local_end = appointment.start.astimezone(zone), appointment.end.astimezone(zone)
    matches = []
    for entry in entries:
        if (entry.site_id != appointment.site_id or entry.service_type_id != appointment.service_type_id
                or entry.patient_id == appointment.patient_id):
            continue
        preferred = {p.pk for p in entry.preferred_practitioners.all()}
        if preferred and appointment.practitioner_id not in preferred:
            continue
        if _fits(entry.free_times, local_start, local_end):
            matches.append(entry)
    return matches


def waitlist_matches(appointment) -> list:
    """Waiting entries the freed time of ``appointment`` suits, most urgent first, then longest
    waiting (two queries)."""
    from apps.scheduling.models import WaitlistEntry

    entries = (WaitlistEntry.objects.for_company(appointment.company_id)
               .filter(site_id=appointment.site_id, service_type_id=appointment.service_type_id,
                       state__in=[WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED])
               .select_related("patient", "service_type").prefetch_related("preferred_practitioners")
               .order_by("-urgency", "created_at"))
    return match_entries(appointment, entries)


def waitlist_for_site(*, site):
    from apps.scheduling.models import WaitlistEntry

    return (WaitlistEntry.objects.for_company(site.company_id)
            .filter(site=site, state__in=[WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED])
            .select_related("patient", "service_type", "offered_appointment")
            .prefetch_related("preferred_practitioners").order_by("-urgency", "created_at"))


def _waitlist_count_builder(company_id, site_id):
    from django.db.models import Count

    from apps.scheduling.models import WaitlistEntry

    return (WaitlistEntry.objects.for_company(company_id)
            .filter(site_id=site_id, state__in=[WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED])
            .values("site_id").annotate(waiting=Count("pk")).values("waiting"))


_waitlist_count = prepared(_waitlist_count_builder)


def waitlist_count(*, site) -> int:
    """How many of ``waitlist_for_site`` there are (one prepared query)."""
    rows = _waitlist_count(company_id=site.company_id, site_id=site.pk)
    return rows[0]["waiting"] if rows else 0


def _book_practitioners(company_id, site_id):
    from django.db.models import Q

    from apps.clinical.models import RolePermission
    from apps.scheduling.models import WeeklyAvailability
    from apps.tenants.models import Membership, User

    roles = RolePermission.objects.for_company(company_id).filter(code="note.cosign").values("role")
    members = Membership.objects.for_company(company_id).filter(is_active=True, role__in=roles, site_id=site_id)
    working = WeeklyAvailability.objects.for_company(company_id).filter(site_id=site_id)
    return (User.objects.for_company(company_id).filter(is_active=True)
            .filter(Q(pk__in=members.values("user")) | Q(pk__in=working.values("practitioner")))
            .order_by("last_name", "first_name"))


def book_practitioners(*, site):
    """Who has a column in the site's book: practitioners there (clinical's ``note.cosign`` code —
    practitioners, not learners) and anyone with working hours at the site. One query."""
    return _book_practitioners(site.company_id, site.pk)


def _day_hours_sql():
    from apps.scheduling.models import AvailabilityOverride, WeeklyAvailability
    from apps.tenants.models import User

    user, weekly, override = User._meta.db_table, WeeklyAvailability._meta.db_table, AvailabilityOverride._meta.db_table
    own = f'company_id = "{user}".company_id AND {{0}}.practitioner_id = "{user}".id AND {{0}}.site_id = %s'
    return (f'CASE WHEN EXISTS (SELECT 1 FROM "{override}" AS o WHERE o.{own.format("o")} AND o.date = %s) '
            f'THEN ARRAY(SELECT ARRAY[o.start_time, o.end_time] FROM "{override}" AS o '
            f"WHERE o.{own.format('o')} AND o.date = %s AND NOT o.unavailable ORDER BY o.start_time) "
            f'ELSE ARRAY(SELECT ARRAY[w.start_time, w.end_time] FROM "{weekly}" AS w '
            f"WHERE w.{own.format('w')} AND w.weekday = %s AND (w.valid_from IS NULL OR w.valid_from <= %s) "
            f"AND (w.valid_until IS NULL OR %s <= w.valid_until) ORDER BY w.start_time) END")


def _day_practitioners_builder(company_id, site_id, day, weekday):
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import TimeField

    hours = RawSQL(_day_hours_sql(), (site_id, day, site_id, day, site_id, weekday, day, day),
                   output_field=ArrayField(ArrayField(TimeField())))
    return _book_practitioners(company_id, site_id).annotate(hours=hours).values(
        "pk", "first_name", "last_name", "email", "hours")


_day_practitioner_rows = prepared(_day_practitioners_builder)


def day_practitioners(*, site, day) -> list:
    """[(id, name, hours)] of ``book_practitioners`` — name: first and last, else the e-mail; hours:
    their [(start_time, end_time)] at ``site`` on ``day``, as ``availability.working_ranges`` reads
    them (the date's overrides if it has any, else the weekly ranges valid that day) — in one
    prepared query (the day view's columns; the hours are a correlated subquery on the same company)."""
    rows = _day_practitioner_rows(company_id=site.company_id, site_id=site.pk, day=day, weekday=day.weekday())
    return [(row["pk"], f"{row['first_name']} {row['last_name']}".strip() or row["email"],
             [tuple(pair) for pair in row["hours"]]) for row in rows]


def _waiting_sql():
    from apps.scheduling.models import WaitlistEntry

    states = ", ".join(f"'{state}'" for state in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED))
    return (f'(SELECT count(*) FROM "{WaitlistEntry._meta.db_table}" AS wl WHERE wl.company_id = %s '
            f"AND wl.site_id = %s AND wl.state IN ({states}))")


def _day_columns_builder(company_id, site_id, day, weekday):
    from django.db.models import IntegerField

    return _day_practitioners_builder(company_id, site_id, day, weekday).annotate(
        waiting=RawSQL(_waiting_sql(), (company_id, site_id), output_field=IntegerField())).values(
        "pk", "first_name", "last_name", "email", "hours", "waiting")


_day_column_rows = prepared(_day_columns_builder)


def day_columns(*, site, day) -> tuple[list, int]:
    """``day_practitioners`` and ``waitlist_count`` of the day view in one prepared query when the
    site has practitioners (the count is an uncorrelated subquery, run once, on every row), in two
    otherwise."""
    rows = _day_column_rows(company_id=site.company_id, site_id=site.pk, day=day, weekday=day.weekday())
    people = [(row["pk"], f"{row['first_name']} {row['last_name']}".strip() or row["email"],
               [tuple(pair) for pair in row["hours"]]) for row in rows]
    return people, (rows[0]["waiting"] if rows else waitlist_count(site=site))


def service_types(*, company_id, site=None, online=False):
    """Active service types (offered at ``site`` when given: no sites listed = every site)."""
    from django.db.models import Q

    from apps.scheduling.models import ServiceType

    queryset = ServiceType.objects.for_company(company_id).filter(active=True)
    if site is not None:
        queryset = queryset.filter(Q(sites=site) | Q(sites__isnull=True)).distinct()
    if online:
        queryset = queryset.filter(bookable_online=True)
    return queryset.order_by("name")


def feeds_of(*, user):
    from apps.scheduling.models import PractitionerFeed

    return PractitionerFeed.objects.for_company(user.company_id).filter(owner=user, revoked_at=None).order_by(
        "-created_at")
