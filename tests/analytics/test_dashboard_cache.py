"""Issue 19: the dashboard's month sections are cached until the next refresh of the views
(apps.analytics.dashboard); the access check and the live tables still run on every request."""

import pytest
from django.urls import reverse

from apps.analytics.services import analytics_refresh
from apps.tenants.roles import Role
from tests.analytics.factories import make_learner
from tests.factories import MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _volume(page):
    return page.split('aria-labelledby="volume"')[1].split("</section>")[0]


def test_a_refresh_brings_the_new_month_figures_and_names_stay_live(client, program, rachel, faith, colin, assess):
    assess()
    analytics_refresh(concurrently=False)
    client.force_login(colin)
    url = reverse("analytics_program_dashboard", args=[program.pk])
    assert "</th><td>1</td>" in _volume(client.get(url).content.decode())

    assess()
    assert "</th><td>1</td>" in _volume(client.get(url).content.decode())  # the views say 1 until refreshed
    analytics_refresh(concurrently=False)
    page = client.get(url).content.decode()
    assert "</th><td>2</td>" in _volume(page) and "</th><td>1</td>" not in _volume(page)

    faith.first_name = "Fatima"
    faith.save()
    program.name = "Northwind Renamed Surgery"
    program.save()
    page = client.get(url).content.decode()  # no refresh: what is live shows at once
    assert "Fatima Faculty" in page and "Assessments per month, Northwind Renamed Surgery" in page


def test_the_cached_sections_are_each_programs_own_and_access_is_checked_every_time(client, program, rachel, colin,
                                                                                      assess):
    assess()
    other = ProgramFactory(sponsor=program.sponsor, name="Northwind Urology")
    make_learner(program=other)
    MembershipFactory(user=colin, role=Role.COORDINATOR, program=other)
    analytics_refresh(concurrently=False)
    client.force_login(colin)
    mine = client.get(reverse("analytics_program_dashboard", args=[program.pk])).content.decode()
    theirs = client.get(reverse("analytics_program_dashboard", args=[other.pk])).content.decode()
    assert "</th><td>1</td>" in _volume(mine) and "No assessments yet." in _volume(theirs)

    peter = make_learner(program=program)  # a resident: no dashboard, although its sections are cached
    client.force_login(peter.user)
    assert client.get(reverse("analytics_program_dashboard", args=[program.pk])).status_code == 404
