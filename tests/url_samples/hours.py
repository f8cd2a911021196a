import datetime

from django.utils import timezone

from apps.hours import rules
from apps.hours.models import ComplianceNote, PlannedShift, TimeRecord, WorkEntry
from apps.tenants.roles import Role
from tests.factories import (
    AssignmentFactory,
    LearnerFactory,
    MembershipFactory,
    ProgramFactory,
    SiteFactory,
    SponsorFactory,
    StudentFactory,
)


def build(world):
    program, student, assignment = world["program"], world["learner"], world["assignment"]
    resident = LearnerFactory(program=program, pgy_level=1, user__company=world["company"],
                              user__first_name="Ulysses", user__last_name="Hoursecret")
    start = timezone.now() - datetime.timedelta(days=2)
    record = TimeRecord.objects.create(assignment=assignment, learner=student, company=student.company,
                                       status="pending", clock_in=start, clock_out=start + datetime.timedelta(hours=8),
                                       total_hours=8, notes="Northwind secret shift note")
    entry = WorkEntry.objects.create(learner=resident, company=resident.company, kind=rules.CLINICAL, start=start,
                                     end=start + datetime.timedelta(hours=8), notes="Northwind secret entry")
    shift = PlannedShift.objects.create(learner=resident, company=resident.company, kind=rules.IN_HOUSE_CALL,
                                        start=start + datetime.timedelta(days=3),
                                        end=start + datetime.timedelta(days=3, hours=14), created_by=student.user)
    ComplianceNote.objects.create(learner=resident, company=resident.company, rule="hours_80",
                                  starts_on=start.date(), text="Northwind secret compliance note", author=student.user)
    world.update(hours_resident=resident, time_record=record, work_entry=entry, planned_shift=shift)
    world["markers"] += ["Hoursecret", "Northwind secret shift note", "Northwind secret entry",
                         "Northwind secret compliance note"]


def grant_home_roles(user):
    """Charlie is also a student (on rotation today at a Southbay site) and a resident in Southbay
    programs, and coordinates the Southbay hours program."""
    sponsor = SponsorFactory(institution__company=user.company)
    clerkship = ProgramFactory(sponsor=sponsor, name="Southbay Hours Clerkship", kind="clerkship")
    residency = ProgramFactory(sponsor=sponsor, name="Southbay Hours Residency")
    for program in (clerkship, residency):
        MembershipFactory(user=user, role=Role.COORDINATOR, program=program)
    student = StudentFactory(program=clerkship, user=user)
    LearnerFactory(program=residency, user=user, pgy_level=2)
    LearnerFactory(program=residency, user__company=user.company, pgy_level=3)
    today = timezone.localdate()
    AssignmentFactory(learner=student, site=SiteFactory(institution=sponsor.institution, name="Southbay Hours Site"),
                      start_date=today - datetime.timedelta(days=3), end_date=today + datetime.timedelta(days=3))


def build_own(own, user):
    from apps.academics.models import Learner, Program

    residency = Program.objects.for_company(user.company).get(name="Southbay Hours Residency")
    own.update(hours_program=residency,
               hours_resident=Learner.objects.for_company(user.company).filter(program=residency).exclude(
                   user=user).first())


def _program(w):
    return {"program_id": w["program"].pk}


def _resident(w):
    return {"program_id": w["program"].pk, "learner_id": w["hours_resident"].pk}


SAMPLES = {
    "hours:record_detail": lambda w: {"record_id": w["time_record"].pk},
    "hours:entry_edit": lambda w: {"entry_id": w["work_entry"].pk},
    "hours:entry_delete": lambda w: {"entry_id": w["work_entry"].pk},
    "hours:progress": _program,
    "hours:roster": _program,
    "hours:roster_preview": _program,
    "hours:roster_delete": lambda w: {"program_id": w["program"].pk, "shift_id": w["planned_shift"].pk},
    "hours:compliance": _program,
    "hours:compliance_export": _program,
    "hours:compliance_learner": _resident,
    "hours:week_unlock": _resident,
    "hours:policy": _program,
    "hours-time-record-detail": lambda w: {"record_id": w["time_record"].pk},
    "hours-time-record-clock-out": lambda w: {"record_id": w["time_record"].pk},
    "hours-work-entry-detail": lambda w: {"entry_id": w["work_entry"].pk},
    "hours-call-roster": _program,
    "hours-planned-shift-detail": lambda w: {"shift_id": w["planned_shift"].pk},
    "hours-learner-compliance": lambda w: {"learner_id": w["hours_resident"].pk},
}
QUERIES = {
    # Another company's learner as ?learner=: not one of Charlie's (404) or not visible (404).
    "hours:clock": lambda w: {"learner": str(w["learner"].pk)},
    "hours:records": lambda w: {"learner": str(w["learner"].pk)},
    "hours:week": lambda w: {"learner": str(w["hours_resident"].pk), "week": "2026-01-05"},
    "hours-time-record-list": lambda w: {"learner": str(w["learner"].pk), "status": "pending"},
    "hours-work-entry-list": lambda w: {"learner": str(w["hours_resident"].pk)},
}


def _shift_form(w):
    """Northwind's resident on the roster: not a choice here (200 form error; API 400)."""
    return {"learner": str(w["hours_resident"].pk), "kind": "in_house_call", "day": "2026-01-05", "start": "17:00",
            "hours": "14", "company": str(w["company"].pk)}


def _entry(w):
    return {"kind": "clinical", "start": "2026-01-05T07:00", "end": "2026-01-05T15:00",
            "learner": str(w["hours_resident"].pk)}


BODIES = {
    # Charlie's own student record clocks in at his own site; Northwind's learner in the body is ignored.
    "hours:clock_in": lambda w: {"latitude": "42.3", "longitude": "-71.1", "reason": "walk",
                                 "learner": str(w["learner"].pk)},
    "hours:clock_out": lambda w: {"latitude": "42.3", "longitude": "-71.1", "record": str(w["time_record"].pk)},
    "hours:record_new": lambda w: {"day": "2026-01-05", "start": "08:00", "end": "12:00",
                                   "assignment": str(w["assignment"].pk)},
    "hours:record_detail": lambda w: {"notes": "walk"},
    # Northwind's record in a decision: not a valid choice (200 form error).
    "hours:approvals_decide": lambda w: {"decision": "approved", "records": [str(w["time_record"].pk)]},
    "hours:entry_new": _entry,
    "hours:entry_edit": _entry,
    "hours:roster": _shift_form,
    "hours:roster_preview": _shift_form,
    "hours:compliance_learner": lambda w: {"rule": "hours_80", "starts_on": "2026-01-05", "text": "walk"},
    "hours:week_unlock": lambda w: {"week_start": "2026-01-05", "reason": "walk"},
    "hours:policy": lambda w: {"time_zone": "America/New_York", "auto_close_after_hours": 16,
                               "manual_edit_window_days": 7, "max_hours_per_day": "16", "lock_weeks": 1},
    # Clock in through the API naming Northwind's student: not Charlie's (400).
    "hours-time-record-list": lambda w: {"latitude": "42.3", "longitude": "-71.1", "reason": "walk",
                                         "learner": str(w["learner"].pk)},
    "hours-time-record-clock-out": lambda w: {"latitude": "42.3", "longitude": "-71.1"},
    "hours-time-record-decisions": lambda w: {"decision": "approved", "records": [str(w["time_record"].pk)]},
    "hours-work-entry-list": lambda w: {"kind": "clinical", "start": "2026-01-05T07:00:00-05:00",
                                        "end": "2026-01-05T15:00:00-05:00", "learner": str(w["hours_resident"].pk)},
    "hours-work-entry-detail": lambda w: {"kind": "clinical", "notes": "walk"},
    "hours-call-roster": lambda w: {"learner": str(w["hours_resident"].pk), "kind": "in_house_call",
                                    "start": "2026-01-05T17:00:00-05:00", "end": "2026-01-06T07:00:00-05:00"},
}
NO_BODY = {
    "hours:home": "read-only page",
    "hours:clock": "read-only page (clock in/out are their own routes)",
    "hours:records": "read-only list",
    "hours:approvals": "read-only list (decisions are approvals_decide)",
    "hours:week": "read-only grid (the week is a query)",
    "hours:week_confirm": "the week is the query string; no body",
    "hours:entry_delete": "the entry is the path argument; no input",
    "hours:progress": "read-only report",
    "hours:compliance": "read-only report (the period is a query)",
    "hours:compliance_export": "a download",
    "hours:roster_delete": "the shift is the path argument; no input",
    "hours-time-record-detail": "read-only API",
    "hours-learner-compliance": "read-only API (the period is a query)",
    "hours-planned-shift-detail": "GET and DELETE only",
}
OWN_SAMPLES = {
    # Charlie's own residency with Northwind's resident in the body: not a choice (200 form error; API 400).
    "hours:roster": lambda own: {"program_id": own["hours_program"].pk},
    "hours:roster_preview": lambda own: {"program_id": own["hours_program"].pk},
    "hours-call-roster": lambda own: {"program_id": own["hours_program"].pk},
}
