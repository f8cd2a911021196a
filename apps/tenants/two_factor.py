"""TOTP two-factor sign-in (django-otp): who needs it, whether this session has it, and the devices.

A person signs in with their password; if a second factor is needed for them
(``two_factor_required``, or they turned it on themselves) the session is flagged at sign-in and
``SecondFactorMiddleware`` sends every request to the verify step (or to set-up when they have no
device yet) until a TOTP code or a recovery code has been entered. The checks read the session
only: no query per request."""

import base64

import segno
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.models import AuditLog
from apps.audit.services import audit_log_record
from apps.tenants.access import roles_of
from apps.tenants.roles import CLINICAL_ROLES

NEEDS_SECOND_FACTOR = "_rounds_2fa"  # session flag, set at sign-in
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def two_factor_required(user) -> bool:
    """The rule: platform superusers and anyone holding a clinical role must use a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(roles_of(user) & CLINICAL_ROLES)


def has_device(user) -> bool:
    return next(devices_for_user(user, confirmed=True), None) is not None


def authenticator_of(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def session_needs_second_factor(request) -> bool:
    return bool(request.session.get(NEEDS_SECOND_FACTOR)) or request.user.is_superuser


def session_is_verified(request) -> bool:
    """A code was entered in this session (no query: the device id django-otp stored at verify)."""
    return DEVICE_ID_SESSION_KEY in request.session


def session_device_is_valid(request) -> bool:
    """The stricter check for the admin: the device that verified this session still exists."""
    device_id = request.session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(device_id) if device_id else None
    return device is not None and device.confirmed and device.user_id == request.user.pk


def mark_sign_in(request, user) -> None:
    """At sign-in: remember in the session whether this person must enter a code."""
    request.session[NEEDS_SECOND_FACTOR] = two_factor_required(user) or has_device(user)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG (presentation attributes only: no style, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff",
                                                               title="QR code for your authenticator app")


def base32_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# ---------------------------------------------------------------- writes
def _verified(request, device) -> None:
    """Record the second factor in the session and give the session a new key (privilege change)."""
    from apps.tenants.account_services import user_session_rekey

    old_key = request.session.session_key
    otp_login(request, device)
    request.session[NEEDS_SECOND_FACTOR] = True
    request.session.cycle_key()
    user_session_rekey(old_key=old_key, new_key=request.session.session_key)


def two_factor_verify(*, request, token: str) -> bool:
    """Check a TOTP or recovery code against the signed-in person's devices (django-otp throttles
    repeated failures per device). True when it matched."""
    user = request.user
    device = match_token(user, token.replace(" ", "").strip())
    with transaction.atomic():
        if device is None:
            audit_log_record(company=user.company_id, actor=user, action="user.two_factor_fail", entity=user,
                             severity=AuditLog.Severity.WARNING)
            return False
        audit_log_record(company=user.company_id, actor=user, action="user.two_factor_verify", entity=user,
                         changes={"device": device.name})
    _verified(request, device)
    return True


def authenticator_pending(*, user) -> TOTPDevice:
    """The unconfirmed device the set-up page shows (kept across reloads, so the QR code is stable)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR_NAME).first()
    return device or TOTPDevice.objects.create(user=user, confirmed=False, name=AUTHENTICATOR_NAME)


def authenticator_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a new authenticator with its first code. It replaces any previous one, and a fresh set
    of recovery codes is made. Returns the recovery codes (shown once), or None for a wrong code."""
    user = request.user
    if not device.verify_token(token.replace(" ", "").strip()):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user)
        audit_log_record(company=user.company_id, actor=user, action="user.two_factor_enable", entity=user)
    _verified(request, device)
    return codes


def recovery_codes_regenerate(*, user) -> list[str]:
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        audit_log_record(company=user.company_id, actor=user, action="user.two_factor_replace_codes",
                         entity=user)
    return codes


def _recovery_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_disable(*, request) -> None:
    """Turn the second factor off (only for someone it is not required of)."""
    user = request.user
    if two_factor_required(user):
        raise PermissionError("A second factor is required for this account")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_log_record(company=user.company_id, actor=user, action="user.two_factor_disable", entity=user,
                         severity=AuditLog.Severity.WARNING)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[NEEDS_SECOND_FACTOR] = False
