"""Sam, the platform superuser, in the admin: every write is audited, dropdowns show only the
edited object's company, and history is read-only."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.audit.models import AuditLog
from apps.reference.models import CaseType
from apps.tenants.models import Resource, Site
from apps.tenants.roles import Role
from tests.factories import (
    EPAFactory,
    InstitutionFactory,
    LearnerFactory,
    ResourceFactory,
    SiteFactory,
    SuperuserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(client):
    sam = SuperuserFactory(email="sam@rounds.example")
    client.force_login(sam)
    return sam


def _site_form(site, **changes):
    data = {"institution": site.institution_id, "agreement": "", "name": site.name, "kind": site.kind,
            "address": site.address, "time_zone": site.time_zone, "latitude": "", "longitude": "",
            "geofence_radius_m": site.geofence_radius_m, "student_capacity": site.student_capacity or "",
            "is_active": "on" if site.is_active else ""}
    data.update(changes)
    return data


def _options(page, field):
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]+)"', select)


def _admin_rows(**filters):
    return AuditLog.objects.unscoped().filter(action__contains=".admin_", **filters)


# ---------------------------------------------------------------- audited writes
def test_sam_edits_a_northwind_site_and_the_audit_row_names_him_the_company_and_the_change(client, sam, site):
    url = reverse("admin:tenants_site_change", args=[site.pk])
    response = client.post(url, _site_form(site, student_capacity=30), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302, response.content.decode()[:3000]
    [row] = _admin_rows(entity_id=str(site.pk))
    assert (row.action, row.actor, row.company_id) == ("site.admin_update", sam, site.company_id)
    assert row.changes == {"student_capacity": [10, 30]}
    assert row.ip_address == "198.51.100.7" and row.severity == AuditLog.Severity.NOTICE


def test_sam_adds_and_deletes_rooms_and_each_write_is_audited(client, sam, site):
    add = reverse("admin:tenants_resource_add") + f"?company={site.company_id}"
    response = client.post(add, {"site": site.pk, "name": "OR 4", "kind": "room", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    room = Resource.objects.for_company(site.company).get(name="OR 4")
    created = _admin_rows(entity_id=str(room.pk)).get()
    assert created.action == "resource.admin_create" and created.changes["name"] == "OR 4"

    response = client.post(reverse("admin:tenants_resource_delete", args=[room.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert _admin_rows(entity_id=str(room.pk), action="resource.admin_delete").exists()

    others = [ResourceFactory(site=site) for _ in range(2)]
    response = client.post(reverse("admin:tenants_resource_changelist"),
                           {"action": "delete_selected", "_selected_action": [r.pk for r in others], "post": "yes"})
    assert response.status_code == 302
    assert _admin_rows(action="resource.admin_delete").count() == 3
    assert not Resource.objects.for_company(site.company).exists()


def test_sam_changes_a_password_in_the_admin_and_the_audit_row_has_no_hash(client, sam, northwind):
    riley = UserFactory(company=northwind)
    url = reverse("admin:auth_user_password_change", args=[riley.pk])
    response = client.post(url, {"password1": "a new long passphrase 42", "password2": "a new long passphrase 42",
                                 "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:3000]
    riley.refresh_from_db()
    [row] = _admin_rows(entity_id=str(riley.pk))
    assert row.action == "user.admin_update" and row.company_id == northwind.pk
    assert riley.password not in str(row.changes) and "passphrase" not in str(row.changes)


def test_sam_imports_case_types_and_each_imported_row_is_audited(client, sam):
    epa = EPAFactory(epa_set__version="2023")
    upload = SimpleUploadedFile(
        "case_types.csv", "specialty_code,epa_version,epa_number,company,code,name,typical_minutes,is_active\n"
        f"general_surgery,2023,{epa.number},,LAP_CHOLE,Laparoscopic cholecystectomy,,1\n"
        f"general_surgery,2023,{epa.number},,OPEN_CHOLE,Open cholecystectomy,,1\n".encode())
    preview = client.post(reverse("admin:reference_casetype_import"), {"import_file": upload, "format": "0"})
    page = preview.content.decode()
    confirm = {name: value for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
               if name in ("import_file_name", "original_file_name", "format", "resource")}
    response = client.post(reverse("admin:reference_casetype_process_import"), confirm)
    assert response.status_code == 302, response.content.decode()[:3000]
    imported = CaseType.objects.shared()
    assert imported.count() == 2
    rows = _admin_rows(action="case_type.admin_import")
    assert {row.entity_id for row in rows} == {str(c.pk) for c in imported}
    assert all(row.actor == sam and row.changes["import_type"] == "new" for row in rows)


# ---------------------------------------------------------------- history is read-only
def test_sam_can_read_an_old_version_but_not_revert_to_it(client, sam, site):
    old_name = site.name
    site.name = "Renamed campus"
    site.save()
    version = site.history.order_by("history_date").first()
    url = reverse("admin:tenants_site_simple_history", args=[site.pk, version.history_id])
    page = client.get(url)
    assert page.status_code == 200 and "Revert" not in page.content.decode()
    response = client.post(url, _site_form(site, name=old_name))
    assert response.status_code == 403
    site.refresh_from_db()
    assert site.name == "Renamed campus"


# ---------------------------------------------------------------- dropdowns list one company
def test_editing_a_northwind_site_lists_only_northwind_institutions(client, sam, site, southbay):
    southbay_institution = InstitutionFactory(company=southbay)
    page = client.get(reverse("admin:tenants_site_change", args=[site.pk])).content.decode()
    assert _options(page, "institution") == [str(site.institution_id)]
    response = client.post(reverse("admin:tenants_site_change", args=[site.pk]),
                           _site_form(site, institution=southbay_institution.pk))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Site.objects.for_company(site.company).get(pk=site.pk).institution_id == site.institution_id


def test_a_northwind_membership_lists_only_northwind_users_and_programs(client, sam, northwind, southbay):
    riley = LearnerFactory(program__sponsor__institution__company=northwind)
    sam_sb = LearnerFactory(program__sponsor__institution__company=southbay)
    membership = riley.user.memberships.get(role=Role.RESIDENT)
    page = client.get(reverse("admin:tenants_membership_change", args=[membership.pk])).content.decode()
    assert str(sam_sb.user_id) not in _options(page, "user") and str(riley.user_id) in _options(page, "user")
    assert _options(page, "program") == [str(riley.program_id)]


def test_adding_a_site_asks_for_the_organization_first_and_then_lists_only_its_institutions(
        client, sam, site, southbay):
    southbay_institution = InstitutionFactory(company=southbay)
    page = client.get(reverse("admin:tenants_site_add")).content.decode()
    assert _options(page, "institution") == []
    assert f'?company={southbay.pk}' in page and "Choose the organization first" in page
    page = client.get(reverse("admin:tenants_site_add") + f"?company={southbay.pk}").content.decode()
    assert _options(page, "institution") == [str(southbay_institution.pk)]
    response = client.post(reverse("admin:tenants_site_add") + f"?company={southbay.pk}",
                           _site_form(SiteFactory.build(institution=southbay_institution), name="Southbay Annex"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Site.objects.for_company(southbay).filter(name="Southbay Annex").exists()
