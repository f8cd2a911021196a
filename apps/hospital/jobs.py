"""The work behind the hospital floor's Celery tasks (tasks.py stays thin; jobs never import tasks)."""

import datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from apps.clinical.models import RolePermission
from apps.hospital.mar import dose_schedule_extend
from apps.hospital.models import InventoryItem, LabResult, Prescription, StockLot
from apps.notifications.models import Channel
from apps.notifications.services import notification_send
from apps.tenants.models import Membership, User

EXPIRY_WINDOW_DAYS = 30


def lab_result_notify_critical(*, company_id, result_id) -> int:
    """One in-app + e-mail notification to the ordering practitioner per critical result (key: the result)."""
    result = (LabResult.objects.for_company(company_id).select_related("order__patient", "order__ordered_by", "test")
              .filter(pk=result_id).first())
    if result is None or not result.is_critical:
        return 0
    patient, order = result.order.patient, result.order
    value = f"{result.value.normalize():f} {result.unit}".strip()
    return len(notification_send(
        company_id=company_id, user=order.ordered_by, kind="lab_critical",
        title=f"Critical result: {result.test.name} {value} — {patient.full_name}, {patient.mrn}",
        message=(f"{result.test.name} for {patient.full_name} ({patient.mrn}) is {value} "
                 f"({result.get_flag_display().lower()}; normal {result.reference_text or 'not given'}). "
                 "Review the patient now and acknowledge the result."),
        action_url=reverse("hospital:lab_order", kwargs={"order_id": order.pk}),
        channels=[Channel.IN_APP, Channel.EMAIL], idempotency_key=f"lab-critical:{result.pk}"))


def site_managers(company_id, site_id) -> list:
    """Active people holding ``inventory.manage`` at the site (or company-wide)."""
    roles = RolePermission.objects.for_company(company_id).filter(code="inventory.manage").values("role")
    user_ids = (Membership.objects.for_company(company_id).filter(is_active=True, role__in=roles)
                .filter(site=site_id).values("user"))
    return list(User.objects.for_company(company_id).filter(pk__in=user_ids, is_active=True).order_by("pk"))


def stock_alerts_send(*, company_id, today=None) -> int:
    """Low stock (level at or below the reorder threshold) and lots with stock expiring within 30 days:
    one notification per item, kind and day to each of the site's managers (key carries the date)."""
    today = today or timezone.localdate()
    sent = 0
    low = (InventoryItem.objects.for_company(company_id).filter(reorder_threshold__gt=0,
                                                                level__lte=F("reorder_threshold"))
           .select_related("site").order_by("pk"))
    for item in low:
        for person in site_managers(company_id, item.site_id):
            sent += len(notification_send(
                company_id=company_id, user=person, kind="stock_alert",
                title=f"Low stock: {item.name} at {item.site.name}",
                message=(f"{item.name}: {item.level.normalize():f} {item.unit} left at {item.site.name} "
                         f"(reorder at {item.reorder_threshold.normalize():f})."),
                action_url=reverse("hospital:inventory", kwargs={"site_id": item.site_id}),
                idempotency_key=f"stock-low:{item.pk}:{today.isoformat()}"))
    soon = today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    expiring: dict = {}
    for lot in (StockLot.objects.for_company(company_id).filter(level__gt=0, expiry_date__lte=soon)
                .select_related("item__site").order_by("expiry_date", "pk")):
        expiring.setdefault(lot.item, []).append(lot)
    for item, lots in expiring.items():
        listed = "; ".join(f"lot {lot.lot_number} ({lot.level.normalize():f} {item.unit}) expires {lot.expiry_date}"
                           for lot in lots)
        for person in site_managers(company_id, item.site_id):
            sent += len(notification_send(
                company_id=company_id, user=person, kind="stock_alert",
                title=f"Expiring within {EXPIRY_WINDOW_DAYS} days: {item.name} at {item.site.name}",
                message=f"{item.name} at {item.site.name}: {listed}.",
                action_url=reverse("hospital:inventory", kwargs={"site_id": item.site_id}),
                idempotency_key=f"stock-expiring:{item.pk}:{today.isoformat()}"))
    return sent


def mar_extend(*, company_id) -> int:
    created = 0
    for prescription in (Prescription.objects.for_company(company_id)
                         .filter(status=Prescription.Status.ACTIVE, as_needed=False).select_related("site")):
        created += dose_schedule_extend(prescription=prescription)
    return created
