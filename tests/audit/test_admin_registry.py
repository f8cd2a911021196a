"""Every admin page that writes is audited (issue 10, part 4): Rounds' own admins inherit
``PlatformAdmin``, the admins of other apps (groups, API tokens, second-factor devices, axes,
celery beat) get ``AuditedAdminMixin``, import admins ``AuditedImportMixin``; the rest is
read-only. Sam is the platform superuser; Claire and Casey work at Northwind."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_otp.plugins.otp_totp.models import TOTPDevice
from import_export.admin import ImportMixin
from rest_framework.authtoken.models import Token

from apps.audit.models import AuditLog
from apps.audit.platform_admin import AuditedAdminMixin, AuditedImportMixin
from apps.core.models import OutboxMessage
from apps.tenants.roles import Role
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db

# Admins that need no audit, and why. Read-only admins (no add, change or delete for a superuser)
# need no entry: the test checks that they cannot write.
NOT_AUDITED = {}


@pytest.fixture
def sam(client):
    sam = SuperuserFactory(email="sam@rounds.example")
    client.force_login(sam)
    return sam


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = SuperuserFactory.build()
    return request


def test_every_registered_model_admin_is_audited_or_cannot_write():
    request = _superuser_request()
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if isinstance(model_admin, AuditedAdminMixin) or label in NOT_AUDITED:
            continue
        writes = [verb for verb in ("add", "change", "delete")
                  if (model_admin.has_add_permission(request) if verb == "add"
                      else getattr(model_admin, f"has_{verb}_permission")(request, None))]
        if writes or model_admin.get_actions(request):
            unaudited.append(f"{label} ({type(model_admin).__module__}.{type(model_admin).__name__}) can {writes}")
    assert unaudited == [], "inherit PlatformAdmin / AuditedAdminMixin, or make the admin read-only"


def test_every_import_admin_audits_its_imports():
    importers = [(model._meta.label, type(model_admin)) for model, model_admin in admin.site._registry.items()
                 if isinstance(model_admin, ImportMixin)]
    assert importers, "the reference admins import"
    for label, admin_class in importers:
        mro = admin_class.__mro__
        assert AuditedImportMixin in mro and mro.index(AuditedImportMixin) < mro.index(ImportMixin), label


def _rows(action):
    return AuditLog.objects.unscoped().filter(action=action)


def test_sam_resets_claires_second_factor_and_the_audit_row_names_northwind_but_not_the_secret(
        client, sam, northwind, make_user):
    claire = make_user(northwind, Role.ORG_ADMIN)
    device = TOTPDevice.objects.create(user=claire, name="Claire's phone", confirmed=True)
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    [row] = _rows("totp_device.admin_delete")
    assert (row.actor, row.company_id, row.entity_id) == (sam, northwind.pk, str(device.pk))
    assert row.changes["key"] == "[redacted]" and device.key not in str(row.changes)


def test_an_api_token_edited_through_drfs_proxy_admin_never_puts_its_key_in_the_audit_log(northwind, make_user):
    # DRF's token admin edits TokenProxy rows: the proxy keeps Token's redacted key.
    from rest_framework.authtoken.admin import TokenProxy

    from apps.audit.services import snapshot

    token = Token.objects.create(user=make_user(northwind, Role.ORG_ADMIN))
    assert snapshot(TokenProxy.objects.get(pk=token.pk))["key"] == "[redacted]"


def test_sam_disables_a_periodic_task_with_the_list_action_and_it_is_audited(client, sam):
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    task = PeriodicTask.objects.create(name="Expire requests", task="x.y", interval=every_hour)
    response = client.post(reverse("admin:django_celery_beat_periodictask_changelist"),
                           {"action": "disable_tasks", "_selected_action": [task.pk]})
    assert response.status_code == 302
    task.refresh_from_db()
    assert not task.enabled
    [row] = _rows("periodic_task.admin_disable_tasks")
    assert (row.actor, row.entity_id, row.company_id) == (sam, str(task.pk), None)


def test_sam_edits_a_permission_group_and_it_is_audited(client, sam):
    response = client.post(reverse("admin:auth_group_add"), {"name": "Auditors"})
    assert response.status_code == 302
    assert _rows("group.admin_create").get().changes["name"] == "Auditors"


def test_the_task_outbox_is_read_only_even_for_sam(client, sam):
    message = OutboxMessage.objects.create(task_name="apps.x", kwargs={})
    assert client.get(reverse("admin:core_outboxmessage_delete", args=[message.pk])).status_code == 403
    assert OutboxMessage.objects.filter(pk=message.pk).exists()


def test_sam_adds_an_api_token_for_a_northwind_user_through_drfs_admin(client, sam, northwind, make_user):
    """Third-party admins list users (tenant rows): a superuser's admin request runs unscoped."""
    riley = make_user(northwind, Role.ORG_ADMIN)
    assert client.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 200
    response = client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": riley.pk})
    assert response.status_code == 302, response.content.decode()[:500]
    token = Token.objects.get(user=riley)
    entry = AuditLog.objects.unscoped().get(action="api_token.admin_create")
    assert entry.changes["key"] == "[redacted]" and token.key not in f"{entry.entity_id} {entry.changes}"
