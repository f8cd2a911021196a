"""Sign-in and sign-out keep the session's bookkeeping: when it started (absolute lifetime), whether a
second factor is needed, and the "Your sessions" index."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from apps.tenants import account_services, two_factor

SIGNED_IN_AT = "_rounds_signed_in_at"  # session key: Unix time of the password sign-in


@receiver(user_logged_in)
def _session_started(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[SIGNED_IN_AT] = int(time.time())
    two_factor.mark_sign_in(request, user)
    account_services.user_session_start(request=request, user=user)


@receiver(user_logged_out)
def _session_ended(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        account_services.user_session_forget(session_key=request.session.session_key)
