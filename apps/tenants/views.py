"""Account views (sign-in is Django's own, configured in config/urls.py) and the 403 handler.
The tenant pages (home, organization, sites) are in apps/tenants/web/."""

from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import render

from apps.audit.models import AuditLog
from apps.audit.services import audit_log_record
from apps.core import rls
from apps.core.scoping import unscoped


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
        if user is not None:
            rls.set_request_tenant(self.request, user.company_id)  # row-level security: the link's company
        return user
