"""Reads of the appointment book: scoped querysets (billing and physio read through these)."""

from apps.scheduling.models import Appointment, AppointmentStatus


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
