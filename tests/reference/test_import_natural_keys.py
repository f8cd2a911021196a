import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.reference import resources
from apps.reference.models import EPA, CaseType, EntrustmentLevel, Milestone
from tests.factories import (
    CaseTypeFactory,
    CompetencyFactory,
    EPAFactory,
    EPASetFactory,
    MilestoneFactory,
    MilestoneSetFactory,
    SuperuserFactory,
    scale_with_levels,
)

pytestmark = pytest.mark.django_db

RESOURCES = [resources.EntrustmentLevelResource, resources.EPASetResource, resources.EPAResource,
             resources.MilestoneSetResource, resources.MilestoneResource, resources.CaseTypeResource]


def _library():
    epa_set = EPASetFactory(version="2023", scale=scale_with_levels(4))
    for number in (1, 2):
        CaseTypeFactory(epa=EPAFactory(epa_set=epa_set, number=number))
    MilestoneFactory(milestone_set=MilestoneSetFactory(version="2.0"), competency=CompetencyFactory())
    return epa_set


def _history_rows():
    return sum(model.history.count() for model in (EPA, CaseType, EntrustmentLevel, Milestone))


def test_export_then_reimport_changes_nothing():
    _library()
    before = _history_rows()
    for resource_class in RESOURCES:
        dataset = resource_class().export()
        assert "id" not in dataset.headers and "epa_set" not in dataset.headers
        result = resource_class().import_data(dataset, dry_run=False, raise_errors=True)
        assert not result.has_validation_errors(), resource_class
        assert (result.totals["new"], result.totals["update"]) == (0, 0), resource_class
        assert result.totals["skip"] == len(dataset), resource_class
    assert _history_rows() == before


def test_exports_name_sets_and_epas_by_natural_keys():
    _library()
    epas = resources.EPAResource().export()
    assert epas.headers[:3] == ["specialty_code", "version", "number"]
    assert epas.dict[0]["specialty_code"] == "general_surgery" and epas.dict[0]["version"] == "2023"
    case_types = resources.CaseTypeResource().export()
    assert case_types.headers[:3] == ["specialty_code", "epa_version", "epa_number"]
    milestones = resources.MilestoneResource().export()
    assert milestones.dict[0]["competency"] == "PC"


def test_milestones_accept_the_competency_code_as_well_as_its_abbreviation():
    milestone_set = MilestoneSetFactory(version="2.0")
    CompetencyFactory()
    dataset = resources.MilestoneResource().export()
    dataset.append(["general_surgery", "2.0", "patient_care", "PC9", "Nine", "", "", "", "", "", 9])
    result = resources.MilestoneResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert result.totals["new"] == 1
    assert milestone_set.milestones.get(subcompetency_code="PC9").competency_id == "patient_care"


def test_sam_imports_epas_with_an_unknown_version_and_sees_that_row_refused(client):
    client.force_login(SuperuserFactory())
    EPASetFactory(version="2023")
    csv = ("specialty_code,version,number,name,short_name,description,category,display_order\n"
           "general_surgery,2023,1,RLQ pain/Appendicitis,Appendicitis,,,1\n"
           "general_surgery,2099,2,Benign or malignant breast disease,Breast disease,,,2\n")
    upload = SimpleUploadedFile("epas.csv", csv.encode(), content_type="text/csv")
    response = client.post(reverse("admin:reference_epa_import"), {"import_file": upload, "format": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "No EPA set with specialty_id general_surgery, version 2099." in page
    assert "Confirm import" not in page
    assert EPA.objects.count() == 0


def test_an_import_with_one_unknown_epa_writes_no_row():
    EPAFactory(epa_set=EPASetFactory(version="2023"), number=1)
    dataset = resources.CaseTypeResource().export()
    dataset.append(["general_surgery", "2023", 1, "", "LAP_APPY", "Laparoscopic appendectomy", "", 1])
    dataset.append(["general_surgery", "1999", 1, "", "OPEN_APPY", "Open appendectomy", "", 1])
    result = resources.CaseTypeResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert result.has_errors() or result.has_validation_errors()
    assert CaseType.objects.unscoped().count() == 0
