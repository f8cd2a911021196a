"""The invitation e-mail a person gets when a coordinator (or a roster import) creates their account.

The link is Django's own password-reset link (``password_reset_confirm``), so setting a password
uses the standard, single-use token: it stops working once the password is set."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def invitation_link(user) -> str:
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    return settings.SITE_URL.rstrip("/") + path


def invitation_send(*, user, program, invited_by) -> None:
    """Queue the e-mail for after the commit: a rolled-back add sends nothing. ``robust``: a mail server
    failure is logged and does not turn the (already committed) add into an error page."""
    transaction.on_commit(lambda: _deliver(user=user, program_name=str(program), inviter=str(invited_by)),
                          robust=True)


def _deliver(*, user, program_name, inviter):
    # The token is made now, after the commit, from the stored (unusable) password hash.
    body = (f"Hello {user.first_name or user.email},\n\n"
            f"{inviter} added you to {program_name} on Rounds.\n"
            f"Choose your password here to sign in (the link works once):\n\n{invitation_link(user)}\n\n"
            f"Your sign-in name is {user.email}.\n")
    send_mail(f"You're invited to {program_name} on Rounds", body, settings.DEFAULT_FROM_EMAIL, [user.email])
