"""Fail-closed tenant scoping (after PostHog's scoped managers).

Every tenant-owned model inherits ``TenantModel``. Its ``objects`` manager returns a
``TenantQuerySet`` that refuses to touch the database until it is scoped:

    Program.objects.for_company(company)       # the normal path
    program.rotation_types.all()               # a related manager of a tenant row: scoped to its company
    Program.objects.unscoped()                 # THE escape hatch: platform/superuser code only

``grep -rn "unscoped" apps/`` lists every place that reads across tenants.

Rules that hold (each pinned by a test in tests/core/test_scoping.py):

- A related manager is scoped only when its parent row belongs to one company (a tenant row, a
  user of a company, a company's private case type, or the Company itself); the queryset is then
  filtered to that company explicitly. From a **shared** parent (an EPA, a specialty, a shared
  case type, a platform user) the queryset stays fail-closed: ``epa.assessments.for_company(c)``.
- ``|`` / ``^`` of a scoped and an unscoped queryset is unscoped; ``.union()`` /
  ``.intersection()`` / ``.difference()`` refuse an unscoped part; ``.raw()`` is refused unless
  the queryset is explicitly ``.unscoped()`` (raw SQL ignores ``for_company``: filter
  ``company_id`` in the SQL); ``filter(x__in=<tenant queryset>)`` refuses an unscoped inner one.
- ``update()`` refuses to change ``company`` and to point a tenant FK at another company's row.
- Writes: ``TenantModel.save`` copies ``company`` from the parent named in ``company_from``,
  refuses a changed company (a row never moves between companies), and checks that every
  foreign key to a row of one company points at a row of *this* company (shared rows and
  platform users are allowed). ``bulk_create`` applies the same rules in one query per parent
  model; ``bulk_update`` refuses ``company`` and checks the FKs it writes.

What the ORM cannot see (use the escape hatch knowingly; RLS is the second wall):

- ``Model._base_manager`` is Django's plain manager: Django itself needs it (the delete
  collector, FK validation, ``save()``'s UPDATE, forward FK access). App code may only use it
  to re-read an already-scoped instance by primary key (a test greps for anything else).
- ``Subquery(...)`` / ``Exists(...)`` / ``ArraySubquery(...)`` take the inner query, not the
  queryset, so an unscoped inner queryset is not refused: correlate it with ``OuterRef`` to a
  scoped row, or scope it (``.for_company``).
- Aggregates over a **shared** model that join tenant rows (``EPA.objects.annotate(
  n=Count("assessments"))``) count every company: filter the aggregate
  (``Count("assessments", filter=Q(assessments__company=c))``) or aggregate from the tenant side.
- ``connection.cursor()`` SQL is not checked at all.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.expressions import Combinable

_unscoped_reason: ContextVar[str | None] = ContextVar("rounds_unscoped_reason", default=None)

COMPANY_MODEL = "tenants.Company"


class TenantScopeError(RuntimeError):
    """A tenant-owned queryset was used without a tenant, or a write would cross tenants."""


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


# ---------------------------------------------------------------- whose row is this?
@cache
def _company_attname(model) -> str | None:
    """``company_id`` when ``model`` has a ``company`` FK to Company; ``pk`` for Company itself."""
    if model._meta.label == COMPANY_MODEL:
        return "pk"
    try:
        field = model._meta.get_field("company")
    except FieldDoesNotExist:
        return None
    if field.many_to_one and field.related_model._meta.label == COMPANY_MODEL:
        return field.attname
    return None


def row_company_id(obj):
    """The company a row belongs to, or None for a shared row / platform user / non-tenant row."""
    attname = _company_attname(obj.__class__)  # __class__: request.user is a SimpleLazyObject
    return getattr(obj, attname) if attname else None


@cache
def tenant_parent_fields(model) -> tuple:
    """Concrete FKs of ``model`` to rows that may belong to one company (tenant models, users,
    private reference rows), excluding ``company`` itself."""
    return tuple(
        field for field in model._meta.concrete_fields
        if field.is_relation and (field.many_to_one or field.one_to_one) and field.name != "company"
        and _company_attname(field.related_model) not in (None, "pk")
    )


def _parent_clash(obj, field, parent_company_id):
    if parent_company_id is not None and parent_company_id != obj.company_id:
        raise TenantScopeError(
            f"{type(obj).__name__}.{field.name} points at a {field.related_model.__name__} of another "
            "company: every parent of a row must belong to the row's company"
        )


def check_parents_share_company(objs, *, only=None, changed_only=True, company_derived=True):
    """Every tenant FK of each row points at a row of the row's company (or a shared row).
    Parents already loaded on the instance are compared in memory; the rest cost one query per
    parent model. ``changed_only`` skips FKs whose value is the one loaded from the database."""
    pending = defaultdict(lambda: defaultdict(list))
    for obj in objs:
        for field in tenant_parent_fields(type(obj)):
            if company_derived and field.name == getattr(obj, "company_from", None):
                continue  # the row's company was just taken from this parent
            if only is not None and field.name not in only and field.attname not in only:
                continue
            value = getattr(obj, field.attname)
            if value is None or (changed_only and not _fk_changed(obj, field)):
                continue
            parent = field.get_cached_value(obj, None) if field.is_cached(obj) else None
            if parent is not None and getattr(parent, field.target_field.attname) == value:
                _parent_clash(obj, field, row_company_id(parent))
            else:
                pending[(field.related_model, field.target_field.attname)][value].append((obj, field))
    for (model, target), by_value in pending.items():
        companies = dict(
            model._base_manager.filter(**{f"{target}__in": list(by_value)})
            .values_list(target, _company_attname(model))
        )
        for value, uses in by_value.items():
            for obj, field in uses:
                if value not in companies:
                    raise TenantScopeError(
                        f"{type(obj).__name__}.{field.name} points at a {model.__name__} that does not exist "
                        "(or is not visible to this company)"
                    )
                _parent_clash(obj, field, companies[value])


def _fk_changed(obj, field) -> bool:
    loaded = getattr(obj, "_tenant_loaded", None)
    if obj._state.adding or loaded is None or field.attname not in loaded:
        return True
    return loaded[field.attname] != getattr(obj, field.attname)


def _remember_loaded(obj):
    names = ["company_id"] + [field.attname for field in tenant_parent_fields(type(obj))]
    obj._tenant_loaded = {name: obj.__dict__[name] for name in names if name in obj.__dict__}


# ---------------------------------------------------------------- querysets
class TenantQuerySet(models.QuerySet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tenant_scoped = False  # for_company / visible_to / unscoped / a tenant parent
        self._tenant_all = False  # explicitly .unscoped()

    def _clone(self):
        clone = super()._clone()
        clone._tenant_scoped = self._tenant_scoped
        clone._tenant_all = self._tenant_all
        return clone

    @classmethod
    def as_manager(cls):
        manager = TenantManager.from_queryset(cls)()
        manager._built_with_as_manager = True
        return manager

    as_manager.queryset_only = True

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
        clone._tenant_all = True
        clone._hints = {**clone._hints, "rls_bypass": True}  # row-level security: see the end of this file
        return clone

    def _is_scoped(self) -> bool:
        if self._tenant_scoped or _unscoped_reason.get() is not None:
            return True
        # A related manager whose queryset did not pass through TenantManager (a Prefetch
        # queryset, a manager of another family): its parent must be a row of one company.
        parent = self._hints.get("instance")
        return parent is not None and row_company_id(parent) is not None

    def _require_scope(self):
        if self._is_scoped():
            return
        parent = self._hints.get("instance")
        if parent is not None:
            raise TenantScopeError(
                f"{self.model.__name__} read from a shared {type(parent).__name__} (no company): "
                f"add .for_company(company) — a shared parent's children belong to every company"
            )
        raise TenantScopeError(
            f"{self.model.__name__} queried without a tenant: use .for_company(company), "
            "a related manager of a tenant row, or the .unscoped() escape hatch"
        )

    def _fetch_all(self):
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def _guarded(name):  # noqa: N805 — builds the guarded methods below
        def method(self, *args, **kwargs):
            self._require_scope()
            return getattr(super(), name)(*args, **kwargs)

        method.__name__ = name
        return method

    count = _guarded("count")
    exists = _guarded("exists")
    aggregate = _guarded("aggregate")
    delete = _guarded("delete")
    iterator = _guarded("iterator")
    explain = _guarded("explain")
    contains = _guarded("contains")
    del _guarded

    # ---- set operations: the result is scoped only when every part is
    def _combine_scope(self, other, result, *, either=False):
        self_ok = self._is_scoped()
        other_ok = other._is_scoped() if isinstance(other, TenantQuerySet) else True
        result._tenant_scoped = (self_ok or other_ok) if either else (self_ok and other_ok)
        result._tenant_all = self._tenant_all and getattr(other, "_tenant_all", True)
        if not result._tenant_scoped:
            result._hints = {k: v for k, v in result._hints.items() if k != "instance"}
        return result

    def __or__(self, other):
        return self._combine_scope(other, super().__or__(other))

    def __xor__(self, other):
        return self._combine_scope(other, super().__xor__(other))

    def __and__(self, other):
        return self._combine_scope(other, super().__and__(other), either=True)

    def _combinator_query(self, combinator, *other_qs, all=False):
        for part in (self, *other_qs):
            if isinstance(part, TenantQuerySet):
                part._require_scope()
        return super()._combinator_query(combinator, *other_qs, all=all)

    def raw(self, raw_query, params=(), translations=None, using=None):
        if not (self._tenant_all or _unscoped_reason.get() is not None):
            raise TenantScopeError(
                f"{self.model.__name__}.raw(): raw SQL ignores for_company — use .unscoped().raw(...) "
                "and filter company_id in the SQL"
            )
        return super().raw(raw_query, params, translations, using)

    def resolve_expression(self, *args, **kwargs):
        # ``filter(x__in=<this queryset>)``: the inner queryset must be scoped too.
        self._require_scope()
        return super().resolve_expression(*args, **kwargs)

    def _prefetch_related_objects(self):
        if self._tenant_all:
            # Rows of several companies: their children are read across companies on purpose.
            with unscoped("prefetch from an unscoped queryset"):
                return super()._prefetch_related_objects()
        return super()._prefetch_related_objects()

    # ---- writes
    def update(self, **kwargs):
        self._require_scope()
        if "company" in kwargs or "company_id" in kwargs:
            raise TenantScopeError(f"{self.model.__name__}.company cannot change (update refused)")
        for field in tenant_parent_fields(self.model):
            for key in (field.name, field.attname):
                value = kwargs.get(key)
                if value is None or isinstance(value, Combinable):
                    continue
                parent_company = _lookup_company(field, value)
                if parent_company is not None and self.exclude(company_id=parent_company).exists():
                    raise TenantScopeError(
                        f"{self.model.__name__}.{field.name}: update would point rows at a "
                        f"{field.related_model.__name__} of another company"
                    )
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if issubclass(self.model, TenantModel):
            prepare_tenant_rows(self.model, objs)
        created = super().bulk_create(objs, *args, **kwargs)
        for obj in created:
            if isinstance(obj, TenantModel):
                _remember_loaded(obj)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "company" in fields or "company_id" in fields:
            raise TenantScopeError(f"{self.model.__name__}.company cannot change (bulk_update refused)")
        objs = list(objs)
        check_parents_share_company(objs, only=set(fields), changed_only=False, company_derived=False)
        return super().bulk_update(objs, fields, *args, **kwargs)


def _lookup_company(field, value):
    if isinstance(value, models.Model):
        return row_company_id(value)
    model = field.related_model
    return (model._base_manager.filter(**{field.target_field.attname: value})
            .values_list(_company_attname(model), flat=True).first())


def prepare_tenant_rows(model, objs):
    """What ``save()`` does, for many unsaved rows at once: take ``company`` from the parent
    (one query per parent model for parents not loaded) and check every tenant parent."""
    if model.company_from is not None:
        field = model._meta.get_field(model.company_from)
        missing = defaultdict(list)
        for obj in objs:
            value = getattr(obj, field.attname)
            if value is None:
                raise TenantScopeError(f"{model.__name__}.{model.company_from} is required")
            parent = field.get_cached_value(obj, None) if field.is_cached(obj) else None
            if parent is not None and getattr(parent, field.target_field.attname) == value:
                obj.company_id = row_company_id(parent)
            else:
                missing[value].append(obj)
        if missing:
            target = field.target_field.attname
            companies = dict(field.related_model._base_manager.filter(**{f"{target}__in": list(missing)})
                             .values_list(target, _company_attname(field.related_model)))
            for value, rows in missing.items():
                for obj in rows:
                    obj.company_id = companies.get(value)
    for obj in objs:
        if obj.company_id is None:
            raise TenantScopeError(f"{model.__name__} created without a company")
    check_parents_share_company(objs)


def tenant_bulk_create(model, rows, **kwargs):
    """``model.objects.bulk_create(rows)`` with the tenant rules (the override does the work;
    this name is for readers looking for it)."""
    return model._default_manager.bulk_create(rows, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    def get_queryset(self):
        queryset = super().get_queryset()
        parent = getattr(self, "instance", None)  # set on related managers (parent.children)
        if parent is not None and _unscoped_reason.get() is None:
            company_id = row_company_id(parent)
            if company_id is not None:
                queryset = queryset.filter(company_id=company_id)
                queryset._tenant_scoped = True
        return queryset


class TenantModel(models.Model):
    """A row owned by one company. ``company_from`` names the FK whose company this row
    inherits; save() copies it so the key always follows the parent, never the request, and
    refuses a changed company or a parent of another company."""

    company = models.ForeignKey(
        "tenants.Company", on_delete=models.PROTECT, related_name="+", editable=False, db_index=True
    )
    company_from: str | None = None

    objects = TenantManager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        _remember_loaded(instance)
        return instance

    def save(self, *args, **kwargs):  # noqa: DJ012 (beside from_db: both keep the loaded company)
        company_id = self.inherited_company_id()
        if not self._state.adding:
            stored = self._stored_company_id()
            if stored is not None and stored != company_id:
                raise TenantScopeError(
                    f"{type(self).__name__}.company cannot change: a row never moves to another company "
                    f"(its {self.company_from or 'company'} now belongs to another company)"
                )
        if company_id is None:
            raise TenantScopeError(f"{type(self).__name__}.{self.company_from} belongs to no company")
        self.company_id = company_id
        check_parents_share_company([self])
        super().save(*args, **kwargs)
        _remember_loaded(self)

    def _stored_company_id(self):
        loaded = getattr(self, "_tenant_loaded", {})
        if "company_id" in loaded:
            return loaded["company_id"]
        return type(self)._base_manager.filter(pk=self.pk).values_list("company_id", flat=True).first()

    def inherited_company_id(self):
        if self.company_from is None:
            if self.company_id is None:
                raise TenantScopeError(f"{type(self).__name__} saved without a company")
            return self.company_id
        field = self._meta.get_field(self.company_from)
        loaded = getattr(self, "_tenant_loaded", {})
        if not self._state.adding and not _fk_changed(self, field) and loaded.get("company_id"):
            return loaded["company_id"]  # the parent did not change: neither did the company
        parent = getattr(self, self.company_from)
        if parent is None:
            raise TenantScopeError(f"{type(self).__name__}.{self.company_from} is required")
        return row_company_id(parent)

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


class AliveManager(TenantManager.from_queryset(SoftDeleteQuerySet)):
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
    all_objects = TenantManager.from_queryset(SoftDeleteQuerySet)()

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
