"""Who may do what in the appointment book — the one place pages AND the API ask.

The book is worked with clinical's permission code ``appointment.manage`` (reception, practitioners,
clinic managers hold it in the baseline), read per site with ``apps.clinical.access.user_has_code``.
Objects come through ``get_<obj>_for_user``: another company's object is a 404 (existence never
leaks); in the company but without the code at its site, a 403. Every read that shows patients
is recorded with ``log_book_access`` (the access log).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.audit.access import access_log_record, access_log_rows
from apps.audit.models import AccessLog
from apps.clinical.access import get_in_company_or_404, require_code, sites_with_code, user_has_code
from apps.clinical.access import get_site_for_user as site_with_code
from apps.core.access import company_of

MANAGE = "appointment.manage"


def can_manage_book(user, site=None) -> bool:
    return user_has_code(user, MANAGE, site)


def require_manage(user) -> None:
    """403 without ``appointment.manage`` anywhere (404 without a tenant)."""
    require_code(user, MANAGE)


def book_site_ids(user) -> set:
    """Site ids where the user works the book (None inside = every site of the company)."""
    return sites_with_code(user, MANAGE)


def book_sites(user):
    """The sites whose book the user may open, by name."""
    from apps.tenants.models import Site

    ids = book_site_ids(user)
    sites = Site.objects.for_company(company_of(user)).filter(is_active=True).order_by("name")
    return sites if None in ids else sites.filter(pk__in=[i for i in ids if i is not None])


def get_site_for_user(user, site_id):
    """The site whose book ``user`` works (404 outside the company, 403 without the code there):
    clinical's site check, one prepared query."""
    return site_with_code(user, site_id, MANAGE)


def get_appointment_for_user(user, appointment_id):
    from apps.scheduling.models import Appointment

    appointment = get_in_company_or_404(
        Appointment.objects.select_related("patient", "practitioner", "site", "service_type", "resource", "series"),
        user, pk=appointment_id)
    require_code(user, MANAGE, appointment.site_id)
    return appointment


def get_series_for_user(user, series_id):
    from apps.scheduling.models import AppointmentSeries

    series = get_in_company_or_404(AppointmentSeries.objects.select_related("site", "patient", "practitioner",
                                                                            "service_type"), user, pk=series_id)
    require_code(user, MANAGE, series.site_id)
    return series


def get_waitlist_entry_for_user(user, entry_id):
    from apps.scheduling.models import WaitlistEntry

    entry = get_in_company_or_404(WaitlistEntry.objects.select_related("site", "patient", "service_type"), user,
                                  pk=entry_id)
    require_code(user, MANAGE, entry.site_id)
    return entry


def get_practitioner_for_user(user, practitioner_id):
    """A person of the company whose week the user may see: themself, or anyone for book workers."""
    from apps.tenants.models import User

    person = get_in_company_or_404(User.objects.all(), user, pk=practitioner_id)
    if person.pk != user.pk and not can_manage_book(user):
        raise PermissionDenied("needs appointment.manage")
    return person


def get_service_type_for_user(user, service_type_id):
    from apps.scheduling.models import ServiceType

    service_type = get_in_company_or_404(ServiceType.objects.all(), user, pk=service_type_id)
    require_code(user, MANAGE)
    return service_type


def get_feed_for_user(user, feed_id):
    from apps.scheduling.models import PractitionerFeed

    feed = get_in_company_or_404(PractitionerFeed.objects.all(), user, pk=feed_id)
    if feed.owner_id != user.pk:
        raise Http404("No such calendar link")
    return feed


def get_patient_for_booking(user, patient_id):
    """The patient a booking is for (clinical's rule: patient.read), 404 outside the company."""
    from apps.clinical.access import get_patient_for_user

    return get_patient_for_user(user, patient_id)


def log_book_patients(request, patient_ids, company_id, action=AccessLog.Action.LIST) -> None:
    """The day view's entries: one ``clinical.Patient`` entry per patient shown, whatever the number
    of their appointments that day (a busy day lists the same patients twice or more; the log answers
    "who saw this patient's data"; the endpoint names the site). ``company_id`` is the site's, whose
    appointments the page read. One insert at the end of the request: 100 rows instead of 200 on
    the bench's day of 100 patients seen twice each."""
    from apps.clinical.models import Patient

    access_log_rows(actor=request.user, model=Patient, rows=[(pk, company_id) for pk in dict.fromkeys(patient_ids)],
                    action=action, request=request)


def log_book_access(request, appointments, action=AccessLog.Action.LIST) -> None:
    """The book shows who comes when: each appointment shown is an access log entry (one insert
    at the end of the request)."""
    access_log_record(actor=request.user, obj_or_queryset=appointments, action=action, request=request)
