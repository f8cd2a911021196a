import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.academics import services
from apps.academics.models import RotationAssignment
from apps.core import rls
from apps.tenants.roles import Role
from tests.factories import (
    AcademicYearFactory,
    LearnerFactory,
    MembershipFactory,
    ProgramFactory,
    RotationTypeFactory,
    SponsorFactory,
    UserFactory,
)


@pytest.mark.django_db(transaction=True)
def test_two_racing_requests_for_overlapping_dates_let_exactly_one_win(northwind):
    program = ProgramFactory(sponsor=SponsorFactory(institution__company=northwind))
    learner = LearnerFactory(program=program)
    rotations = [RotationTypeFactory(program=program, code=code) for code in ("ACS", "TRA")]
    actor = UserFactory(company=northwind)
    barrier, outcomes = threading.Barrier(2), []

    def book(rotation, start, end):
        try:
            barrier.wait()
            with rls.tenant(northwind.pk):  # a thread starts with no tenant bound, like a request without a user
                services.rotation_assignment_create(actor=actor, learner=learner, rotation_type=rotation,
                                                    start_date=start, end_date=end)
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.message_dict["rotation_type"][0])
        finally:
            connection.close()

    import datetime
    threads = [threading.Thread(target=book, args=(rotations[0], datetime.date(2026, 7, 1), datetime.date(2026, 7, 28))),
               threading.Thread(target=book, args=(rotations[1], datetime.date(2026, 7, 15), datetime.date(2026, 8, 11)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("saved") == 1
    assert RotationAssignment.objects.for_company(northwind).count() == 1


@pytest.mark.django_db
def test_the_api_creates_assignments_with_the_same_rules_and_field_errors(client, casey, program, blocks, riley,
                                                                          acs, trauma, clinic):
    client.force_login(casey)
    created = client.post("/api/assignments/", {"learner": riley.pk, "rotation_type": acs.pk,
                                                "start_date": "2026-07-01", "end_date": "2026-07-28"},
                          content_type="application/json")
    assert created.status_code == 201, created.json()
    overlap = client.post("/api/assignments/", {"learner": riley.pk, "rotation_type": trauma.pk,
                                                "start_date": "2026-07-20", "end_date": "2026-08-01"},
                          content_type="application/json")
    assert overlap.status_code == 400
    assert overlap.json()["rotation_type"] == ["Already scheduled on 2026-07-01–2026-07-28 for Acute Care Surgery."]
    assert riley.assignments.count() == 1
    listed = client.get("/api/assignments/").json()
    assert listed["count"] == 1 and client.get("/api/learners/").json()["results"][0]["email"] == riley.user.email
    assert [p["name"] for p in client.get("/api/programs/").json()["results"]] == ["Northwind General Surgery"]


@pytest.mark.django_db
def test_charlie_from_southbay_cannot_assign_a_northwind_learner_through_the_api(client, southbay, program, riley,
                                                                                 acs):
    charlie = UserFactory(company=southbay)
    own = ProgramFactory(sponsor=SponsorFactory(institution__company=southbay), name="Southbay Surgery")
    MembershipFactory(user=charlie, role=Role.COORDINATOR, program=own)
    AcademicYearFactory(program=own)
    client.force_login(charlie)
    response = client.post("/api/assignments/", {"learner": riley.pk, "rotation_type": acs.pk,
                                                 "start_date": "2026-07-01", "end_date": "2026-07-28"},
                           content_type="application/json")
    assert response.status_code == 400 and "learner" in response.json()
    assert client.get(f"/api/learners/{riley.pk}/").status_code == 404
    assert client.get(f"/programs/{program.pk}/").status_code == 404
    assert not riley.assignments.exists()
