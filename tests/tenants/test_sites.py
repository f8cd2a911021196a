"""Editing a site: history, audit, validation, and who may do it."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditLog
from apps.tenants.models import Site
from apps.tenants.roles import Role


def _form(site, **changes):
    data = {"name": site.name, "kind": site.kind, "address": "", "time_zone": site.time_zone, "latitude": "",
            "longitude": "", "geofence_radius_m": 200, "student_capacity": 10, "is_active": "on"}
    data.update(changes)
    return data


@pytest.mark.django_db
class TestEditingASite:
    def test_an_admin_edit_writes_a_history_row_and_an_audit_row_with_actor_and_ip(self, client, site, make_user):
        casey = make_user(site.company, Role.ORG_ADMIN)
        client.force_login(casey)
        response = client.post(reverse("site_edit", args=[site.pk]), _form(site, student_capacity=25),
                               REMOTE_ADDR="192.0.2.10")
        assert response.status_code == 302
        site.refresh_from_db()
        assert site.student_capacity == 25
        latest = site.history.first()
        assert latest.history_user == casey and latest.history_type == "~"
        audit = AuditLog.objects.for_company(site.company).get(action="site.update")
        assert audit.actor == casey and audit.ip_address == "192.0.2.10"
        assert audit.changes["student_capacity"] == [10, 25]

    def test_bad_input_shows_errors_beside_the_field_and_writes_nothing(self, client, site, make_user):
        client.force_login(make_user(site.company, Role.ORG_ADMIN))
        history_before = site.history.count()
        response = client.post(reverse("site_edit", args=[site.pk]),
                               _form(site, time_zone="Mars/Olympus", latitude="95", geofence_radius_m="-3"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "is not a known time zone" in body
        assert 'id="id_latitude_error"' in body and 'id="id_geofence_radius_m_error"' in body
        site.refresh_from_db()
        assert site.time_zone == "America/New_York"
        assert site.history.count() == history_before
        assert not AuditLog.objects.for_company(site.company).filter(action="site.update").exists()

    def test_a_clinician_can_read_but_not_edit(self, client, site, make_user):
        clinician = make_user(site.company, Role.CLINICIAN, site=site)
        client.force_login(clinician)
        assert client.get(reverse("site_detail", args=[site.pk])).status_code == 200
        assert client.get(reverse("site_edit", args=[site.pk])).status_code == 403
        denied = AuditLog.objects.for_company(site.company).get(action="permission.deny")
        assert denied.actor == clinician and denied.status_code == 403

    def test_the_organization_page_lists_sites_with_a_fixed_number_of_queries(self, client, site, make_user,
                                                                                django_assert_num_queries):
        from tests.factories import SiteFactory

        client.force_login(make_user(site.company, Role.ORG_ADMIN))
        client.get(reverse("organization"))  # warm the session
        with django_assert_num_queries(5) as small:
            client.get(reverse("organization"))
        for _ in range(10):
            SiteFactory(institution=site.institution)
        with django_assert_num_queries(len(small.captured_queries)):
            response = client.get(reverse("organization"))
        assert response.content.decode().count("/organization/sites/") == 11


@pytest.mark.django_db
def test_a_coordinator_cannot_reach_the_admin(client, site, make_user):
    client.force_login(make_user(site.company, Role.ORG_ADMIN))
    response = client.get(reverse("admin:tenants_site_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert Site.objects.for_company(site.company).count() == 1


@pytest.mark.django_db
def test_clinic_staff_see_their_site_without_an_edit_button_they_could_not_use(client, site, make_user):
    """One rule (apps.tenants.access.can_change_site): the button shows exactly when the edit page opens."""
    for role, scope, can_change in ((Role.CLINIC_STAFF, {"site": site}, False), (Role.ORG_ADMIN, {}, True)):
        client.force_login(make_user(site.company, role, **scope))
        page = client.get(reverse("site_detail", args=[site.pk])).content.decode()
        edit = client.get(reverse("site_edit", args=[site.pk]))
        assert ("Edit site" in page, edit.status_code) == (can_change, 200 if can_change else 403), role
