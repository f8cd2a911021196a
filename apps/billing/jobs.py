"""The work behind billing's Celery tasks (tasks.py stays thin; jobs never dispatch tasks)."""

from django.urls import reverse

from apps.billing.models import Invoice
from apps.notifications.services import notification_send


def invoice_notify_patient(*, company_id, invoice_id) -> int:
    """Tell the patient's portal login that an invoice was issued (in-app and e-mail, once by key)."""
    invoice = (Invoice.objects.for_company(company_id).select_related("patient__portal_user")
               .filter(pk=invoice_id).first())
    if invoice is None or invoice.is_draft or invoice.patient.portal_user is None:
        return 0
    sent = notification_send(
        company_id=company_id, user=invoice.patient.portal_user, kind="billing_invoice",
        idempotency_key=f"billing_invoice:{invoice.pk}",
        title=f"{invoice.get_kind_display()} {invoice.number}",
        message=f"Total {invoice.total} {invoice.currency}, due {invoice.due_on:%Y-%m-%d}.",
        action_url=reverse("billing:portal"))
    return len(sent)
