"""Every new company starts with the baseline role → permission codes."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.tenants.models import Company


@receiver(post_save, sender=Company, dispatch_uid="clinical_seed_role_permissions")
def seed_role_permissions(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from apps.clinical.services.permissions import role_permissions_seed

        role_permissions_seed(company=instance)
