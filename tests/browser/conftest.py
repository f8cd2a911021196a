"""Headless Chromium through Playwright, using Debian's chromium (never Playwright's download).

Without a browser, browser tests are deselected with a plain message — unless
ROUNDS_REQUIRE_BROWSER=1 (CI sets it), where a missing browser is an error.
"""

import os
import shutil

import pytest

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Flags for a closed network: no background calls home, no sandbox as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    explicit = os.environ.get("ROUNDS_CHROMIUM")
    if explicit:
        return explicit
    return next((path for path in map(shutil.which, CHROMIUM_CANDIDATES) if path), None)


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def browser_page(_browser):
    context, page = _page(_browser, viewport={"width": 1400, "height": 900})
    yield page
    context.close()


@pytest.fixture
def phone_page(_browser):
    """A phone-sized viewport with touch, like a faculty member between cases."""
    context, page = _page(_browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                          device_scale_factor=3,
                          user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                                     "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
    yield page
    context.close()


def login_through_the_page(page, live_server, email, password):
    """Sign in the way a person does: the login form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/**")
