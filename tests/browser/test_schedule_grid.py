"""Casey, a coordinator, edits the block schedule grid in place in headless Chromium."""

import pytest

from apps.academics import services
from apps.tenants.roles import Role
from tests.browser.conftest import login_through_the_page
from tests.factories import (
    PASSWORD,
    AcademicYearFactory,
    LearnerFactory,
    MembershipFactory,
    ProgramFactory,
    RotationTypeFactory,
    SponsorFactory,
    UserFactory,
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_casey_puts_riley_on_trauma_in_the_grid_without_a_page_reload(browser_page, live_server, northwind):
    program = ProgramFactory(sponsor=SponsorFactory(institution__company=northwind), name="General Surgery")
    casey = UserFactory(company=northwind, email="casey@northwind.example")
    MembershipFactory(user=casey, role=Role.COORDINATOR, program=program)
    year = AcademicYearFactory(program=program)
    block = services.blocks_generate(actor=casey, academic_year=year, pattern="four_week")[0]
    riley = LearnerFactory(program=program, user__first_name="Riley", user__last_name="Chen")
    RotationTypeFactory(program=program, name="Acute Care Surgery", code="ACS", colour=0)
    trauma = RotationTypeFactory(program=program, name="Trauma", code="TRA", colour=3)

    page = browser_page
    login_through_the_page(page, live_server, "casey@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/programs/{program.pk}/years/{year.pk}/grid/")
    page.evaluate("window.__sameDocument = true")  # survives only if nothing reloads the page
    cell = page.locator(f"#cell-{riley.pk}-{block.pk}")
    cell.get_by_role("link").click()
    cell.get_by_label("Rotation").select_option(label=str(trauma))
    cell.get_by_role("button", name="Save").click()
    page.locator(f"#cell-{riley.pk}-{block.pk}.rot-3").wait_for()
    assert "TRA" in page.locator(f"#cell-{riley.pk}-{block.pk}").inner_text()
    assert page.evaluate("window.__sameDocument") is True
    assert riley.assignments.get().rotation_type == trauma


def _grid_world(northwind, blocks=1):
    program = ProgramFactory(sponsor=SponsorFactory(institution__company=northwind), name="General Surgery")
    casey = UserFactory(company=northwind, email="casey@northwind.example")
    MembershipFactory(user=casey, role=Role.COORDINATOR, program=program)
    year = AcademicYearFactory(program=program)
    all_blocks = services.blocks_generate(actor=casey, academic_year=year, pattern="four_week")
    riley = LearnerFactory(program=program, user__first_name="Riley", user__last_name="Chen")
    acs = RotationTypeFactory(program=program, name="Acute Care Surgery", code="ACS", colour=0, is_required=True,
                              minimum_weeks=8)
    return program, year, all_blocks, riley, acs


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_gap_column_refreshes_and_clearing_asks_then_undoes_in_place(browser_page, live_server, northwind):
    program, year, blocks, riley, acs = _grid_world(northwind)
    page = browser_page
    login_through_the_page(page, live_server, "casey@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/programs/{program.pk}/years/{year.pk}/grid/")
    page.evaluate("window.__sameDocument = true")
    gaps, cell = page.locator(f"#gaps-{riley.pk}"), page.locator(f"#cell-{riley.pk}-{blocks[0].pk}")
    assert "Needs ACS: 0 of 8 weeks" in gaps.inner_text()
    cell.get_by_role("link").click()
    cell.get_by_label("Rotation").select_option(label=str(acs))
    cell.get_by_role("button", name="Save").click()
    page.locator(f"#cell-{riley.pk}-{blocks[0].pk}.rot-0").wait_for()
    page.wait_for_function(f"document.querySelector('#gaps-{riley.pk}').innerText.includes('4 of 8')")

    cell = page.locator(f"#cell-{riley.pk}-{blocks[0].pk}")
    cell.get_by_role("link").click()
    cell.get_by_label("Rotation").select_option(label="— nothing —")
    cell.get_by_role("button", name="Save").click()
    cell.get_by_role("button", name="Remove").click()
    cell.get_by_role("button", name="Undo").wait_for()
    assert not riley.assignments.exists()
    cell.get_by_role("button", name="Undo").click()
    page.locator(f"#cell-{riley.pk}-{blocks[0].pk}.rot-0").wait_for()
    assert riley.assignments.get().rotation_type == acs
    assert page.evaluate("window.__sameDocument") is True


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_grid_scrolls_sideways_with_the_learner_pinned_and_shows_several_blocks(
        phone_page, live_server, northwind):
    program, year, blocks, riley, acs = _grid_world(northwind)
    page = phone_page
    login_through_the_page(page, live_server, "casey@northwind.example", PASSWORD)
    page.goto(f"{live_server.url}/programs/{program.pk}/years/{year.pk}/grid/")
    scroller = page.locator(".grid-scroll")
    visible = page.evaluate("""() => {
        const box = document.querySelector('.grid-scroll').getBoundingClientRect();
        return [...document.querySelectorAll('.schedule-grid thead th')].slice(1, -1)
            .filter(th => { const r = th.getBoundingClientRect(); return r.left >= box.left && r.right <= box.right; })
            .length; }""")
    assert visible >= 3
    learner_left = page.locator(".schedule-grid tbody .learner-col").first.bounding_box()["x"]
    scroller.evaluate("el => el.scrollLeft = 400")
    assert page.locator(".schedule-grid tbody .learner-col").first.bounding_box()["x"] == learner_left
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
