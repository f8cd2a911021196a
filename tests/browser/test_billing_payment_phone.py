"""Bea, Harbor Street Clinic's manager, takes a payment on her phone: an amount over the balance is
refused beside the field, the right amount settles the invoice, and the receipt opens."""

import base64
import datetime
from decimal import Decimal

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from apps.billing import services
from apps.billing.models import CatalogItem
from apps.tenants.roles import Role
from tests.browser.conftest import login_through_the_page
from tests.clinical.factories import PatientFactory
from tests.factories import PASSWORD, MembershipFactory, SiteFactory, UserFactory

SECRET = "OJXXK3TEOMWWIZLNN4WXI33UOAWWWZLZ"


@pytest.fixture
def invoice(sponsor):
    clinic = SiteFactory(institution=sponsor.institution, name="Harbor Street Clinic")
    company = clinic.company
    bea = UserFactory(company=company, email="bea@northwind.example", first_name="Bea", last_name="Lindqvist")
    MembershipFactory(user=bea, role=Role.CLINIC_MANAGER, site=clinic)
    TOTPDevice.objects.create(user=bea, name="Phone", key=base64.b32decode(SECRET).hex(), confirmed=True)
    item = CatalogItem.objects.create(company=company, code="CONSULT", name="Consultation",
                                      unit_price=Decimal("85.00"))
    margaret = PatientFactory(home_site=clinic, first_name="Margaret", last_name="Holloway")
    draft = services.invoice_create(actor=bea, patient=margaret, site=clinic)
    services.invoice_line_add(actor=bea, invoice=draft, catalog_item=item)
    return services.invoice_issue(actor=bea, invoice=draft, issued_on=datetime.date.today())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bea_is_refused_an_overpayment_then_settles_the_invoice_on_her_phone(phone_page, live_server, invoice):
    page = phone_page
    login_through_the_page(page, live_server, "bea@northwind.example", PASSWORD)
    page.get_by_label("Code").fill(f"{totp(base64.b32decode(SECRET)):06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/**")
    page.goto(f"{live_server.url}/billing/invoices/{invoice.pk}/")
    expect(page.get_by_role("heading", name=f"Invoice {invoice.number}")).to_be_visible()

    page.get_by_label("Amount").fill("85.01")
    page.get_by_label("Method").select_option("card")
    record = page.get_by_role("button", name="Record")
    box = record.bounding_box()
    assert box["x"] + box["width"] <= 390  # no sideways scrolling to reach it
    record.click()
    expect(page.get_by_text("This is more than the balance of 85.00 USD.")).to_be_visible()

    page.get_by_label("Amount").fill("85.00")
    page.get_by_label("Method").select_option("card")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded payment of 85.00.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Invoice {invoice.number}")).to_contain_text("Paid")
    with page.expect_response(lambda r: "/receipt/" in r.url) as receipt:
        page.evaluate("url => fetch(url)", page.get_by_role("link", name="Receipt").first.get_attribute("href"))
    assert receipt.value.status == 200 and receipt.value.headers["content-type"] == "application/pdf"
