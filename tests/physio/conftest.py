"""Harbor Street Clinic (Northwind) with its physio staff and patients; the standard PROM templates."""

import pytest

from apps.physio.models import PromTemplate
from apps.physio.services import proms as prom_services
from apps.tenants.roles import Role
from tests.clinical import conftest as clinical
from tests.clinical.factories import CaseFactory, PatientFactory, VisitFactory

# The clinic's fixtures, shared with clinical's tests.
clinic, staff, practitioner, nurse, reception = (clinical.clinic, clinical.staff, clinical.practitioner,
                                                 clinical.nurse, clinical.reception)
patient, southbay_charlie = clinical.patient, clinical.southbay_charlie


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
