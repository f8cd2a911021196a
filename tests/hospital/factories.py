"""Hospital rows for tests, written straight with the ORM (the services are what tests exercise;
these only set the scene). Each row takes its company from its parent."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.hospital.models import (
    Admission,
    Bed,
    BedAssignment,
    Dispense,
    Dose,
    Draft,
    InventoryItem,
    LabOrder,
    LabResult,
    LabTest,
    Prescription,
    ReferenceRange,
    StockLot,
    StockMove,
    Ward,
)


def make_ward(site, name="Ward 1", beds=4, **kwargs):
    ward = Ward.objects.create(site=site, name=name, company=site.company, **kwargs)
    made = [Bed.objects.create(ward=ward, label=f"{name[-2:]}-{n:02d}", company=site.company) for n in range(1, beds + 1)]
    return ward, made


def make_admission(patient, site, practitioner, bed=None, at=None, **kwargs):
    at = at or timezone.now() - datetime.timedelta(days=1)
    admission = Admission.objects.create(patient=patient, site=site, reason="Pneumonia", admitted_at=at,
                                         admitting_practitioner=practitioner, company=patient.company, **kwargs)
    if bed is not None:
        BedAssignment.objects.create(admission=admission, patient=patient, bed=bed, start=at,
                                     assigned_by=practitioner, company=patient.company)
        bed.status = Bed.Status.OCCUPIED
        bed.save()
    return admission


def make_draft(site, author, patient=None, **kwargs):
    values = {"kind": Draft.Kind.DISCHARGE_SUMMARY, "title": "Discharge summary", "body": "Went home well.", **kwargs}
    return Draft.objects.create(site=site, author=author, patient=patient, company=site.company, **values)


def make_test(company, name="Potassium", unit="mmol/L", ranges=({"low_normal": "3.5", "high_normal": "5.0",
                                                                  "low_critical": "2.5", "high_critical": "6.5"},)):
    test = LabTest.objects.create(company=company, name=name, unit=unit)
    for values in ranges:
        ReferenceRange.objects.create(test=test, company=company,
                                      **{k: Decimal(v) if k not in ("sex",) and v is not None and not isinstance(v, int)
                                         else v for k, v in values.items()})
    return test


def make_order(patient, site, practitioner, tests, status=LabOrder.Status.REQUESTED, **kwargs):
    order = LabOrder.objects.create(patient=patient, site=site, ordered_by=practitioner, ordered_at=timezone.now(),
                                    status=status, company=patient.company, **kwargs)
    for test in tests:
        LabResult.objects.create(order=order, test=test, unit=test.unit, company=patient.company)
    return order


def make_prescription(patient, site, prescriber, frequency="BID", medication="Paracetamol", as_needed=False,
                      start_at=None, **kwargs):
    return Prescription.objects.create(
        patient=patient, site=site, prescriber=prescriber, medication=medication, strength="500 mg", form="tablet",
        dose=Decimal("500"), dose_unit="mg", route="oral", frequency=frequency, as_needed=as_needed,
        as_needed_condition="pain" if as_needed else "", start_at=start_at or timezone.now() - datetime.timedelta(days=1),
        company=patient.company, **kwargs)


def make_dose(prescription, due_at=None, **kwargs):
    return Dose.objects.create(prescription=prescription, due_at=due_at or timezone.now() - datetime.timedelta(hours=1),
                               company=prescription.company, **kwargs)


def make_item(site, name="Paracetamol 500 mg tablet", level=0, lot_number="LOT-1", expiry=None, threshold=10,
              actor=None):
    item = InventoryItem.objects.create(site=site, name=name, kind="medication", unit="tablet",
                                        reorder_threshold=Decimal(threshold), company=site.company)
    lot = StockLot.objects.create(item=item, lot_number=lot_number, company=site.company,
                                  expiry_date=expiry or timezone.localdate() + datetime.timedelta(days=365))
    if level:
        StockMove.objects.create(item=item, lot=lot, kind="receive", quantity=Decimal(level), item_balance=level,
                                 lot_balance=level, actor=actor, moved_at=timezone.now(), company=site.company)
        InventoryItem.objects.for_company(site.company).filter(pk=item.pk).update(level=level)
        StockLot.objects.for_company(site.company).filter(pk=lot.pk).update(level=level)
        item.refresh_from_db()
        lot.refresh_from_db()
    return item, lot


def make_dispense(prescription, lot, actor, quantity=2):
    move = StockMove.objects.create(item=lot.item, lot=lot, kind="dispense", quantity=-Decimal(quantity),
                                    item_balance=Decimal(100), lot_balance=Decimal(100), actor=actor,
                                    moved_at=timezone.now(), company=lot.company)
    return Dispense.objects.create(prescription=prescription, lot=lot, quantity=quantity, dispensed_by=actor,
                                   dispensed_at=timezone.now(), move=move, company=prescription.company)
