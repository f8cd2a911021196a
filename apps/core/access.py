"""Tenant-generic access primitives: whose company a request acts for, and fetching one row of
that company (404 otherwise, so a URL never reveals that an object exists elsewhere).

Role rules live with the roles (apps.tenants.access); per-object rules live in each context's
``access.py`` (``get_<obj>_for_user`` + ``can_<verb>_<obj>``), built on these two functions."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render


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


def tenant_page(view):
    """A page of tenant data. A platform superuser (signed in, no tenant) gets a page saying so and
    pointing at the admin (403) instead of a bare 404; everyone else goes on to the view, whose
    own access rules apply. Put it under ``@login_required``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and request.user.company_id is None:
            return render(request, "no_tenant.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
