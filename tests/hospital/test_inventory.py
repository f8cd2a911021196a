"""Issue 16 item 5: the stock ledger (the level is the sum of moves, never negative — also under two
concurrent dispenses on two database connections) and the daily low-stock and expiry alerts."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from apps.core import rls
from apps.hospital import jobs, services
from apps.hospital.models import InventoryItem, StockLot, StockMove
from apps.notifications.models import Notification
from apps.tenants.models import User
from apps.tenants.roles import Role
from tests.clinical.factories import PatientFactory
from tests.factories import MembershipFactory, SiteFactory, SponsorFactory, UserFactory
from tests.hospital.factories import make_item, make_prescription


@pytest.mark.django_db(transaction=True)
def test_two_pharmacists_dispensing_at_once_cannot_take_the_stock_below_zero(northwind):
    site = SiteFactory(institution=SponsorFactory(institution__company=northwind).institution)
    pharmacists = []
    for email in ("tomas@northwind.example", "ines@northwind.example"):
        user = UserFactory(company=northwind, email=email)
        MembershipFactory(user=user, role=Role.PHARMACIST, site=site)
        pharmacists.append(user)
    doctor = UserFactory(company=northwind)
    patient = PatientFactory(home_site=site)
    item, lot = make_item(site, level=20, actor=doctor)
    prescriptions = [make_prescription(patient, site, doctor) for _ in range(2)]
    barrier, outcomes = threading.Barrier(2), []

    def dispense(pharmacist_id, prescription):
        try:
            with rls.tenant(northwind.pk):  # its own connection, its own tenant, like a second request
                pharmacist = User.objects.for_company(northwind).get(pk=pharmacist_id)
                barrier.wait()
                services.prescription_dispense(actor=pharmacist, prescription=prescription, lot=lot,
                                               quantity=Decimal(15))
            outcomes.append("dispensed")
        except services.Conflict as error:
            outcomes.append(error.message_dict["quantity"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=dispense, args=(p.pk, rx)) for p, rx in zip(pharmacists, prescriptions,
                                                                                        strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Only 5 tablet in stock.", "dispensed"]
    item.refresh_from_db()
    lot.refresh_from_db()
    moves = StockMove.objects.for_company(northwind).filter(item=item)
    assert item.level == lot.level == 5 == moves.aggregate(total=Sum("quantity"))["total"]


@pytest.mark.django_db
def test_the_database_refuses_a_negative_balance(hospital, pharmacist):
    item, lot = make_item(hospital, level=3, actor=pharmacist)
    with pytest.raises(IntegrityError, match="stock_move_item_balance_not_negative"), transaction.atomic():
        StockMove.objects.create(item=item, lot=lot, kind="adjust", quantity=-4, item_balance=-1, lot_balance=-1,
                                 reason="count", actor=pharmacist, moved_at=timezone.now(), company=item.company)
    item.level = -1
    with pytest.raises(IntegrityError, match="inventory_item_level_not_negative"), transaction.atomic():
        item.save()


@pytest.mark.django_db
def test_receive_adjust_and_transfer_keep_the_level_the_sum_of_the_moves(client, pharmacist, hospital, sponsor):
    item, lot = make_item(hospital, level=0, actor=pharmacist)
    client.force_login(pharmacist)
    client.post(reverse("hospital:stock_move", args=[item.pk]),
                {"kind": "receive", "lot_number": "LOT-1", "quantity": "100"})
    client.post(reverse("hospital:stock_move", args=[item.pk]),
                {"kind": "adjust", "lot_number": "LOT-1", "quantity": "-3", "reason": ""})  # refused: no reason
    client.post(reverse("hospital:stock_move", args=[item.pk]),
                {"kind": "adjust", "lot_number": "LOT-1", "quantity": "-3", "reason": "Broken blister"})
    annex = SiteFactory(institution=sponsor.institution, name="Northwind Annex")
    MembershipFactory(user=pharmacist, role=Role.PHARMACIST, site=annex)
    pharmacist = User.objects.for_company(hospital.company).get(pk=pharmacist.pk)
    there = services.inventory_item_create(actor=pharmacist, site=annex, name=item.name, kind="medication",
                                           unit="tablet")
    services.stock_transfer(actor=pharmacist, item=item, lot=lot, to_item=there, quantity=40)
    item.refresh_from_db()
    there.refresh_from_db()
    total = StockMove.objects.for_company(hospital.company).filter(item=item).aggregate(t=Sum("quantity"))["t"]
    assert item.level == total == 57 and there.level == 40
    assert StockLot.objects.for_company(hospital.company).get(item=there).lot_number == "LOT-1"


@pytest.mark.django_db
def test_low_stock_and_an_expiring_lot_alert_the_site_s_managers_once_a_day(pharmacist, hospital, nurse):
    make_item(hospital, name="Enoxaparin 40 mg syringe", level=5, threshold=10, actor=pharmacist)
    make_item(hospital, name="Furosemide 40 mg tablet", level=100, threshold=10, lot_number="FU-1",
              expiry=timezone.localdate() + datetime.timedelta(days=20), actor=pharmacist)
    make_item(hospital, name="Saline flush", level=100, threshold=10, actor=pharmacist)  # neither
    today = timezone.localdate()
    sent = jobs.stock_alerts_send(company_id=hospital.company_id, today=today)
    alerts = Notification.objects.for_company(hospital.company).filter(kind="stock_alert", channel="in_app")
    assert sent == 4  # two items × (in-app + e-mail), to the pharmacist only (the nurse does not manage stock)
    assert sorted(n.title.split(":")[0] for n in alerts) == ["Expiring within 30 days", "Low stock"]
    assert set(alerts.values_list("user", flat=True)) == {pharmacist.pk}
    assert jobs.stock_alerts_send(company_id=hospital.company_id, today=today) == 0
    assert jobs.stock_alerts_send(company_id=hospital.company_id, today=today + datetime.timedelta(days=1)) == 4


@pytest.mark.django_db
def test_the_beat_row_for_the_alerts_exists():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="apps.hospital.tasks.stock_alerts_all", enabled=True).exists()


@pytest.mark.django_db
def test_the_inventory_page_shows_low_and_expiring(client, pharmacist, hospital):
    make_item(hospital, name="Enoxaparin 40 mg syringe", level=5, threshold=10, actor=pharmacist)
    client.force_login(pharmacist)
    page = client.get(reverse("hospital:inventory", args=[hospital.pk])).content.decode()
    assert "Enoxaparin 40 mg syringe" in page and "low stock" in page
    assert InventoryItem.objects.for_company(hospital.company).count() == 1


@pytest.mark.django_db
def test_a_transfer_through_the_api_needs_the_right_at_both_sites(client, pharmacist, hospital, sponsor):
    item, lot = make_item(hospital, level=10, actor=pharmacist)
    annex = SiteFactory(institution=sponsor.institution, name="Northwind Annex")
    there, _ = make_item(annex, name=item.name, lot_number="OTHER", actor=pharmacist)
    client.force_login(pharmacist)
    url = f"/api/hospital/inventory-items/{item.pk}/moves/"
    body = {"kind": "transfer", "lot_number": lot.lot_number, "to_item": str(there.pk), "quantity": "4"}
    assert client.post(url, body, content_type="application/json").status_code == 403  # not a pharmacist at the annex
    MembershipFactory(user=pharmacist, role=Role.PHARMACIST, site=annex)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201 and response.json()["item_balance"] == "6.00"
    assert client.post(url, {**body, "quantity": "7"}, content_type="application/json").status_code == 409


@pytest.mark.django_db
def test_tomas_sees_what_waits_to_be_dispensed(client, pharmacist, doctor, hospital, patient):
    make_prescription(patient, hospital, doctor, medication="Amoxicillin")
    client.force_login(pharmacist)
    page = client.get(reverse("hospital:pharmacy_queue", args=[hospital.pk])).content.decode()
    assert "Amoxicillin" in page and "Margaret Holloway" in page
