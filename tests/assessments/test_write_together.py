"""A new assessment, its history row, audit row and tag links go to the database in one execute
(issue 19): the rows are those ``save_with_audit`` and ``bulk_create`` wrote one by one."""

import uuid

import pytest
from django.utils import timezone

from apps.assessments.models import AssessmentFeedbackTag, EPAAssessment
from apps.assessments.services import assessment_submit
from apps.audit.models import AuditLog
from apps.audit.services import save_with_audit

pytestmark = pytest.mark.django_db

PER_ROW = {"history_id", "history_date", "id", "submission_key", "submitted_at", "created_at", "updated_at"}


def _stored(assessment) -> dict:
    row = EPAAssessment.objects.for_company(assessment.company_id).get(pk=assessment.pk)
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in PER_ROW}


def _history(assessment) -> dict:
    row = EPAAssessment.history.model.objects.get(id=assessment.pk)
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in PER_ROW}


def _audit(assessment) -> dict:
    row = AuditLog.objects.unscoped().get(entity_id=str(assessment.pk))
    changes = {name: value for name, value in row.changes.items() if name not in PER_ROW}
    return {"company_id": row.company_id, "actor_id": row.actor_id, "action": row.action,
            "entity_type": row.entity_type, "severity": row.severity, "changes": changes}


def test_the_rows_written_together_are_those_written_one_by_one(surgery):
    faith, riley, epa = surgery["faith"], surgery["riley"], surgery["epa"]
    fields = {"learner": riley, "epa": epa, "entrustment_level": 3, "assessment_date": timezone.localdate(),
              "entry_method": "web", "narrative_feedback": "Safe & <steady>.", "case_type": surgery["case_type"]}
    together = assessment_submit(assessor=faith, submission_key=uuid.uuid4(), tags_went_well=[surgery["good_tag"]],
                                 tags_needs_work=[surgery["work_tag"].pk], rotation_assignment=None, **fields)
    assert together.replayed is False

    one_by_one = EPAAssessment(assessor=faith, submitted_at=timezone.now(), submission_key=uuid.uuid4(),
                               program=riley.program, **fields)
    save_with_audit(instance=one_by_one, actor=faith, action="assessment.submit")

    assert _stored(together) == _stored(one_by_one)
    assert _history(together) == _history(one_by_one)
    assert _history(together)["history_user_id"] == faith.pk and _history(together)["history_type"] == "+"
    assert _audit(together) == _audit(one_by_one)
    assert sorted((link.tag_id, link.tag_type) for link in AssessmentFeedbackTag.objects.for_company(
        together.company_id).filter(assessment=together)) == sorted(
        [(surgery["good_tag"].pk, "went_well"), (surgery["work_tag"].pk, "needs_work")])


def test_a_second_submission_with_the_key_is_a_replay_with_nothing_written(surgery):
    key = uuid.uuid4()
    fields = {"assessor": surgery["faith"], "learner": surgery["riley"], "epa": surgery["epa"],
              "entrustment_level": 3, "assessment_date": timezone.localdate(), "entry_method": "web",
              "submission_key": key, "key_checked": True}
    first = assessment_submit(**fields)
    second = assessment_submit(**{**fields, "entrustment_level": 4})
    assert (first.replayed, second.replayed, second.pk) == (False, True, first.pk)
    assert EPAAssessment.history.model.objects.filter(id=first.pk).count() == 1
    assert AuditLog.objects.unscoped().filter(entity_id=str(first.pk)).count() == 1
