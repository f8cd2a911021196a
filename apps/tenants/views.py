from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from apps.audit.models import AuditLog
from apps.audit.services import audit_log_record
from apps.tenants import selectors, services
from apps.tenants.access import company_of, get_for_company_or_404, has_role, is_org_admin
from apps.tenants.forms import SiteForm
from apps.tenants.models import Site
from apps.core.navigation import home_panels_for
from apps.tenants.roles import Role
from apps.core.scoping import unscoped


def _get_site_for_user(request, site_id, *, for_edit=False) -> Site:
    site = get_for_company_or_404(Site.objects.select_related("institution"), request.user, pk=site_id)
    if for_edit and not is_org_admin(request.user):
        raise PermissionDenied
    return site


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
        "can_edit": is_org_admin(request.user),
    })


@login_required
def site_detail(request, site_id):
    site = _get_site_for_user(request, site_id)
    return render(request, "tenants/site_detail.html", {
        "site": site,
        "resources": selectors.site_resources(site=site),
        "can_edit": is_org_admin(request.user) or has_role(request.user, Role.CLINIC_STAFF, site=site),
    })


@login_required
def site_edit(request, site_id):
    site = _get_site_for_user(request, site_id, for_edit=True)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        services.site_update(site=site, actor=request.user, data=form.cleaned_data)
        messages.success(request, f"Saved {site.name}.")
        return redirect("site_detail", site_id=site.pk)
    return render(request, "tenants/site_form.html", {"site": site, "form": form})


def permission_denied(request, exception=None):
    user = request.user if request.user.is_authenticated else None
    audit_log_record(company=getattr(user, "company_id", None), actor=user, action="permission.deny",
                     status_code=403, severity=AuditLog.Severity.WARNING)
    return render(request, "403.html", status=403)


class TenantPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's set-password page (reset and invitation links). The link arrives before any tenant is
    known: the signed uid alone identifies the person, and the token proves the link is theirs."""

    def get_user(self, uidb64):
        with unscoped("password reset confirm: the signed uid identifies the person"):
            user = super().get_user(uidb64)
        signed_in = self.request.user
        if user is not None and signed_in.is_authenticated and signed_in.company_id != user.company_id:
            raise Http404("No such link")  # someone signed in elsewhere learns nothing about this account
        return user
