"""Who may open the dashboards. A program's dashboard: its managers and faculty (the program's
viewers); a learner's progress: whoever may see that learner (``apps.academics.access``, the same
rule as the learner's person page)."""

from django.db.models import OuterRef, Subquery
from django.http import Http404

from apps.academics.access import can_view_learner, get_program_for_user, get_program_row_for_user
from apps.academics.models import Learner, Program
from apps.core.access import company_of
from apps.core.prepared import prepared
from apps.reference.models import EntrustmentLevel
from apps.tenants.access import has_role
from apps.tenants.models import User
from apps.tenants.roles import PROGRAM_VIEWERS


def can_view_program_dashboard(user, program) -> bool:
    return has_role(user, PROGRAM_VIEWERS, program=program)


def get_dashboard_program_for_user(user, program_id) -> Program:
    program = get_program_for_user(user, program_id)
    if not can_view_program_dashboard(user, program):
        raise Http404("No program here")
    return program


def get_dashboard_program_row_for_user(user, program_id) -> Program:
    """``get_dashboard_program_for_user``'s rule for the dashboard page, which needs no more than
    the program's id and name: academics' prepared program read (one query, no specialty)."""
    program, _row = get_program_row_for_user(user, program_id)
    if not can_view_program_dashboard(user, program):
        raise Http404("No program here")
    return program


# The progress page's learner, user and program in one prepared read (apps.core.prepared): the
# select_related read of three whole rows cost more to compile and build than the page's charts.
_LEARNER = ("id", "company_id", "user_id", "program_id", "pgy_level", "status")
_USER = ("id", "company_id", "first_name", "last_name", "email")
_PROGRAM = ("id", "company_id", "name", "epa_set_id")
# The top level of the program's entrustment scale (the chart's y axis) rides along: one round trip fewer.
_scale_top = (EntrustmentLevel.objects.filter(scale__epa_sets=OuterRef("program__epa_set_id"))
              .order_by("-number").values("number")[:1])
_learner_row = prepared(lambda company_id, learner_id: Learner.objects.for_company(company_id).filter(pk=learner_id)
                        .annotate(scale_top=Subquery(_scale_top))
                        .values(*_LEARNER, *(f"user__{name}" for name in _USER[2:]),
                                *(f"program__{name}" for name in _PROGRAM[2:]), "scale_top"))


def _instance(model, row: dict):
    """A model instance of the fields in ``row`` (in the model's field order); any other field is
    read on access, as a deferred field."""
    loaded = [f.attname for f in model._meta.concrete_fields if f.attname in row]
    return model.from_db(model.objects.db, loaded, [row[name] for name in loaded])


def get_progress_learner_for_user(user, learner_id) -> Learner:
    """``apps.academics.access.get_learner_for_user``'s rule (404 outside the user's company, or
    unless ``can_view_learner``) in one prepared read. The learner carries its user (its name) and
    program (name, EPA set, and the top level of the set's scale as ``entrustment_scale_top``):
    what the progress page shows; other fields load on access."""
    company = company_of(user)
    rows = _learner_row(company_id=company.pk, learner_id=learner_id)
    if not rows:
        raise Http404("No learner here")
    row = rows[0]
    learner = _instance(Learner, {name: row[name] for name in _LEARNER})
    learner.user = _instance(User, {"id": row["user_id"], "company_id": row["company_id"],
                                    **{name: row[f"user__{name}"] for name in _USER[2:]}})
    learner.program = _instance(Program, {"id": row["program_id"], "company_id": row["company_id"],
                                          **{name: row[f"program__{name}"] for name in _PROGRAM[2:]}})
    learner.program.entrustment_scale_top = row["scale_top"] or 0  # selectors.scale_top_level reads it
    if not can_view_learner(user, learner):
        raise Http404("No learner here")
    return learner
