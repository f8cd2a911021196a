"""Issue 11, item 10: the platform superuser (no tenant) reads the shared reference library, gets a
clear page (not a 404) on the tenant-data analytics pages, and the admin's "View site" leads out of
the admin instead of bouncing back into it."""

import pytest
from django.urls import reverse

from tests.factories import CaseTypeFactory, FeedbackTagFactory, ProgramFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(client):
    sam = SuperuserFactory(email="sam@rounds.example")
    client.force_login(sam)
    return sam


def test_sam_the_superuser_reads_the_shared_library_but_no_companys_private_rows(client, sam, northwind):
    CaseTypeFactory(name="Shared Appendectomy")
    FeedbackTagFactory(name="Shared Clear plan")
    CaseTypeFactory(company=northwind, name="Northwind Secret Operation")
    FeedbackTagFactory(company=northwind, name="Northwind Secret Tag")

    response = client.get(reverse("reference_library"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Shared Appendectomy" in page and "Shared Clear plan" in page
    assert "Northwind Secret" not in page
    assert "Add a private" not in page  # private rows are a company's; Sam has none


def test_sam_sees_the_reference_library_in_his_navigation(client, sam):
    page = client.get(reverse("reference_library")).content.decode()
    nav = page.split('<nav aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("reference_library")}"' in nav
    assert f'href="{reverse("admin:index")}"' in nav


@pytest.mark.parametrize("name", ["analytics_home", "analytics_my_progress"])
def test_sam_gets_a_page_saying_analytics_are_tenant_data_not_a_404(client, sam, name):
    response = client.get(reverse(name))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Platform administrators have no organization" in page
    assert f'href="{reverse("admin:index")}"' in page


def test_sam_gets_the_same_page_on_a_programs_dashboard(client, sam, sponsor):
    program = ProgramFactory(sponsor=sponsor)
    response = client.get(reverse("analytics_program_dashboard", args=[program.pk]))
    assert response.status_code == 403
    assert "Platform administrators have no organization" in response.content.decode()


def test_view_site_in_the_admin_leads_to_the_reference_library_not_back_into_the_admin(client, sam):
    admin_page = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("reference_library")}">View site' in admin_page

    assert client.get(reverse("reference_library")).status_code == 200
