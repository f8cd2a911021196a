"""Sam, a student, clocks in and out from his phone at the hospital (inside the geofence), then
again from across town (outside: he is asked why and the record is flagged); Paula, his
preceptor, approves both records at once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.hours.models import TimeRecord
from tests.browser.conftest import login_through_the_page
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    FacultyFactory,
    ProgramFactory,
    RotationTypeFactory,
    SiteFactory,
    StudentFactory,
)

HOSPITAL = {"latitude": 42.3365, "longitude": -71.106, "accuracy": 10}
ACROSS_TOWN = {"latitude": 42.36, "longitude": -71.06, "accuracy": 15}
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.0 Mobile/15E148 Safari/604.1")


@pytest.fixture
def sams_rotation(sponsor):
    program = ProgramFactory(sponsor=sponsor, name="Northwind Clerkship", kind="clerkship")
    site = SiteFactory(institution=sponsor.institution, name="Northwind Hospital", latitude=Decimal("42.336"),
                       longitude=Decimal("-71.106"), geofence_radius_m=200)
    paula = FacultyFactory(program=program, user__first_name="Paula", user__email="paula@northwind.example")
    sam = StudentFactory(program=program, user__first_name="Sam", user__last_name="Okafor",
                         user__email="sam@northwind.example")
    today = timezone.localdate()
    AssignmentFactory(learner=sam, rotation_type=RotationTypeFactory(program=program, name="Family medicine"),
                      site=site, primary_supervisor=paula, start_date=today - dt.timedelta(days=3),
                      end_date=today + dt.timedelta(days=20))
    return sam


@pytest.fixture
def phone(_browser):
    context = _browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                   user_agent=IPHONE, geolocation=HOSPITAL, permissions=["geolocation"])
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sam_clocks_in_and_out_inside_then_outside_and_paula_approves_in_bulk(phone, live_server, sams_rotation):
    page = phone.new_page()
    login_through_the_page(page, live_server, "sam@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/hours/clock/")
    expect(page.get_by_text("Family medicine")).to_be_visible()

    page.get_by_role("button", name="Clock in").tap()
    expect(page.get_by_text("Clocked in since")).to_be_visible()
    expect(page.get_by_text("flagged")).to_have_count(0)
    page.get_by_role("button", name="Clock out").tap()
    expect(page.get_by_text("Clocked out:")).to_be_visible()

    phone.set_geolocation(ACROSS_TOWN)
    page.get_by_role("button", name="Clock in").tap()
    expect(page.get_by_text("Say why to clock in anyway")).to_be_visible()
    page.get_by_label("Reason").fill("Home visit with the community team")
    page.get_by_role("button", name="Clock in").tap()
    expect(page.get_by_text("Clocked in since")).to_be_visible()
    expect(page.locator("#open-record").get_by_text("flagged")).to_be_visible()
    page.get_by_role("button", name="Clock out").tap()
    expect(page.get_by_text("Clocked out:")).to_be_visible()

    records = list(TimeRecord.objects.for_company(sams_rotation.company).order_by("clock_in"))
    assert [r.flag_outside_geofence for r in records] == [False, True]
    assert records[0].in_distance_m < 200 < records[1].in_distance_m
    assert records[1].flag_reason == "Home visit with the community team"
    assert "iPhone" in records[0].in_user_agent and records[0].in_accuracy_m == Decimal("10.0")

    page.context.clear_cookies()
    login_through_the_page(page, live_server, "paula@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/hours/approvals/")
    for checkbox in page.get_by_role("checkbox", name="Select the record of Sam Okafor").all():
        checkbox.tap()
    page.get_by_label("Decision").select_option("approved")
    page.get_by_role("button", name="Decide on the selected records").tap()
    expect(page.get_by_text("2 records approved.")).to_be_visible()
    assert {r.status for r in TimeRecord.objects.for_company(sams_rotation.company)} == {"approved"}
