"""One naming scheme for audit actions: ``<entity>.<verb>`` in snake case, the verb in the
imperative — ``assessment.submit``, ``epa_set.publish``, ``learner.update``, ``user.login``.

``audit_log_record`` refuses any other name, except the pre-scheme names in
``LEGACY_ACTION_NAMES``: they are accepted until their call sites (apps/academics,
apps/assessments, being moved in parallel) are renamed; then the set is emptied and every old
name fails loudly."""

import re

ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

# A model whose audit entity reads better than its class name.
ENTITY_NAMES = {
    "assessments.EPAAssessment": "assessment",
}

# Names written before the scheme, still used by call sites another engineer is moving.
# Empty this set once those call sites use <entity>.<verb>.
LEGACY_ACTION_NAMES = frozenset({
    "academic_year_updated", "academic_year_created", "block_created", "assignment_created",
    "assignment_updated", "assignment_deleted", "roster_added", "roster_updated", "learner_updated",
    "faculty_updated", "person_name_updated", "membership_ended", "faculty_ended", "membership_created",
    "user_created", "calendar_feed_created", "calendar_feed_revoked", "learner_promoted", "learner_graduated",
    "promotion_applied", "assessment_submitted", "assessment_request_completed", "assessment_edited",
    "assessment_acknowledged", "assessment_request_created", "assessment_request_expired",
    "assessment_request_reminded", "assessment_link_opened",
})


class InvalidActionName(ValueError):
    pass


def validate_action_name(action: str) -> str:
    if ACTION_NAME.match(action) or action in LEGACY_ACTION_NAMES:
        return action
    raise InvalidActionName(
        f"Audit action {action!r} does not follow <entity>.<verb> (snake case, e.g. 'assessment.submit')"
    )


def entity_name(model_or_instance) -> str:
    """``EPASet`` → ``epa_set``, ``SponsoringInstitution`` → ``sponsoring_institution``."""
    model = model_or_instance if isinstance(model_or_instance, type) else model_or_instance.__class__
    label = model._meta.label
    if label in ENTITY_NAMES:
        return ENTITY_NAMES[label]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", model.__name__).lower()


def action_name(model_or_instance, verb: str) -> str:
    """``action_name(epa_set, "publish")`` → ``"epa_set.publish"``."""
    return validate_action_name(f"{entity_name(model_or_instance)}.{verb}")
