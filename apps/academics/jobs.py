"""Jobs run by the academics tasks (apps.academics.tasks): the invitation e-mails people get when
a coordinator (or a roster import) creates their accounts — one ``send_invitations`` task per batch.

The link is Django's own password-reset link (``password_reset_confirm``), so setting a password
uses the standard, single-use token: it stops working once the password is set."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import get_connection, send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.academics.models import Program
from apps.core.links import absolute_url
from apps.tenants.models import User


def invitation_link(user) -> str:
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    return absolute_url(path)


def invitations_deliver(*, company_id, program_id, inviter_id, user_ids) -> int:
    """E-mail each invited person who still has no password (a retried task skips those who
    already set one: their token would not work anyway). Returns how many were sent."""
    program = Program.objects.for_company(company_id).filter(pk=program_id).first()
    inviter = User.objects.for_company(company_id).filter(pk=inviter_id).first()
    if program is None:
        return 0
    people = [user for user in User.objects.for_company(company_id).filter(pk__in=user_ids, is_active=True)
              if not user.has_usable_password()]
    with get_connection() as connection:  # one SMTP session for the whole batch
        for user in people:
            _deliver(user=user, program_name=str(program), inviter=str(inviter or "Your program"),
                     connection=connection)
    return len(people)


def _deliver(*, user, program_name, inviter, connection):
    # The token is made now, after the commit, from the stored (unusable) password hash.
    body = (f"Hello {user.first_name or user.email},\n\n"
            f"{inviter} added you to {program_name} on Rounds.\n"
            f"Choose your password here to sign in (the link works once):\n\n{invitation_link(user)}\n\n"
            f"Your sign-in name is {user.email}.\n")
    send_mail(f"You're invited to {program_name} on Rounds", body, settings.DEFAULT_FROM_EMAIL, [user.email],
              connection=connection)
