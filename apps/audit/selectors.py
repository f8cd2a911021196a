"""Reading the audit and access logs (always for one company)."""

from apps.audit.models import AccessLog


def access_log_for_record(*, company, obj):
    """Who opened this record, newest first."""
    return (AccessLog.objects.for_company(company)
            .filter(entity_type=obj._meta.label, entity_id=str(obj.pk)).select_related("actor"))


def access_log_for_user(*, company, user):
    """What this person opened, newest first."""
    return AccessLog.objects.for_company(company).filter(actor=user)
