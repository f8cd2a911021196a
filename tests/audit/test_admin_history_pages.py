"""Issue 11, item 15: Sam, the platform superuser, mistypes an admin history address. A bad object
id or version id is a 404, never a 500 (ValueError); and the history list shows "—", not a literal
"None", where a version has no change reason or no user (a data load, a task)."""

import pytest
from django.urls import reverse

from tests.factories import EPAFactory, SiteFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(client):
    sam = SuperuserFactory(email="sam@rounds.example")
    client.force_login(sam)
    return sam


@pytest.fixture
def epa():
    return EPAFactory(number=4, name="Gallbladder disease")


@pytest.fixture
def site(northwind):
    return SiteFactory(institution__company=northwind, name="Northwind Main Campus")


def _history_url(obj, label):
    return reverse(f"admin:{label}_history", args=[obj.pk])


@pytest.mark.parametrize("bad", ["not-a-number", "4x", "-"])
def test_a_mistyped_epa_history_address_is_404(client, sam, epa, bad):
    url = reverse("admin:reference_epa_history", args=[epa.pk]).replace(f"/{epa.pk}/", f"/{bad}/")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("bad", ["not-a-uuid", "1234"])
def test_a_mistyped_site_history_address_is_404(client, sam, site, bad):
    url = reverse("admin:tenants_site_history", args=[site.pk]).replace(f"/{site.pk}/", f"/{bad}/")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("bad_object,bad_version", [(True, False), (False, True), (True, True)])
def test_a_mistyped_epa_version_address_is_404(client, sam, epa, bad_object, bad_version):
    version = epa.history.latest("history_date")
    url = reverse("admin:reference_epa_simple_history",
                  args=["abc" if bad_object else epa.pk, "xyz" if bad_version else version.history_id])
    assert client.get(url).status_code == 404


def test_a_mistyped_site_version_address_is_404(client, sam, site):
    version = site.history.latest("history_date")
    assert client.get(reverse("admin:tenants_site_simple_history", args=["abc", version.history_id])).status_code == 404
    assert client.get(reverse("admin:tenants_site_simple_history", args=[site.pk, "xyz"])).status_code == 404


def test_the_right_addresses_still_open(client, sam, epa):
    version = epa.history.latest("history_date")
    assert client.get(reverse("admin:reference_epa_history", args=[epa.pk])).status_code == 200
    assert client.get(reverse("admin:reference_epa_simple_history", args=[epa.pk, version.history_id])
                      ).status_code == 200


def test_a_version_without_a_change_reason_or_user_shows_a_dash_not_none(client, sam, epa):
    assert epa.history.latest("history_date").history_change_reason is None

    page = client.get(reverse("admin:reference_epa_history", args=[epa.pk])).content.decode()

    table = page.split('id="change-history"', 1)[1].split("</table>", 1)[0]
    cells = [cell.strip() for cell in table.split("<td>")[1:]]
    assert not any(cell.startswith("None") for cell in cells), cells
    assert any(cell.startswith("—") for cell in cells)
