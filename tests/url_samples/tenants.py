from django.utils import timezone

from apps.tenants.models import UserSession
from tests.factories import ResourceFactory, SiteFactory, SponsorFactory, UserFactory


def build(world):
    sponsor = SponsorFactory(institution__company=world["company"], institution__name="Northwind Secret Hospital")
    world["sponsor"] = sponsor
    world["site"] = SiteFactory(institution=sponsor.institution, name="Northwind Hidden Site")
    ResourceFactory(site=world["site"], name="Northwind Room 7")
    now = timezone.now()
    world["user_session"] = UserSession.objects.create(
        user=UserFactory(company=world["company"]), session_key="northwind-session-key", created_at=now,
        last_seen=now, user_agent="Northwind Secret Browser")
    world["markers"] += ["Northwind Secret Hospital", "Northwind Hidden Site", "Northwind Room 7",
                         "Northwind Secret Browser"]


SAMPLES = {
    "site_detail": lambda w: {"site_id": w["site"].pk},
    "site_edit": lambda w: {"site_id": w["site"].pk},
    "session_end": lambda w: {"session_id": w["user_session"].pk},
}


def build_own(own, user):
    from apps.tenants.models import Site

    own["site"] = Site.objects.for_company(user.company).order_by("created_at").first()


def _site_form(w):
    """A real Site form with Northwind's institution and company in it. Own site: saved (302), the
    foreign ids ignored (not form fields); Northwind site in the path: 404."""
    return {"name": "Southbay Walk Site", "kind": "clinic", "address": "", "time_zone": "America/New_York",
            "student_capacity": 2, "is_active": "on", "institution": w["site"].institution_id,
            "company": w["company"].pk}


QUERIES = {
    # ?next= is only followed inside Rounds; a Northwind id in it is a harmless path (200).
    "two_factor_verify": lambda w: {"next": f"/programs/{w['program'].pk}/"},
    "two_factor_setup": lambda w: {"next": f"/programs/{w['program'].pk}/"},
    "home": lambda w: {"company": w["company"].pk, "site": w["site"].pk},
    "organization": lambda w: {"company": w["company"].pk, "institution": w["site"].institution_id},
    "sessions": lambda w: {"user": w["user_session"].user_id},  # his own sessions only (200)
}
BODIES = {
    "site_edit": _site_form,
    # A wrong code (form error, 200) with a Northwind next= (never followed off-site; ignored here).
    "two_factor_verify": lambda w: {"token": "000000", "next": f"/programs/{w['program'].pk}/"},
    "two_factor_setup": lambda w: {"token": "000000", "next": f"/programs/{w['program'].pk}/"},
    # Both end *Charlie's* sessions only; a Northwind session id in the body is ignored (302).
    "session_end_others": lambda w: {"session_id": w["user_session"].pk, "user": w["user_session"].user_id},
    "two_factor_off": lambda w: {"user": w["user_session"].user_id},
    "recovery_codes_new": lambda w: {"user": w["user_session"].user_id},
}
NO_BODY = {
    "password_reset_confirm": "Django's set-password form, by a signed token (walked with a Northwind token in the path)",
    "security": "read-only page",
    "sessions": "read-only list (ending a session has its own route)",
    "session_end": "the session is the path argument; no input",
    "api-schema": "read-only OpenAPI document",
    "api-docs": "read-only Swagger page",
    "home": "read-only page",
    "organization": "read-only page",
    "site_detail": "read-only page",
}
OWN_SAMPLES = {
    "site_edit": lambda own: {"site_id": own["site"].pk},
}
