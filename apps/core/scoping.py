"""Fail-closed tenant scoping (after PostHog's scoped managers).

Every tenant-owned model inherits ``TenantModel``. Its ``objects`` manager returns a
``TenantQuerySet`` that refuses to touch the database until it is scoped:

    Program.objects.for_company(company)       # the normal path
    program.rotation_types.all()               # related managers are scoped by their parent
    Program.objects.unscoped()                 # THE escape hatch: platform/superuser code only

``grep -rn "unscoped(" apps/`` lists every place that reads across tenants.

The ``company`` key is never taken from request data: ``TenantModel.save`` copies it from the
parent named in ``company_from``, and forms/serializers never expose it.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

_unscoped_reason: ContextVar[str | None] = ContextVar("rounds_unscoped_reason", default=None)


class TenantScopeError(RuntimeError):
    """A tenant-owned queryset was used without a tenant."""


@contextmanager
def unscoped(reason: str):
    """Allow unscoped tenant queries inside this block (Django internals such as uniqueness
    validation, platform maintenance commands). Say why; the reason shows up when debugging."""
    from apps.core import rls  # row-level security: the block also runs under the bypass role

    token = _unscoped_reason.set(reason)
    try:
        with rls.bypass(reason):
            yield
    finally:
        _unscoped_reason.reset(token)


class TenantQuerySet(models.QuerySet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tenant_scoped = False

    def _clone(self):
        clone = super()._clone()
        clone._tenant_scoped = self._tenant_scoped
        return clone

    def for_company(self, company):
        """Rows of one company. Accepts a Company or its id; ``None`` is refused."""
        if company is None:
            raise TenantScopeError(f"{self.model.__name__}: for_company(None) — no tenant given")
        company_id = getattr(company, "pk", company)
        clone = self.filter(company_id=company_id)
        clone._tenant_scoped = True
        return clone

    def unscoped(self):
        """Escape hatch: every company's rows. Only platform (superuser) code may call this."""
        clone = self._chain()
        clone._tenant_scoped = True
        clone._hints = {**clone._hints, "rls_bypass": True}  # row-level security: see the end of this file
        return clone

    def _require_scope(self):
        if self._tenant_scoped or _unscoped_reason.get() is not None:
            return
        if self._hints.get("instance") is not None:
            return  # a related manager (parent.children.all()) is scoped by its parent row
        raise TenantScopeError(
            f"{self.model.__name__} queried without a tenant: use .for_company(company), "
            "a related manager, or the .unscoped() escape hatch"
        )

    def _fetch_all(self):
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def _guarded(name):  # noqa: N805 — builds the guarded methods below
        def method(self, *args, **kwargs):
            self._require_scope()
            return getattr(super(TenantQuerySet, self), name)(*args, **kwargs)

        method.__name__ = name
        return method

    count = _guarded("count")
    exists = _guarded("exists")
    aggregate = _guarded("aggregate")
    update = _guarded("update")
    delete = _guarded("delete")
    iterator = _guarded("iterator")
    explain = _guarded("explain")
    contains = _guarded("contains")
    del _guarded


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    pass


class TenantModel(models.Model):
    """A row owned by one company. ``company_from`` names the FK whose company this row
    inherits; save() copies it so the key always follows the parent, never the request."""

    company = models.ForeignKey(
        "tenants.Company", on_delete=models.PROTECT, related_name="+", editable=False, db_index=True
    )
    company_from: str | None = None

    objects = TenantManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.company_id = self.inherited_company_id()
        super().save(*args, **kwargs)

    def inherited_company_id(self):
        if self.company_from is None:
            if self.company_id is None:
                raise TenantScopeError(f"{type(self).__name__} saved without a company")
            return self.company_id
        parent = getattr(self, self.company_from)
        if parent is None:
            raise TenantScopeError(f"{type(self).__name__}.{self.company_from} is required")
        return parent.company_id

    def validate_unique(self, exclude=None):
        # Uniqueness rules on tenant models include ``company``, so this lookup never leaks.
        with unscoped("model uniqueness validation"):
            super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        with unscoped("model constraint validation"):
            super().validate_constraints(exclude)


class SoftDeleteQuerySet(TenantQuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    def get_queryset(self):
        return super().get_queryset().alive()


class SoftDeleteModel(models.Model):
    """Soft delete: the default manager hides deleted rows; ``all_objects`` shows them.
    Delete and restore go through services that save the row, so each is a history row."""

    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        "tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    delete_reason = models.CharField(max_length=500, blank=True, editable=False)

    objects = AliveManager()
    all_objects = models.Manager.from_queryset(SoftDeleteQuerySet)()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


# --- Row-level security hook (apps/core/rls.py) ---------------------------------------------
# An ``.unscoped()`` queryset is platform code: it runs under the bypass role, so PostgreSQL's
# policies let it read every company, like the queryset itself.
def _under_rls_bypass(method):
    def wrapper(self, *args, **kwargs):
        if not self._hints.get("rls_bypass"):
            return method(self, *args, **kwargs)
        from apps.core import rls

        with rls.bypass(f"{self.model.__name__}.objects.unscoped()"):
            return method(self, *args, **kwargs)

    wrapper.__name__ = method.__name__
    return wrapper


for _name in ("_fetch_all", "count", "exists", "aggregate", "update", "delete", "explain", "contains",
              "bulk_create", "bulk_update", "_update", "in_bulk"):
    setattr(TenantQuerySet, _name, _under_rls_bypass(getattr(TenantQuerySet, _name)))
del _name
