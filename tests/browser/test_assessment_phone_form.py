"""Faith assesses Riley on her phone between cases: the form fits in two phone screens, each
feedback list offers only its own tags, and the submit button stays in reach."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from apps.assessments.models import NARRATIVE_MAX_LENGTH, EPAAssessment
from apps.reference.models import EntrustmentLevel, EntrustmentScale
from tests.browser.conftest import login_through_the_page
from tests.factories import (
    PASSWORD,
    EPAAssessmentFactory,
    EPAFactory,
    EPASetFactory,
    FacultyFactory,
    FeedbackTagFactory,
    LearnerFactory,
    ProgramFactory,
)

PHONE_HEIGHT = 844
FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "reference"


def _rows(name):
    with open(FIXTURES / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def faith_and_riley(sponsor):
    """The real library's 20 feedback tags (10 per group) and the 5-level ten Cate scale."""
    levels = [row for row in _rows("entrustment_scales.csv") if row["scale_code"] == "entrustment_supervision_5"]
    scale = EntrustmentScale.objects.create(code="entrustment_supervision_5", name=levels[0]["scale_name"])
    for row in levels:
        EntrustmentLevel.objects.create(scale=scale, number=int(row["level"]), label=row["label"],
                                        descriptor=row["descriptor"])
    for row in _rows("feedback_tags.csv"):
        FeedbackTagFactory(category=row["category"], name=row["name"], description=row["description"],
                           company=sponsor.company)
    program = ProgramFactory(sponsor=sponsor, name="Northwind General Surgery", epa_set=EPASetFactory(scale=scale))
    epa = EPAFactory(epa_set=program.epa_set, short_name="Appendicitis", name="Manage appendicitis")
    riley = LearnerFactory(program=program, user__first_name="Riley", user__last_name="Chen")
    faith = FacultyFactory(program=program, user__first_name="Faith", user__last_name="Hall",
                           user__email="faith@northwind.example").user
    return {"riley": riley, "faith": faith, "epa": epa, "company": sponsor.company}


def _saved_tags(company):
    assessment = EPAAssessment.objects.for_company(company).get()
    return {(link.tag.name, link.tag.category, link.tag_type) for link in assessment.tag_links.select_related("tag")}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_faith_completes_an_assessment_with_three_tags_within_two_phone_screens(
        phone_page, live_server, faith_and_riley):
    page = phone_page
    login_through_the_page(page, live_server, "faith@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/assessments/new/")

    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * PHONE_HEIGHT, f"the form is {height}px tall on a phone (two screens: {2 * PHONE_HEIGHT}px)"
    submit = page.get_by_role("button", name="Submit assessment")
    assert submit.bounding_box()["y"] + submit.bounding_box()["height"] <= PHONE_HEIGHT, "submit is in reach at once"
    went_well, needs_work = page.locator(".tags-went-well label.tag"), page.locator(".tags-needs-work label.tag")
    expect(went_well).to_have_count(10)
    expect(needs_work).to_have_count(10)
    expect(page.get_by_label("Case type")).to_be_hidden()

    page.locator("#id_learner").select_option(label="Riley Chen (Northwind General Surgery)")
    with page.expect_response(lambda response: "entrustment-levels" in response.url):
        page.locator("#id_epa").select_option(index=1)
    page.locator("label.choice").filter(has_text="Indirect (reactive) supervision").tap()
    went_well.filter(has_text="Communication").tap()
    went_well.filter(has_text="Respect for tissue").tap()
    needs_work.filter(has_text="Efficiency and flow").tap()
    page.get_by_label("Narrative feedback").fill("Clear plan; handled the appendix gently.")
    scrolled = page.evaluate("document.documentElement.scrollHeight - window.innerHeight")
    assert scrolled <= PHONE_HEIGHT, "at most one screen to scroll once the form is filled in"
    submit.tap()

    expect(page.get_by_text("Assessment of Riley Chen saved")).to_be_visible()
    assert _saved_tags(faith_and_riley["company"]) == {
        ("Communication", "strength", "went_well"), ("Respect for tissue", "strength", "went_well"),
        ("Efficiency and flow", "area_for_improvement", "needs_work")}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_back_button_after_saving_shows_the_saved_assessment_not_a_second_form(
        phone_page, live_server, faith_and_riley):
    page = phone_page
    login_through_the_page(page, live_server, "faith@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/assessments/new/")
    page.locator("#id_learner").select_option(label="Riley Chen (Northwind General Surgery)")
    with page.expect_response(lambda response: "entrustment-levels" in response.url):
        page.locator("#id_epa").select_option(index=1)
    page.locator("label.choice").filter(has_text="Unsupervised practice").tap()
    page.get_by_role("button", name="Submit assessment").tap()
    expect(page.get_by_text("Assessment of Riley Chen saved")).to_be_visible()

    page.go_back()
    expect(page.get_by_text("was already saved; nothing was saved twice")).to_be_visible()
    expect(page.get_by_role("button", name="Submit assessment")).to_have_count(0)
    assert EPAAssessment.objects.for_company(faith_and_riley["company"]).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_narrative_without_spaces_does_not_widen_rileys_phone_page(phone_page, live_server, faith_and_riley):
    riley = faith_and_riley["riley"]
    riley.user.email = "riley@northwind.example"
    riley.user.save()
    assessment = EPAAssessmentFactory(learner=riley, assessor=faith_and_riley["faith"], epa=faith_and_riley["epa"],
                                      narrative_feedback="W" * NARRATIVE_MAX_LENGTH)
    page = phone_page
    login_through_the_page(page, live_server, "riley@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    expect(page.locator(".narrative")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
