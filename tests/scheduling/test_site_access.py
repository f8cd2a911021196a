"""The book's site check (clinical's ``get_site_for_user``, one prepared query): Rita gets the
whole site, as the ORM reads it; Charlie from another company, or a malformed id, gets 404; Nora
without ``appointment.manage`` gets 403."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404

from apps.scheduling import access
from apps.tenants.models import Site

pytestmark = pytest.mark.django_db


def test_rita_gets_harbor_street_with_every_field_as_the_orm_reads_it(reception, clinic, django_assert_num_queries):
    clinic.latitude, clinic.longitude, clinic.address = "40.712800", "-74.006000", "1 Harbor Street"
    clinic.save()
    expected = Site.objects.for_company(clinic.company).get(pk=clinic.pk)
    access.get_site_for_user(reception, clinic.pk)  # memberships, role codes read once for the request
    with django_assert_num_queries(1):
        site = access.get_site_for_user(reception, str(clinic.pk))
    assert site == expected and site._state.adding is False
    assert model_to_dict(site) == model_to_dict(expected)
    assert (site.company_id, site.created_at, site.updated_at) == (expected.company_id, expected.created_at,
                                                                  expected.updated_at)


def test_charlie_from_southbay_gets_404_for_harbor_street(southbay_charlie, clinic):
    with pytest.raises(Http404):
        access.get_site_for_user(southbay_charlie, clinic.pk)


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", None, uuid.uuid4()])
def test_a_malformed_or_unknown_site_id_is_a_404(reception, bad_id):
    with pytest.raises(Http404):
        access.get_site_for_user(reception, bad_id)


def test_nora_the_nurse_is_refused_harbor_streets_book(nurse, clinic):
    with pytest.raises(PermissionDenied):
        access.get_site_for_user(nurse, clinic.pk)
