"""Writes about a person's own sign-in: the index of their sessions and the password-reset throttle."""

import hashlib
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.audit.services import audit_log_record
from apps.core.ratelimit import rate_allowed
from apps.tenants.models import UserSession


def _session_store(session_key):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def _client(request) -> tuple[str | None, str]:
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")[:300]


def user_session_start(*, request, user) -> UserSession:
    """At sign-in: index the new session (its key was just cycled by ``login``) and forget the
    person's sessions that have expired since."""
    now = timezone.now()
    ip, agent = _client(request)
    user_session_prune(user=user)
    key = request.session.session_key
    if key is None:  # login() saves a cycled session, but be safe for engines that defer it
        request.session.save()
        key = request.session.session_key
    row, _ = UserSession.objects.update_or_create(
        session_key=key, defaults={"user": user, "created_at": now, "last_seen": now, "ip_address": ip,
                                   "user_agent": agent})
    return row


def user_session_touch(*, request) -> None:
    """Called by the idle-timeout middleware when it touches the session (at most once a minute)."""
    key = request.session.session_key
    if not key:
        return
    ip, agent = _client(request)
    updated = UserSession.objects.filter(session_key=key).update(last_seen=timezone.now())
    if not updated:
        now = timezone.now()
        UserSession.objects.create(user_id=request.user.pk, session_key=key, created_at=now, last_seen=now,
                                   ip_address=ip, user_agent=agent)


def user_session_rekey(*, old_key, new_key) -> None:
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def user_session_forget(*, session_key) -> None:
    """At sign-out (the session store entry is flushed by ``logout`` itself)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def user_session_end(*, actor, row: UserSession) -> None:
    """End one of the actor's sessions: delete it from the session store and from the index."""
    if row.user_id != actor.pk:
        raise PermissionError("Not your session")
    with transaction.atomic():
        _session_store(row.session_key).delete()
        row.delete()
        audit_log_record(company=actor.company_id, actor=actor, action="user_session.end", entity=actor,
                         changes={"created_at": row.created_at.isoformat(), "ip": row.ip_address})


def user_session_end_others(*, actor, current_key) -> int:
    rows = list(UserSession.objects.filter(user=actor).exclude(session_key=current_key or ""))
    for row in rows:
        user_session_end(actor=actor, row=row)
    return len(rows)


def user_session_prune(*, user) -> None:
    """Index rows of sessions that have timed out (idle or absolute): their store entries are gone or
    will be refused, so they are no longer "signed in"."""
    from apps.tenants.account_selectors import session_cutoffs

    idle_before, started_before = session_cutoffs()
    stale = UserSession.objects.filter(Q(last_seen__lt=idle_before) | Q(created_at__lt=started_before), user=user)
    for row in stale:
        _session_store(row.session_key).delete()
        row.delete()


# ---------------------------------------------------------------- password-reset throttle
def password_reset_allowed(*, email: str, ip: str | None) -> bool:
    """Count this request against the address and the client address; False when either is over its
    hourly limit (the caller then sends nothing, and says the same thing as always)."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    limits = [(f"pwreset:email:{address}", settings.ROUNDS_PASSWORD_RESET_PER_EMAIL)]
    if ip:
        limits.append((f"pwreset:ip:{ip}", settings.ROUNDS_PASSWORD_RESET_PER_IP))
    return rate_allowed(limits)
