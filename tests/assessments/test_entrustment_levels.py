"""The entrustment-level radios follow the chosen EPA's scale: htmx refreshes them when the EPA
changes, and without htmx the posted EPA's scale validates the level."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.reference.models import EntrustmentLevel
from tests.factories import (
    EPAFactory,
    EPASetFactory,
    FacultyFactory,
    ProgramFactory,
    ScaleFactory,
    SponsorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_level_epa(surgery, sponsor):
    """Faith also teaches in Northwind's paediatrics program, whose EPA set uses a 5-level scale."""
    scale = ScaleFactory(code="five_level_scale", name="Five-level scale")
    for number in range(1, 6):
        EntrustmentLevel.objects.create(scale=scale, number=number, label=f"Step {number}",
                                        descriptor=f"Five-scale descriptor {number}")
    program = ProgramFactory(sponsor=sponsor, name="Northwind Paediatrics",
                             epa_set=EPASetFactory(scale=scale, name="Paediatrics EPAs"))
    FacultyFactory(program=program, user=surgery["faith"])
    return EPAFactory(epa_set=program.epa_set, short_name="Febrile infant")


def test_faith_picks_a_five_level_epa_and_sees_its_five_levels(client, surgery, five_level_epa):
    client.force_login(surgery["faith"])
    response = client.get(reverse("assessments:entrustment_levels"), {"epa": five_level_epa.pk},
                          HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('type="radio"') == 5
    assert all(f"Five-scale descriptor {number}" in page for number in range(1, 6))
    assert "HX-Request" in response["Vary"]


def test_faith_switches_back_to_a_surgery_epa_and_sees_its_four_levels(client, surgery, five_level_epa):
    client.force_login(surgery["faith"])
    response = client.get(reverse("assessments:entrustment_levels"), {"epa": surgery["epa"].pk})
    page = response.content.decode()
    assert page.count('type="radio"') == 4 and "Five-scale descriptor" not in page


def test_the_form_asks_htmx_to_refresh_the_levels_when_the_epa_changes(client, surgery):
    client.force_login(surgery["faith"])
    page = client.get(reverse("assessments:new")).content.decode()
    assert f'hx-get="{reverse("assessments:entrustment_levels")}" hx-trigger="change from:#id_epa"' in page


def test_without_htmx_a_level_outside_the_epas_scale_is_refused_beside_the_field(client, surgery, five_level_epa):
    client.force_login(surgery["faith"])
    response = client.post(reverse("assessments:new"), {
        "submission_key": "8d6f2f3a-6a55-4a53-9b52-3c7f5e0c1a11", "learner": surgery["riley"].pk,
        "epa": surgery["epa"].pk, "entrustment_level": 5, "assessment_date": timezone.localdate().isoformat()})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_entrustment_level_error"' in page and page.count('type="radio"') == 4


def test_charlie_from_southbay_gets_404_for_a_northwind_epas_levels(client, southbay, surgery):
    charlie = FacultyFactory(program=ProgramFactory(sponsor=SponsorFactory(institution__company=southbay))).user
    client.force_login(charlie)
    response = client.get(reverse("assessments:entrustment_levels"), {"epa": surgery["epa"].pk})
    assert response.status_code == 404
    assert "Appendicitis" not in response.content.decode()
