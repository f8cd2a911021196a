import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import FacultyFactory, LearnerFactory, StudentFactory

pytestmark = pytest.mark.django_db

# The session, the user, the program (one prepared read), their memberships, then the roster's count
# and its page (prepared values reads, LIMIT/OFFSET in SQL). Issue 19: was 7 (the program through the
# ORM with its specialty, and a list of tracks the page never showed).
ROSTER_QUERIES = 6


def test_casey_pages_the_roster_in_the_same_number_of_queries_for_5_or_50_learners(
        client, casey, program, django_assert_num_queries):
    client.force_login(casey)
    for _ in range(5):
        LearnerFactory(program=program)
    client.get(f"/programs/{program.pk}/roster/")  # warm-up: the first request after sign-in touches the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/programs/{program.pk}/roster/").status_code == 200
    for _ in range(45):
        LearnerFactory(program=program)
    assert len(small.captured_queries) == ROSTER_QUERIES
    with django_assert_num_queries(ROSTER_QUERIES):
        response = client.get(f"/programs/{program.pk}/roster/")
    assert "50 people" in response.content.decode() or "51 people" in response.content.decode()


def test_casey_searches_filters_and_sorts_learners_and_faculty_in_one_list(client, casey, program, riley):
    LearnerFactory(program=program, user__last_name="Abara", pgy_level=1, track="Research")
    StudentFactory(program=program, user__last_name="Stone")
    FacultyFactory(program=program, user__last_name="Haddad")
    client.force_login(casey)
    everyone = client.get(f"/programs/{program.pk}/roster/").content.decode()
    assert everyone.index("Abara") < everyone.index("Chen") < everyone.index("Haddad") < everyone.index("Stone")
    by_name = client.get(f"/programs/{program.pk}/roster/", {"q": "riley@north"}).content.decode()
    assert "Chen" in by_name and "Abara" not in by_name
    pgy1 = client.get(f"/programs/{program.pk}/roster/", {"pgy": 1, "track": "research"}).content.decode()
    assert "Abara" in pgy1 and "Chen" not in pgy1 and "Haddad" not in pgy1
    faculty = client.get(f"/programs/{program.pk}/roster/", {"role": "faculty"}).content.decode()
    assert "Haddad" in faculty and "Chen" not in faculty
    desc = client.get(f"/programs/{program.pk}/roster/", {"sort": "-name"}).content.decode()
    assert desc.index("Stone") < desc.index("Abara")


def test_the_roster_pages_25_at_a_time(client, casey, program):
    for _ in range(30):
        LearnerFactory(program=program)
    client.force_login(casey)
    body = client.get(f"/programs/{program.pk}/roster/", {"page": 2}).content.decode()
    assert "Page 2 of 2" in body


def test_riley_sees_her_own_page_but_not_a_classmates(client, program, riley):
    classmate = LearnerFactory(program=program)
    client.force_login(riley.user)
    assert client.get(f"/programs/{program.pk}/people/{riley.user_id}/").status_code == 200
    assert client.get(f"/programs/{program.pk}/people/{classmate.user_id}/").status_code == 404
    assert client.get(f"/programs/{program.pk}/roster/").status_code == 403


def test_faith_sees_the_learners_she_supervises(client, program, riley, trauma):
    from tests.factories import AssignmentFactory

    faith = FacultyFactory(program=program)
    AssignmentFactory(learner=riley, rotation_type=trauma, primary_supervisor=faith)
    client.force_login(faith.user)
    assert "Riley" in client.get(f"/programs/{program.pk}/").content.decode()
    assert client.get(f"/programs/{program.pk}/people/{riley.user_id}/").status_code == 200


def test_faculty_open_a_learners_person_page_exactly_when_they_may_open_her_analytics(client, program, sponsor):
    """One rule (apps.academics.access.can_view_learner) for every page about a learner: herself, and
    her program's managers and faculty. Faculty of another program, and other learners, get 404."""
    from tests.factories import ProgramFactory

    learner = LearnerFactory(program=program)
    colleague = FacultyFactory(program=program).user  # supervises nobody
    elsewhere = FacultyFactory(program=ProgramFactory(sponsor=sponsor, name="Northwind Pediatrics")).user
    peer = LearnerFactory(program=program).user
    for person, expected in ((colleague, 200), (elsewhere, 404), (peer, 404), (learner.user, 200)):
        client.force_login(person)
        analytics = client.get(f"/analytics/learners/{learner.pk}/").status_code
        person_page = client.get(f"/programs/{program.pk}/people/{learner.user_id}/").status_code
        assert (analytics, person_page) == (expected, expected), person


def test_the_program_list_shows_only_my_programs(client, casey, program, sponsor):
    from tests.factories import ProgramFactory

    ProgramFactory(sponsor=sponsor, name="Northwind Pediatrics")
    client.force_login(casey)
    body = client.get("/programs/").content.decode()
    assert "Northwind General Surgery" in body and "Northwind Pediatrics" not in body
    assert 'href="/programs/"' in client.get("/").content.decode()  # the nav item


def test_a_program_of_60_people_pages_in_the_database_with_coordinators_listed_once(
        client, casey, program, django_assert_num_queries):
    from apps.tenants.roles import Role
    from tests.factories import MembershipFactory

    for _ in range(55):
        LearnerFactory(program=program)
    chief = FacultyFactory(program=program, user__last_name="Zzyzx")  # faculty and coordinator: one row
    MembershipFactory(user=chief.user, role=Role.COORDINATOR, program=program)
    client.force_login(casey)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/programs/{program.pk}/roster/", {"page": 3}).content.decode()
    assert "57 people" in body and "Page 3 of 3" in body  # 55 learners, the chief, Casey
    assert body.count("Zzyzx") == 1 and "Program coordinator, Faculty" in body
    # paged in SQL; the limit is the page size (prepared: one compiled SQL per page number), the last page has 7
    assert any("LIMIT 25 OFFSET 50" in q["sql"] for q in queries.captured_queries)
    assert "Casey" in client.get(f"/programs/{program.pk}/roster/", {"role": "coordinator"}).content.decode()


def test_a_1500_word_search_answers_at_once_with_a_message_and_searches_8_words(client, casey, program, riley):
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(casey)
    words = " ".join(["riley"] + [f"word{n}" for n in range(1, 1500)])
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/programs/{program.pk}/roster/", {"q": words})
    assert time.monotonic() - started < 3
    body = response.content.decode()
    assert response.status_code == 200
    assert "Only the first 8 words (up to 200 characters) were searched" in body
    assert max(query["sql"].count("LIKE") for query in queries.captured_queries) <= 8 * 3
    short = client.get(f"/programs/{program.pk}/roster/", {"q": "riley chen"}).content.decode()
    assert "Only the first" not in short and "Chen, Riley" in short
