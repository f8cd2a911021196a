"""Riley shows Faith the QR code of his request. On Faith's phone, signed out, the form opens;
Faith asks for a code, reads it in her e-mail and submits. Riley, signed in on his own phone,
cannot submit the same form."""

import re

import pytest
from playwright.sync_api import expect

from apps.assessments.models import EPAAssessment
from apps.assessments.signing import request_link_path
from apps.notifications.models import Notification
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
    faith = FacultyFactory(program=program, user__first_name="Faith", user__last_name="Hall",
                           user__email="faith@northwind.example").user
    FeedbackTagFactory(name="Tissue handling")
    request = AssessmentRequestFactory(learner=riley, assessor=faith, epa=epa, note="Appendectomy, bed 4")
    return {"request": request, "faith": faith}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_faith_scans_the_qr_code_and_submits_with_the_code_from_her_e_mail(phone_page, live_server,
                                                                             riley_asks_faith):
    page = phone_page
    request = riley_asks_faith["request"]
    page.goto(live_server.url + request_link_path(request))
    expect(page.get_by_role("heading", name="Assess Riley Chen")).to_be_visible()
    page.locator("label.choice").filter(has_text="Level 3").tap()
    page.locator(".tags-went-well label.tag").filter(has_text="Tissue handling").tap()
    page.get_by_role("button", name="E-mail me a code").tap()

    expect(page.get_by_text("We e-mailed a 6-digit code to f•••@northwind.example")).to_be_visible()
    expect(page.get_by_role("radio", name="Level 3")).to_be_checked()  # what she filled in is kept
    email = Notification.objects.for_company(request.company).get(kind="assessment_link_code", channel="email")
    assert email.user == riley_asks_faith["faith"]
    page.get_by_label("Code from your e-mail").fill(re.search(r"\d{6}$", email.title).group(0))
    page.get_by_role("button", name="Submit assessment").tap()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    saved = EPAAssessment.objects.for_company(request.company).get()
    assert saved.assessor == riley_asks_faith["faith"] and saved.entrustment_level == 3


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_riley_signed_in_cannot_submit_his_own_request(phone_page, live_server, riley_asks_faith):
    page = phone_page
    login_through_the_page(page, live_server, "riley@northwind.example", PASSWORD)
    response = page.goto(live_server.url + request_link_path(riley_asks_faith["request"]))
    assert response.status == 403
    expect(page.get_by_text("Only Faith Hall can submit this assessment")).to_be_visible()
    expect(page.get_by_role("button", name="Submit assessment")).to_have_count(0)
