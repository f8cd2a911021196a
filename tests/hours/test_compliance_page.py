"""The compliance report as Cora reads it: its rows (written in Python since issue 15's speed-up)
are the bytes the template wrote, names, notes and rotations escaped, a resident being recomputed
says so, and the page's counts are the API's and the CSV's for the same period."""

import csv
import datetime as dt
import io
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.hours import findings, rules
from apps.hours.models import ComplianceNote, ComplianceState, WorkEntry
from tests.factories import AssignmentFactory, LearnerFactory, RotationTypeFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/New_York")
CODES = [r for r in rules.RULES if r not in rules.WARNINGS]


def local(day, hour=0, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def log(learner, kind, start, end):
    WorkEntry.objects.create(learner=learner, company=learner.company, kind=kind, start=start, end=end)


@pytest.fixture
def local_today():
    return timezone.localtime(timezone.now(), TZ).date()


@pytest.fixture
def ward(surgery, cora, local_today):
    """Three residents of surgery: Abe (PGY-2) rests 6 h after a 24-hour call on a rotation named
    with markup, with Cora's note; Ann <b>& O'Hara (PGY-1, a name with markup) moonlights 4 h after
    a shift; Zed
    has logged a shift whose recompute has not run yet."""
    abe = LearnerFactory(program=surgery, pgy_level=2, user__first_name="Abe", user__last_name="Able")
    call = local(local_today - dt.timedelta(days=5), 7)
    log(abe, rules.IN_HOUSE_CALL, call, call + dt.timedelta(hours=24))
    log(abe, rules.CLINICAL, call + dt.timedelta(hours=30), call + dt.timedelta(hours=36))
    trauma = RotationTypeFactory(program=surgery, name="Trauma & <ICU>")
    AssignmentFactory(learner=abe, rotation_type=trauma, start_date=local_today - dt.timedelta(days=10),
                      end_date=local_today + dt.timedelta(days=10))
    ComplianceNote.objects.create(learner=abe, company=abe.company, rule=rules.REST_14_AFTER_24,
                                  starts_on=(call + dt.timedelta(hours=24)).date(), text="Stayed <late> & tired",
                                  author=cora)
    ann = LearnerFactory(program=surgery, pgy_level=1, user__first_name="Ann <b>&", user__last_name="O'Hara")
    night = local(local_today - dt.timedelta(days=3), 18)
    log(ann, rules.CLINICAL, night - dt.timedelta(hours=12), night - dt.timedelta(hours=4))  # 4 h off: rest_8
    log(ann, rules.MOONLIGHT_EXTERNAL, night, night + dt.timedelta(hours=4))
    zed = LearnerFactory(program=surgery, pgy_level=3, user__first_name="Zed", user__last_name="Zulu")
    for learner in (abe, ann, zed):
        findings.compliance_recompute(company_id=learner.company_id, learner_id=learner.pk)
    log(zed, rules.CLINICAL, local(local_today - dt.timedelta(days=1), 6), local(local_today - dt.timedelta(days=1), 9))
    ComplianceState.objects.for_company(zed.company_id).filter(learner=zed).update(stale=True)  # the write's mark
    return abe, ann, zed, call


def summary_rows(page):
    body = page.split("<h2>Per resident and rule</h2>", 1)[1].split("</tbody>", 1)[0]
    return body.split("<tbody>", 1)[1]


def test_coras_report_writes_the_rows_the_template_wrote(client, cora, surgery, ward, local_today):
    abe, ann, zed, call = ward
    client.force_login(cora)
    page = client.get(f"/hours/programs/{surgery.pk}/compliance/").content.decode()
    start, end = (local_today - dt.timedelta(days=90)).isoformat(), local_today.isoformat()
    period = f"?start={start}&amp;end={end}"
    base = f"/hours/programs/{surgery.pk}/compliance/"
    assert summary_rows(page) == (
        f'<tr><td><a href="{base}{abe.pk}/{period}">Abe Able</a></td><td>2</td>'
        "<td>0</td><td>0</td><td>0</td><td><strong>1</strong></td><td>0</td><td>0</td><td>0</td></tr>\n"
        f'<tr><td><a href="{base}{ann.pk}/{period}">Ann &lt;b&gt;&amp; O&#x27;Hara</a></td><td>1</td>'
        "<td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td><strong>1</strong></td><td>1</td></tr>\n"
        f'<tr><td><a href="{base}{zed.pk}/{period}">Zed Zulu</a></td><td>3</td>'
        '<td colspan="7">being recomputed</td></tr>\n')
    assert "<strong>Being recomputed, not counted below:</strong> Zed Zulu.</p>" in page
    month = timezone.localtime(call + dt.timedelta(hours=24), TZ).strftime("%Y-%m")
    months = sorted({month, timezone.localtime(call + dt.timedelta(days=2), TZ).strftime("%Y-%m")})
    assert f'<tr><th scope="row">{months[0]}</th>' in page
    rest_from = timezone.localtime(call + dt.timedelta(hours=24), TZ).strftime("%Y-%m-%d %H:%M")
    rest_to = timezone.localtime(call + dt.timedelta(hours=30), TZ).strftime("%Y-%m-%d %H:%M")
    assert (f'<tr><td><a href="{base}{abe.pk}/{period}">Abe Able</a></td><td>rest_14_after_24</td>'
            f"<td>{rest_from}</td><td>{rest_to}</td>") in page
    assert "<td>Trauma &amp; &lt;ICU&gt;</td><td>Stayed &lt;late&gt; &amp; tired</td></tr>\n" in page
    assert f'<a href="{base}{ann.pk}/{period}">Ann &lt;b&gt;&amp; O&#x27;Hara</a></td><td>rest_8 (warning)</td>' in page
    assert "<td>pgy1_moonlighting</td>" in page and "<td>—</td><td></td></tr>" in page
    only = client.get(f"/hours/programs/{surgery.pk}/compliance/?rule=pgy1_moonlighting").content.decode()
    violations = only.split("<h2>Violations of pgy1_moonlighting</h2>", 1)[1]
    assert "pgy1_moonlighting" in violations and "rest_14_after_24" not in violations


def test_the_page_counts_are_the_apis_and_the_csvs(client, cora, surgery, ward, local_today):
    abe, ann, zed, _ = ward
    start, end = local_today - dt.timedelta(days=60), local_today
    client.force_login(cora)
    page = client.get(f"/hours/programs/{surgery.pk}/compliance/?start={start}&end={end}").content.decode()
    on_page = {}
    for learner_id, cells in re.findall(r'compliance/([0-9a-f-]{36})/\?[^"]*">[^<]*</a></td><td>\d</td>(.*?)</tr>',
                                        summary_rows(page)):
        numbers = [int(n) for n in re.findall(r"<td>(?:<strong>)?(\d+)", cells)]
        on_page[learner_id] = dict(zip([*CODES, "rest_8"], numbers)) if numbers else "pending"
    export = client.get(f"/hours/programs/{surgery.pk}/compliance/export/?start={start}&end={end}").content.decode()
    in_csv = Counter((r["resident"], r["rule"] or r["kind"]) for r in csv.DictReader(io.StringIO(export)))
    assert on_page[str(zed.pk)] == "pending" and in_csv[("Zed Zulu", "pending")] == 1
    for learner in (abe, ann):
        api = client.get(f"/api/hours/learners/{learner.pk}/compliance/?start={start}&end={end}").json()
        assert api["pending"] is False
        from_api = Counter(v["rule"] for v in api["violations"] + api["warnings"])
        assert on_page[str(learner.pk)] == {rule: from_api[rule] for rule in [*CODES, "rest_8"]}
        assert {rule: in_csv[(str(learner), rule)] for rule in [*CODES, "rest_8"]} == on_page[str(learner.pk)]
    assert on_page[str(abe.pk)]["rest_14_after_24"] == 1 and on_page[str(ann.pk)]["rest_8"] == 1


def test_charlie_from_another_company_gets_404_for_the_report_and_its_csv(client, charlie, surgery, ward):
    client.force_login(charlie)
    assert client.get(f"/hours/programs/{surgery.pk}/compliance/").status_code == 404
    assert client.get(f"/hours/programs/{surgery.pk}/compliance/export/").status_code == 404


def test_rhea_a_resident_of_the_program_may_not_read_its_report(client, rhea, surgery, ward):
    client.force_login(rhea.user)
    assert client.get(f"/hours/programs/{surgery.pk}/compliance/").status_code in (403, 404)


def test_the_report_reads_the_time_zone_of_the_programs_policy_or_the_default(client, cora, surgery, ward,
                                                                             local_today):
    """The program's row comes with its policy's time zone (one prepared read): the same zone as
    ``program_time_zone``; a program without a policy gets the default's, not someone else's."""
    from apps.academics.access import get_program_row_for_user
    from apps.hours import selectors
    from apps.hours.models import HoursPolicy

    program, row = get_program_row_for_user(cora, surgery.pk, also=("hours_policy__time_zone",))
    assert (program.pk, program.name) == (surgery.pk, surgery.name)
    assert selectors.time_zone_named(row["hours_policy__time_zone"]) == selectors.program_time_zone(surgery)
    HoursPolicy.objects.for_company(surgery.company_id).filter(program=surgery).update(time_zone="America/Chicago")
    program, row = get_program_row_for_user(cora, surgery.pk, also=("hours_policy__time_zone",))
    assert selectors.time_zone_named(row["hours_policy__time_zone"]) == ZoneInfo("America/Chicago")
    client.force_login(cora)
    page = client.get(f"/hours/programs/{surgery.pk}/compliance/").content.decode()
    # computed for New York: every resident is pending until recomputed, never shown with old numbers
    assert summary_rows(page).count("being recomputed") == 3
    HoursPolicy.objects.for_company(surgery.company_id).filter(program=surgery).delete()
    program, row = get_program_row_for_user(cora, surgery.pk, also=("hours_policy__time_zone",))
    assert row["hours_policy__time_zone"] is None
    assert selectors.time_zone_named(None) == ZoneInfo(HoursPolicy(program=surgery).time_zone)


def test_the_program_read_for_the_report_is_the_program(cora, surgery):
    from apps.academics.access import get_program_row_for_user

    program, _ = get_program_row_for_user(cora, surgery.pk)
    assert (program.pk, program.company_id, program.name) == (surgery.pk, surgery.company_id, surgery.name)
    assert program.sponsor_id == surgery.sponsor_id  # any other field is read on access
