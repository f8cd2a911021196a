"""Demo tenants: Northwind Health and Southbay Medical, each with an institution, a sponsoring
institution, two sites and one login per role (password ``rounds-demo``)."""

import base64
from datetime import date

from apps.core.scoping import unscoped
from apps.tenants.models import Company, Institution, Membership, Resource, Site, SponsoringInstitution, User
from apps.tenants.roles import Role

DEMO_PASSWORD = "rounds-demo"
# Demo logins that need a second factor (clinicians, the superuser) get an authenticator with this
# published secret (README → Demo logins): add it to any TOTP app. Demo data only — never seed it
# into a real deployment.
DEMO_TOTP_SECRET = "OJXXK3TEOMWWIZLNN4WXI33UOAWWWZLZ"
DEMO_ROLES = ["coordinator", "director", "faculty", "resident", "student", "clinician"]

COMPANIES = {
    "northwind": {
        "name": "Northwind Health",
        "institution": "Northwind University Hospital",
        "sites": [("Northwind University Hospital — Main Campus", "America/New_York", 40.7411, -73.9897, 60),
                  ("Harbor Street Clinic", "America/New_York", 40.7033, -74.0170, 8)],
        "dio": "Dr. Alma Reyes",
        "people": {"coordinator": ("Casey", "Morgan"), "director": ("Diane", "Okafor"),
                   "faculty": ("Farid", "Haddad"), "resident": ("Riley", "Chen"),
                   "student": ("Sam", "Patel"), "clinician": ("Claire", "Novak")},
    },
    "southbay": {
        "name": "Southbay Medical",
        "institution": "Southbay Regional Medical Center",
        "sites": [("Southbay Regional — Main Hospital", "America/Los_Angeles", 33.8358, -118.3406, 40),
                  ("Southbay Family Clinic", "America/Los_Angeles", 33.8722, -118.3621, 6)],
        "dio": "Dr. Ken Watanabe",
        "people": {"coordinator": ("Jordan", "Lee"), "director": ("Priya", "Raman"),
                   "faculty": ("Marco", "Silva"), "resident": ("Taylor", "Nguyen"),
                   "student": ("Avery", "Brooks"), "clinician": ("Nina", "Kowalski")},
    },
}


def seed(world, log=print) -> None:
    """Create (or find) the demo tenants: world[subdomain] = {"company", "sponsor", "sites", "users"}."""
    # For the contexts above that add demo logins of their own: the password, and the published
    # demo authenticator for logins that must use two-factor (clinical staff).
    world["password"] = DEMO_PASSWORD
    world["add_demo_authenticators"] = _demo_authenticators
    with unscoped("demo seeding: builds two tenants"):
        world.update({subdomain: _seed_company(subdomain, spec) for subdomain, spec in COMPANIES.items()})
        superuser = _superuser()
        _demo_authenticators([superuser] + [w["users"]["clinician"] for w in (world[s] for s in COMPANIES)])
    log(f"tenants: {', '.join(spec['name'] for spec in COMPANIES.values())} ready")


def _seed_company(subdomain: str, spec: dict) -> dict:
    company, _ = Company.objects.get_or_create(subdomain=subdomain, defaults={"name": spec["name"]})
    institution, _ = Institution.objects.get_or_create(
        company=company, name=spec["institution"], defaults={"kind": Institution.Kind.ACADEMIC_MEDICAL_CENTER})
    sponsor, _ = SponsoringInstitution.objects.get_or_create(
        institution=institution, defaults={"dio_name": spec["dio"], "accreditation_status": "continued",
                                           "next_site_visit": date(2027, 4, 15), "company": company})
    sites = []
    for name, tz, lat, lng, capacity in spec["sites"]:
        site, created = Site.objects.get_or_create(
            institution=institution, name=name,
            defaults={"time_zone": tz, "latitude": lat, "longitude": lng, "student_capacity": capacity,
                      "kind": Site.Kind.CLINIC if "Clinic" in name else Site.Kind.PRIMARY, "company": company})
        if created:
            for room in ("Exam room 1", "Exam room 2", "Procedure room"):
                Resource.objects.create(site=site, name=room)
        sites.append(site)
    users = {role: _demo_user(company, subdomain, role, *spec["people"][role]) for role in DEMO_ROLES}
    Membership.objects.get_or_create(user=users["coordinator"], role=Role.ORG_ADMIN, program=None, site=None,
                                     institution=None, defaults={"company": company})
    Membership.objects.get_or_create(user=users["clinician"], role=Role.CLINICIAN, site=sites[1],
                                     defaults={"company": company})
    return {"company": company, "institution": institution, "sponsor": sponsor, "sites": sites, "users": users}


def _demo_user(company, subdomain, role, first, last) -> User:
    email = f"{role}@{subdomain}.example"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, company=company, first_name=first, last_name=last,
                                        email_verified=True)
    return user


def _superuser() -> User:
    user = User.objects.filter(email="admin@rounds.example").first()
    return user or User.objects.create_superuser("admin@rounds.example", DEMO_PASSWORD, first_name="Platform",
                                                 last_name="Admin")


def _demo_authenticators(users) -> None:
    """A confirmed TOTP device with the published DEMO_TOTP_SECRET for each demo login that needs one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    for user in users:
        TOTPDevice.objects.get_or_create(user=user, name="Demo authenticator", defaults={"key": key, "confirmed": True})
