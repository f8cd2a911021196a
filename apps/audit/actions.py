"""One naming scheme for audit actions: ``<entity>.<verb>`` in snake case, the verb in the
imperative — ``assessment.submit``, ``epa_set.publish``, ``learner.update``, ``user.login``.

``audit_log_record`` refuses any other name (the pre-scheme names such as
``assessment_submitted`` were renamed in issue 10; tests/audit/test_redaction_and_names.py checks
every action string in apps/)."""

import re

ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

# A model whose audit entity reads better than its class name.
ENTITY_NAMES = {
    "assessments.EPAAssessment": "assessment",
    "authtoken.TokenProxy": "api_token",  # DRF's admin edits tokens through a proxy
    "authtoken.Token": "api_token",
}


class InvalidActionName(ValueError):
    pass


def validate_action_name(action: str) -> str:
    if ACTION_NAME.match(action):
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
