"""The shipped Internal Medicine Milestones 2.0 (fixtures/reference/im_milestones_2_0.csv)."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.reference.models import Milestone, MilestoneSet

pytestmark = pytest.mark.django_db
CSV = Path(settings.BASE_DIR) / "fixtures" / "reference" / "im_milestones_2_0.csv"
CODES = ["PC1", "PC2", "PC3", "PC4", "PC5", "PC6", "MK1", "MK2", "MK3", "SBP1", "SBP2", "SBP3", "PBLI1", "PBLI2",
         "PROF1", "PROF2", "PROF3", "PROF4", "ICS1", "ICS2", "ICS3"]


def test_the_shipped_csv_has_21_subcompetencies_each_with_levels_1_to_5():
    rows = list(csv.DictReader(CSV.open(encoding="utf-8")))
    levels = {}
    for row in rows:
        levels.setdefault(row["code"], set()).add(int(row["level"]))
    assert list(levels) == CODES
    assert all(found == {1, 2, 3, 4, 5} for found in levels.values())


def test_load_reference_loads_them_as_the_internal_medicine_set_2_0_word_for_word():
    call_command("load_reference")
    milestone_set = MilestoneSet.objects.get(specialty_id="internal_medicine", version="2.0")
    assert milestone_set.name == "ACGME Internal Medicine Milestones"
    assert "fbuckhold3/imslu.ccc.dashboard" in milestone_set.source
    assert milestone_set.effective_date is None  # "July 2021" has no day: not guessed
    milestones = list(milestone_set.milestones.order_by("display_order"))
    assert [m.subcompetency_code for m in milestones] == CODES
    assert all(getattr(m, field).strip() for m in milestones for field in Milestone.LEVEL_FIELDS)
    pc1 = milestones[0]
    assert (pc1.title, pc1.competency.abbreviation) == ("History", "PC")
    assert pc1.level_1.splitlines() == [
        "Elicits and reports a comprehensive history for common patient presentations, with guidance",
        "Seeks data from secondary sources, with guidance"]
    prof4 = Milestone.objects.get(milestone_set=milestone_set, subcompetency_code="PROF4")
    assert prof4.title.endswith("Well-Being*")  # the footnote marker as printed
    assert "one’s clinical practice" in prof4.level_3  # curly apostrophe as printed


def test_the_surgery_set_keeps_its_one_sourced_subcompetency():
    call_command("load_reference")
    assert list(Milestone.objects.filter(milestone_set__specialty_id="general_surgery")
                .values_list("subcompetency_code", flat=True)) == ["PC1"]
