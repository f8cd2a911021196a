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
