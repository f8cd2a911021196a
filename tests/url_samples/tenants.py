from tests.factories import ResourceFactory, SiteFactory, SponsorFactory


def build(world):
    sponsor = SponsorFactory(institution__company=world["company"], institution__name="Northwind Secret Hospital")
    world["sponsor"] = sponsor
    world["site"] = SiteFactory(institution=sponsor.institution, name="Northwind Hidden Site")
    ResourceFactory(site=world["site"], name="Northwind Room 7")
    world["markers"] += ["Northwind Secret Hospital", "Northwind Hidden Site", "Northwind Room 7"]


SAMPLES = {
    "site_detail": lambda w: {"site_id": w["site"].pk},
    "site_edit": lambda w: {"site_id": w["site"].pk},
}
