import datetime

import pytest
from django.db import IntegrityError, transaction

from apps.academics.models import Learner
from apps.audit.models import AuditLog
from tests.factories import AcademicYearFactory, LearnerFactory, ProgramFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_casey_previews_then_applies_promotion_and_history_records_it(client, casey, program):
    program.specialty.typical_duration_years = 5
    program.specialty.save()
    pgy2 = LearnerFactory(program=program, pgy_level=2, user__last_name="Two")
    chief = LearnerFactory(program=program, pgy_level=5, user__last_name="Chief")
    on_leave = LearnerFactory(program=program, pgy_level=3, status=Learner.Status.LEAVE_OF_ABSENCE)
    StudentFactory(program=program)
    client.force_login(casey)
    preview = client.get(f"/programs/{program.pk}/promotion/").content.decode()
    assert "PGY-3" in preview and "Graduates" in preview
    pgy2.refresh_from_db()
    assert pgy2.pgy_level == 2  # a preview writes nothing
    key = "promo-2027"
    response = client.post(f"/programs/{program.pk}/promotion/", {"graduation_date": "2027-06-30", "key": key})
    assert response.status_code == 302
    client.post(f"/programs/{program.pk}/promotion/", {"graduation_date": "2027-06-30", "key": key})  # twice
    pgy2.refresh_from_db(); chief.refresh_from_db(); on_leave.refresh_from_db()
    assert pgy2.pgy_level == 3 and on_leave.pgy_level == 3
    assert chief.status == Learner.Status.COMPLETED and chief.actual_graduation_date == datetime.date(2027, 6, 30)
    assert [h.pgy_level for h in pgy2.history.all()] == [3, 2]
    assert chief.history.first().history_user == casey
    assert AuditLog.objects.for_company(program.company).filter(action="learner.promote").count() == 1


def test_casey_creates_a_year_and_generates_monthly_blocks(client, casey, program):
    client.force_login(casey)
    response = client.post(f"/programs/{program.pk}/years/", {"name": "2027-2028", "start_date": "2027-07-01",
                                                              "end_date": "2028-06-30", "is_current": "on"})
    year = program.academic_years.get()
    assert response["Location"].endswith(f"/years/{year.pk}/")
    client.post(response["Location"], {"pattern": "monthly"})
    assert [(b.start_date.month, b.end_date.day) for b in year.blocks.order_by("number")][:2] == [(7, 31), (8, 31)]
    assert year.blocks.count() == 12
    again = client.post(response["Location"], {"pattern": "custom", "custom": "2027-07-10 2027-07-20"})
    assert "Overlaps Block 1 (2027-07-01–2027-07-31)" in again.content.decode()
    assert year.blocks.count() == 12


def test_thirteen_four_week_blocks_cover_the_year(casey, year):
    blocks = list(year.blocks.order_by("number"))
    assert len(blocks) == 13 and blocks[0].start_date == year.start_date and blocks[-1].end_date == year.end_date


def test_casey_cannot_add_an_academic_year_overlapping_another_of_the_program(client, casey, program):
    client.force_login(casey)
    client.post(f"/programs/{program.pk}/years/", {"name": "2026-2027", "start_date": "2026-07-01",
                                                   "end_date": "2027-06-30"})
    response = client.post(f"/programs/{program.pk}/years/", {"name": "Aug 2026", "start_date": "2026-08-01",
                                                              "end_date": "2027-07-31"})
    assert response.status_code == 200
    assert ("2026-08-01–2027-07-31 overlaps the academic year 2026-2027 (2026-07-01–2027-06-30)"
            in response.content.decode())
    assert list(program.academic_years.values_list("name", flat=True)) == ["2026-2027"]
    following = client.post(f"/programs/{program.pk}/years/", {"name": "2027-2028", "start_date": "2027-07-01",
                                                               "end_date": "2028-06-30"})
    assert following.status_code == 302  # the next year starts the day after


def test_the_database_refuses_overlapping_years_of_one_program_but_not_of_two(casey, program, sponsor):
    AcademicYearFactory(program=program, name="2026-2027")
    with pytest.raises(IntegrityError, match="year_no_overlap"), transaction.atomic():
        AcademicYearFactory(program=program, name="Aug 2026", start_date=datetime.date(2026, 8, 1),
                            end_date=datetime.date(2027, 7, 31), is_current=False)
    AcademicYearFactory(program=ProgramFactory(sponsor=sponsor), name="2026-2027")
