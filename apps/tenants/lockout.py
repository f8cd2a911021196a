"""django-axes: the name failures are counted under. Sign-in matches the email case-insensitively,
so the lockout must too: ``CLINICIAN@…`` and `` clinician@… `` are the same account."""

from django.conf import settings


def lockout_username(request, credentials) -> str:
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None and request is not None:
        username = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return (username or "").strip().lower()
