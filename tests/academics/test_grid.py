import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.academics import services
from apps.academics.models import RotationAssignment
from apps.audit.models import AuditLog
from tests.factories import AssignmentFactory, LearnerFactory

pytestmark = pytest.mark.django_db


def _grid_url(program, year):
    return f"/programs/{program.pk}/years/{year.pk}/grid/"


def _cell_url(program, year, learner, block):
    return f"/programs/{program.pk}/years/{year.pk}/grid/{learner.pk}/{block.pk}/"


def _fill(program, blocks, acs, count):
    for _ in range(count):
        learner = LearnerFactory(program=program)
        for block in blocks[:3]:
            AssignmentFactory(learner=learner, rotation_type=acs, block=block, start_date=block.start_date,
                              end_date=block.end_date)


def test_casey_sees_the_grid_in_the_same_number_of_queries_for_5_or_50_learners(
        client, casey, program, blocks, acs, django_assert_num_queries, year):
    client.force_login(casey)
    _fill(program, blocks, acs, 5)
    client.get(_grid_url(program, year))  # warm-up: the first request after sign-in touches the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(_grid_url(program, year)).status_code == 200
    _fill(program, blocks, acs, 45)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(_grid_url(program, year))
    assert response.content.decode().count('class="cell rot-3"') == 50 * 3


def test_casey_edits_a_cell_in_place_and_gets_the_coloured_cell_back(client, casey, program, year, blocks, riley,
                                                                      trauma, main_site):
    client.force_login(casey)
    url = _cell_url(program, year, riley, blocks[0])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "<form" in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    response = client.post(url, {"rotation_type": trauma.pk, "site": main_site.pk}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and 'class="cell rot-5"' in body and "TRA" in body
    assert response["HX-Reswap"] == "outerHTML"
    assignment = riley.assignments.get()
    assert (assignment.rotation_type, assignment.start_date, assignment.end_date) == (
        trauma, blocks[0].start_date, blocks[0].end_date)
    assert assignment.history.first().history_user == casey
    assert AuditLog.objects.for_company(program.company).filter(action="rotation_assignment.create").exists()


def test_without_javascript_the_cell_is_a_normal_edit_page(client, casey, program, year, blocks, riley, trauma):
    client.force_login(casey)
    url = _cell_url(program, year, riley, blocks[1])
    page = client.get(url)
    assert "<html" in page.content.decode()
    response = client.post(url, {"rotation_type": trauma.pk})
    assert response.status_code == 302 and response["Location"] == _grid_url(program, year)
    assert riley.assignments.get().block == blocks[1]


def test_an_overlapping_assignment_is_refused_beside_the_field_and_nothing_is_written(
        client, casey, program, year, blocks, riley, acs, trauma):
    AssignmentFactory(learner=riley, rotation_type=acs, start_date=blocks[0].start_date,
                      end_date=blocks[1].end_date)  # free-dated, overlaps block 2
    client.force_login(casey)
    response = client.post(_cell_url(program, year, riley, blocks[1]), {"rotation_type": trauma.pk},
                           headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Already scheduled on 2026-07-01–2026-08-25 for Acute Care Surgery" in body
    assert 'id="id_rotation_type_error"' in body
    assert riley.assignments.count() == 1


def test_a_full_site_is_refused_with_a_clear_error(client, casey, program, year, blocks, riley, trauma, clinic):
    other = LearnerFactory(program=program)
    services.rotation_assignment_set(actor=casey, learner=other, block=blocks[0], rotation_type=trauma, site=clinic)
    client.force_login(casey)
    response = client.post(_cell_url(program, year, riley, blocks[0]), {"rotation_type": trauma.pk,
                                                                        "site": clinic.pk})
    assert "Harbor Street Clinic is full: 1 learners already scheduled" in response.content.decode()
    assert not riley.assignments.exists()


def test_the_grid_shows_site_load_over_capacity_and_required_rotation_gaps(client, casey, program, year, blocks,
                                                                          riley, acs, trauma, clinic):
    AssignmentFactory(learner=LearnerFactory(program=program), rotation_type=trauma, site=clinic,
                      start_date=blocks[0].start_date, end_date=blocks[0].end_date, block=blocks[0])
    AssignmentFactory(learner=riley, rotation_type=trauma, site=clinic, block=blocks[0],
                      start_date=blocks[0].start_date, end_date=blocks[0].end_date)  # bypasses the service
    client.force_login(casey)
    body = client.get(_grid_url(program, year)).content.decode()
    assert 'class="over-capacity"' in body and "2 over capacity" in body
    assert 'class="gap"' in body and "Needs ACS: 0 of 8 weeks" in body


def test_a_participating_site_needs_an_agreement_covering_the_program(casey, program, blocks, riley, trauma, sponsor):
    from django.core.exceptions import ValidationError

    from apps.tenants.models import ParticipationAgreement
    from tests.factories import InstitutionFactory, SiteFactory

    partner = InstitutionFactory(company=program.company, name="Bayside Community Hospital")
    bayside = SiteFactory(institution=partner, name="Bayside", is_participating_site=True)
    with pytest.raises(ValidationError, match="no active program letter of agreement"):
        services.rotation_assignment_set(actor=casey, learner=riley, block=blocks[0], rotation_type=trauma,
                                         site=bayside)
    ParticipationAgreement.objects.create(sponsor=sponsor, participant=partner, effective_date=blocks[0].start_date,
                                          expiration_date=blocks[0].end_date, status="active")
    assert services.rotation_assignment_set(actor=casey, learner=riley, block=blocks[0], rotation_type=trauma,
                                            site=bayside).site == bayside
    with pytest.raises(ValidationError, match="no active program letter"):  # expired before block 2 ends
        services.rotation_assignment_set(actor=casey, learner=riley, block=blocks[1], rotation_type=trauma,
                                         site=bayside)


def test_faith_the_faculty_member_cannot_edit_the_grid(client, program, year, blocks, riley, trauma):
    from tests.factories import FacultyFactory

    faith = FacultyFactory(program=program).user
    client.force_login(faith)
    assert client.get(_grid_url(program, year)).status_code == 403
    assert client.post(_cell_url(program, year, riley, blocks[0]), {"rotation_type": trauma.pk}).status_code == 403
    assert not RotationAssignment.objects.for_company(program.company).exists()


def test_blocks_never_overlap(casey, year):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Overlaps Block 1"):
        services.blocks_generate(actor=casey, academic_year=year, pattern=[(year.start_date, year.start_date)])


# ---------------------------------------------------------------- what an in-place edit refreshes, clearing, undo
def test_an_in_place_edit_refreshes_the_gap_column_and_capacity_footer_out_of_band(
        client, casey, program, year, blocks, riley, acs, clinic):
    client.force_login(casey)
    before = client.get(_grid_url(program, year)).content.decode()
    assert "Needs ACS: 0 of 8 weeks" in before and 'id="grid-capacity"' in before
    response = client.post(_cell_url(program, year, riley, blocks[0]), {"rotation_type": acs.pk, "site": clinic.pk},
                           headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and response["HX-Reswap"] == "outerHTML"
    oob = body.split("<template>")[1].split("</template>")[0]
    assert f'<td id="gaps-{riley.pk}" class="gap" hx-swap-oob="true">' in oob and "Needs ACS: 4 of 8 weeks" in oob
    assert '<tfoot id="grid-capacity" hx-swap-oob="true">' in oob and "Harbor Street Clinic" in oob


def test_clearing_a_cell_asks_first_then_offers_undo_with_htmx(client, casey, program, year, blocks, riley, acs,
                                                               clinic):
    services.rotation_assignment_set(actor=casey, learner=riley, block=blocks[0], rotation_type=acs, site=clinic)
    client.force_login(casey)
    url = _cell_url(program, year, riley, blocks[0])
    asked = client.post(url, {"rotation_type": ""}, headers={"HX-Request": "true"}).content.decode()
    assert "Remove Riley Chen from Acute Care Surgery in Block 1?" in asked and 'name="confirm_clear"' in asked
    assert riley.assignments.exists()

    cleared = client.post(url, {"rotation_type": "", "confirm_clear": "1"}, headers={"HX-Request": "true"})
    body = cleared.content.decode()
    assert not riley.assignments.exists() and ">Undo</button>" in body
    undo_values = json.loads(html.unescape(re.search(r"hx-vals='([^']+)'", body).group(1)))
    assert undo_values == {"rotation_type": str(acs.pk), "site": str(clinic.pk), "supervisor": ""}

    restored = client.post(url, undo_values, headers={"HX-Request": "true"})
    assert restored.status_code == 200 and "ACS" in restored.content.decode()
    assignment = riley.assignments.get()
    assert (assignment.rotation_type, assignment.site) == (acs, clinic)


def test_without_javascript_clearing_shows_a_confirm_page_and_the_grid_offers_undo(
        client, casey, program, year, blocks, riley, acs):
    services.rotation_assignment_set(actor=casey, learner=riley, block=blocks[0], rotation_type=acs)
    client.force_login(casey)
    url = _cell_url(program, year, riley, blocks[0])
    page = client.post(url, {"rotation_type": ""}).content.decode()
    assert "<html" in page and "Remove Riley Chen from Acute Care Surgery in Block 1?" in page
    assert client.post(url, {"rotation_type": "", "confirm_clear": "1"})["Location"] == _grid_url(program, year)
    grid = client.get(_grid_url(program, year)).content.decode()
    assert "Removed Riley Chen from Acute Care Surgery in Block 1." in grid and f'action="{url}"' in grid
    assert client.post(url, {"rotation_type": str(acs.pk), "site": "", "supervisor": ""}).status_code == 302
    assert riley.assignments.get().rotation_type == acs
    assert "Removed Riley Chen" not in client.get(_grid_url(program, year)).content.decode()  # offered once
