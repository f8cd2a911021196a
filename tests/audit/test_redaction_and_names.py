"""Audit rows fit for patient data: secrets never stored, one naming scheme for actions."""

import json

import pytest

from apps.academics.services import calendar_feed_create
from apps.audit import redaction
from apps.audit.actions import InvalidActionName, action_name, validate_action_name
from apps.audit.models import AuditLog
from apps.audit.services import audit_log_record, save_with_audit, snapshot
from apps.tenants.roles import Role

pytestmark = pytest.mark.django_db


def _everything_stored(company):
    return json.dumps(list(AuditLog.objects.for_company(company).values("changes")), default=str)


def test_casey_creates_a_calendar_feed_and_its_secret_token_never_reaches_the_audit_log(site, make_user):
    casey = make_user(site.company, Role.ORG_ADMIN)
    feed = calendar_feed_create(actor=casey)
    assert len(feed.token) > 20
    [row] = AuditLog.objects.for_company(site.company).filter(entity_id=str(feed.pk))
    assert row.changes["token"] == "[redacted]"
    assert feed.token not in _everything_stored(site.company)


def test_a_password_hash_never_reaches_the_audit_log_even_when_a_caller_passes_it(site, make_user):
    casey = make_user(site.company, Role.ORG_ADMIN)
    casey.first_name = "Casey"
    save_with_audit(instance=casey, actor=casey, action="user.update_name")
    audit_log_record(company=site.company, actor=casey, action="user.update", entity=casey,
                     changes={"password": ["old-hash", casey.password], "settings": {"api_token": "abc123"}})
    stored = _everything_stored(site.company)
    assert casey.password not in stored and "old-hash" not in stored and "abc123" not in stored
    assert '"password": ["[redacted]", "[redacted]"]' in stored


def test_bookkeeping_fields_stay_out_and_a_registered_field_is_redacted(site, monkeypatch):
    assert {"created_at", "updated_at"}.isdisjoint(snapshot(site))
    monkeypatch.setitem(redaction.REDACTED_FIELDS, "tenants.Site", {"address"})
    site.address = "1 Secret Lane"
    assert snapshot(site)["address"] == "[redacted]"


def test_action_names_follow_entity_dot_verb():
    assert validate_action_name("assessment.submit") == "assessment.submit"
    for bad in ("assessmentSubmitted", "assessment submitted", "Assessment.Submit", "assessment.", "site_moved"):
        with pytest.raises(InvalidActionName):
            validate_action_name(bad)


def test_a_bad_action_name_writes_no_row(site):
    with pytest.raises(InvalidActionName):
        audit_log_record(company=site.company, actor=None, action="site moved", entity=site)
    assert not AuditLog.objects.for_company(site.company).exists()


def test_old_names_are_accepted_until_the_renames_are_applied_and_only_those(site):
    from apps.audit.actions import LEGACY_ACTION_NAMES

    for name in LEGACY_ACTION_NAMES:
        assert validate_action_name(name) == name
    with pytest.raises(InvalidActionName):
        validate_action_name("assessment_resubmitted")


def test_entity_names_are_snake_case_with_readable_overrides():
    from apps.academics.models import RotationAssignment
    from apps.assessments.models import EPAAssessment
    from apps.reference.models import EPASet
    from apps.tenants.models import SponsoringInstitution

    assert action_name(EPASet, "publish") == "epa_set.publish"
    assert action_name(EPAAssessment, "submit") == "assessment.submit"
    assert action_name(SponsoringInstitution, "admin_update") == "sponsoring_institution.admin_update"
    assert action_name(RotationAssignment, "delete") == "rotation_assignment.delete"


def test_every_action_written_by_tenants_and_audit_follows_the_scheme():
    import re
    from pathlib import Path

    from apps.audit.actions import ACTION_NAME

    apps_dir = Path(__file__).resolve().parents[2] / "apps"
    names = set()
    for folder in ("tenants", "audit"):
        for path in (apps_dir / folder).rglob("*.py"):
            names |= set(re.findall(r'action="([^"]+)"', path.read_text()))
    assert "user.login" in names
    assert [name for name in names if not ACTION_NAME.match(name)] == []
