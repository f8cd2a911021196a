"""The API base every context builds on: the error format, tenant-scoped views, and the
"tenants read, superusers curate" viewset used by shared libraries."""

import datetime
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.access import company_of


def service_errors(error: DjangoValidationError, renames: dict | None = None) -> ValidationError:
    """A service's Django ValidationError as DRF's (400 with field errors). ``renames`` maps a
    service argument name to the API field name where they differ."""
    detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    for old, new in (renames or {}).items():
        if old in detail:
            detail[new] = detail.pop(old)
    return ValidationError(detail)


def exception_handler(exc, context):
    """DRF's handler, with Django's ValidationError turned into a 400 with field errors."""
    if isinstance(exc, DjangoValidationError):
        exc = service_errors(exc)
    return drf_exception_handler(exc, context)


_PARSERS = {int: int, uuid.UUID: uuid.UUID, datetime.date: datetime.date.fromisoformat}
_KIND_NAMES = {int: "a whole number", uuid.UUID: "an id (UUID)", datetime.date: "a date (YYYY-MM-DD)"}


def query_param(request, name, kind):
    """A query-string filter as ``kind`` (int, uuid.UUID or datetime.date), None when absent or empty;
    a malformed value is a 400 naming the parameter (never a 500 from the database)."""
    raw = request.query_params.get(name) or None
    if raw is None:
        return None
    try:
        if kind is int and not raw.lstrip("-").isdigit():
            raise ValueError(raw)
        return _PARSERS[kind](raw)
    except ValueError:
        raise ValidationError({name: [f"Must be {_KIND_NAMES[kind]}."]})


@csrf_exempt  # like every API view: a PATCH to a wrong address is a 404, not the CSRF page
def api_not_found(request, *args, **kwargs):
    """Any /api/ address no route matches (``/api/epas/1.5/``), by any method: a JSON 404 like every
    API error, not the HTML page (routed last under ``api/`` in config/urls.py)."""
    return JsonResponse({"detail": "Not found."}, status=404)


def schema_only(view) -> bool:
    """drf-spectacular builds the schema without a signed-in user; it only needs the model."""
    return getattr(view, "swagger_fake_view", False)


class TenantScopedMixin:
    """For DRF views: ``self.company`` is the requester's tenant; querysets must use it."""

    tenant_required = True

    @property
    def company(self):
        return company_of(self.request.user)

    def initial(self, request, *args, **kwargs):
        """After authentication: someone without a tenant (the platform superuser) gets 404 "No tenant"
        on every tenant endpoint, before any tenant query could fail as a 500."""
        super().initial(request, *args, **kwargs)
        if self.tenant_required and request.user.is_authenticated:
            company_of(request.user)


class ReadForTenantsWriteForSuperusers(BasePermission):
    """Tenant users may list; superusers may do anything the viewset offers. Detail routes are
    the curation surface, so a tenant user gets 403 there (lists already carry every field)."""

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        return request.method in SAFE_METHODS and view.action == "list"


class PlatformCuratedViewSet(TenantScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Tenant users list ``tenant_queryset(company)``; superusers (no company) see
    ``platform_queryset()``: every shared row, never a company's private ones."""

    permission_classes = [ReadForTenantsWriteForSuperusers]
    tenant_required = False  # superusers curate the shared rows
    model = None

    def get_queryset(self):
        if schema_only(self):
            return self.model.objects.none()
        if self.request.user.is_superuser:
            return self.platform_queryset()
        return self.tenant_queryset(self.company)

    def platform_queryset(self):
        return self.tenant_queryset(None)

    def tenant_queryset(self, company):
        """Each subclass names the rows a company sees (abstract: every subclass defines it)."""
        raise NotImplementedError(f"{type(self).__name__} must define tenant_queryset(company)")


# ---------------------------------------------------------------- the schema
DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {"type": "object", "additionalProperties": {},
                "description": "Field errors: {field: [message, …]} (non_field_errors for the rest)"}
ERROR_RESPONSES = {
    "400": ("Invalid input: field errors", FIELD_ERRORS),
    "401": ("Not signed in, or the token is not valid (or the organization is suspended)", DETAIL),
    "403": ("Signed in, but not allowed to do this", DETAIL),
    "404": ("Not found — or another organization's (existence never leaks); a page past the end", DETAIL),
}


class RoundsAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error statuses each route can answer, so the schema and
    the responses agree (tests/api/test_schemathesis.py): 401, 403 and 404 everywhere (tenant
    objects of other companies are 404), 400 wherever input is read (bodies, filters, ``page``).
    A view documents anything else (e.g. 409) with ``extend_schema(responses=…)``."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        reads_input = self.method != "GET" or self._is_list_view()
        for code, (description, schema) in ERROR_RESPONSES.items():
            if code == "400" and not reads_input:
                continue
            responses.setdefault(code, {"description": description,
                                        "content": {"application/json": {"schema": schema}}})
        return responses
