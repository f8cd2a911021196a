"""Faith, a faculty member between cases, answers Riley's assessment request on her phone through
the link in her e-mail — without signing in — and Riley then finds the assessment in "My assessments"."""

import pytest
from playwright.sync_api import expect

from apps.assessments.signing import assessor_link_path
from tests.browser.conftest import login_through_the_page
from tests.factories import (
    PASSWORD,
    AssessmentRequestFactory,
    EPAFactory,
    FacultyFactory,
    FeedbackTagFactory,
    LearnerFactory,
    ProgramFactory,
)


@pytest.fixture
def riley_asks_faith(sponsor):
    program = ProgramFactory(sponsor=sponsor, name="Northwind General Surgery")
    epa = EPAFactory(epa_set=program.epa_set, short_name="Appendicitis", name="Manage appendicitis")
    riley = LearnerFactory(program=program, user__first_name="Riley", user__last_name="Chen",
                           user__email="riley@northwind.example")
    faith = FacultyFactory(program=program, user__first_name="Faith", user__last_name="Hall").user
    FeedbackTagFactory(name="Tissue handling")
    request = AssessmentRequestFactory(learner=riley, assessor=faith, epa=epa, note="Appendectomy, bed 4")
    return {"request": request, "riley": riley, "epa": epa}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_faith_answers_rileys_request_on_her_phone_and_riley_sees_it(phone_page, live_server, riley_asks_faith):
    page = phone_page
    page.goto(live_server.url + assessor_link_path(riley_asks_faith["request"]))
    expect(page.get_by_role("heading", name="Assess Riley Chen")).to_be_visible()

    page.locator("label.choice").filter(has_text="Level 3").tap()
    expect(page.get_by_role("radio", name="Level 3")).to_be_checked()
    page.locator(".tags-went-well label.tag").filter(has_text="Tissue handling").tap()
    page.get_by_label("Narrative feedback").fill("Safe, efficient appendectomy; good port placement.")
    page.get_by_role("button", name="Submit assessment").tap()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("This link is now used up.")).to_be_visible()

    login_through_the_page(page, live_server, "riley@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/assessments/mine/")
    received = page.get_by_role("region", name="Received")
    row = received.get_by_role("row").filter(has_text="Appendicitis")
    expect(row).to_be_visible()
    expect(row.get_by_role("cell", name="3", exact=True)).to_be_visible()
    expect(row.get_by_text("Faith Hall")).to_be_visible()
