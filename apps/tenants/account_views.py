"""A person's own sign-in pages: the second-factor verify step and set-up, the Security page and
"Your sessions"."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.tenants import account_selectors, account_services, two_factor
from apps.tenants.forms import TokenForm
from apps.tenants.models import UserSession


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return reverse("home")


@login_required
def two_factor_verify(request):
    next_url = _next_url(request)
    if two_factor.session_is_verified(request):
        return redirect(next_url)
    if not two_factor.has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': next_url})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.two_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(next_url)
        form.add_error("token", "That code is not right (or was already used). Try the next code from your app.")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
def two_factor_setup(request):
    """Scan the QR code (or type the secret), then confirm with the first code. Someone who already
    has a device must have verified this session first (so a stolen password cannot add a device)."""
    next_url = _next_url(request)
    if two_factor.has_device(request.user) and not two_factor.session_is_verified(request):
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': next_url})}")
    device = two_factor.authenticator_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.authenticator_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
        form.add_error("token", "That code does not match. Check the clock on your phone and try the newest code.")
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "next": next_url, "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.base32_secret(device), "required": two_factor.two_factor_required(request.user),
    })


@login_required
def security(request):
    user = request.user
    return render(request, "accounts/security.html", {
        "authenticator": two_factor.authenticator_of(user),
        "required": two_factor.two_factor_required(user),
        "session_count": account_selectors.user_session_list(user=user).count(),
    })


@login_required
@require_POST
def recovery_codes_new(request):
    if not two_factor.has_device(request.user):
        return redirect("security")
    codes = two_factor.recovery_codes_regenerate(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("security")})


@login_required
@require_POST
def two_factor_off(request):
    if two_factor.two_factor_required(request.user):
        messages.error(request, "Your account needs a second factor; it cannot be turned off.")
    else:
        two_factor.two_factor_disable(request=request)
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("security")


@login_required
def sessions(request):
    current = request.session.session_key
    rows = list(account_selectors.user_session_list(user=request.user))
    if not any(row.session_key == current for row in rows):
        account_services.user_session_touch(request=request)  # e.g. its row was pruned: list it again
        rows = list(account_selectors.user_session_list(user=request.user))
    return render(request, "accounts/sessions.html", {"rows": rows, "current_key": current})


@login_required
@require_POST
def session_end(request, session_id):
    row = UserSession.objects.filter(pk=session_id, user=request.user).first()
    if row is None or row.session_key == request.session.session_key:
        raise Http404("No such session")  # another person's session id is simply not found
    account_services.user_session_end(actor=request.user, row=row)
    messages.success(request, "That session has been signed out.")
    return redirect("sessions")


@login_required
@require_POST
def session_end_others(request):
    count = account_services.user_session_end_others(actor=request.user, current_key=request.session.session_key)
    messages.success(request, f"Signed out {count} other session{'s' if count != 1 else ''}.")
    return redirect("sessions")
