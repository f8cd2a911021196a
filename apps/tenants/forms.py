from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from apps.tenants.models import User
from apps.core.scoping import unscoped


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True,
                                                                             "autocomplete": "email"}))


class TenantPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        # A reset request arrives before any tenant is known; the email alone identifies the person.
        with unscoped("password reset: lookup by email"):
            users = list(User.objects.filter(email__iexact=email, is_active=True))
        return (user for user in users if user.has_usable_password())
