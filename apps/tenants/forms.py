from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import Q

from apps.core.links import site_url
from apps.core.scoping import unscoped
from apps.tenants.account_services import password_reset_allowed
from apps.tenants.models import User

SUSPENDED = ("Your organization's access to Rounds is suspended; contact your organization's administrator "
             "or Rounds support.")


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True,
                                                                             "autocomplete": "email"}))

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # Only after the password matched, so the message tells a stranger nothing.
        if user.company_id is not None and not user.company.is_active:
            raise forms.ValidationError(SUSPENDED, code="suspended")


class TenantPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        # A reset request arrives before any tenant is known; the email alone identifies the person.
        with unscoped("password reset: lookup by email"):
            users = list(User.objects.filter(Q(company__isnull=True) | Q(company__is_active=True),
                                             email__iexact=email, is_active=True))
        return (user for user in users if user.has_usable_password())

    def save(self, *args, request=None, **kwargs):
        """At most ROUNDS_PASSWORD_RESET_PER_EMAIL mails per address and ROUNDS_PASSWORD_RESET_PER_IP
        requests per client address an hour; over that nothing is sent, and the page says the same."""
        ip = request.META.get("REMOTE_ADDR") if request is not None else None
        if password_reset_allowed(email=self.cleaned_data["email"], ip=ip):
            # The link's base comes from apps.core.links, as for every mailed link (not the Host header).
            kwargs["extra_email_context"] = {**(kwargs.get("extra_email_context") or {}), "site_url": site_url()}
            super().save(*args, request=request, **kwargs)


class TokenForm(forms.Form):
    token = forms.CharField(label="Code", max_length=20, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.")
