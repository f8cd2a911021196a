"""Harbor Street Clinic (Northwind) with its physio staff and patients; the standard PROM templates."""

import pytest

from apps.physio.models import PromTemplate
from apps.physio.services import proms as prom_services
from apps.tenants.roles import Role
from tests.clinical.conftest import (  # noqa: F401 — the clinic's fixtures, shared
    clinic,
    nurse,
    patient,
    practitioner,
    reception,
    southbay_charlie,
    staff,
)
from tests.clinical.factories import CaseFactory, PatientFactory, VisitFactory


@pytest.fixture
def templates(northwind, practitioner):
    prom_services.prom_templates_ensure(actor=practitioner, company=northwind)
    return {t.instrument: t for t in PromTemplate.objects.for_company(northwind)}


@pytest.fixture
def visit(patient, practitioner):
    return VisitFactory(case=CaseFactory(patient=patient, responsible_practitioner=practitioner))


@pytest.fixture
def portal_patient(northwind, clinic, make_user):
    """Amara, a patient with a portal login."""
    user = make_user(northwind, Role.PATIENT, email="amara@northwind.example")
    return PatientFactory(home_site=clinic, first_name="Amara", last_name="Whitlock", portal_user=user,
                          email="amara@example.com")


def send(patient, template, actor, channel="none"):
    return prom_services.prom_send(actor=actor, patient=patient, template=template, channel=channel)
