"""Rosa at reception works Harbor Street Clinic's book on her phone: she books Margaret into a
free slot from the day view, checks her in when she arrives, and cancels Tom's appointment."""

import base64
import datetime
from decimal import Decimal

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from apps.scheduling.models import Appointment, ServiceType, WeeklyAvailability
from apps.scheduling.recurrence import localise
from apps.tenants.roles import Role
from tests.browser.conftest import login_through_the_page
from tests.clinical.factories import PatientFactory
from tests.factories import PASSWORD, MembershipFactory, SiteFactory, UserFactory

SECRET = "OJXXK3TEOMWWIZLNN4WXI33UOAWWWZLZ"


@pytest.fixture
def book(sponsor):
    clinic = SiteFactory(institution=sponsor.institution, name="Harbor Street Clinic", time_zone="America/New_York")
    company = clinic.company
    rosa = UserFactory(company=company, email="rosa@northwind.example", first_name="Rosa", last_name="Delgado")
    MembershipFactory(user=rosa, role=Role.RECEPTION, site=clinic)
    TOTPDevice.objects.create(user=rosa, name="Phone", key=base64.b32decode(SECRET).hex(), confirmed=True)
    pat = UserFactory(company=company, first_name="Pat", last_name="Okafor")
    MembershipFactory(user=pat, role=Role.PRACTITIONER, site=clinic)
    day = datetime.date.today() + datetime.timedelta(days=1)
    WeeklyAvailability.objects.create(practitioner=pat, site=clinic, company=company, weekday=day.weekday(),
                                      start_time=datetime.time(9), end_time=datetime.time(12))
    service = ServiceType.objects.create(company=company, name="Consultation", duration_minutes=30,
                                         price=Decimal("80.00"))
    margaret = PatientFactory(home_site=clinic, first_name="Margaret", last_name="Holloway")
    tom = PatientFactory(home_site=clinic, first_name="Tom", last_name="Baker")
    start = localise(datetime.datetime.combine(day, datetime.time(11)), clinic.time_zone)
    toms = Appointment.objects.create(patient=tom, practitioner=pat, site=clinic, company=company,
                                      service_type=service, start=start, end=start + datetime.timedelta(minutes=30))
    return {"clinic": clinic, "day": day, "margaret": margaret, "toms": toms, "company": company}


def _rosa_opens_the_day_view(page, live_server, book):
    """Rosa signs in with her password and authenticator code and opens the clinic's day."""
    login_through_the_page(page, live_server, "rosa@northwind.example", PASSWORD)
    page.get_by_label("Code").fill(f"{totp(base64.b32decode(SECRET)):06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/**")
    page.goto(f"{live_server.url}/schedule/sites/{book['clinic'].pk}/day/?date={book['day']}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_rosa_books_checks_in_and_cancels_from_the_day_view_on_her_phone(phone_page, live_server, book):
    page = phone_page
    _rosa_opens_the_day_view(page, live_server, book)

    # The phone layout: one column under the other, every free time a button wide enough to tap.
    free = page.get_by_test_id("free").filter(has_text="09:30 free")
    expect(free).to_be_visible()
    box = free.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 30
    free.click()
    form = page.locator("#book-form")
    expect(form).to_be_visible()
    form.get_by_role("combobox", name="Patient").select_option(label=f"Margaret Holloway ({book['margaret'].mrn}, born "
                                                     f"{book['margaret'].date_of_birth:%Y-%m-%d})")
    form.get_by_role("combobox", name="Service").select_option(label="Consultation")
    form.get_by_role("button", name="Book").click()
    margaret = page.get_by_test_id("appointment").filter(has_text="Margaret Holloway")
    expect(margaret).to_contain_text("09:30–10:00")
    booked = Appointment.objects.for_company(book["company"]).get(patient=book["margaret"])
    assert booked.status == "booked"

    margaret.click()
    panel = page.locator("#appointment-panel")
    panel.get_by_role("button", name="Check in").click()
    expect(page.get_by_test_id("appointment").filter(has_text="Margaret Holloway")).to_contain_text("Checked in")
    booked.refresh_from_db()
    assert booked.status == "checked-in" and booked.checked_in_at is not None

    page.get_by_test_id("appointment").filter(has_text="Tom Baker").click()
    panel = page.locator("#appointment-panel")
    panel.get_by_text("Cancel", exact=True).click()
    panel.get_by_label("Reason").fill("Called to cancel")
    panel.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_text("Cancelled 1 appointment.")).to_be_visible()
    book["toms"].refresh_from_db()
    assert book["toms"].status == "cancelled" and book["toms"].cancellation_reason == "Called to cancel"
    expect(page.get_by_test_id("appointment").filter(has_text="Tom Baker")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_desk_rosa_sees_toms_appointment_at_its_time_in_its_service_colour(browser_page, live_server, book):
    """The day view places each appointment on its 15-minute row and borders it in its service's
    colour with style attributes: the page's policy must let the browser apply them (a blocked
    ``style`` attribute stacks every cell at the top of its column, without a word)."""
    page = browser_page
    ServiceType.objects.for_company(book["company"]).update(colour="#ff0000")
    _rosa_opens_the_day_view(page, live_server, book)

    tom = page.get_by_test_id("appointment").filter(has_text="Tom Baker")
    expect(tom).to_be_visible()
    written, applied = tom.evaluate(
        "e => [e.getAttribute('style').match(/grid-row: (\\d+)/)[1], getComputedStyle(e).gridRowStart]")
    assert applied == written  # on its own row, not the next free place of the column
    nine = page.get_by_test_id("free").filter(has_text="09:00 free")
    # 11:00 is eight 15-minute rows below 09:00
    assert tom.bounding_box()["y"] - nine.bounding_box()["y"] >= 7.5 * nine.bounding_box()["height"]
    assert tom.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(255, 0, 0)"
