"""Issue 19: what the schedule grid costs, pinned. Casey opens a full grid — 26 learners × 13
blocks, every cell on a rotation at a site — in a fixed number of queries, and its HTML stays
small (it was 244 KB with a template include per cell); an in-place edit still answers with a
cell that works inside the page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AssignmentFactory, LearnerFactory, RotationTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

# Counted by the test client with database sessions: the session, the user, the year with its
# program's name (access: one prepared read, was two), their memberships, then the grid's own reads:
# blocks, learners, rotation types, assignments, and the site load counted per site and block with
# the sites' names (was the company's assignment rows, then the sites: one query less).
GRID_QUERIES = 9
# A 26 × 13 grid with a site in every cell: ≈116 KB (≈330 bytes a cell, most of it the learner and
# block ids in the cell's id and its link), against 145 KB with an hx-get repeating each link and
# 244 KB with an include per cell.
GRID_MAX_BYTES = 120_000


def _full_grid(program, blocks, site, learners):
    rotations = [program.rotation_types.filter(code=f"R{n}").first()
                 or RotationTypeFactory(program=program, name=f"Rotation {n}", code=f"R{n}", colour=n) for n in range(4)]
    start = program.learners.count()
    for n in range(start, start + learners):
        learner = LearnerFactory(program=program, user=UserFactory(company=program.company, first_name="Avery",
                                                                  last_name=f"Resident{n:02d}"))
        for index, block in enumerate(blocks):
            AssignmentFactory(learner=learner, rotation_type=rotations[(n + index) % 4], site=site, block=block,
                              start_date=block.start_date, end_date=block.end_date)


def _grid(client, program, year):
    return client.get(f"/programs/{program.pk}/years/{year.pk}/grid/")


def test_casey_opens_a_26_by_13_grid_in_a_pinned_number_of_queries_and_under_120_kb(
        client, casey, program, year, blocks, site, django_assert_num_queries):
    assert len(blocks) == 13
    _full_grid(program, blocks, site, learners=2)
    client.force_login(casey)
    _grid(client, program, year)  # the first request after sign-in touches the session
    with django_assert_num_queries(GRID_QUERIES):
        assert _grid(client, program, year).status_code == 200

    _full_grid(program, blocks, site, learners=24)  # 2 → 26 learners: the same queries
    with django_assert_num_queries(GRID_QUERIES):
        response = _grid(client, program, year)
    page = response.content.decode()
    assert page.count('<td class="cell rot-') == 26 * 13
    assert len(response.content) <= GRID_MAX_BYTES, f"{len(response.content):,} bytes"


def test_each_cell_keeps_its_id_link_label_and_inherits_its_htmx_target(client, casey, program, year, blocks, site):
    _full_grid(program, blocks, site, learners=1)
    client.force_login(casey)
    page = _grid(client, program, year).content.decode()
    learner_id = re.search(r'id="cell-([0-9a-f-]{36})-', page).group(1)
    block = blocks[0]
    path = f"{learner_id}/{block.pk}/"
    assert (f'<td class="cell rot-0" id="cell-{learner_id}-{block.pk}" data-rotation="R0"><a href="{path}" '
            'aria-label="Edit Avery Resident00 in Block 1">R0<br><small>Northwind Main Ca…</small></a></td>') in page
    # the cell links are relative to the grid's own address, written once (no hx-get): one delegated
    # handler loads a cell's editor into the cell (static/academics/grid.js, checked in tests/browser)
    assert "hx-get" not in page.split('<tbody>')[1].split('</tbody>')[0]
    assert "academics/grid.js" in page
    assert '<table class="schedule-grid" id="schedule-grid" hx-target="closest td" hx-swap="innerHTML">' in page


def test_a_cell_answered_alone_links_to_the_grid_by_its_full_address(client, casey, program, year, blocks, riley,
                                                                     acs):
    client.force_login(casey)
    url = f"/programs/{program.pk}/years/{year.pk}/grid/{riley.pk}/{blocks[0].pk}/"
    cell = client.get(f"{url}?show=1", HTTP_HX_REQUEST="true")
    assert cell.status_code == 200 and "HX-Request" in cell["Vary"]
    body = cell.content.decode()
    assert f'<td class="cell" id="cell-{riley.pk}-{blocks[0].pk}" data-rotation=""><a href="{url}" aria-label=' in body
    assert '<span class="empty">+</span>' in body


def test_names_in_cells_are_escaped(client, casey, program, year, blocks, site):
    learner = LearnerFactory(program=program, user=UserFactory(company=program.company, first_name="<b>Bo",
                                                                last_name='"Quote"'))
    rotation = RotationTypeFactory(program=program, name="X", code="<i>", colour=1)
    AssignmentFactory(learner=learner, rotation_type=rotation, block=blocks[0], site=None,
                      start_date=blocks[0].start_date, end_date=blocks[0].end_date)
    client.force_login(casey)
    page = _grid(client, program, year).content.decode()
    assert "<b>Bo" not in page and "&lt;b&gt;Bo &quot;Quote&quot;" in page
    # the learner's header cell, written in Python too: its title and text escaped as autoescape would
    assert 'title="&quot;Quote&quot;, &lt;b&gt;Bo">&quot;Quote&quot;, &lt;b&gt;Bo</a>' in page
    assert 'data-rotation="&lt;i&gt;"' in page and "<i>" not in page


def test_the_grid_is_no_slower_to_count_however_many_rows(client, casey, program, year, blocks, site):
    """Site load and gaps come from values, not model rows: the query list names no per-row read."""
    _full_grid(program, blocks, site, learners=3)
    client.force_login(casey)
    _grid(client, program, year)
    with CaptureQueriesContext(connection) as captured:
        _grid(client, program, year)
    assert sum("academics_rotationassignment" in q["sql"] for q in captured.captured_queries) == 2


def test_the_site_load_counts_every_programs_assignments_in_each_block_they_overlap(
        client, casey, program, year, blocks, site, clinic, riley, acs):
    """The load is counted by PostgreSQL per site and block (one row per site): an assignment counts in
    every block its dates overlap (a free-dated one spanning two blocks counts in both), another
    program's learners count too, and a site nobody is at in any block is not listed."""
    from tests.factories import ProgramFactory

    other = LearnerFactory(program=ProgramFactory(sponsor=program.sponsor, name="Northwind Pediatrics"))
    AssignmentFactory(learner=riley, rotation_type=acs, site=site, block=None,
                      start_date=blocks[0].end_date, end_date=blocks[1].start_date)  # spans blocks 1 and 2
    AssignmentFactory(learner=other, site=site, block=None, start_date=blocks[1].start_date,
                      end_date=blocks[1].end_date)
    AssignmentFactory(learner=LearnerFactory(program=program), rotation_type=acs, site=clinic, block=blocks[2],
                      start_date=blocks[2].start_date, end_date=blocks[2].end_date)
    client.force_login(casey)
    page = _grid(client, program, year).content.decode()
    footer = page.split('<tfoot id="grid-capacity">')[1].split("</tfoot>")[0]
    rows = {re.search(r'title="([^"]+)"', row).group(1): re.findall(r"<td[^>]*>([^<]*)</td>", row)
            for row in footer.split("<tr>")[1:]}
    assert list(rows) == ["Harbor Street Clinic", site.name]  # by name
    assert rows[site.name][:4] == ["1", "2", "0", "0"] and len(rows[site.name]) == 13 + 1
    assert rows["Harbor Street Clinic"][:4] == ["0", "0", "1", "0"]
