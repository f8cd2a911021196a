from django.db.models import Count, Prefetch

from apps.tenants.models import Company, Institution, Membership, Resource, Site


def site_list(*, company):
    return (
        Site.objects.for_company(company)
        .select_related("institution", "agreement")
        .annotate(resource_count=Count("resources"))
        .order_by("institution__name", "name")
    )


def institution_list(*, company):
    return (
        Institution.objects.for_company(company)
        .select_related("sponsor_role")
        .prefetch_related(Prefetch("sites", queryset=Site.objects.for_company(company).order_by("name")))
        .order_by("name")
    )


def site_resources(*, site):
    return Resource.objects.for_company(site.company_id).filter(site=site).order_by("name")


def memberships_of(*, user):
    return (
        Membership.objects.for_company(user.company_id)
        .filter(user=user, is_active=True)
        .select_related("program", "site", "institution")
        .order_by("role")
    )


def active_company_ids() -> list:
    """Every active tenant (periodic tasks walk them one by one)."""
    return list(Company.objects.filter(is_active=True).values_list("pk", flat=True))
