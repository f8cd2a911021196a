import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.reference.models import CaseType, Milestone
from apps.tenants.roles import Role
from tests.factories import (
    CaseTypeFactory,
    CompetencyFactory,
    EPAAssessmentFactory,
    EPAFactory,
    LearnerFactory,
    MilestoneSetFactory,
    SpecialtyFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam_the_superuser(client):
    sam = SuperuserFactory(email="sam@rounds.example")
    client.force_login(sam)
    return sam


def _epa_form(epa, **changes):
    data = {"epa_set": epa.epa_set_id, "number": epa.number, "name": epa.name, "short_name": epa.short_name,
            "description": epa.description, "category": epa.category, "display_order": epa.display_order}
    data.update(changes)
    return data


def test_sam_the_superuser_edits_an_epa_and_its_history_names_him(client, sam_the_superuser):
    epa = EPAFactory(number=4, name="Gallbladder disease")
    url = reverse("admin:reference_epa_change", args=[epa.pk])
    response = client.post(url, _epa_form(epa, short_name="Gallbladder"))
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = epa.history.latest("history_date")
    assert latest.short_name == "Gallbladder"
    assert latest.history_user == sam_the_superuser
    history_page = client.get(reverse("admin:reference_epa_history", args=[epa.pk]))
    assert "sam@rounds.example" in history_page.content.decode()


def test_every_reference_list_page_opens_for_the_superuser(client, sam_the_superuser):
    CaseTypeFactory(company=None)
    for model in ("specialty", "competency", "entrustmentscale", "entrustmentlevel", "epaset", "epa",
                  "milestoneset", "milestone", "casetype", "feedbacktag"):
        assert client.get(reverse(f"admin:reference_{model}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:reference_{model}_import")).status_code == 200, model


def test_the_reference_admin_addresses_of_before_the_reference_app_redirect(client, sam_the_superuser):
    for old, new in (("/admin/assessments/epa/", "/admin/reference/epa/"),
                     ("/admin/academics/specialty/?q=surg", "/admin/reference/specialty/?q=surg")):
        response = client.get(old)
        assert response.status_code == 302 and response["Location"] == new, old


def test_carol_the_coordinator_cannot_reach_admin_change_pages(client, northwind, make_user):
    carol = make_user(northwind, Role.ORG_ADMIN, email="carol@northwind.example")
    carol.is_staff = True  # even a staff flag set by mistake does not open the reference admin
    carol.save()
    epa = EPAFactory()
    client.force_login(carol)
    response = client.get(reverse("admin:reference_epa_change", args=[epa.pk]))
    assert response.status_code == 403
    client.force_login(make_user(northwind, Role.ORG_ADMIN))
    response = client.get(reverse("admin:reference_epa_change", args=[epa.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_epa_with_assessments_keeps_its_number_and_name_and_cannot_be_deleted(
        client, sam_the_superuser, northwind):
    assessment = EPAAssessmentFactory(learner=LearnerFactory(program__sponsor__institution__company=northwind))
    epa = assessment.epa
    number, name = epa.number, epa.name
    page = client.get(reverse("admin:reference_epa_change", args=[epa.pk])).content.decode()
    assert 'name="name"' not in page and 'name="number"' not in page
    client.post(reverse("admin:reference_epa_change", args=[epa.pk]), _epa_form(epa, name="Renamed", number=40))
    epa.refresh_from_db()
    assert (epa.number, epa.name) == (number, name)
    assert client.get(reverse("admin:reference_epa_delete", args=[epa.pk])).status_code == 403
    set_page = client.get(reverse("admin:reference_epaset_change", args=[epa.epa_set_id])).content.decode()
    assert re.search(r'<input[^>]*name="epas-0-name"[^>]*disabled', set_page)


def test_importing_milestones_with_one_bad_row_shows_that_row_and_imports_nothing(client, sam_the_superuser):
    MilestoneSetFactory(version="2.0")
    CompetencyFactory()
    header = ("specialty_code,version,competency,subcompetency_code,title,level_1,level_2,level_3,level_4,level_5,"
              "display_order")
    rows = [
        "general_surgery,2.0,PC,PC1,Evaluation,,,,,,1",
        "general_surgery,2.0,PC,PC2,Half written,One,Two,,,,2",
        "general_surgery,2.0,patient_care,PC3,Complete,One,Two,Three,Four,Five,3",
    ]
    upload = SimpleUploadedFile("milestones.csv", "\n".join([header, *rows]).encode(), content_type="text/csv")
    response = client.post(reverse("admin:reference_milestone_import"),
                           {"import_file": upload, "format": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "level 3, level 4, level 5 missing" in page
    assert "Confirm import" not in page
    assert Milestone.objects.count() == 0


def test_importing_shared_case_types_reads_across_companies(client, sam_the_superuser):
    epa = EPAFactory(epa_set__version="2023")
    upload = SimpleUploadedFile(
        "case_types.csv", "specialty_code,epa_version,epa_number,company,code,name,typical_minutes,is_active\n"
        f"general_surgery,2023,{epa.number},,LAP_CHOLE,Laparoscopic cholecystectomy,,1\n".encode())
    response = client.post(reverse("admin:reference_casetype_import"), {"import_file": upload, "format": "0"})
    assert response.status_code == 200 and "Confirm import" in response.content.decode()
    assert CaseType.objects.unscoped().count() == 0  # the preview is a dry run


def test_scale_levels_must_run_from_one_without_gaps(client, sam_the_superuser):
    response = client.post(reverse("admin:reference_entrustmentscale_add"), {
        "code": "gappy", "name": "Gappy scale", "source": "",
        "levels-TOTAL_FORMS": "2", "levels-INITIAL_FORMS": "0",
        "levels-0-number": "1", "levels-0-label": "One", "levels-1-number": "3", "levels-1-label": "Three",
    })
    assert response.status_code == 200
    assert "must run 1 to 2 without gaps or repeats (got 1, 3)" in response.content.decode()


def test_a_specialty_cannot_require_itself_or_loop(client, sam_the_superuser):

    surgery = SpecialtyFactory()
    thoracic = SpecialtyFactory(code="thoracic_surgery", name="Thoracic Surgery", parent=surgery)
    thoracic.prerequisites.add(surgery)
    data = {"code": "general_surgery", "name": "General Surgery", "category": "surgical",
            "pathway_type": "categorical", "prerequisites": ["thoracic_surgery"], "parent": "thoracic_surgery"}
    response = client.post(reverse("admin:reference_specialty_change", args=["general_surgery"]), data)
    page = response.content.decode()
    assert "would make a cycle: it already requires general_surgery" in page
    assert "would make a cycle: it descends from general_surgery" in page
    data.update(prerequisites=["general_surgery"], parent="")
    page = client.post(reverse("admin:reference_specialty_change", args=["general_surgery"]), data).content.decode()
    assert "A specialty cannot be its own prerequisite." in page
