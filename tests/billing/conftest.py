"""Harbor Street Clinic at Northwind, its billing manager and front desk, a patient with a visit,
and a small catalog."""

import datetime
from decimal import Decimal

import pytest

from apps.billing import services
from apps.billing.models import CatalogItem
from apps.tenants.roles import Role
from tests.clinical.factories import CaseFactory, PatientFactory, VisitFactory
from tests.factories import SiteFactory


@pytest.fixture
def clinic(sponsor):
    return SiteFactory(institution=sponsor.institution, name="Harbor Street Clinic",
                       address="14 Harbor Street\nNorthwind, NW 10001")


@pytest.fixture
def manager(northwind, clinic, make_user):
    """Bea, clinic manager: billing.view and billing.manage at the clinic."""
    return make_user(northwind, Role.CLINIC_MANAGER, site=clinic, email="bea@northwind.example")


@pytest.fixture
def reception(northwind, clinic, make_user):
    """Rita at the front desk: billing.view only."""
    return make_user(northwind, Role.RECEPTION, site=clinic, email="rita@northwind.example")


@pytest.fixture
def practitioner(northwind, clinic, make_user):
    """Pat, a practitioner: no billing codes."""
    return make_user(northwind, Role.PRACTITIONER, site=clinic, email="pat@northwind.example")


@pytest.fixture
def patient(clinic):
    return PatientFactory(home_site=clinic, first_name="Margaret", last_name="Holloway")


@pytest.fixture
def visit(patient, practitioner, clinic):
    return VisitFactory(case=CaseFactory(patient=patient, responsible_practitioner=practitioner), site=clinic,
                        practitioner=practitioner, reason="Knee pain")


@pytest.fixture
def items(northwind):
    def item(code, name, price, tax="0", kind=CatalogItem.Kind.SERVICE):
        return CatalogItem.objects.create(company=northwind, code=code, name=name, unit_price=Decimal(price),
                                          tax_rate=Decimal(tax), kind=kind)

    return {"consult": item("CONSULT", "Consultation", "85.00"),
            "brace": item("BRACE", "Knee brace", "39.90", "0.0800", CatalogItem.Kind.PRODUCT)}


@pytest.fixture
def make_invoice(manager, patient, clinic, items):
    """make_invoice(*lines, issue=True): lines are (catalog item key or description, quantity, price)."""

    def make(*lines, issue=True, issued_on=None, target_patient=None):
        invoice = services.invoice_create(actor=manager, patient=target_patient or patient, site=clinic)
        for key, quantity, price in lines or [("consult", "1", None)]:
            item = items.get(key)
            services.invoice_line_add(actor=manager, invoice=invoice, catalog_item=item,
                                      description="" if item else key, quantity=Decimal(quantity),
                                      unit_price=price)
        if issue:
            invoice = services.invoice_issue(actor=manager, invoice=invoice, issued_on=issued_on)
        invoice.refresh_from_db()
        return invoice

    return make


@pytest.fixture
def today():
    return datetime.date.today()
