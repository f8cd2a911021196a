"""Chris chairs the CCC: he starts the meeting, walks three residents on the packet screen (next,
next), records their levels and reviews, and completes the meeting. Ana then reads her review on
her phone — without the committee's discussion notes."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login_through_the_page
from tests.ccc.conftest import build_committee, make_meeting
from tests.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chris_walks_three_residents_completes_the_meeting_and_ana_reads_her_review(
        browser_page, phone_page, live_server, sponsor):
    committee = build_committee(sponsor)
    meeting = make_meeting(committee)
    page = browser_page
    login_through_the_page(page, live_server, "chris.chair@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/ccc/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Start meeting").click()
    expect(page.locator("#meeting-status")).to_have_text("In progress")

    page.get_by_role("link", name="Ana Resident").click()
    texts = {"Ana": "Careful histories", "Ben": "Leads family meetings", "Cleo": "Teaches the students"}
    for position, (name, strength) in enumerate(texts.items(), start=1):
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"{name} Resident")
        expect(page.get_by_text(f"{position} of 3")).to_be_visible()
        page.get_by_label("PC1 level").select_option("3.5")
        page.get_by_label("PC1 rationale").fill("Direct observation on the wards")
        page.get_by_label("PC2 level").select_option(label="Not yet assessable")
        page.get_by_label("Overall performance").select_option("as_expected")
        page.get_by_label("Promotion recommendation").select_option("promote")
        page.get_by_label("Strengths").fill(strength)
        page.get_by_label("Areas for improvement").fill("Present the plan before the details")
        page.get_by_label("Discussion notes").fill(f"Committee-only note about {name}")
        page.get_by_role("button", name="Save review").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("CCC meeting")
    expect(page.locator("text=reviewed")).to_have_count(3)
    page.get_by_label("Minutes").fill("Three residents reviewed; all promoted.")
    page.get_by_role("button", name="Complete meeting").click()
    expect(page.locator("#meeting-status")).to_have_text("Completed")

    phone = phone_page
    login_through_the_page(phone, live_server, "ana.resident@northwind.example", PASSWORD)
    phone.goto(f"{live_server.url}/ccc/my/")
    phone.get_by_role("link", name="Mid-year").click()
    expect(phone.get_by_text("Careful histories")).to_be_visible()
    expect(phone.get_by_text("Not yet assessable")).to_be_visible()
    expect(phone.get_by_role("cell", name="3.5", exact=True)).to_be_visible()
    assert "Committee-only note" not in phone.content()
    assert "Three residents reviewed" not in phone.content()
