"""Writes in the tenant context. Each takes the actor explicitly, runs atomically and audits."""

from django.db import transaction

from apps.audit.services import save_with_audit
from apps.tenants.models import Resource, Site


def site_update(*, site: Site, actor, data: dict) -> Site:
    """Apply validated form data to a site; history and audit rows commit with it."""
    for field, value in data.items():
        setattr(site, field, value)
    return save_with_audit(instance=site, actor=actor, action="site.update")


def resource_create(*, site: Site, actor, name: str, kind: str):
    with transaction.atomic():
        resource = Resource(site=site, name=name, kind=kind)
        return save_with_audit(instance=resource, actor=actor, action="resource.create")
