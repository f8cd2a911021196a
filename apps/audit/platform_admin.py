"""The platform admin's base class (public: every context's admin.py inherits it).

``PlatformAdmin`` (every admin of a tenant or reference model inherits it, through
``apps.audit.platform_admin``):

- superusers only; lists are unscoped on purpose (the platform sees every company);
- **audited** (``AuditedAdminMixin``, which apps.audit.admin also adds to the admins of other
  apps — groups, API tokens, second-factor devices, axes, celery beat): every save, delete (one
  object or a bulk action), inline change, password change and list action writes an audit row
  ``<entity>.admin_create|admin_update|admin_delete|admin_<action>`` with the diff (secrets
  redacted), in the admin's transaction; ``AuditedImportMixin`` does the same for
  django-import-export imports (``<entity>.admin_import``, one row per imported row);
- **foreign-key dropdowns list only the edited object's company**: on a change form, the rows of
  the object's company (shared rows too, for shared-or-private reference rows); on an add form,
  the rows of the company chosen with ``?company=<id>`` (the page offers the links) — without
  it, tenant dropdowns are empty. Saving still checks every parent (apps.core.scoping);
- **history revert is off**: the history pages show old versions read-only and a POST to them
  is refused (simple-history only hides the button). A mistyped object or version id in a history
  address is a 404 (not a 500), and an empty change reason or user shows "—", not "None".
"""

import functools
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from apps.audit.actions import action_name
from apps.audit.models import AuditLog
from apps.audit.services import audit_log_build, model_changes, snapshot
from apps.core.scoping import TenantQuerySet, row_company_id, tenant_parent_fields


def audit_company_id(obj):
    """The company of an audited admin row: its own, else its owner's (an API token, a
    second-factor device of a user); None for a platform row."""
    company_id = row_company_id(obj)
    if company_id is None and getattr(obj, "user_id", None) is not None:
        owners = apps.get_model(settings.AUTH_USER_MODEL).objects.unscoped()  # the admin is the platform's
        company_id = owners.filter(pk=obj.user_id).values_list("company_id", flat=True).first()
    return company_id


def _audit(request, obj, verb, changes):
    audit_log_build(
        company=audit_company_id(obj), actor=request.user, action=action_name(obj, verb), entity=obj,
        changes=changes, severity=AuditLog.Severity.NOTICE,
    ).save(force_insert=True)
    audited = request.__dict__.setdefault("_rounds_admin_audited", set())
    audited.add((obj._meta.label, str(obj.pk)))


def _pk_or_404(model, raw_id):
    """A history address's object or version id must be a valid primary key of ``model``:
    simple-history passes it to the query as it is, and "abc" for an integer or UUID key is a
    ValueError/ValidationError (a 500) there."""
    try:
        model._meta.pk.to_python(unquote(raw_id))
    except (ValidationError, ValueError, TypeError):
        raise Http404(f"No {model._meta.verbose_name} with that id")


def _stored_snapshot(instance):
    stored = type(instance)._base_manager.select_for_update().filter(pk=instance.pk).first()
    return snapshot(stored) if stored is not None else None


def _audited_action(func, name):
    @functools.wraps(func)
    def action(modeladmin, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                _audit(request, obj, f"admin_{name}", {"admin_action": name})
            return func(modeladmin, request, queryset)

    return action


class AuditedAdminMixin:
    """Put before a ``ModelAdmin`` (``PlatformAdmin`` has it; apps.audit.admin adds it to the
    admins of other apps): every save, delete (one object or a bulk action), inline change,
    password change and custom list action writes an audit row in the admin's transaction."""

    def save_model(self, request, obj, form, change):
        before = _stored_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        changes = model_changes(obj, before) if before is not None else snapshot(obj)
        _audit(request, obj, "admin_update" if change else "admin_create", changes)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _audit(request, obj, "admin_create", snapshot(obj))
        initial = {id(f.instance): f.initial for f in formset.forms}
        for obj, changed in formset.changed_objects:
            after = snapshot(obj)
            before = initial.get(id(obj), {})
            _audit(request, obj, "admin_update",
                   {name: [str(before.get(name)) if before.get(name) is not None else None,
                           after.get(obj._meta.get_field(name).attname)] for name in changed})
        for obj in formset.deleted_objects:
            _audit(request, obj, "admin_delete", snapshot(obj))

    def delete_model(self, request, obj):
        _audit(request, obj, "admin_delete", snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                _audit(request, obj, "admin_delete", snapshot(obj))
            super().delete_queryset(request, queryset)

    def log_change(self, request, obj, message):
        # Changes that bypass save_model (the password change form) are audited here.
        if (obj._meta.label, str(obj.pk)) not in request.__dict__.get("_rounds_admin_audited", set()):
            _audit(request, obj, "admin_update", {"change_message": str(message)})
        return super().log_change(request, obj, message)

    def get_actions(self, request):
        # delete_selected goes through delete_queryset; any other action writes one row per
        # selected object (``<entity>.admin_<action>``) before it runs.
        return {name: (func if name == "delete_selected" else _audited_action(func, name), name, description)
                for name, (func, _name, description) in super().get_actions(request).items()}


class PlatformAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    """Admin for a tenant-owned or reference model: platform superusers only, audited."""

    # ---- who
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.unscoped() if isinstance(queryset, TenantQuerySet) else queryset

    # ---- dropdowns: the edited object's company only
    def edited_company_id(self, request):
        """The company whose rows the form's dropdowns list: the edited object's, or the one
        chosen with ``?company=<id>`` on an add form; None for shared rows / not chosen."""
        cache = request.__dict__.setdefault("_rounds_admin_company", {})
        if self.model in cache:
            return cache[self.model]
        company_id = None
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        if object_id:
            obj = self.get_object(request, unquote(object_id))
            company_id = row_company_id(obj) if obj is not None else None
        else:
            try:
                company_id = uuid.UUID(request.GET.get("company", ""))
            except ValueError:
                company_id = None
            if company_id and not apps.get_model("tenants", "Company").objects.filter(pk=company_id).exists():
                company_id = None
        cache[self.model] = company_id
        return company_id

    def _company_choices(self, db_field, request):
        queryset = db_field.remote_field.model._default_manager.all()
        if not isinstance(queryset, TenantQuerySet):
            return None
        company_id = self.edited_company_id(request)
        if hasattr(queryset, "visible_to"):  # shared-or-private reference rows
            return queryset.visible_to(company_id) if company_id else queryset.shared()
        return queryset.for_company(company_id) if company_id else queryset.unscoped().none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = self._company_choices(db_field, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = self._company_choices(db_field, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET" and tenant_parent_fields(self.model) and not self.edited_company_id(request):
            companies = apps.get_model("tenants", "Company").objects.filter(is_active=True).order_by("name")
            links = format_html_join(", ", '<a href="?company={}">{}</a>', ((c.pk, c.name) for c in companies))
            self.message_user(request, format_html(
                "Choose the organization first — the dropdowns list only its rows: {}", links), messages.INFO)
        return super().add_view(request, form_url, extra_context)

    # ---- history: read-only
    object_history_list_template = "audit/admin/object_history_list.html"  # "—" for no reason/user

    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        _pk_or_404(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _pk_or_404(self.model, object_id)
        _pk_or_404(getattr(self.model, self.model._meta.simple_history_manager_attribute).model, version_id)
        if request.method == "POST":
            raise PermissionDenied("Reverting from history is disabled: edit the object instead.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class AuditedImportMixin:
    """Put before ``ImportExportModelAdmin``: each imported row writes an audit row
    (``<entity>.admin_import``) in the import's transaction."""

    def process_dataset(self, dataset, form, request, **kwargs):
        with transaction.atomic():
            result = super().process_dataset(dataset, form, request, **kwargs)
            if not (result.has_errors() or result.has_validation_errors()):
                rows = [self._import_audit_row(request, row) for row in result.valid_rows()]
                AuditLog.objects.bulk_create([row for row in rows if row is not None])
        return result

    def _import_audit_row(self, request, row):
        if row.import_type not in ("new", "update", "delete") or row.instance is None:
            return None
        obj = row.instance
        if row.import_type == "update" and row.original is not None:
            changes = model_changes(obj, snapshot(row.original))
        else:
            changes = snapshot(obj)
        return audit_log_build(
            company=row_company_id(obj), actor=request.user, action=action_name(obj, "admin_import"), entity=obj,
            changes={"import_type": row.import_type, **changes}, severity=AuditLog.Severity.NOTICE,
            entity_id=str(row.object_id or obj.pk),
        )


class ReadOnlyAdmin(PlatformAdmin):
    """Shown to platform superusers, never written there: signed or ledger rows (notes' revisions,
    appointments, invoices and payments, PROM responses, beds…) change only through their services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
