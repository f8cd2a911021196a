"""Tenant-generic access primitives: whose company a request acts for, and fetching one row of
that company (404 otherwise, so a URL never reveals that an object exists elsewhere).

Role rules live with the roles (apps.tenants.access); per-object rules live in each context's
``access.py`` (``get_<obj>_for_user`` + ``can_<verb>_<obj>``), built on these two functions."""

from django.http import Http404


def company_of(user):
    """The tenant of a signed-in person; platform superusers have none and get 404 on tenant pages."""
    if not user.is_authenticated or user.company_id is None:
        raise Http404("No tenant")
    return user.company


def get_for_company_or_404(queryset, user, **lookup):
    """``queryset`` must be a tenant model's manager/queryset; the row must belong to the user's company."""
    company = company_of(user)
    try:
        return queryset.for_company(company).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404(f"No {queryset.model._meta.verbose_name} here")
