"""Billing demo: Harbor Street Clinic (Northwind) bills its demo visits — some invoices paid, some
partly paid, some overdue, one credit note, one void — and its fulfilled demo appointments (priced
from the catalog item linked to their service, else the service's price), through the services, so numbers, totals,
audit rows and history are real. A billing manager login runs it (``billing@northwind.example``,
role clinic manager at the clinic: ``billing.manage``). A few earlier visits are added (through
clinical's services) so the receivables aging shows every bucket. Seeding twice changes nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.billing import selectors, services
from apps.billing.models import CatalogItem, Invoice, Payment
from apps.clinical.models import Patient, Visit
from apps.clinical.services import visits as visit_services
from apps.core.scoping import unscoped
from apps.tenants.models import Membership, User
from apps.tenants.roles import Role

DEMO_PASSWORD = "rounds-demo"
CATALOG = [
    ("CONSULT", "Consultation", "service", "85.00", "0"),
    ("FOLLOWUP", "Follow-up visit", "service", "55.00", "0"),
    ("PHYSIO45", "Physiotherapy session (45 min)", "service", "70.00", "0"),
    ("FLUVAC", "Influenza vaccination", "service", "25.00", "0"),
    ("BANDAGE", "Elastic bandage", "product", "4.50", "0.0800"),
    ("BRACE", "Knee brace", "product", "39.90", "0.0800"),
]
MANAGERS = {"northwind": ("billing", "Beatrix", "Lindqvist"), "southbay": ("billing", "Tomas", "Arroyo")}
PREFIXES = {"northwind": "NW", "southbay": "SB"}


def seed(world, log=print):
    with unscoped("demo seeding: billing for both tenants"):
        for subdomain in ("northwind", "southbay"):
            if subdomain in world:
                _seed_company(subdomain, world[subdomain], world, log)


def _seed_company(subdomain, tenant, world, log):
    company, clinic = tenant["company"], tenant["sites"][1]
    key, first, last = MANAGERS[subdomain]
    email = f"{key}@{subdomain}.example"
    manager = User.objects.filter(email=email).first() or User.objects.create_user(
        email, world.get("password", DEMO_PASSWORD), company=company, first_name=first, last_name=last,
        email_verified=True)
    Membership.objects.get_or_create(user=manager, role=Role.CLINIC_MANAGER, site=clinic, program=None,
                                     institution=None, defaults={"company": company})
    if world.get("add_demo_authenticators"):
        world["add_demo_authenticators"]([manager])
    items = {}
    for code, name, kind, price, tax in CATALOG:
        item = CatalogItem.objects.for_company(company).filter(code=code).first() or services.catalog_item_create(
            actor=manager, company=company, data={"code": code, "name": name, "kind": kind, "unit_price": price,
                                                  "tax_rate": tax, "is_active": True})
        items[code] = item
    settings = services.billing_settings_for(company)
    if settings.invoice_prefix != PREFIXES[subdomain] or settings.visit_item_id is None:
        settings.invoice_prefix, settings.visit_item = PREFIXES[subdomain], items["CONSULT"]
        settings._history_user = manager
        settings.save()
    if Invoice.objects.for_company(company).exists():
        log(f"billing: {clinic.name} already has invoices; nothing to do")
        return
    if subdomain != "northwind":
        log(f"billing: {subdomain} catalog ready")
        return
    _link_service_types(company, manager, items)
    invoices = _bill_visits(company, clinic, manager, items)
    invoices += _bill_appointments(company, clinic, manager)
    log(f"billing: {clinic.name}: {invoices} invoices (paid, partly paid, overdue, a credit note, a void); "
        f"login {email}")


def _link_service_types(company, manager, items):
    """Scheduling's demo services priced from the catalog where one matches by name (the others keep
    their own price)."""
    from apps.scheduling.models import ServiceType

    by_name = {item.name.lower(): item for item in items.values()}
    for service_type in ServiceType.objects.for_company(company):
        item = by_name.get(service_type.name.lower())
        if item is not None and item.service_type_id is None:
            services.catalog_item_update(actor=manager, item=item, data={"service_type": service_type})


def _bill_appointments(company, clinic, manager) -> int:
    """Fulfilled demo appointments at the clinic: one invoice per patient, issued; every other one paid."""
    from apps.clinical.models import Patient

    patient_ids = {a.patient_id for a in selectors_scheduling_fulfilled(company, clinic)}
    count = 0
    for index, patient in enumerate(Patient.objects.for_company(company).filter(pk__in=patient_ids).order_by("mrn")):
        appointments = list(selectors.unbilled_appointments(patient=patient).filter(site=clinic))
        if not appointments:
            continue
        invoice = services.invoice_from_care(actor=manager, patient=patient, site=clinic, appointments=appointments)
        invoice = services.invoice_issue(actor=manager, invoice=invoice)
        if index % 2 == 0:
            services.payment_record(actor=manager, invoice=invoice, amount=invoice.balance,
                                    method=Payment.Method.CARD, reference="Card terminal 1")
        count += 1
    return count


def selectors_scheduling_fulfilled(company, clinic):
    from apps.scheduling.selectors import fulfilled_appointments

    return fulfilled_appointments(company, site=clinic)


def _older_visits(company, clinic, manager, now):
    """Earlier visits (35–120 days ago) for a few patients, so every aging bucket has an invoice."""
    patients = list(Patient.objects.for_company(company).filter(home_site=clinic).order_by("mrn")[12:17])
    practitioner = User.objects.filter(email="practitioner@northwind.example").first() or manager
    made = []
    for days, patient in zip((35, 50, 68, 95, 120), patients):
        case = visit_services.case_open(actor=practitioner, patient=patient, title="Annual review",
                                        responsible_practitioner=practitioner)
        made.append(visit_services.visit_create(actor=practitioner, case=case, site=clinic, practitioner=practitioner,
                                                visited_at=now - datetime.timedelta(days=days), reason="Annual review"))
    return made


def _bill_visits(company, clinic, manager, items) -> int:
    now = timezone.now()
    visits = _older_visits(company, clinic, manager, now)
    visits += list(Visit.objects.for_company(company).filter(site=clinic).exclude(pk__in=[v.pk for v in visits])
                   .select_related("patient").order_by("visited_at"))
    visits.sort(key=lambda v: v.visited_at)
    count = 0
    draft_index = max(i for i, v in enumerate(visits) if v.patient.portal_user_id is None)
    for index, visit in enumerate(visits):
        patient = visit.patient
        invoice = services.invoice_from_care(actor=manager, patient=patient, site=clinic, visits=[visit])
        if index % 3 == 0:
            services.invoice_line_add(actor=manager, invoice=invoice, catalog_item=items["BANDAGE"],
                                      quantity=Decimal("2"))
        if index % 5 == 1:
            services.invoice_line_add(actor=manager, invoice=invoice, catalog_item=items["BRACE"],
                                      discount_rate=Decimal("0.1000"))
        visit_day = timezone.localdate(visit.visited_at)
        if index == draft_index:
            count += 1
            continue  # one recent visit's invoice stays a draft
        invoice = services.invoice_issue(actor=manager, invoice=invoice, issued_on=visit_day,
                                         due_on=visit_day + datetime.timedelta(days=14))
        count += 1
        paid_at = min(visit.visited_at + datetime.timedelta(hours=2), now)
        if index % 4 == 0:  # paid in full
            services.payment_record(actor=manager, invoice=invoice, amount=invoice.balance,
                                    method=Payment.Method.CARD, received_at=paid_at, reference="Card terminal 1")
        elif index % 4 == 1:  # partly paid
            services.payment_record(actor=manager, invoice=invoice, amount=Decimal("20.00"),
                                    method=Payment.Method.CASH, received_at=paid_at)
        elif index % 4 == 2 and index > 6:  # insurance paid most of it
            services.payment_record(actor=manager, invoice=invoice, amount=invoice.balance - Decimal("15.00"),
                                    method=Payment.Method.INSURANCE, received_at=paid_at, reference="Claim HSP-2026")
        # index % 4 == 3 and the oldest: unpaid; past their due date they are overdue.
        if index == 3:
            line = selectors.invoice_lines(invoice).first()
            services.credit_note_create(actor=manager, invoice=invoice, lines=[(line, Decimal("1"))],
                                        reason="Consultation billed twice in error; follow-up rate applies",
                                        issued_on=visit_day + datetime.timedelta(days=3))
            redo = services.invoice_create(actor=manager, patient=patient, site=clinic)
            services.invoice_line_add(actor=manager, invoice=redo, catalog_item=items["FOLLOWUP"])
            services.invoice_issue(actor=manager, invoice=redo, issued_on=visit_day + datetime.timedelta(days=3))
            count += 1
    void = services.invoice_create(actor=manager, patient=visits[0].patient, site=clinic)
    services.invoice_line_add(actor=manager, invoice=void, catalog_item=items["FLUVAC"])
    services.invoice_issue(actor=manager, invoice=void)
    services.invoice_void(actor=manager, invoice=void, reason="Vaccination not given: patient declined")
    return count + 1
