"""The one helper that puts a service's ``ValidationError`` onto a form, and the one that reads an
id from a page's query string."""

import uuid

from django.core.exceptions import BadRequest, ValidationError


def uuid_param(request, name):
    """``?name=<uuid>`` of a page as a UUID, None when absent or empty; anything else is a 400 (a
    malformed id must not reach a query, where it would be a 500)."""
    raw = request.GET.get(name) or None
    if raw is None:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadRequest(f"?{name}= must be an id")


def apply_service_errors(form, error: ValidationError) -> None:
    """Each message beside the field it names; messages for unknown fields, ``__all__`` and
    ``non_field_errors`` (and a plain, dict-less ValidationError) go on top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
