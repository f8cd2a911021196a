"""Invoice numbers: gapless per company and year, taken at issue under a row lock of the
(company, year) counter — two issues at once, on two real database connections, get consecutive
numbers; a rolled-back issue gives its number back; a void keeps its number."""

import threading
import time

import pytest
from django.db import connection, transaction

from apps.billing import services
from apps.billing.models import Invoice, InvoiceCounter
from apps.core import rls


def _issue_in_thread(company_id, manager, invoice, results, *, start=None, hold=None, locked=None):
    try:
        if start is not None:
            start.wait()
        with rls.tenant(company_id):  # a thread starts with no tenant bound, like a request without a user
            with transaction.atomic():
                issued = services.invoice_issue(actor=manager, invoice=invoice)
                if locked is not None:
                    locked.set()
                if hold:
                    time.sleep(hold)  # keep the counter row locked a while
            results.append((issued.number, time.monotonic()))
    except Exception as error:  # noqa: BLE001 — reported by the assertion below
        results.append((repr(error), time.monotonic()))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_issues_at_once_on_two_connections_get_consecutive_numbers(manager, make_invoice, northwind):
    drafts = [make_invoice(issue=False), make_invoice(issue=False)]
    start, results = threading.Barrier(2), []
    threads = [threading.Thread(target=_issue_in_thread, args=(northwind.pk, manager, draft, results),
                                kwargs={"start": start}) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = sorted(number for number, _ in results)
    year = Invoice.objects.for_company(northwind).first().issued_on.year
    assert numbers == [f"NOR-{year}-000001", f"NOR-{year}-000002"], numbers
    assert InvoiceCounter.objects.for_company(northwind).get(year=year).last_number == 2


@pytest.mark.django_db(transaction=True)
def test_the_second_issue_waits_for_the_first_to_commit(manager, make_invoice, northwind):
    """Thread A issues and holds its transaction open; B issues meanwhile: B blocks on the counter row
    and finishes only after A committed, with the next number."""
    first, second = make_invoice(issue=False), make_invoice(issue=False)
    locked, results_a, results_b = threading.Event(), [], []
    a = threading.Thread(target=_issue_in_thread, args=(northwind.pk, manager, first, results_a),
                         kwargs={"hold": 0.6, "locked": locked})
    a.start()
    assert locked.wait(30)
    b = threading.Thread(target=_issue_in_thread, args=(northwind.pk, manager, second, results_b))
    b.start()
    a.join()
    b.join()
    (number_a, committed_a), (number_b, done_b) = results_a[0], results_b[0]
    assert number_a.endswith("-000001") and number_b.endswith("-000002"), (number_a, number_b)
    assert done_b >= committed_a - 0.05


@pytest.mark.django_db
def test_a_rolled_back_issue_gives_its_number_back(manager, make_invoice, northwind):
    draft = make_invoice(issue=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invoice_issue(actor=manager, invoice=draft)
        raise RuntimeError("the request failed after issuing")
    draft.refresh_from_db()
    assert draft.number == "" and draft.is_draft
    assert services.invoice_issue(actor=manager, invoice=draft).number.endswith("-000001")


@pytest.mark.django_db
def test_each_year_counts_from_one(manager, make_invoice):
    import datetime

    last_year = make_invoice(issued_on=datetime.date(2025, 12, 31))
    this_year = make_invoice(issued_on=datetime.date(2026, 1, 1))
    assert (last_year.number, this_year.number) == ("NOR-2025-000001", "NOR-2026-000001")
