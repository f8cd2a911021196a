import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AuditLog
from apps.reference.models import CaseType, FeedbackTag
from apps.tenants.roles import Role
from tests.factories import (
    CaseTypeFactory,
    CompetencyFactory,
    EPAFactory,
    EPASetFactory,
    FeedbackTagFactory,
    MilestoneFactory,
    MilestoneSetFactory,
    ProgramFactory,
    SpecialtyFactory,
    scale_with_levels,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nora_the_northwind_coordinator(northwind, make_user):
    program = ProgramFactory(sponsor__institution__company=northwind)
    return make_user(northwind, Role.COORDINATOR, program=program, email="nora@northwind.example")


@pytest.fixture
def charlie_from_southbay(southbay, make_user):
    return make_user(southbay, Role.ORG_ADMIN, email="charlie@southbay.example")


def test_nora_adds_a_private_tag_that_only_northwind_sees(client, nora_the_northwind_coordinator,
                                                        charlie_from_southbay):
    FeedbackTagFactory(name="Technical performance")
    client.force_login(nora_the_northwind_coordinator)
    form = {"category": "strength", "name": "Northwind bedside manner", "description": "Our own"}
    response = client.post(reverse("reference_feedback_tag_create"), form)
    assert response.status_code == 302
    client.post(reverse("reference_feedback_tag_create"), form)  # a double submit adds nothing
    tag = FeedbackTag.objects.for_company(nora_the_northwind_coordinator.company).get()
    assert tag.history.latest("history_date").history_user == nora_the_northwind_coordinator
    audit = AuditLog.objects.for_company(tag.company_id).filter(action="feedback_tag.create_private")
    assert audit.filter(entity_id=str(tag.pk)).count() == 1
    page = client.get(reverse("reference_library")).content.decode()
    assert "Northwind bedside manner" in page and "private" in page and "Technical performance" in page

    client.force_login(charlie_from_southbay)
    page = client.get(reverse("reference_library")).content.decode()
    assert "Technical performance" in page and "Northwind bedside manner" not in page
    api = client.get(reverse("reference-feedback-tag-list")).json()
    assert [row["name"] for row in api["results"]] == ["Technical performance"]
    assert list(FeedbackTag.objects.visible_to(charlie_from_southbay.company)) != list(
        FeedbackTag.objects.visible_to(nora_the_northwind_coordinator.company))


def test_a_shared_name_is_refused_beside_the_field(client, nora_the_northwind_coordinator):
    FeedbackTagFactory(name="Communication")
    client.force_login(nora_the_northwind_coordinator)
    response = client.post(reverse("reference_feedback_tag_create"), {"category": "strength", "name": "Communication"})
    assert response.status_code == 200
    assert "A shared feedback tag already has this name." in response.content.decode()
    assert FeedbackTag.objects.unscoped().count() == 1


def test_nora_adds_and_deactivates_a_private_case_type(client, nora_the_northwind_coordinator):
    epa = EPAFactory(epa_set=EPASetFactory(), number=4)
    client.force_login(nora_the_northwind_coordinator)
    response = client.post(reverse("reference_case_type_create"),
                           {"epa": epa.pk, "code": "robotic_chole", "name": "Robotic cholecystectomy"})
    assert response.status_code == 302
    case_type = CaseType.objects.for_company(nora_the_northwind_coordinator.company).get()
    assert case_type.code == "ROBOTIC_CHOLE"
    response = client.post(reverse("reference_case_type_deactivate", args=[case_type.pk]))
    assert response.status_code == 302
    case_type.refresh_from_db()
    assert case_type.is_active is False


def test_charlie_from_southbay_gets_404_for_northwinds_private_rows(client, northwind, charlie_from_southbay):
    tag = FeedbackTagFactory(company=northwind, name="Northwind only")
    case_type = CaseTypeFactory(company=northwind)
    client.force_login(charlie_from_southbay)
    assert client.post(reverse("reference_feedback_tag_deactivate", args=[tag.pk])).status_code == 404
    assert client.post(reverse("reference_case_type_deactivate", args=[case_type.pk])).status_code == 404
    tag.refresh_from_db()
    assert tag.is_active


def test_nobody_deactivates_a_shared_row_from_the_tenant_pages(client, nora_the_northwind_coordinator):
    shared = FeedbackTagFactory(name="Efficiency and flow")
    client.force_login(nora_the_northwind_coordinator)
    assert client.post(reverse("reference_feedback_tag_deactivate", args=[shared.pk])).status_code == 404
    shared.refresh_from_db()
    assert shared.is_active


def test_fiona_the_faculty_member_reads_the_library_but_cannot_add_private_rows(client, northwind, make_user):
    program = ProgramFactory(sponsor__institution__company=northwind)
    fiona = make_user(northwind, Role.FACULTY, program=program)
    tag = FeedbackTagFactory(company=northwind, name="Northwind only")
    client.force_login(fiona)
    page = client.get(reverse("reference_library"))
    assert page.status_code == 200 and "Reference library" in page.content.decode()
    assert 'href="/reference/"' in page.content.decode()  # the nav item
    assert client.get(reverse("reference_feedback_tag_create")).status_code == 403
    assert client.post(reverse("reference_case_type_create"), {}).status_code == 403
    assert client.post(reverse("reference_feedback_tag_deactivate", args=[tag.pk])).status_code == 403


def test_the_library_lists_epas_in_order_with_scale_levels(client, nora_the_northwind_coordinator):
    epa_set = EPASetFactory(name="General Surgery EPAs (ABS)", version="2023", scale=scale_with_levels(4))
    EPAFactory(epa_set=epa_set, number=2, name="Benign or malignant breast disease")
    EPAFactory(epa_set=epa_set, number=1, name="RLQ pain/Appendicitis")
    CompetencyFactory()
    client.force_login(nora_the_northwind_coordinator)
    page = client.get(reverse("reference_library")).content.decode()
    assert page.index("EPA 1: RLQ pain/Appendicitis") < page.index("EPA 2: Benign or malignant breast disease")
    assert "Level 4" in page and "Patient Care" in page


def _more_reference_data(company, sets):
    for index in range(sets):
        epa_set = EPASetFactory(name=f"Set {index}", scale=scale_with_levels(5, code=f"scale_{index}"))
        for number in range(1, 4):
            epa = EPAFactory(epa_set=epa_set, number=number)
            CaseTypeFactory(epa=epa)
            CaseTypeFactory(epa=epa, company=company)
        FeedbackTagFactory()
        FeedbackTagFactory(company=company)
        MilestoneFactory(milestone_set=MilestoneSetFactory(version=f"grow{sets}_{index}"))
        specialty = SpecialtyFactory(code=f"fellowship_{sets}_{index}", name=f"Fellowship {sets} {index}",
                                     parent=SpecialtyFactory())
        specialty.prerequisites.add(SpecialtyFactory())


def test_the_library_page_and_api_query_counts_do_not_grow_with_the_data(
        client, nora_the_northwind_coordinator, django_assert_num_queries):
    company = nora_the_northwind_coordinator.company
    client.force_login(nora_the_northwind_coordinator)
    _more_reference_data(company, 1)
    urls = [reverse("reference_library"), reverse("reference-epa-set-list"), reverse("reference-case-type-list"),
            reverse("reference-feedback-tag-list"), reverse("reference-competency-list"),
            reverse("reference-specialty-list"), reverse("reference-entrustment-scale-list"),
            reverse("reference-epa-list"), reverse("reference-milestone-set-list"), reverse("reference-milestone-list")]
    counts = {}
    for url in urls:
        client.get(url)  # warm the session/membership caches the same way for both runs
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts[url] = len(captured)
    _more_reference_data(company, 4)
    for url in urls:
        with django_assert_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_the_api_refuses_writes_from_tenant_users(client, nora_the_northwind_coordinator):
    client.force_login(nora_the_northwind_coordinator)
    for name in ("reference-epa-set-list", "reference-competency-list", "reference-case-type-list",
                 "reference-feedback-tag-list"):
        response = client.post(reverse(name), {"name": "Sneaky"}, content_type="application/json")
        assert response.status_code == 403, name


def test_the_api_lists_epa_sets_with_epas_and_levels(client, nora_the_northwind_coordinator):
    epa_set = EPASetFactory(version="2023", scale=scale_with_levels(4))
    EPAFactory(epa_set=epa_set, number=1, name="RLQ pain/Appendicitis")
    client.force_login(nora_the_northwind_coordinator)
    body = client.get(reverse("reference-epa-set-list")).json()
    listed = [row for row in body["results"] if row["id"] == epa_set.pk][0]
    assert [epa["name"] for epa in listed["epas"]] == ["RLQ pain/Appendicitis"]
    assert [level["number"] for level in listed["levels"]] == [1, 2, 3, 4]
