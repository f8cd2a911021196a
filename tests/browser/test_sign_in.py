"""Casey, a coordinator, signs in through the real login page in headless Chromium."""

import pytest

from apps.tenants.roles import Role
from tests.browser.conftest import login_through_the_page
from tests.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_casey_signs_in_and_sees_her_roles_on_her_home_page(browser_page, live_server, northwind, make_user):
    make_user(northwind, Role.ORG_ADMIN, email="casey@northwind.example")
    login_through_the_page(browser_page, live_server, "casey@northwind.example", PASSWORD)
    assert browser_page.get_by_role("heading", name="Your roles").is_visible()
    assert browser_page.get_by_text("Organization administrator").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_explained_on_the_page(browser_page, live_server, northwind, make_user):
    make_user(northwind, email="casey@northwind.example")
    browser_page.goto(f"{live_server.url}/accounts/login/")
    browser_page.get_by_label("Email").fill("casey@northwind.example")
    browser_page.get_by_label("Password").fill("not her password")
    browser_page.get_by_role("button", name="Sign in").click()
    assert browser_page.get_by_role("alert").filter(has_text="correct email and password").is_visible()
