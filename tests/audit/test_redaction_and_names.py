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


def test_the_pre_scheme_names_are_refused_now_that_every_call_site_is_renamed(site):
    for old in ("assessment_submitted", "person_name_updated", "learner_promoted", "roster_added", "login"):
        with pytest.raises(InvalidActionName):
            audit_log_record(company=site.company, actor=None, action=old, entity=site)
    assert not AuditLog.objects.for_company(site.company).exists()


def test_entity_names_are_snake_case_with_readable_overrides():
    from apps.academics.models import RotationAssignment
    from apps.assessments.models import EPAAssessment
    from apps.reference.models import EPASet
    from apps.tenants.models import SponsoringInstitution

    assert action_name(EPASet, "publish") == "epa_set.publish"
    assert action_name(EPAAssessment, "submit") == "assessment.submit"
    assert action_name(SponsoringInstitution, "admin_update") == "sponsoring_institution.admin_update"
    assert action_name(RotationAssignment, "delete") == "rotation_assignment.delete"


# ---------------------------------------------------------------- every call site in apps/
# The walk follows each audit call's ``action`` to its string literals: a literal, an f-string
# (placeholders read as "x"), both arms of ``a if c else b``, a local variable's assignments,
# ``action_name(obj, "verb")`` (entity "x"), and through wrappers (a function that passes its own
# parameter on, e.g. ``_save_private(..., action)`` or the admin's ``_audit(request, obj, verb)``)
# to the wrapper's callers. An action it cannot follow fails the test too.
AUDIT_CALLS = {"audit_log_record": ("action", None), "audit_log_build": ("action", None),
               "save_with_audit": ("action", None)}
VERB_CALLS = {"action_name": ("verb", 1)}


def _apps_modules():
    import ast
    from pathlib import Path

    apps_dir = Path(__file__).resolve().parents[2] / "apps"
    for path in sorted(apps_dir.rglob("*.py")):
        yield path.relative_to(apps_dir.parent), ast.parse(path.read_text())


def _calls_with_function(tree):
    import ast

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call):
                yield child, function
            yield from visit(child, inner)

    yield from visit(tree, None)


def _callee(call):
    import ast

    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)


def _argument(call, keyword, position, is_method):
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None:
        position -= 1 if is_method else 0
        if len(call.args) > position:
            return call.args[position]
    return None


def _parameters(function):
    args = [a.arg for a in function.args.posonlyargs + function.args.args]
    is_method = bool(args) and args[0] in ("self", "cls")
    return args, [a.arg for a in function.args.kwonlyargs], is_method


def _resolve(expr, function, as_verb, found, wrappers, unresolved, where):
    import ast

    def name(text):
        return f"x.{text}" if as_verb else text

    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        found.add((name(expr.value), where))
    elif isinstance(expr, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in expr.values)
        found.add((name(text), where))
    elif isinstance(expr, ast.IfExp):
        for branch in (expr.body, expr.orelse):
            _resolve(branch, function, as_verb, found, wrappers, unresolved, where)
    elif isinstance(expr, ast.Call) and _callee(expr) == "action_name":
        pass  # checked as a call of its own (its verb)
    elif isinstance(expr, ast.Name) and function is not None:
        positional, keyword_only, is_method = _parameters(function)
        if expr.id in positional or expr.id in keyword_only:
            position = positional.index(expr.id) if expr.id in positional else None
            wrappers.add((function.name, expr.id, position, is_method, as_verb))
            return
        values = [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)]
        for value in values:
            _resolve(value, function, as_verb, found, wrappers, unresolved, where)
        if not values:
            unresolved.append(where)
    else:
        unresolved.append(where)


def _every_action_name_in_apps():
    modules = list(_apps_modules())
    checks = {(callee, kw, pos, False, False) for callee, (kw, pos) in AUDIT_CALLS.items()}
    checks |= {(callee, kw, pos, False, True) for callee, (kw, pos) in VERB_CALLS.items()}
    found, unresolved, done = set(), [], set()
    while checks - done:
        check = (checks - done).pop()
        done.add(check)
        callee, keyword, position, is_method, as_verb = check
        wrappers = set()
        for path, tree in modules:
            for call, function in _calls_with_function(tree):
                if _callee(call) != callee:
                    continue
                expr = _argument(call, keyword, position, is_method)
                where = f"{path}:{call.lineno}"
                if expr is None:
                    unresolved.append(where)
                    continue
                _resolve(expr, function, as_verb, found, wrappers, unresolved, where)
        checks |= wrappers
    return found, unresolved


def test_every_audit_action_written_anywhere_in_apps_follows_entity_dot_verb():
    from apps.audit.actions import ACTION_NAME

    found, unresolved = _every_action_name_in_apps()
    names = {name for name, _ in found}
    # The walk reaches every context, the wrappers and action_name() verbs.
    assert {"user.login", "assessment.submit", "academic_year.create", "epa_set.publish",
            "x.admin_update", "x.admin_import", "x.add", "x.deactivate_private", "learner.x"} <= names
    assert [f"{where}: {name!r}" for name, where in sorted(found) if not ACTION_NAME.match(name)] == []
    assert unresolved == []
