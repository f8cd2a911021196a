"""The billing demo: Harbor Street Clinic's invoices — paid, partly paid, overdue, a credit note, a
void — all adding up, and the billing manager's login lands on the invoice list."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.billing import demo as billing_demo
from apps.billing.models import Invoice
from apps.clinical import demo as clinical_demo
from apps.core.scoping import unscoped
from apps.tenants import demo as tenants_demo
from tests.clinical.test_demo import _sign_in


@pytest.mark.django_db
def test_harbor_street_bills_its_demo_visits_and_the_billing_manager_signs_in(client):
    world = {}
    tenants_demo.seed(world, log=lambda *args: None)
    clinical_demo.seed(world, log=lambda *args: None)
    billing_demo.seed(world, log=lambda *args: None)
    billing_demo.seed(world, log=lambda *args: None)  # idempotent
    with unscoped("test: counting demo rows"):
        invoices = list(Invoice.objects.filter(site__name="Harbor Street Clinic"))
        statuses = {invoice.status for invoice in invoices}
        assert statuses >= {"draft", "issued", "partially_paid", "paid", "void"}
        assert sum(1 for i in invoices if i.kind == "credit_note") == 1
        overdue = [i for i in invoices if i.is_open and i.due_on < datetime.date.today()]
        assert overdue
        for invoice in invoices:
            lines = list(invoice.lines.all())
            assert invoice.total == sum((line.total for line in lines), Decimal("0"))
            if not invoice.is_credit_note:
                assert invoice.balance == invoice.total - invoice.amount_credited - invoice.amount_paid
        numbers = sorted(i.number_sequence for i in invoices if i.number)
        assert numbers == list(range(1, len(numbers) + 1))  # gapless, voided one included
        assert all(i.number.startswith("NW-") for i in invoices if i.number)
    response = _sign_in(client, "billing@northwind.example")
    assert response.status_code == 200
    page = client.get(reverse("billing:home"))
    assert page.status_code == 200 and "NW-" in page.content.decode()
