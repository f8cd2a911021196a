"""Casey, a coordinator, edits the block schedule grid in place in headless Chromium."""

import pytest

from apps.academics import services
from apps.tenants.roles import Role
from tests.browser.conftest import login_through_the_page
from tests.factories import (
    PASSWORD, AcademicYearFactory, LearnerFactory, MembershipFactory, ProgramFactory, RotationTypeFactory,
    SponsorFactory, UserFactory,
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
