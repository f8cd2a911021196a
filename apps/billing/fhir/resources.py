"""FHIR R4 Invoice from a Rounds invoice or credit note. Each line carries its price components:
``base`` (the gross), ``discount`` and ``tax`` (HL7 invoice-priceComponentType codes)."""

from decimal import Decimal

STATUS = {"draft": "draft", "issued": "issued", "partially_paid": "issued", "paid": "balanced",
          "void": "cancelled"}


def _money(value: Decimal, currency: str) -> dict:
    return {"value": value, "currency": currency}


def invoice_resource(invoice, lines) -> dict:
    currency = invoice.currency
    resource = {
        "resourceType": "Invoice",
        "id": str(invoice.pk),
        "status": STATUS[invoice.status],
        "type": {"text": invoice.get_kind_display()},
        "subject": {"reference": f"Patient/{invoice.patient_id}", "display": invoice.patient.full_name},
        "issuer": {"display": invoice.site.name},
        "lineItem": [],
        "totalNet": _money(invoice.total - invoice.tax_total, currency),
        "totalGross": _money(invoice.total, currency),
    }
    if invoice.number:
        resource["identifier"] = [{"system": f"urn:rounds:invoice-number:{invoice.company_id}",
                                   "value": invoice.number}]
    if invoice.issued_on:
        resource["date"] = invoice.issued_on.isoformat()
    if invoice.is_void:
        resource["cancelledReason"] = invoice.void_reason
    if invoice.notes:
        resource["note"] = [{"text": invoice.notes}]
    for line in lines:
        resource["lineItem"].append({
            "sequence": line.position,
            "chargeItemCodeableConcept": {"text": line.description,
                                          **({"coding": [{"system": f"urn:rounds:catalog:{invoice.company_id}",
                                                          "code": line.catalog_item.code}]}
                                             if line.catalog_item_id else {})},
            "priceComponent": [
                {"type": "base", "factor": line.quantity, "amount": _money(line.gross, currency)},
                {"type": "discount", "factor": line.discount_rate, "amount": _money(line.discount, currency)},
                {"type": "tax", "factor": line.tax_rate, "amount": _money(line.tax, currency)},
            ],
        })
    if not resource["lineItem"]:
        del resource["lineItem"]
    return resource
