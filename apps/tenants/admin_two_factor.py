"""The platform admin refuses anyone who needs a second factor (every superuser) unless their
session was verified with a device that still exists. The admin's own password-only login page is
replaced by Rounds' sign-in (which leads through the verify step)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from apps.tenants.two_factor import session_device_is_valid, two_factor_required


def protect_admin_site(site=admin.site):
    plain_has_permission = site.has_permission

    def has_permission(request):
        return plain_has_permission(request) and (not two_factor_required(request.user)
                                                   or session_device_is_valid(request))

    def login(request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
        if two_factor_required(request.user) and not session_device_is_valid(request):
            return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': next_url})}")
        raise PermissionDenied  # signed in (and verified where needed), but not platform staff

    site.has_permission = has_permission
    site.login = login
