"""Who may see and change the reference library. Shared rows: every tenant user reads them,
platform superusers curate them (admin, API). Private rows (a company's own case types and
feedback tags): that company's coordinators, program directors and administrators manage them."""

from django.http import Http404

from apps.core.access import company_of
from apps.tenants.access import has_role
from apps.tenants.roles import MANAGERS

# Coordinators, program directors and organization admins keep their company's private rows.
REFERENCE_MANAGERS = MANAGERS


def can_manage_private_reference(user) -> bool:
    """Private rows are a company's: a platform superuser (no company) manages none of them."""
    return user.company_id is not None and has_role(user, REFERENCE_MANAGERS)


def library_reader_company(user):
    """Whose view of the library a reader gets: their company's (shared rows and its private ones),
    or None for a platform superuser, who belongs to no company and reads the shared rows only.
    Anyone else without a company: 404."""
    if user.is_authenticated and user.is_superuser and user.company_id is None:
        return None
    return company_of(user)


def get_private_row_for_user(user, model, row_id):
    """A private case type or feedback tag of the user's own company; shared rows and other
    companies' rows are 404."""
    row = model.objects.for_company(company_of(user)).filter(pk=row_id).first()
    if row is None:
        raise Http404(f"No private {model._meta.verbose_name} here")
    return row
