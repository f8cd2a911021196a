import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.assessments.models import EPAAssessment
from apps.reference.models import EPASet, MilestoneSet
from apps.reference.selectors import epa_is_used
from apps.reference.services import epa_set_publish, milestone_set_publish
from tests.factories import (
    CompetencyFactory,
    EPAAssessmentFactory,
    EPAFactory,
    EPASetFactory,
    LearnerFactory,
    MilestoneSetFactory,
    SpecialtyFactory,
    SuperuserFactory,
    UserFactory,
    scale_with_levels,
)

pytestmark = pytest.mark.django_db
V2_EPAS = [{"number": 1, "name": "Appendicitis, revised", "short_name": "Appendicitis"},
           {"number": 2, "name": "Breast disease, revised", "short_name": "Breast"}]


def _publish_v2(actor, specialty):
    return epa_set_publish(actor=actor, specialty=specialty, version="2027", name="General Surgery EPAs (ABS)",
                           effective_date=datetime.date(2027, 7, 1), scale=scale_with_levels(), epas=V2_EPAS)


def test_publishing_v2_retires_v1_and_leaves_its_epas_readable():
    sam = SuperuserFactory()
    v1 = EPASetFactory(version="2023")
    old_epa = EPAFactory(epa_set=v1, number=1, name="RLQ pain/Appendicitis")
    history_before = old_epa.history.count()

    v2 = _publish_v2(sam, v1.specialty)

    v1.refresh_from_db()
    old_epa.refresh_from_db()
    assert v1.retired_on == datetime.date(2027, 7, 1)
    assert (old_epa.epa_set_id, old_epa.name) == (v1.pk, "RLQ pain/Appendicitis")
    assert old_epa.history.count() == history_before
    assert list(v2.epas.values_list("number", flat=True)) == [1, 2]
    assert v2.history.latest("history_date").history_user == sam
    assert list(EPASet.objects.filter(retired_on__isnull=True)) == [v2]


def test_an_assessment_made_against_v1_still_resolves_after_v2(northwind):
    v1 = EPASetFactory(version="2023")
    old_epa = EPAFactory(epa_set=v1, number=4, name="Gallbladder disease")
    learner = LearnerFactory(program__sponsor__institution__company=northwind, program__epa_set=v1)
    assessment = EPAAssessmentFactory(learner=learner, program=learner.program, epa=old_epa)

    _publish_v2(SuperuserFactory(), v1.specialty)

    stored = EPAAssessment.objects.for_company(northwind).select_related("epa__epa_set").get(pk=assessment.pk)
    assert (stored.epa.number, stored.epa.name) == (4, "Gallbladder disease")
    assert stored.epa.epa_set == v1 and stored.epa.epa_set.is_retired
    assert epa_is_used(old_epa)


def test_a_duplicate_epa_number_in_a_new_set_is_refused_with_a_clear_message_and_nothing_published():
    v1 = EPASetFactory(version="2023")
    with pytest.raises(ValidationError) as error:
        epa_set_publish(actor=SuperuserFactory(), specialty=v1.specialty, version="2027", name="GS EPAs",
                        effective_date=datetime.date(2027, 7, 1), scale=v1.scale,
                        epas=[{"number": 4, "name": "A", "short_name": "A"},
                              {"number": 4, "name": "B", "short_name": "B"}])
    assert "EPA 4 already exists in GS EPAs v2027" in str(error.value)
    v1.refresh_from_db()
    assert v1.retired_on is None
    assert not EPASet.objects.filter(version="2027").exists()


def test_only_superusers_publish(northwind):
    with pytest.raises(PermissionDenied):
        _publish_v2(UserFactory(company=northwind), SpecialtyFactory())


def test_publishing_milestones_retires_the_old_set_and_checks_levels():
    old = MilestoneSetFactory(version="1.0")
    competency = CompetencyFactory()
    with pytest.raises(ValidationError, match="level 4, level 5 missing"):
        milestone_set_publish(actor=SuperuserFactory(), specialty=old.specialty, version="2.0", name="Surgery",
                              effective_date=datetime.date(2020, 7, 1),
                              milestones=[{"competency": competency, "subcompetency_code": "PC1", "title": "Eval",
                                           "level_1": "a", "level_2": "b", "level_3": "c"}])
    new = milestone_set_publish(actor=SuperuserFactory(), specialty=old.specialty, version="2.0", name="Surgery",
                                effective_date=datetime.date(2020, 7, 1),
                                milestones=[{"competency": competency, "subcompetency_code": "PC1", "title": "Eval"}])
    old.refresh_from_db()
    assert old.retired_on == datetime.date(2020, 7, 1)
    assert MilestoneSet.objects.get(retired_on__isnull=True) == new
