"""Every new company starts with the baseline role → permission codes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.clinical.models import RolePermission
from apps.tenants.models import Company


@receiver(post_save, sender=Company, dispatch_uid="clinical_seed_role_permissions")
def seed_role_permissions(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from apps.clinical.services.permissions import role_permissions_seed

        role_permissions_seed(company=instance)


@receiver(post_save, sender=RolePermission, dispatch_uid="clinical_role_codes_saved")
@receiver(post_delete, sender=RolePermission, dispatch_uid="clinical_role_codes_deleted")
def role_codes_changed(sender, instance, **kwargs):
    """Any saved or deleted RolePermission (service, admin, test) resets the company's cached codes."""
    from apps.clinical.access import role_codes_changed as changed

    changed(company_id=instance.company_id)
