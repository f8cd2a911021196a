"""The one helper that puts a service's ``ValidationError`` onto a form."""

from django.core.exceptions import ValidationError


def apply_service_errors(form, error: ValidationError) -> None:
    """Each message beside the field it names; messages for unknown fields, ``__all__`` and
    ``non_field_errors`` (and a plain, dict-less ValidationError) go on top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
