"""`make demo` from a fresh database: every demo login reaches its home page, and seeding twice
changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.tenants.demo import DEMO_PASSWORD, DEMO_ROLES
from apps.tenants.models import Membership, User
from apps.core.scoping import unscoped


def _counts():
    with unscoped("test: counting every tenant's rows"):
        return User.objects.count(), Membership.objects.count()


@pytest.mark.django_db
def test_every_demo_login_reaches_its_home_page_and_seeding_twice_changes_nothing(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert _counts() == first

    logins = [f"{role}@{tenant}.example" for tenant in ("northwind", "southbay") for role in DEMO_ROLES]
    for email in logins:
        client.logout()
        response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD}, follow=True)
        assert response.status_code == 200, email
        assert response.redirect_chain[-1][0] == reverse("home"), email
        assert "Your roles" in response.content.decode(), email

    client.logout()
    response = client.post(reverse("login"), {"username": "admin@rounds.example", "password": DEMO_PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")


@pytest.mark.django_db
def test_the_demo_residents_dashboard_shows_her_seeded_assessments(client):
    """The analytics views are refreshed by seed_demo, so the dashboards are not empty on day one."""
    from apps.academics.models import Learner
    from apps.analytics.models import ResidentEPAProgress

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    client.post(reverse("login"), {"username": "resident@northwind.example", "password": DEMO_PASSWORD})
    with unscoped("test: find the demo resident"):
        riley = Learner.objects.select_related("user").get(user__email="resident@northwind.example",
                                                           program__name__contains="Surgery")
    rows = ResidentEPAProgress.objects.for_company(riley.company_id).filter(learner_id=riley.pk)
    assert sum(row.assessment_count for row in rows) > 20
    page = client.get(reverse("analytics_learner_progress", args=[riley.pk]))
    assert page.status_code == 200 and "Appendicitis" in page.content.decode()
