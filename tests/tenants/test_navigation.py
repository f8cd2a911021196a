"""The navigation shows what each person's roles open, and the inbox's unread count."""

import pytest
from django.urls import reverse

from apps.tenants.roles import Role
from tests.factories import NotificationFactory


@pytest.mark.django_db
def test_nadia_sees_her_unread_count_beside_inbox_and_it_clears_when_read(client, northwind, make_user):
    nadia = make_user(northwind, Role.ORG_ADMIN)
    for n in range(2):
        NotificationFactory(user=nadia, channel="in_app", title=f"Note {n}")
    client.force_login(nadia)
    body = client.get(reverse("home")).content.decode()
    assert '2<span class="visually-hidden"> unread</span>' in body

    client.post(reverse("notifications:mark_all_read"))
    body = client.get(reverse("home")).content.decode()
    assert "unread</span>" not in body


@pytest.mark.django_db
def test_a_clinician_sees_no_program_links_but_a_coordinator_does(client, northwind, make_user):
    from tests.factories import ProgramFactory, SiteFactory, SponsorFactory

    sponsor = SponsorFactory(institution__company=northwind)
    program = ProgramFactory(sponsor=sponsor)
    clinician = make_user(northwind, Role.CLINICIAN, site=SiteFactory(institution=sponsor.institution))
    coordinator = make_user(northwind, Role.COORDINATOR, program=program)
    client.force_login(clinician)
    assert ">Programs<" not in client.get(reverse("home")).content.decode()
    client.force_login(coordinator)
    assert ">Programs<" in client.get(reverse("home")).content.decode()
