import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.reference.models import (
    EPA,
    CaseType,
    Competency,
    EntrustmentLevel,
    EntrustmentScale,
    EPASet,
    FeedbackTag,
    Milestone,
    MilestoneSet,
    Specialty,
)

pytestmark = pytest.mark.django_db

ABS_EPA_NAMES = [
    "RLQ pain/Appendicitis", "Benign or malignant breast disease", "Benign or malignant colon disease",
    "Gallbladder disease", "Inguinal hernia", "Abdominal wall hernia", "Acute abdomen", "Benign anorectal disease",
    "Small bowel obstruction", "Thyroid and parathyroid disease", "Dialysis access", "Soft tissue infection",
    "Cutaneous and subcutaneous neoplasms", "Severe acute or necrotizing pancreatitis",
    "Perioperative care of the critically ill surgery patient", "Flexible GI Endoscopy",
    "Evaluation/initial management of a trauma patient", "Provide general surgery consultation",
]
MODELS = [Specialty, Competency, EntrustmentScale, EntrustmentLevel, EPASet, EPA, MilestoneSet, Milestone,
          CaseType, FeedbackTag]
FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "reference"


def _counts():
    rows = {}
    for model in MODELS:
        manager = model._default_manager
        rows[model.__name__] = (manager.shared() if hasattr(manager, "shared") else manager.all()).count()
        rows[f"{model.__name__} history"] = model.history.count()
    rows["prerequisite links"] = Specialty.prerequisites.through.objects.count()
    return rows


def test_the_abs_general_surgery_epas_load_in_order_with_their_published_names():
    call_command("load_reference")
    epa_set = EPASet.objects.get(specialty_id="general_surgery", version="2023")
    assert epa_set.name == "General Surgery EPAs (ABS)"
    assert str(epa_set.effective_date) == "2023-07-01"
    assert epa_set.scale_id == "abs_4_level"
    epas = list(epa_set.epas.order_by("display_order"))
    assert [epa.number for epa in epas] == list(range(1, 19))
    assert [epa.name for epa in epas] == ABS_EPA_NAMES
    assert {epa.description for epa in epas} == {""}  # not retrievable: left blank, not invented


def test_competencies_scales_specialties_case_types_and_tags_load_as_sourced():
    call_command("load_reference")
    assert list(Competency.objects.values_list("abbreviation", flat=True)) == ["PC", "MK", "SBP", "PBLI", "PROF", "ICS"]
    assert EntrustmentLevel.objects.filter(scale_id="abs_4_level").count() == 4
    assert EntrustmentLevel.objects.filter(scale_id="entrustment_supervision_5").count() == 5
    assert set(EntrustmentLevel.objects.filter(scale_id="abs_4_level").values_list("descriptor", flat=True)) == {""}
    assert Specialty.objects.count() == 26
    assert Specialty.objects.get(code="anesthesiology").acgme_specialty_code == "040"
    assert Specialty.objects.get(code="general_surgery").acgme_specialty_code == ""
    assert Specialty.objects.get(code="family_medicine").category == Specialty.Category.PRIMARY_CARE
    thoracic = Specialty.objects.get(code="thoracic_surgery")
    assert thoracic.parent_id == "general_surgery"
    assert list(thoracic.prerequisites.values_list("code", flat=True)) == ["general_surgery"]
    lap_chole = CaseType.objects.shared().get(code="LAP_CHOLE")
    assert (lap_chole.epa.number, lap_chole.typical_minutes) == (4, 63)
    assert CaseType.objects.shared().count() == 51
    assert CaseType.objects.shared().filter(typical_minutes__isnull=False).count() == 1
    assert FeedbackTag.objects.shared().filter(category="strength").count() == 10
    assert FeedbackTag.objects.shared().filter(category="area_for_improvement").count() == 10
    milestone = Milestone.objects.get(milestone_set__specialty_id="general_surgery")
    assert (milestone.subcompetency_code, milestone.competency.abbreviation) == ("PC1", "PC")
    assert milestone.milestone_set.effective_date is None
    assert milestone.level_1 == ""


def test_loading_twice_changes_nothing():
    call_command("load_reference")
    after_first = _counts()
    history = EPA.history.latest("history_date")
    assert history.history_user is None and history.history_change_reason == "load_reference"
    call_command("load_reference")
    assert _counts() == after_first


def test_a_bad_row_is_reported_with_every_other_bad_row_and_nothing_is_written(tmp_path, capsys):
    folder = tmp_path / "reference"
    shutil.copytree(FIXTURES, folder)
    milestones = (folder / "milestones.csv").read_text().replace(
        "Patient Evaluation and Decision Making,,,,,", "Patient Evaluation and Decision Making,Level one text,,,,")
    (folder / "milestones.csv").write_text(milestones)
    epas = (folder / "epas.csv").read_text().replace(",5,Inguinal hernia,", ",4,Inguinal hernia,")
    (folder / "epas.csv").write_text(epas)

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_reference", dir=str(folder))

    errors = capsys.readouterr().err
    assert "milestones.csv line 2" in errors and "level 2, level 3, level 4, level 5 missing" in errors
    assert "epas.csv line 6" in errors and "EPA 4 already exists in General Surgery EPAs (ABS) v2023" in errors
    assert Specialty.objects.count() == 0
    assert EPA.objects.count() == 0
    assert Specialty.history.count() == 0
