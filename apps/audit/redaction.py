"""What never reaches the append-only audit log.

- **Redacted** fields keep their key but never their value (``"[redacted]"``): secrets such as
  passwords, calendar feed tokens, API token keys. A field is redacted when its name looks like
  a secret (``password``, ``token``, ``secret``, ``*_token``…), when its model lists it in
  ``audit_redact`` (a class attribute), or when ``REDACTED_FIELDS`` below names it (models of
  other apps, third-party models). Keys inside JSON values are redacted by the same name rule.
- **Excluded** fields are left out of snapshots: bookkeeping that changes on every save
  (``created_at``, ``updated_at``, ``last_login``) and anything a model lists in ``audit_exclude``.

A change to a redacted field is not visible in the diff (both sides read ``[redacted]``)."""

import re

REDACTED = "[redacted]"

REDACTED_FIELDS: dict[str, set[str]] = {
    "academics.CalendarFeed": {"token"},
    "authtoken.Token": {"key"},
    "otp_totp.TOTPDevice": {"key"},  # the shared secret of an authenticator app
    "tenants.User": {"password"},
}

ALWAYS_EXCLUDED = frozenset({"created_at", "updated_at", "last_login"})

_SECRET_NAME = re.compile(r"(^|_)(password|passwd|token|secret|api_key|private_key|otp_key)($|_)", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def redacted_fields(model) -> set[str]:
    labels = {model._meta.label, model._meta.concrete_model._meta.label}  # a proxy keeps its model's secrets
    names = {name for label in labels for name in REDACTED_FIELDS.get(label, ())} | set(getattr(model, "audit_redact", ()))
    for field in model._meta.concrete_fields:
        if field.name in names or field.attname in names or is_secret_name(field.name):
            names |= {field.name, field.attname}
    return names


def excluded_fields(model) -> set[str]:
    return set(ALWAYS_EXCLUDED) | set(getattr(model, "audit_exclude", ()))


def redact_value(value):
    """Redact secret-looking keys inside JSON values (dicts and lists, recursively)."""
    if isinstance(value, dict):
        return {key: REDACTED if is_secret_name(str(key)) and value[key] not in (None, "")
                else redact_value(value[key]) for key in value}
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value


def redact_changes(changes: dict, model=None) -> dict:
    """Redact a ``{field: value | [before, after]}`` dict written by a caller."""
    secret = redacted_fields(model) if model is not None else set()
    redacted = {}
    for key, value in changes.items():
        if key in secret or is_secret_name(str(key)):
            if isinstance(value, list) and len(value) == 2:
                redacted[key] = [REDACTED if v not in (None, "") else v for v in value]
            else:
                redacted[key] = REDACTED if value not in (None, "") else value
        else:
            redacted[key] = redact_value(value)
    return redacted
