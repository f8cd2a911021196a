"""Issue 11, item 11: on a phone the navigation was three lines (~230 of 844 px). It is now one
collapsed menu, a <details>/<summary> "Menu" that works without JavaScript, on every page."""

import re

import pytest
from django.urls import reverse

from apps.tenants.roles import Role
from tests.factories import LearnerFactory, MembershipFactory, NotificationFactory, ProgramFactory

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<details class="nav-menu">\s*<summary>Menu(?P<summary>.*?)</summary>(?P<body>.*?)</details>', re.S)


def _menu(page: str) -> re.Match:
    menu = MENU.search(page)
    assert menu, "no collapsed menu on the page"
    return menu


@pytest.fixture
def program(sponsor):
    return ProgramFactory(sponsor=sponsor, name="Northwind General Surgery")


@pytest.fixture
def people(program, make_user):
    coordinator = make_user(program.company, Role.COORDINATOR, program=program)
    MembershipFactory(user=coordinator, role=Role.ORG_ADMIN)
    return {
        "coordinator": coordinator,
        "faculty": make_user(program.company, Role.FACULTY, program=program),
        "resident": LearnerFactory(program=program).user,
    }


@pytest.mark.parametrize("who", ["coordinator", "faculty", "resident"])
def test_every_page_in_the_navigation_keeps_it_inside_the_collapsed_menu(client, people, who):
    client.force_login(people[who])
    home = client.get(reverse("home")).content.decode()
    links = re.findall(r'<li><a href="([^"]+)"', _menu(home)["body"])
    assert len(links) >= 3, links

    for url in links:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        page = response.content.decode()
        menu = _menu(page)
        assert page.count('<nav aria-label="Main"') == 1, url
        assert '<nav aria-label="Main"' in menu["body"], url
        assert "Sign out" in menu["body"], url  # the sign-out form folds into the menu too


def test_the_closed_menu_still_shows_the_unread_count(client, people):
    resident = people["resident"]
    NotificationFactory.create_batch(2, user=resident)
    client.force_login(resident)

    summary = _menu(client.get(reverse("home")).content.decode())["summary"]

    assert '<span class="nav-badge">2<span class="visually-hidden"> unread</span></span>' in summary
