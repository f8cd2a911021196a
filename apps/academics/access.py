"""Who may see and change programs, their years and schedule, and their people — written once,
used by the pages (web/) and the API (api/) alike.

* A program is visible to anyone holding a role in it; others get 404.
* Its managers (coordinator, program director) change it: roster, calendar, schedule, imports.
* A learner (their person page, their analytics) is visible to themself and to the program's
  viewers (managers and faculty): one rule for every page about a learner.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.academics.models import AcademicYear, Learner, Program
from apps.core.access import company_of, get_for_company_or_404
from apps.core.prepared import prepared
from apps.tenants.access import has_role, program_ids_with_roles
from apps.tenants.roles import PROGRAM_MANAGERS, PROGRAM_ROLES, PROGRAM_VIEWERS


# ---------------------------------------------------------------- programs
def can_view_program(user, program) -> bool:
    return has_role(user, PROGRAM_ROLES, program=program)


def can_manage_program(user, program) -> bool:
    return has_role(user, PROGRAM_MANAGERS, program=program)


def get_program_for_user(user, program_id, *, manage: bool = False) -> Program:
    """The program if the user belongs to it (404 otherwise); ``manage`` also needs a manager (403)."""
    program = get_for_company_or_404(Program.objects.select_related("specialty"), user, pk=program_id)
    if not can_view_program(user, program):
        raise Http404("Not your program")
    if manage and not can_manage_program(user, program):
        raise PermissionDenied
    return program


_program_row = prepared(lambda company_id, program_id, also: Program.objects.for_company(company_id)
                        .filter(pk=program_id).values("id", "company_id", "name", *also))


def get_program_row_for_user(user, program_id, *, also: tuple = (), manage: bool = False) -> tuple[Program, dict]:
    """``get_program_for_user``'s rule (404 outside the user's company or without a role in the
    program) for a hot page that needs no more than the program's id and name: one prepared read
    (apps.core.prepared), no specialty. Returns the program (any other field is read on access, as
    a deferred field) and its row, with ``also`` (further lookups, e.g. a related row's column:
    one LEFT JOIN in the same query; a tuple, so each one is compiled once). ``manage`` also needs a
    manager (403), as in ``get_program_for_user``."""
    company = company_of(user)
    try:
        program_id = program_id if isinstance(program_id, uuid.UUID) else uuid.UUID(str(program_id))
    except ValueError:
        raise Http404("No program here") from None
    rows = _program_row(company_id=company.pk, program_id=program_id, also=tuple(also))
    if not rows:
        raise Http404("No program here")
    row = rows[0]
    loaded = [f.attname for f in Program._meta.concrete_fields if f.attname in ("id", "company_id", "name")]
    program = Program.from_db(Program.objects.db, loaded, [row[name] for name in loaded])  # in the fields' order
    if not can_view_program(user, program):
        raise Http404("Not your program")
    if manage and not can_manage_program(user, program):
        raise PermissionDenied
    return program, row


def managed_program_ids(user) -> set:
    return program_ids_with_roles(user, PROGRAM_MANAGERS)


def get_year_for_user(user, program_id, year_id, *, manage: bool = True) -> AcademicYear:
    program = get_program_for_user(user, program_id, manage=manage)
    return get_for_company_or_404(AcademicYear.objects.select_related("program__specialty"), user,
                                  pk=year_id, program=program)


_year_row = prepared(lambda company_id, program_id, year_id: AcademicYear.objects.for_company(company_id)
                     .filter(pk=year_id, program_id=program_id)
                     .values("id", "company_id", "program_id", "name", "start_date", "end_date", "program__name"))


def get_year_row_for_user(user, program_id, year_id, *, manage: bool = True) -> AcademicYear:
    """``get_year_for_user``'s rule for a hot page (the schedule grid) in one prepared read of the
    year joined with its program's name, instead of two compiled ``get()``s. The year's
    ``program`` holds id, company and name (other fields load on access). When the year is not
    found, ``get_year_for_user`` decides what to answer (404, or 403 for a non-manager), as before."""
    company = company_of(user)
    try:
        program_id = program_id if isinstance(program_id, uuid.UUID) else uuid.UUID(str(program_id))
        year_id = year_id if isinstance(year_id, uuid.UUID) else uuid.UUID(str(year_id))
    except ValueError:
        raise Http404("No academic year here") from None
    rows = _year_row(company_id=company.pk, program_id=program_id, year_id=year_id)
    if not rows:
        return get_year_for_user(user, program_id, year_id, manage=manage)  # raises 404 or 403
    row = rows[0]
    program = _from_row(Program, {"id": row["program_id"], "company_id": row["company_id"],
                                  "name": row["program__name"]})
    if not can_view_program(user, program):
        raise Http404("Not your program")
    if manage and not can_manage_program(user, program):
        raise PermissionDenied
    year = _from_row(AcademicYear, row)
    year.program = program
    return year


def _from_row(model, row: dict):
    """A model instance of the row's fields (the others deferred), in the fields' order."""
    loaded = [f.attname for f in model._meta.concrete_fields if f.attname in row]
    return model.from_db(model.objects.db, loaded, [row[name] for name in loaded])


# ---------------------------------------------------------------- learners and people
def can_view_learner(user, learner) -> bool:
    """The learner themself, or a manager or faculty member of the learner's program."""
    return learner.user_id == user.pk or has_role(user, PROGRAM_VIEWERS, program=learner.program)


def get_learner_for_user(user, learner_id) -> Learner:
    learner = get_for_company_or_404(Learner.objects.select_related("user", "program"), user, pk=learner_id)
    if not can_view_learner(user, learner):
        raise Http404("No learner here")
    return learner


def can_view_person(user, *, program, person, learner=None) -> bool:
    """A person's page in a program: themself, the program's managers, and — when the person is a
    learner there — whoever may see that learner (``can_view_learner``)."""
    if person.pk == user.pk or can_manage_program(user, program):
        return True
    return learner is not None and can_view_learner(user, learner)
