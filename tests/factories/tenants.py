import factory

from apps.tenants.models import Company, Institution, Membership, Resource, Site, SponsoringInstitution, User
from apps.tenants.roles import Role

__all__ = ["CompanyFactory", "InstitutionFactory", "SponsorFactory", "SiteFactory", "ResourceFactory",
           "UserFactory", "MembershipFactory", "PASSWORD"]

PASSWORD = "correct horse battery staple"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    subdomain = factory.Sequence(lambda n: f"company{n}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = Institution.Kind.ACADEMIC_MEDICAL_CENTER


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SponsoringInstitution

    institution = factory.SubFactory(InstitutionFactory)
    company = factory.SelfAttribute("institution.company")
    dio_name = "Dr. Dio"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    institution = factory.SubFactory(InstitutionFactory)
    company = factory.SelfAttribute("institution.company")
    name = factory.Sequence(lambda n: f"Site {n}")
    time_zone = "America/New_York"
    student_capacity = 10


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    site = factory.SubFactory(SiteFactory)
    company = factory.SelfAttribute("site.company")
    name = factory.Sequence(lambda n: f"Room {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SelfAttribute("user.company")
    role = Role.ORG_ADMIN
