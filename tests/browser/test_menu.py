"""Issue 11, item 11, in a real browser: on a phone the header is one line with a "Menu" that opens
without JavaScript; on a desktop the same navigation is shown inline."""

import pytest
from playwright.sync_api import expect

from apps.tenants.roles import Role
from tests.browser.conftest import login_through_the_page
from tests.factories import PASSWORD, MembershipFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def casey(sponsor, make_user):
    """A coordinator and organization admin: the longest navigation there is."""
    program = ProgramFactory(sponsor=sponsor)
    casey = make_user(program.company, Role.COORDINATOR, email="casey@northwind.example", program=program)
    MembershipFactory(user=casey, role=Role.ORG_ADMIN)
    return casey


def test_on_a_phone_the_header_is_one_line_and_the_menu_opens_without_javascript(_browser, live_server, casey):
    context = _browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                   java_script_enabled=False)
    page = context.new_page()
    try:
        login_through_the_page(page, live_server, "casey@northwind.example", PASSWORD)
        header = page.locator("header.site-header")
        assert header.bounding_box()["height"] <= 100
        sign_out = page.get_by_role("button", name="Sign out")
        expect(sign_out).to_be_hidden()

        page.locator("summary", has_text="Menu").click()

        expect(sign_out).to_be_visible()
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")).to_be_visible()
        assert header.bounding_box()["height"] <= 100  # the open menu drops over the page
    finally:
        context.close()


def test_on_a_desktop_the_navigation_is_shown_without_opening_anything(browser_page, live_server, casey):
    login_through_the_page(browser_page, live_server, "casey@northwind.example", PASSWORD)

    expect(browser_page.locator("summary", has_text="Menu")).to_be_hidden()
    expect(browser_page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")).to_be_visible()
    expect(browser_page.get_by_role("button", name="Sign out")).to_be_visible()
