"""Fulfilled appointments on invoices: priced from the catalog item linked to their service type,
else the service type's price; never billed twice (nor together with the visit they led to);
voiding makes them billable again."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.billing import selectors, services
from apps.billing.models import Invoice
from apps.scheduling.models import Appointment, ServiceType

pytestmark = pytest.mark.django_db


@pytest.fixture
def physio(northwind):
    return ServiceType.objects.create(company=northwind, name="Physio session", duration_minutes=45,
                                      price=Decimal("65.00"))


@pytest.fixture
def consult_type(northwind):
    return ServiceType.objects.create(company=northwind, name="Consultation", duration_minutes=30,
                                      price=Decimal("80.00"))


def _appointment(patient, practitioner, clinic, service_type, *, days_ago=1, status="fulfilled", visit=None):
    start = timezone.now() - datetime.timedelta(days=days_ago)
    return Appointment.objects.create(company=clinic.company, patient=patient, practitioner=practitioner, site=clinic,
                                      service_type=service_type, start=start,
                                      end=start + datetime.timedelta(minutes=service_type.duration_minutes),
                                      status=status, visit=visit)


def test_the_price_comes_from_the_linked_catalog_item_else_the_service_type(
        manager, patient, practitioner, clinic, items, physio, consult_type):
    items["consult"].service_type = consult_type
    items["consult"].save()
    linked = _appointment(patient, practitioner, clinic, consult_type, days_ago=2)
    unlinked = _appointment(patient, practitioner, clinic, physio, days_ago=1)
    assert set(selectors.unbilled_appointments(patient=patient)) == {linked, unlinked}
    invoice = services.invoice_from_care(actor=manager, patient=patient, site=clinic, appointments=[linked, unlinked])
    lines = {line.source_id: line for line in invoice.lines.all()}
    assert (lines[linked.pk].unit_price, lines[linked.pk].catalog_item_id) == (Decimal("85.00"), items["consult"].pk)
    assert (lines[unlinked.pk].unit_price, lines[unlinked.pk].catalog_item_id) == (Decimal("65.00"), None)
    assert invoice.total == Decimal("150.00") and lines[unlinked.pk].source_type == "appointment"


def test_an_appointment_is_billed_once_and_voiding_frees_it(client, manager, patient, practitioner, clinic, physio):
    appointment = _appointment(patient, practitioner, clinic, physio)
    first = services.invoice_from_care(actor=manager, patient=patient, site=clinic, appointments=[appointment])
    assert list(selectors.unbilled_appointments(patient=patient)) == []
    client.force_login(manager)
    response = client.post(reverse("billing-invoice-list"), {
        "patient": str(patient.pk), "site": str(clinic.pk), "appointments": [str(appointment.pk)]},
        content_type="application/json")
    assert response.status_code == 400  # no longer an unbilled, fulfilled appointment of hers
    with pytest.raises(ValidationError):
        services.invoice_from_care(actor=manager, patient=patient, site=clinic, appointments=[appointment])
    services.invoice_void(actor=manager, invoice=first, reason="Billed to the wrong clinic")
    assert list(selectors.unbilled_appointments(patient=patient)) == [appointment]
    response = client.post(reverse("billing-invoice-list"), {
        "patient": str(patient.pk), "site": str(clinic.pk), "appointments": [str(appointment.pk)]},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["lines"][0]["source_id"] == str(appointment.pk)


def test_a_booked_appointment_is_not_billed(manager, patient, practitioner, clinic, physio):
    booked = _appointment(patient, practitioner, clinic, physio, days_ago=-1, status="booked")
    assert list(selectors.unbilled_appointments(patient=patient)) == []
    with pytest.raises(ValidationError):
        services.invoice_from_care(actor=manager, patient=patient, site=clinic, appointments=[booked])


def test_a_visit_and_its_appointment_are_one_encounter(manager, patient, practitioner, clinic, physio, visit, items):
    appointment = _appointment(patient, practitioner, clinic, physio, visit=visit)
    with pytest.raises(ValidationError):
        services.invoice_from_care(actor=manager, patient=patient, site=clinic, visits=[visit],
                                   appointments=[appointment], visit_item=items["consult"])
    services.invoice_from_care(actor=manager, patient=patient, site=clinic, appointments=[appointment])
    assert list(selectors.unbilled_visits(patient=patient)) == []
    with pytest.raises(ValidationError):
        services.invoice_from_care(actor=manager, patient=patient, site=clinic, visits=[visit],
                                   visit_item=items["consult"])
    assert Invoice.objects.for_company(clinic.company).count() == 1


def test_the_new_invoice_page_offers_unbilled_appointments(client, manager, patient, practitioner, clinic, physio,
                                                            northwind):
    appointment = _appointment(patient, practitioner, clinic, physio)
    client.force_login(manager)
    page = client.get(reverse("billing:invoice_new", args=[patient.pk]))
    assert page.status_code == 200 and str(appointment.pk) in page.content.decode()
    response = client.post(reverse("billing:invoice_new", args=[patient.pk]), {
        "site": str(clinic.pk), "appointments": [str(appointment.pk)],
        "idempotency_key": "0b7c8e2a-1f1e-4a4e-8a8e-444444444444"})
    assert response.status_code == 302
    assert Invoice.objects.for_company(northwind).get().total == Decimal("65.00")


def test_a_catalog_item_prices_one_service_type_of_the_same_company(client, manager, items, physio, southbay):
    client.force_login(manager)
    response = client.patch(reverse("billing-catalog-detail", args=[items["consult"].pk]),
                            {"service_type": str(physio.pk)}, content_type="application/json")
    assert response.status_code == 200 and response.json()["service_type"] == str(physio.pk)
    foreign = ServiceType.objects.create(company=southbay, name="Southbay consult", duration_minutes=30)
    response = client.patch(reverse("billing-catalog-detail", args=[items["brace"].pk]),
                            {"service_type": str(foreign.pk)}, content_type="application/json")
    assert response.status_code == 400 and "service_type" in response.json()
