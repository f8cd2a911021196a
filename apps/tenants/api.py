"""API plumbing shared by every context: the error format and tenant-scoped viewset base."""

from rest_framework.views import exception_handler as drf_exception_handler

from apps.tenants.access import company_of


def exception_handler(exc, context):
    """DRF's handler, with Django's ValidationError turned into a 400 with field errors."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework.exceptions import ValidationError

    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    return drf_exception_handler(exc, context)


class TenantScopedMixin:
    """For DRF views: ``self.company`` is the requester's tenant; querysets must use it."""

    @property
    def company(self):
        return company_of(self.request.user)
