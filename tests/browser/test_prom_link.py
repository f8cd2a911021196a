"""Margaret answers the GAD-7 her physio sent, on her phone, from the link in her text message —
no login; each answer is saved as she taps it. Pat, her practitioner, then sees the score on her
chart, and the link, opened again, says it was already used."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.physio.services import proms as prom_services
from apps.physio.signing import prom_link_path
from tests.clinical.factories import PatientFactory
from tests.factories import SiteFactory


@pytest.fixture
def margarets_gad7(sponsor, northwind, make_user):
    from apps.tenants.roles import Role

    clinic = SiteFactory(institution=sponsor.institution, name="Harbor Street Clinic")
    pat = make_user(northwind, Role.PRACTITIONER, site=clinic, email="pat@northwind.example")
    margaret = PatientFactory(home_site=clinic, first_name="Margaret", last_name="Holloway", phone="555-0142")
    template = prom_services.prom_template_create(actor=pat, company=northwind, instrument="gad7")
    instance = prom_services.prom_send(actor=pat, patient=margaret, template=template, channel="none")
    return {"pat": pat, "margaret": margaret, "instance": instance}


def _signed_in(page, live_server, client, user):
    """Pat's session (fully signed in, second factor included) handed to the browser."""
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_margaret_answers_on_her_phone_pat_sees_the_score_and_the_link_is_then_used(
        phone_page, browser_page, live_server, client, margarets_gad7):
    page, link = phone_page, live_server.url + prom_link_path(margarets_gad7["instance"])
    page.goto(link)
    expect(page.get_by_role("heading", name="GAD-7")).to_be_visible()
    items = page.locator("fieldset.prom-item")
    expect(items).to_have_count(7)
    # 2, 2, 1, 1, 2, 1, 1 = 10: moderate anxiety
    for n, answer in enumerate(["More than half the days", "More than half the days", "Several days", "Several days",
                                "More than half the days", "Several days", "Several days"]):
        items.nth(n).locator("label.option").filter(has_text=answer).tap()
        expect(items.nth(n).locator(".saved")).to_have_text("Saved")  # saved as she goes
    page.get_by_role("button", name="Submit").tap()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    chart = browser_page
    _signed_in(chart, live_server, client, margarets_gad7["pat"])
    chart.goto(live_server.url + reverse("clinical:chart", kwargs={"patient_id": margarets_gad7["margaret"].pk}))
    section = chart.get_by_role("region", name="Physio: outcome measures")  # htmx swaps the card in
    expect(section.get_by_role("row").filter(has_text="GAD-7")).to_contain_text("10 · Moderate")

    page.goto(link)
    expect(page.get_by_role("heading", name="Already used")).to_be_visible()
    expect(page.get_by_text("already answered")).to_be_visible()
