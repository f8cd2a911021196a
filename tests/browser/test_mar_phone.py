"""Issue 16, "Must show": Nadia, a nurse, records a dose on the ward's MAR from her phone (390×844),
without sideways scrolling: she taps the dose's "Record", its form comes into the row (htmx), she
records it; a second "given" inside the interval is refused on the page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.hospital import selectors
from apps.hospital.models import Dose
from apps.tenants.roles import Role
from tests.clinical.factories import PatientFactory
from tests.factories import SiteFactory
from tests.hospital.factories import make_admission, make_dose, make_prescription, make_ward

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page, live_server, user):
    """Fully signed in, second factor included (tests/conftest.py's force_login), as a session cookie."""
    from tests.conftest import RoundsClient

    client = RoundsClient()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_nadia_records_a_dose_on_the_mar_from_her_phone(phone_page, live_server, sponsor, northwind, make_user):
    hospital = SiteFactory(institution=sponsor.institution, name="Northwind General Hospital")
    _, beds = make_ward(hospital, name="Ward 4A", beds=2)
    nurse = make_user(northwind, Role.NURSE, site=hospital, email="nadia@northwind.example")
    doctor = make_user(northwind, Role.PRACTITIONER, site=hospital, email="priya@northwind.example")
    patient = PatientFactory(home_site=hospital, first_name="Margaret", last_name="Holloway")
    make_admission(patient, hospital, doctor, bed=beds[0])
    prescription = make_prescription(patient, hospital, doctor, medication="Amoxicillin", frequency="TID")
    now = timezone.now()
    local = selectors.now_local(hospital)  # both doses inside the shift the MAR opens on
    shift = "day" if 7 <= local.hour < 19 else "night"
    day = local.date() if local.hour >= 7 else local.date() - datetime.timedelta(days=1)
    start, _ = selectors.shift_window(site=hospital, day=day, shift=shift)
    due_at = max(now - datetime.timedelta(minutes=20), start + datetime.timedelta(minutes=1))
    due = make_dose(prescription, due_at=due_at)
    later = make_dose(prescription, due_at=due_at + datetime.timedelta(hours=1))
    _signed_in(phone_page, live_server, nurse)

    phone_page.goto(f"{live_server.url}/hospital/wards/{beds[0].ward_id}/mar/")
    expect(phone_page.get_by_role("heading", name="Margaret Holloway")).to_be_visible()
    row = phone_page.locator(f'[data-dose="{due.pk}"]')
    expect(row.get_by_label("Dose at")).to_have_count(0)  # no form on the MAR until she taps the dose
    row.get_by_role("link", name="Record").click()
    row.get_by_label("Dose at").select_option("given")
    assert phone_page.url.endswith("/mar/")  # the form came into the MAR's row (mar.js), not as its own page
    expect(row.get_by_role("link", name="Record")).to_have_count(0)  # in place of the link
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390  # the form fits in the row
    row.get_by_role("button", name="Record").click()

    expect(phone_page.get_by_text("Amoxicillin: given.")).to_be_visible()
    expect(phone_page.locator(f'[data-dose="{due.pk}"]')).to_contain_text("Given")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    due.refresh_from_db()
    assert due.status == Dose.Status.GIVEN and due.recorded_by == nurse

    # The next dose, an hour later on the phone: inside TID's 5-hour gap, refused with the reason shown.
    following = phone_page.locator(f'[data-dose="{later.pk}"]')
    following.get_by_role("link", name="Record").click()
    following.get_by_label("Dose at").select_option("given")
    following.get_by_role("button", name="Record").click()
    expect(phone_page.get_by_text("A dose was already given at")).to_be_visible()
    later.refresh_from_db()
    assert later.status == Dose.Status.SCHEDULED
