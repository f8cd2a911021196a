"""Tenant pages: the signed-in home, the organization, its sites."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from apps.core.access import company_of
from apps.core.navigation import home_panels_for
from apps.tenants import access, selectors, services
from apps.tenants.web.forms import SiteForm


@login_required
def home(request):
    if request.user.company_id is None:
        # Platform superusers curate reference data; they have no tenant home.
        return redirect("admin:index")
    return render(request, "tenants/home.html", {
        "memberships": selectors.memberships_of(user=request.user),
        "panels": home_panels_for(request),
    })


@login_required
def organization(request):
    company = company_of(request.user)
    return render(request, "tenants/organization.html", {
        "institutions": selectors.institution_list(company=company),
        "can_edit": access.is_org_admin(request.user),
    })


@login_required
def site_detail(request, site_id):
    site = access.get_site_for_user(request.user, site_id)
    return render(request, "tenants/site_detail.html", {
        "site": site,
        "resources": selectors.site_resources(site=site),
        "can_change_site": access.can_change_site(request.user, site),
    })


@login_required
def site_edit(request, site_id):
    site = access.get_site_for_user(request.user, site_id)
    if not access.can_change_site(request.user, site):
        raise PermissionDenied
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        services.site_update(site=site, actor=request.user, data=form.cleaned_data)
        messages.success(request, f"Saved {site.name}.")
        return redirect("site_detail", site_id=site.pk)
    return render(request, "tenants/site_form.html", {"site": site, "form": form})
