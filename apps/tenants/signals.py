"""Login, logout, failed login and lockout go to the audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.audit.models import AuditLog
from apps.audit.services import audit_log_record
from apps.core.scoping import unscoped
from apps.tenants.models import User


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit_log_record(company=user.company_id, actor=user, action="user.login", entity=user)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log_record(company=user.company_id, actor=user, action="user.logout", entity=user)


@receiver(user_login_failed)
def _audit_failed_login(sender, credentials, request=None, **kwargs):
    email = (credentials.get("username") or credentials.get("email") or "")[:254]
    user = _user_for_email(email)
    audit_log_record(company=user.company_id if user else None, actor=None, action="user.login_fail",
                     entity_type="tenants.User", entity_id=str(user.pk) if user else "",
                     changes={"email": email}, severity=AuditLog.Severity.WARNING)


@receiver(user_locked_out)
def _audit_lockout(sender, request, username, ip_address, **kwargs):
    user = _user_for_email(username or "")
    audit_log_record(company=user.company_id if user else None, actor=None, action="user.lock",
                     entity_type="tenants.User", entity_id=str(user.pk) if user else "",
                     changes={"email": username, "ip": ip_address}, severity=AuditLog.Severity.CRITICAL)


def _user_for_email(email: str):
    with unscoped("auditing a login attempt: which company does this email belong to"):
        return User.objects.filter(email__iexact=email).first()
