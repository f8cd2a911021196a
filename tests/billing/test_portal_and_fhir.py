"""The patient portal (own invoices, balance, PDF) and the FHIR R4 Invoice (validated with
fhir.resources' R4B models: 8.x ships no plain-R4 module; R4B shares R4's Invoice)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from fhir.resources.R4B.invoice import Invoice as FhirInvoice
from pypdf import PdfReader

from apps.audit.models import AccessLog
from apps.billing import services
from apps.tenants.roles import Role
from tests.clinical.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def margaret_login(northwind, patient, make_user):
    user = make_user(northwind, Role.PATIENT, email="margaret@northwind.example")
    patient.portal_user = user
    patient.save()
    return user


def test_margaret_sees_her_own_invoices_and_balance_but_no_drafts(client, margaret_login, make_invoice, manager):
    issued = make_invoice()
    services.payment_record(actor=manager, invoice=issued, amount=Decimal("25.00"), method="card")
    draft = make_invoice(issue=False)
    client.force_login(margaret_login)
    response = client.get(reverse("billing:portal"))
    text = response.content.decode()
    assert response.status_code == 200 and response.context["balance"] == Decimal("60.00")
    assert issued.number in text and str(draft.pk)[:8] not in text
    pdf = client.get(reverse("billing:portal_invoice_pdf", args=[issued.pk]))
    assert pdf.status_code == 200 and "attachment" in pdf["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "85.00 USD" in text and "60.00 USD" in text
    assert client.get(reverse("billing:portal_invoice_pdf", args=[draft.pk])).status_code == 404
    assert AccessLog.objects.for_company(issued.company_id).filter(actor=margaret_login).exists()


def test_issuing_tells_margarets_portal_login_once(margaret_login, make_invoice, django_capture_on_commit_callbacks):
    from apps.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice()
    sent = Notification.objects.for_company(invoice.company_id).filter(user=margaret_login, kind="billing_invoice")
    assert sent.count() == 2 and invoice.number in sent.first().title  # in-app and e-mail


def test_margaret_gets_404_for_another_patients_invoice(client, margaret_login, make_invoice, clinic):
    someone_else = make_invoice(target_patient=PatientFactory(home_site=clinic))
    client.force_login(margaret_login)
    assert client.get(reverse("billing:portal_invoice_pdf", args=[someone_else.pk])).status_code == 404
    assert client.get(reverse("billing:invoice_detail", args=[someone_else.pk])).status_code == 403


def test_the_fhir_invoice_validates_with_price_components(client, manager, make_invoice):
    invoice = make_invoice(("consult", "1", None), ("brace", "2", None))
    services.payment_record(actor=manager, invoice=invoice, amount=invoice.balance, method="card")
    client.force_login(manager)
    response = client.get(reverse("fhir-invoice", args=[invoice.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    resource = FhirInvoice.model_validate(body)
    assert resource.status == "balanced" and resource.identifier[0].value == invoice.number
    assert resource.totalGross.value == Decimal("171.18") and resource.totalNet.value == Decimal("164.80")
    brace = resource.lineItem[1]
    assert [(c.type, c.amount.value) for c in brace.priceComponent] == [
        ("base", Decimal("79.80")), ("discount", Decimal("0.00")), ("tax", Decimal("6.38"))]
    assert AccessLog.objects.for_company(invoice.company_id).filter(entity_id=str(invoice.patient_id)).exists()


def test_a_void_invoice_is_cancelled_in_fhir(client, manager, make_invoice):
    invoice = make_invoice()
    services.invoice_void(actor=manager, invoice=invoice, reason="Duplicate")
    client.force_login(manager)
    body = client.get(reverse("fhir-invoice", args=[invoice.pk])).json()
    assert FhirInvoice.model_validate(body).status == "cancelled" and body["cancelledReason"] == "Duplicate"


def test_the_chart_shows_the_balance_to_billing_staff_only(client, manager, practitioner, make_invoice, patient):
    """Bea (chart.read and billing.view) sees it; Pat (chart, no billing code) does not."""
    make_invoice()
    client.force_login(manager)
    chart = client.get(reverse("clinical:chart", args=[patient.pk]))
    assert "Balance owed: <strong>85.00</strong>" in chart.content.decode()
    client.force_login(practitioner)
    assert "Balance owed" not in client.get(reverse("clinical:chart", args=[patient.pk])).content.decode()
