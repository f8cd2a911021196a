"""Navigation of the reference library (imported by ReferenceConfig.ready)."""

from apps.core.navigation import register_nav_item
from apps.tenants.roles import Role

register_nav_item("Reference library", "reference_library",
                  roles=[Role.COORDINATOR, Role.PROGRAM_DIRECTOR, Role.ORG_ADMIN, Role.FACULTY], order=80,
                  platform=True)  # platform superusers read the shared library too
