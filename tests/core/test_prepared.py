"""A hot read prepared once (apps.core.prepared): the ORM writes the SQL once per shape, later
calls send it with new values — the same rows as the queryset, still one company's rows only,
and refused where preparing would be a guess."""

import datetime

import pytest
from django.db.models import Count

from apps.core.prepared import PreparedQueryError, prepared
from apps.tenants.models import Membership, Site
from apps.tenants.roles import Role

pytestmark = pytest.mark.django_db

held_roles = prepared(lambda company_id, user_id: Membership.objects.for_company(company_id)
                      .filter(user_id=user_id, is_active=True).order_by("role")
                      .values("role", "site_id", "metadata", "started_on"))


def test_nadias_roles_read_prepared_are_the_querysets_rows(northwind, site, make_user):
    nadia = make_user(northwind, Role.ORG_ADMIN)
    Membership.objects.create(user=nadia, role=Role.NURSE, site=site, metadata={"ward": "4B"},
                              started_on=datetime.date(2026, 2, 1))
    expected = list(Membership.objects.for_company(northwind).filter(user=nadia, is_active=True).order_by("role")
                    .values("role", "site_id", "metadata", "started_on"))
    assert held_roles(company_id=northwind.pk, user_id=nadia.pk) == expected
    assert {"role": Role.NURSE, "site_id": site.pk, "metadata": {"ward": "4B"},
            "started_on": datetime.date(2026, 2, 1)} in expected  # JSON and dates come back converted


def test_the_second_call_sends_the_same_sql_with_its_own_values(northwind, southbay, make_user,
                                                                 django_assert_num_queries):
    nadia, charlie = make_user(northwind, Role.ORG_ADMIN), make_user(southbay, Role.ORG_ADMIN)
    held_roles(company_id=northwind.pk, user_id=nadia.pk)
    with django_assert_num_queries(1) as captured:
        rows = held_roles(company_id=southbay.pk, user_id=charlie.pk)
    assert [row["role"] for row in rows] == [Role.ORG_ADMIN]
    assert str(southbay.pk) in captured.captured_queries[0]["sql"] or southbay.pk.hex in captured.captured_queries[0]["sql"]


def test_charlie_asking_with_northwinds_user_but_his_own_company_gets_nothing(northwind, southbay, make_user):
    nadia = make_user(northwind, Role.ORG_ADMIN)
    assert held_roles(company_id=southbay.pk, user_id=nadia.pk) == []


def test_an_unscoped_queryset_is_refused():
    everyone = prepared(lambda user_id: Membership.objects.unscoped().filter(user_id=user_id).values("role"))
    with pytest.raises(PreparedQueryError, match="for_company"):
        everyone(user_id=1)


def test_model_instances_are_refused(northwind):
    instances = prepared(lambda company_id: Site.objects.for_company(company_id))
    with pytest.raises(PreparedQueryError, match="values"):
        instances(company_id=northwind.pk)


def test_a_value_the_orm_transforms_is_refused_not_guessed(northwind):
    by_name = prepared(lambda company_id, name: Site.objects.for_company(company_id)
                       .filter(name__icontains=name).values("id"))
    with pytest.raises(PreparedQueryError, match="did not reach the SQL unchanged"):
        by_name(company_id=northwind.pk, name="clinic")


def test_none_is_a_shape_each_shape_is_compiled_once(northwind, site):
    sites = prepared(lambda company_id, institution_id: Site.objects.for_company(company_id).filter(
        **({"institution_id": institution_id} if institution_id else {})).values("id").annotate(n=Count("id")))
    assert {row["id"] for row in sites(company_id=northwind.pk, institution_id=None)} == {site.pk}
    assert sites(company_id=northwind.pk, institution_id=site.institution_id)[0]["id"] == site.pk
    assert len(sites._compiled) == 2


def test_an_annotation_listed_between_fields_keeps_its_place_among_the_keys(northwind, site, make_user):
    """values("role", "members", "site_id"): each key holds its own column (the rows equal the
    queryset's), whatever the order the annotations are listed in."""
    make_user(northwind, Role.NURSE, site=site)
    counted = prepared(lambda company_id: Membership.objects.for_company(company_id).order_by("role")
                       .values("role", "site_id").annotate(members=Count("pk")).values("role", "members", "site_id"))
    expected = list(Membership.objects.for_company(northwind).order_by("role").values("role", "site_id")
                    .annotate(members=Count("pk")).values("role", "members", "site_id"))
    assert counted(company_id=northwind.pk) == expected
    assert all(isinstance(row["members"], int) and isinstance(row["role"], str) for row in expected)
