"""The fail-closed tenant manager and the company key that follows the parent."""

import pytest

from apps.core.scoping import TenantScopeError, unscoped
from apps.tenants.models import Site, User
from tests.factories import ResourceFactory, SiteFactory, UserFactory


@pytest.mark.django_db
class TestFailClosedQuerysets:
    def test_an_unscoped_query_raises_instead_of_returning_every_tenant(self, site):
        with pytest.raises(TenantScopeError):
            list(Site.objects.all())
        with pytest.raises(TenantScopeError):
            Site.objects.count()
        with pytest.raises(TenantScopeError):
            Site.objects.filter(name="x").exists()
        with pytest.raises(TenantScopeError):
            Site.objects.update(name="x")

    def test_for_company_returns_only_that_company(self, site, southbay):
        other = SiteFactory(institution__company=southbay)
        assert list(Site.objects.for_company(site.company)) == [site]
        assert list(Site.objects.for_company(southbay)) == [other]

    def test_for_company_none_is_refused(self, site):
        with pytest.raises(TenantScopeError):
            Site.objects.for_company(None)

    def test_related_managers_are_scoped_by_their_parent(self, site):
        room = ResourceFactory(site=site)
        assert list(site.resources.all()) == [room]

    def test_the_escape_hatch_is_explicit(self, site, southbay):
        SiteFactory(institution__company=southbay)
        assert Site.objects.unscoped().count() == 2
        with unscoped("test"):
            assert Site.objects.count() == 2

    def test_users_are_scoped_too(self, northwind):
        UserFactory(company=northwind)
        with pytest.raises(TenantScopeError):
            list(User.objects.all())
        assert User.objects.for_company(northwind).count() == 1


@pytest.mark.django_db
class TestCompanyKeyFollowsTheParent:
    def test_a_child_takes_its_company_from_its_parent_not_from_what_it_was_given(self, site, southbay):
        room = ResourceFactory.build(site=site, company=southbay)
        room.save()
        assert room.company_id == site.company_id

    def test_a_site_moved_under_another_companys_institution_is_refused_and_stays_home(self, site, southbay):
        from tests.factories import InstitutionFactory

        home = site.company_id
        site.institution = InstitutionFactory(company=southbay)
        with pytest.raises(TenantScopeError, match="cannot change"):
            site.save()
        assert Site.objects.unscoped().get(pk=site.pk).company_id == home

    def test_every_tenant_model_has_a_non_null_indexed_company(self):
        from django.apps import apps

        from apps.core.scoping import TenantModel

        tenant_models = [m for m in apps.get_models() if issubclass(m, TenantModel)]
        assert len(tenant_models) >= 10
        for model in tenant_models:
            field = model._meta.get_field("company")
            assert not field.null and field.db_index, model
