"""The hospital floor in the URL walk: Northwind's hospital, ward, bed, admission, draft, lab order,
prescription, dose, stock; Charlie's own ward, admission, order and prescription at his Southbay clinic."""

from apps.tenants.roles import Role
from tests.factories import MembershipFactory, UserFactory
from tests.hospital.factories import (
    make_admission,
    make_dispense,
    make_dose,
    make_draft,
    make_item,
    make_order,
    make_prescription,
    make_test,
    make_ward,
)


def build(world):
    site = world["clinical_site"]  # Northwind Secret Clinic (clinical's build runs first)
    patient = world["patient"]
    doctor = UserFactory(company=world["company"], first_name="Northwinddoctor", last_name="Secretdoc")
    MembershipFactory(user=doctor, role=Role.PRACTITIONER, site=site)
    ward, beds = make_ward(site, name="Northwind Secret Ward", beds=2)
    admission = make_admission(patient, site, doctor, bed=beds[0])
    draft = make_draft(site, doctor, patient=patient, title="Northwind secret summary")
    test = make_test(world["company"], name="Northwind secret assay")
    order = make_order(patient, site, doctor, [test], clinical_note="Northwind secret order")
    prescription = make_prescription(patient, site, doctor, medication="Northwindamycin", admission=admission)
    dose = make_dose(prescription)
    item, lot = make_item(site, name="Northwind secret stock", level=50, lot_number="NWSECRETLOT", actor=doctor)
    dispense = make_dispense(prescription, lot, doctor)
    world.update(hospital_site=site, ward=ward, bed=beds[0], free_bed=beds[1], admission=admission, draft=draft,
                 lab_test=test, lab_order=order, lab_result=order.results.get(), prescription=prescription, dose=dose,
                 item=item, lot=lot, dispense=dispense, hospital_doctor=doctor)
    world["markers"] += ["Northwind Secret Ward", "Northwind secret summary", "Northwind secret assay",
                         "Northwind secret order", "Northwindamycin", "Northwind secret stock", "NWSECRETLOT",
                         "Northwinddoctor"]


def _w(key, arg):
    return lambda w: {arg: w[key].pk}


SAMPLES = {
    "hospital:bed_board": _w("hospital_site", "site_id"),
    "hospital:admit": _w("hospital_site", "site_id"),
    "hospital:lab_queue": _w("hospital_site", "site_id"),
    "hospital:inventory": _w("hospital_site", "site_id"),
    "hospital:pharmacy_queue": _w("hospital_site", "site_id"),
    "hospital:bed_status": _w("free_bed", "bed_id"),
    "hospital:admission": _w("admission", "admission_id"),
    "hospital:admission_transfer": _w("admission", "admission_id"),
    "hospital:admission_discharge": _w("admission", "admission_id"),
    "hospital:draft": _w("draft", "draft_id"),
    "hospital:mar": _w("ward", "ward_id"),
    "hospital:dose_record": _w("dose", "dose_id"),  # GET: the dose's form (the MAR's "Record"); POST: record it
    "hospital:lab_order_new": _w("patient", "patient_id"),
    "hospital:prescription_new": _w("patient", "patient_id"),
    "hospital:chart_card": _w("patient", "patient_id"),
    "hospital:lab_order": _w("lab_order", "order_id"),
    "hospital:lab_order_status": _w("lab_order", "order_id"),
    "hospital:lab_report": _w("lab_order", "order_id"),
    "hospital:result_acknowledge": _w("lab_result", "result_id"),
    "hospital:prescription": _w("prescription", "prescription_id"),
    "hospital:prescription_status": _w("prescription", "prescription_id"),
    "hospital:prn_give": _w("prescription", "prescription_id"),
    "hospital:stock_move": _w("item", "item_id"),
    "hospital-bed-board": _w("hospital_site", "site_id"),
    "hospital-inventory": _w("hospital_site", "site_id"),
    "hospital-admission-detail": _w("admission", "admission_id"),
    "hospital-admission-transfer": _w("admission", "admission_id"),
    "hospital-admission-discharge": _w("admission", "admission_id"),
    "hospital-draft-detail": _w("draft", "draft_id"),
    "hospital-draft-decide": _w("draft", "draft_id"),
    "hospital-lab-order-detail": _w("lab_order", "order_id"),
    "hospital-lab-order-status": _w("lab_order", "order_id"),
    "hospital-lab-order-results": _w("lab_order", "order_id"),
    "hospital-lab-result-acknowledge": _w("lab_result", "result_id"),
    "hospital-prescription-detail": _w("prescription", "prescription_id"),
    "hospital-prescription-status": _w("prescription", "prescription_id"),
    "hospital-prescription-dispense": _w("prescription", "prescription_id"),
    "hospital-prescription-give": _w("prescription", "prescription_id"),
    "hospital-ward-mar": _w("ward", "ward_id"),
    "hospital-dose-record": _w("dose", "dose_id"),
    "hospital-stock-move": _w("item", "item_id"),
    "fhir-servicerequest": _w("lab_order", "order_id"),
    "fhir-diagnosticreport": _w("lab_order", "order_id"),
    "fhir-lab-observation": _w("lab_result", "result_id"),
    "fhir-medicationrequest": _w("prescription", "prescription_id"),
    "fhir-medicationdispense": _w("dispense", "dispense_id"),
    "fhir-medicationadministration": _w("dose", "dose_id"),
    "fhir-location": _w("bed", "location_id"),
}


def build_own(own, user):
    """Charlie's own ward, admission, lab order and prescription at his Southbay clinic."""
    site, patient = own["clinical_site"], own["patient"]
    ward, beds = make_ward(site, name="Southbay Walk Ward", beds=2)
    admission = make_admission(patient, site, user, bed=beds[0])
    test = make_test(user.company, name="Southbay walk assay")
    order = make_order(patient, site, user, [test], status="accepted")
    prescription = make_prescription(patient, site, user, medication="Southbaycillin")
    item, lot = make_item(site, name="Southbay walk stock", level=20, actor=user)
    own.update(ward=ward, hospital_bed=beds[1], admission=admission, lab_order=order, prescription=prescription,
               dose=make_dose(prescription), item=item, hospital_site=site)


def _nw_ids(w):
    return {"patient": str(w["patient"].pk), "site": str(w["hospital_site"].pk), "bed": str(w["free_bed"].pk),
            "practitioner": str(w["hospital_doctor"].pk), "ward": str(w["ward"].pk)}


def _admit(w):
    """Northwind's patient (MRN), bed and practitioner: none is Charlie's (form error 200 / API 400 or 404)."""
    return {**_nw_ids(w), "mrn": w["patient"].mrn, "reason": "Walk admission"}


def _order(w):
    return {**_nw_ids(w), "tests": [str(w["lab_test"].pk)], "urgency": "stat", "clinical_note": "walk"}


def _prescribe(w):
    return {**_nw_ids(w), "medication": "Walkamycin", "dose": "5", "dose_unit": "mg", "route": "oral",
            "frequency": "BID", "refills": 0, "inventory_item": str(w["item"].pk)}


BODIES = {
    "hospital:admit": _admit,
    "hospital:bed_status": lambda w: {"status": "cleaning", "bed": str(w["bed"].pk)},
    "hospital:admission_transfer": lambda w: {"bed": str(w["free_bed"].pk)},
    "hospital:admission_discharge": lambda w: {"disposition": "home", "summary": "walk", "admission": str(
        w["admission"].pk)},
    "hospital:draft": lambda w: {"decision": "approve", "draft": str(w["draft"].pk)},
    "hospital:dose_record": lambda w: {"status": "given", "ward": str(w["ward"].pk)},
    "hospital:lab_order_new": _order,
    "hospital:prescription_new": _prescribe,
    "hospital:lab_order": lambda w: {f"value_{w['lab_result'].pk}": "4.0"},
    "hospital:lab_order_status": lambda w: {"status": "cancelled", "reason": "walk"},
    "hospital:prescription": lambda w: {"lot": str(w["lot"].pk), "quantity": "1"},
    "hospital:prescription_status": lambda w: {"status": "stopped", "reason": "walk"},
    "hospital:prn_give": lambda w: {"reason": "walk", "ward": str(w["ward"].pk)},
    "hospital:stock_move": lambda w: {"kind": "adjust", "lot_number": "NWSECRETLOT", "quantity": "-1",
                                      "reason": "walk", "item": str(w["item"].pk)},
    "hospital-admission-create": _admit,
    "hospital-admission-transfer": lambda w: {"bed": str(w["free_bed"].pk)},
    "hospital-admission-discharge": lambda w: {"disposition": "home", "summary": "walk"},
    "hospital-draft-decide": lambda w: {"decision": "approve", "reason": ""},
    "hospital-lab-order-create": _order,
    "hospital-lab-order-status": lambda w: {"status": "cancelled", "reason": "walk"},
    "hospital-lab-order-results": lambda w: {"values": {str(w["lab_result"].pk): "4.0"}},
    "hospital-prescription-create": _prescribe,
    "hospital-prescription-status": lambda w: {"status": "stopped", "reason": "walk"},
    "hospital-prescription-dispense": lambda w: {"lot": str(w["lot"].pk), "quantity": "1"},
    "hospital-prescription-give": lambda w: {"reason": "walk"},
    "hospital-dose-record": lambda w: {"status": "given"},
    "hospital-stock-move": lambda w: {"kind": "adjust", "lot_number": "NWSECRETLOT", "quantity": "-1",
                                      "reason": "walk"},
}
NO_BODY = {
    "hospital:home": "read-only page",
    "hospital:bed_board": "read-only page",
    "hospital:lab_queue": "read-only page",
    "hospital:inventory": "read-only page",
    "hospital:pharmacy_queue": "read-only page",
    "hospital:admission": "read-only page",
    "hospital:chart_card": "read-only card",
    "hospital:mar": "read-only page (day and shift are QUERIES)",
    "hospital:lab_report": "a download",
    "hospital:result_acknowledge": "the result is the path argument; no input",
    "hospital-lab-result-acknowledge": "the result is the path argument; no input",
    **{name: "read-only API" for name in (
        "hospital-bed-board", "hospital-inventory", "hospital-admission-detail", "hospital-draft-detail",
        "hospital-lab-order-detail", "hospital-prescription-detail", "hospital-ward-mar")},
    **{name: "read-only FHIR resource" for name in (
        "fhir-servicerequest", "fhir-diagnosticreport", "fhir-lab-observation", "fhir-medicationrequest",
        "fhir-medicationdispense", "fhir-medicationadministration", "fhir-location")},
}
QUERIES = {
    "hospital:home": lambda w: {"site": str(w["hospital_site"].pk)},
}
OWN_SAMPLES = {
    # Charlie's own site, admission, patient, order, prescription, dose and item with Northwind's patient, bed,
    # practitioner, tests, lots in the body: refused (form error 200 / API 400/404) or ignored; nothing points
    # at Northwind.
    "hospital:admit": lambda own: {"site_id": own["hospital_site"].pk},
    "hospital:admission_transfer": lambda own: {"admission_id": own["admission"].pk},
    "hospital:lab_order_new": lambda own: {"patient_id": own["patient"].pk},
    "hospital:prescription_new": lambda own: {"patient_id": own["patient"].pk},
    "hospital:prescription": lambda own: {"prescription_id": own["prescription"].pk},
    "hospital:stock_move": lambda own: {"item_id": own["item"].pk},
    "hospital-admission-transfer": lambda own: {"admission_id": own["admission"].pk},
    "hospital-prescription-dispense": lambda own: {"prescription_id": own["prescription"].pk},
    "hospital-lab-order-results": lambda own: {"order_id": own["lab_order"].pk},
    "hospital-stock-move": lambda own: {"item_id": own["item"].pk},
}
