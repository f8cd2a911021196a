import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.academics.models import Learner
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def _csv(text, name="file.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_roster_with_one_bad_row_shows_the_row_and_writes_nothing(client, casey, program):
    client.force_login(casey)
    response = client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": _csv(
        "email,first_name,last_name,role,pgy,track\n"
        "ada.quill@northwind.example,Ada,Quill,resident,2,\n"
        "not-an-email,Bo,Reed,resident,1,\n"
        "cy.lark@northwind.example,Cy,Lark,resident,14,\n"
        "di.moss@northwind.example,Di,Moss,surgeon,,\n")})
    body = response.content.decode()
    assert "“not-an-email” is not a valid email address." in body and "<td>3</td>" in body
    assert "PGY “14” is out of range (1–10)." in body and "<td>4</td>" in body
    assert "Unknown role “surgeon”" in body and "<td>5</td>" in body
    assert "Import 4 rows" not in body
    assert not program.learners.exists()
    assert client.post(f"/programs/{program.pk}/import/confirm/", {"token": "x"}).status_code == 302
    assert not program.learners.exists()


def test_a_good_roster_xlsx_is_previewed_then_applied_once(client, casey, program):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["email", "first_name", "last_name", "role", "pgy", "track"])
    sheet.append(["ada.quill@northwind.example", "Ada", "Quill", "resident", 2, "Research"])
    sheet.append(["faith.moor@northwind.example", "Faith", "Moor", "faculty", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(casey)
    preview = client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": SimpleUploadedFile(
        "roster.xlsx", buffer.getvalue())})
    assert "Import 2 rows" in preview.content.decode()
    assert not program.learners.exists()
    token = client.session["academics_import"]["token"]
    assert client.post(f"/programs/{program.pk}/import/confirm/", {"token": token}).status_code == 302
    client.post(f"/programs/{program.pk}/import/confirm/", {"token": token})  # double submit
    ada = program.learners.get()
    assert (ada.user.email, ada.pgy_level, ada.track) == ("ada.quill@northwind.example", 2, "Research")
    assert program.faculty.get().user.last_name == "Moor"
    assert ada.history.first().history_user == casey


def test_a_good_schedule_import_is_in_the_grid_at_once(client, casey, program, year, blocks, riley, acs, trauma):
    client.force_login(casey)
    client.post(f"/programs/{program.pk}/import/", {"kind": "schedule", "file": _csv(
        "email,rotation_code,start_date,end_date,site\n"
        f"riley@northwind.example,ACS,{blocks[0].start_date},{blocks[0].end_date},\n"
        f"riley@northwind.example,tra,{blocks[1].start_date},{blocks[1].end_date},\n")})
    token = client.session["academics_import"]["token"]
    client.post(f"/programs/{program.pk}/import/confirm/", {"token": token})
    assert riley.assignments.count() == 2
    grid = client.get(f"/programs/{program.pk}/years/{year.pk}/grid/").content.decode()
    assert 'class="cell rot-3"' in grid and 'class="cell rot-5"' in grid


def test_a_schedule_with_unknown_codes_and_overlaps_lists_each_line(client, casey, program, blocks, riley, acs):
    client.force_login(casey)
    body = client.post(f"/programs/{program.pk}/import/", {"kind": "schedule", "file": _csv(
        "email,rotation_code,start_date,end_date\n"
        "riley@northwind.example,ACS,2026-07-01,2026-07-28\n"
        "riley@northwind.example,ACS,2026-07-20,2026-08-10\n"
        "riley@northwind.example,XYZ,2026-09-01,2026-09-28\n"
        "nobody@northwind.example,ACS,2026-09-01,2026-09-28\n")}).content.decode()
    assert "Overlapping dates: 2026-07-20–2026-08-10 overlaps line 2" in body
    assert "Unknown rotation code “XYZ”." in body
    assert "No learner with email “nobody@northwind.example”" in body
    assert not riley.assignments.exists()


def test_casey_exports_the_roster_and_schedule(client, casey, program, year, blocks, riley, acs):
    from apps.academics import services

    services.rotation_assignment_set(actor=casey, learner=riley, block=blocks[0], rotation_type=acs)
    LearnerFactory(program=program, kind=Learner.Kind.RESIDENT)
    client.force_login(casey)
    roster = client.get(f"/programs/{program.pk}/roster/export/", {"format": "csv"})
    assert roster["Content-Type"].startswith("text/csv") and "riley@northwind.example" in roster.content.decode()
    schedule = client.get(f"/programs/{program.pk}/years/{year.pk}/export/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(schedule.content)).active
    assert [c.value for c in sheet[2]][:4] == ["riley@northwind.example", "ACS", "2026-07-01", "2026-07-28"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_casey_re_imports_her_exported_roster_and_the_preview_finds_no_errors(client, casey, program, riley, fmt):
    """Coordinator-, director- and preceptor-only people export their role; the import accepts it."""
    from apps.tenants.models import Membership
    from apps.tenants.roles import Role
    from tests.factories import FacultyFactory, MembershipFactory, UserFactory

    FacultyFactory(program=program, user__email="faith@northwind.example")
    for role, email in ((Role.PROGRAM_DIRECTOR, "dana@northwind.example"), (Role.PRECEPTOR, "pat@northwind.example")):
        MembershipFactory(user=UserFactory(company=program.company, email=email), role=role, program=program)
    client.force_login(casey)
    exported = client.get(f"/programs/{program.pk}/roster/export/", {"format": fmt}).content
    body = exported.decode() if fmt == "csv" else ""
    assert fmt == "xlsx" or ("coordinator" in body and "program_director" in body and "preceptor" in body)
    memberships_before = Membership.objects.for_company(program.company).filter(program=program).count()

    preview = client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": SimpleUploadedFile(
        f"roster.{fmt}", exported)})
    page = preview.content.decode()
    assert preview.status_code == 200 and "Nothing will be imported" not in page and "Unknown role" not in page
    token = client.session["academics_import"]["token"]
    assert client.post(f"/programs/{program.pk}/import/confirm/", {"token": token}).status_code == 302
    assert Membership.objects.for_company(program.company).filter(program=program).count() == memberships_before


def test_a_roster_row_with_an_unknown_role_names_the_roles_the_import_accepts(client, casey, program):
    client.force_login(casey)
    body = client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": _csv(
        "email,first_name,last_name,role,pgy,track\nx@northwind.example,X,Y,janitor,,\n")}).content.decode()
    assert "Unknown role “janitor” (use one of coordinator, faculty, preceptor, program_director, resident, " \
           "student, supervisor)." in body
    assert not Learner.objects.for_company(program.company).exists()


def test_re_importing_an_export_keeps_leave_of_absence_and_does_not_reopen_ended_roles(client, casey, program, riley):
    """Riley is on leave; Farid's faculty role ended. Casey exports and re-imports the roster:
    Riley stays on leave, Farid stays ended (he is not in the export of the current roster)."""
    from apps.tenants.models import Membership
    from tests.factories import FacultyFactory

    riley.status = Learner.Status.LEAVE_OF_ABSENCE
    riley.save()
    farid = FacultyFactory(program=program, user__email="farid@northwind.example")
    Membership.objects.for_company(program.company).filter(user=farid.user).update(is_active=False)
    client.force_login(casey)
    exported = client.get(f"/programs/{program.pk}/roster/export/", {"format": "csv"}).content
    assert b"farid@northwind.example" not in exported and b"leave_of_absence" in exported

    client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": SimpleUploadedFile("r.csv", exported)})
    token = client.session["academics_import"]["token"]
    assert client.post(f"/programs/{program.pk}/import/confirm/", {"token": token}).status_code == 302
    riley.refresh_from_db()
    assert riley.status == Learner.Status.LEAVE_OF_ABSENCE
    assert not Membership.objects.for_company(program.company).filter(user=farid.user, is_active=True).exists()


def test_a_roster_row_with_an_unknown_status_is_refused_on_its_line(client, casey, program):
    client.force_login(casey)
    body = client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": _csv(
        "email,first_name,last_name,role,pgy,track,status\nx@northwind.example,X,Y,resident,1,,on vacation\n")}
    ).content.decode()
    assert "Unknown status “on vacation”" in body
    assert not Learner.objects.for_company(program.company).exists()


def test_a_500_person_roster_imports_in_one_request_and_invites_everyone_with_one_task_after_commit(
        client, casey, program, mailoutbox, monkeypatch, django_capture_on_commit_callbacks):
    from apps.academics.tasks import send_invitations

    rows = "".join(f"person{n}@northwind.example,Person,Number{n},resident,{1 + n % 5},\n" for n in range(500))
    client.force_login(casey)
    client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": _csv(
        "email,first_name,last_name,role,pgy,track\n" + rows)})
    token = client.session["academics_import"]["token"]
    published = []
    monkeypatch.setattr(send_invitations, "apply_async", lambda kwargs=None, **options: published.append(kwargs))

    with django_capture_on_commit_callbacks() as after_commit:
        response = client.post(f"/programs/{program.pk}/import/confirm/", {"token": token})
        assert mailoutbox == []  # nothing is mailed inside the request's transaction

    assert response.status_code == 302 and program.learners.count() == 500
    assert published == []  # the task is published only when the transaction commits
    for callback in after_commit:
        callback()
    [invitations] = published  # one task for the whole batch
    assert len(invitations["user_ids"]) == 500 and mailoutbox == []
    assert send_invitations.run(**invitations) == 500  # the worker sends them
    assert len(mailoutbox) == 500 and mailoutbox[0].to == ["person0@northwind.example"]


# ---------------------------------------------------------------- what Excel writes
ROSTER_HEADER = "email,first_name,last_name,role,pgy,track\n"


def _upload(client, program, content: bytes, name="roster.csv"):
    return client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": SimpleUploadedFile(
        name, content, content_type="text/csv")})


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig"])
def test_jose_munoz_is_read_from_a_windows_1252_or_utf8_file_with_or_without_bom(client, casey, program, encoding):
    client.force_login(casey)
    content = (ROSTER_HEADER + "jose.munoz@northwind.example,José,Muñoz,resident,1,\n").encode(encoding)
    response = _upload(client, program, content)
    body = response.content.decode()
    assert response.status_code == 200 and "Import 1 row" in body
    assert "José" in body and "Muñoz" in body and "codec" not in body
    token = client.session["academics_import"]["token"]
    assert client.post(f"/programs/{program.pk}/import/confirm/", {"token": token}).status_code == 302
    learner = program.learners.select_related("user").get()
    assert (learner.user.first_name, learner.user.last_name) == ("José", "Muñoz")


def test_an_unclosed_quote_is_reported_with_its_lines_instead_of_merging_rows(client, casey, program):
    client.force_login(casey)
    lines = [f"p{n}@northwind.example,P{n},Person,resident,1,\n" for n in range(1, 9)]
    lines[2] = 'p3@northwind.example,"P3,Person,resident,1,\n'
    lines[4] = 'p5@northwind.example,P5,Person",resident,1,\n'  # closes the quote: rows 4–6 would merge
    body = _upload(client, program, (ROSTER_HEADER + "".join(lines)).encode()).content.decode()
    assert "The file has 8 data lines but reads as 6 rows." in body
    assert "Lines 4–6: a quoted value runs over 3 lines" in body
    assert "Import" not in body.split("Check file")[1] and not program.learners.exists()


def test_a_quote_never_closed_is_reported_on_its_line(client, casey, program):
    client.force_login(casey)
    content = (ROSTER_HEADER + "a@northwind.example,Ann,Lee,resident,1,\n"
               'b@northwind.example,"Bo,Reed,resident,1,\nc@northwind.example,Cy,Lark,resident,1,\n').encode()
    body = _upload(client, program, content).content.decode()
    assert "Line 3: a quoted value is never closed" in body and not program.learners.exists()


def test_a_row_with_more_values_than_the_header_is_refused_on_its_line(client, casey, program):
    client.force_login(casey)
    content = (ROSTER_HEADER + "a@northwind.example,Ann,Lee,resident,1,\n"
               "b@northwind.example,Bo,Reed,Jr,resident,1,Research\n").encode()
    body = _upload(client, program, content).content.decode()
    assert "Line 3: 7 values but the header has 6 columns" in body


def test_blank_lines_are_skipped_and_errors_keep_the_files_line_numbers(client, casey, program):
    client.force_login(casey)
    content = (ROSTER_HEADER + "a@northwind.example,Ann,Lee,resident,1,\n\n,,,,,\n"
               "b@northwind.example,Bo,Reed,surgeon,,\n").encode()
    body = _upload(client, program, content).content.decode()
    assert "<td>5</td><td>Unknown role “surgeon”" in body.replace("\n", "").replace("  ", "")


def test_a_file_in_neither_encoding_gets_a_plain_message(client, casey, program):
    client.force_login(casey)
    body = _upload(client, program, ROSTER_HEADER.encode() + b"a@northwind.example,\x81\x8d,Lee,resident,1,\n"
                   ).content.decode()
    assert "The file is neither UTF-8 nor Windows-1252 text." in body


def test_the_import_help_lists_every_role_the_import_accepts(client, casey, program):
    client.force_login(casey)
    body = client.get(f"/programs/{program.pk}/import/").content.decode()
    for role in ("coordinator", "faculty", "preceptor", "program_director", "resident", "student", "supervisor"):
        assert role in body.split("Roster columns")[1].split("</li>")[0]


# ---------------------------------------------------------------- exports never carry a formula
EVIL = {"user__first_name": '=HYPERLINK("http://evil.example","Click")', "user__last_name": "+Formula",
        "track": "@SUM(A1)"}


def test_the_roster_csv_neutralises_formula_cells_and_is_named_for_what_it_is(client, casey, program):
    from django.utils import timezone

    LearnerFactory(program=program, user__email="evil@northwind.example", **EVIL)
    client.force_login(casey)
    response = client.get(f"/programs/{program.pk}/roster/export/", {"format": "csv"})
    body = response.content.decode()
    assert response["Content-Disposition"] == (
        f'attachment; filename="northwind-general-surgery-roster-{timezone.localdate().isoformat()}.csv"')
    assert "'=HYPERLINK" in body and ",'+Formula," in body and "'@SUM(A1)" in body
    assert ',=HYPERLINK' not in body and ",+Formula," not in body


def test_the_roster_xlsx_writes_formula_looking_names_as_text_cells(client, casey, program):
    LearnerFactory(program=program, user__email="evil@northwind.example", **EVIL)
    client.force_login(casey)
    response = client.get(f"/programs/{program.pk}/roster/export/", {"format": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"') and "northwind-general-surgery-roster-" in response[
        "Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = [c for c in sheet[2]]
    assert row[1].value == '=HYPERLINK("http://evil.example","Click")' and row[1].data_type == "s"
    assert "f" not in {cell.data_type for row in sheet.iter_rows() for cell in row}


def test_the_schedule_export_is_named_for_the_program_and_year(client, casey, program, year):
    client.force_login(casey)
    response = client.get(f"/programs/{program.pk}/years/{year.pk}/export/", {"format": "csv"})
    assert 'filename="northwind-general-surgery-schedule-2026-2027-' in response["Content-Disposition"]


def test_every_csv_and_xlsx_export_goes_through_the_one_download_helper():
    """grep: nobody writes CSV or spreadsheet exports outside apps/core/downloads.py."""
    import pathlib

    offenders = []
    for path in pathlib.Path("apps").rglob("*.py"):
        text = path.read_text()
        if path.as_posix() != "apps/core/downloads.py" and (
                "csv.writer" in text or '.export("csv"' in text or '.export("xlsx"' in text
                or "base_formats import CSV" in text):
            offenders.append(path.as_posix())
    assert offenders == []


def test_the_reference_admins_csv_and_xlsx_exports_escape_formulas():
    import tablib

    from apps.core.downloads import SafeCSV, SafeXLSX
    from apps.reference.admin import ReferenceAdmin

    assert ReferenceAdmin.formats == [SafeCSV, SafeXLSX]
    data = tablib.Dataset(["=cmd|' /C calc'!A0", "-2+3", 7], headers=["name", "code", "n"])
    assert SafeCSV().export_data(data).splitlines()[1] == "'=cmd|' /C calc'!A0,'-2+3,7"
    sheet = openpyxl.load_workbook(io.BytesIO(SafeXLSX().export_data(data))).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [("=cmd|' /C calc'!A0", "s"), ("-2+3", "s"), (7, "n")]
