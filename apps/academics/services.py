"""Writes for programs, the academic calendar, the rotation schedule, feeds and promotion.

Every function takes the actor explicitly, runs inside ``transaction.atomic`` and writes its audit
row in the same transaction. Validation problems raise Django's ``ValidationError`` with a
field → message dict, so forms show them beside the field and the API answers 400."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.academics.access import can_manage_program, managed_program_ids
from apps.academics.models import (
    AcademicYear,
    Block,
    CalendarFeed,
    Faculty,
    Learner,
    Program,
    Promotion,
    RotationAssignment,
    RotationType,
)
from apps.academics.tasks import send_invitations
from apps.audit.actions import action_name
from apps.audit.services import audit_log_record, save_with_audit
from apps.core.idempotency import replay_or_create
from apps.core.scoping import unscoped
from apps.core.tasks import dispatch
from apps.tenants.access import is_org_admin
from apps.tenants.models import Membership, ParticipationAgreement, Site, User
from apps.tenants.roles import PROGRAM_ROLES, Role

DEFAULT_PROGRAM_YEARS = 5


# ---------------------------------------------------------------- calendar
def academic_year_create(*, actor, program: Program, name: str, start_date, end_date,
                         is_current: bool = False) -> AcademicYear:
    if end_date <= start_date:
        raise ValidationError({"end_date": "The year must end after it starts."})
    if program.academic_years.filter(name=name).exists():
        raise ValidationError({"name": f"{program} already has an academic year called “{name}”."})
    _check_year_fits(program, start_date, end_date)
    try:
        with transaction.atomic():
            if is_current:
                for year in program.academic_years.filter(is_current=True):
                    year.is_current = False
                    save_with_audit(instance=year, actor=actor, action="academic_year.update")
            year = AcademicYear(program=program, name=name, start_date=start_date, end_date=end_date,
                                is_current=is_current)
            return save_with_audit(instance=year, actor=actor, action="academic_year.create")
    except IntegrityError as error:  # a concurrent create won: the exclusion constraint is the last word
        if "year_no_overlap" not in str(error):
            raise
        _check_year_fits(program, start_date, end_date)
        raise ValidationError({"start_date": "These dates overlap another academic year of this program."})


def _check_year_fits(program, start_date, end_date):
    """A program's academic years never overlap (the database refuses it too: ``year_no_overlap``)."""
    clash = program.academic_years.filter(start_date__lte=end_date, end_date__gte=start_date).first()
    if clash is not None:
        raise ValidationError({"start_date": f"{start_date}–{end_date} overlaps the academic year {clash.name} "
                                             f"({clash.start_date}–{clash.end_date}) of {program}."})


def block_dates(*, academic_year: AcademicYear, pattern) -> list[tuple[datetime.date, datetime.date]]:
    """The (start, end) days of each block. ``pattern`` is "four_week" (13 blocks of 28 days, the
    last one stretched to the year's end), "monthly" (12 calendar months) or a list of date pairs."""
    start, end = academic_year.start_date, academic_year.end_date
    if pattern == "four_week":
        dates = [(start + datetime.timedelta(days=28 * i), start + datetime.timedelta(days=28 * i + 27))
                 for i in range(13)]
        dates[-1] = (dates[-1][0], max(dates[-1][1], end))
        return [(s, min(e, end)) for s, e in dates if s <= end]
    if pattern == "monthly":
        dates, cursor = [], start
        while cursor <= end and len(dates) < 12:
            following = (cursor.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
            dates.append((cursor, min(following - datetime.timedelta(days=1), end)))
            cursor = following
        return dates
    return sorted(pattern)


def blocks_generate(*, actor, academic_year: AcademicYear, pattern) -> list[Block]:
    """Create the year's blocks. Refuses overlap (with each other or existing blocks) with a
    clear message; the database's exclusion constraint is the last word."""
    dates = block_dates(academic_year=academic_year, pattern=pattern)
    _check_blocks_fit(academic_year, dates)
    existing = list(academic_year.blocks.all())
    first_number = max((b.number for b in existing), default=0) + 1
    try:
        with transaction.atomic():
            blocks = []
            for offset, (start, end) in enumerate(dates):
                number = first_number + offset
                block = Block(academic_year=academic_year, number=number, name=f"Block {number}",
                              start_date=start, end_date=end)
                blocks.append(save_with_audit(instance=block, actor=actor, action="block.create"))
    except IntegrityError:
        raise ValidationError({"pattern": "These blocks overlap blocks that already exist in this year."})
    return blocks


def _check_blocks_fit(academic_year, dates):
    if not dates:
        raise ValidationError({"pattern": "No blocks to create."})
    for start, end in dates:
        if end < start:
            raise ValidationError({"pattern": f"A block cannot end ({end}) before it starts ({start})."})
        if start < academic_year.start_date or end > academic_year.end_date:
            raise ValidationError({"pattern": f"{start}–{end} is outside {academic_year} "
                                              f"({academic_year.start_date}–{academic_year.end_date})."})
    ordered = sorted(dates)
    for (s1, e1), (s2, e2) in zip(ordered, ordered[1:]):
        if s2 <= e1:
            raise ValidationError({"pattern": f"Blocks {s1}–{e1} and {s2}–{e2} overlap."})
    clash = academic_year.blocks.filter(start_date__lte=ordered[-1][1], end_date__gte=ordered[0][0])
    for block in clash:
        if any(s <= block.end_date and e >= block.start_date for s, e in dates):
            raise ValidationError({"pattern": f"Overlaps {block.name} ({block.start_date}–{block.end_date}), "
                                              "which already exists in this year."})


# ---------------------------------------------------------------- schedule
def rotation_assignment_set(*, actor, learner: Learner, block: Block, rotation_type: RotationType | None,
                            site: Site | None = None, supervisor: Faculty | None = None):
    """Put ``learner`` on ``rotation_type`` for the whole ``block`` (replacing what was there);
    ``rotation_type=None`` clears the block. Returns the assignment or None."""
    if block.academic_year.program_id != learner.program_id:
        raise ValidationError({"block": "That block belongs to another program."})
    with transaction.atomic():
        current = learner.assignments.filter(block=block).select_for_update().first()
        if rotation_type is None:
            if current is not None:
                _assignment_delete(actor=actor, assignment=current)
            return None
        assignment = current or RotationAssignment(learner=learner, block=block)
        return _assignment_save(actor=actor, assignment=assignment, rotation_type=rotation_type,
                                start_date=block.start_date, end_date=block.end_date, site=site,
                                supervisor=supervisor)


def rotation_assignment_create(*, actor, learner: Learner, rotation_type: RotationType, start_date, end_date,
                               site: Site | None = None, supervisor: Faculty | None = None,
                               block: Block | None = None) -> RotationAssignment:
    """A free-dated assignment (imports, the API). Same checks as the grid."""
    if block is not None and block.academic_year.program_id != learner.program_id:
        raise ValidationError({"block": "That block belongs to another program."})
    assignment = RotationAssignment(learner=learner, block=block)
    return _assignment_save(actor=actor, assignment=assignment, rotation_type=rotation_type,
                            start_date=start_date, end_date=end_date, site=site, supervisor=supervisor)


def _assignment_save(*, actor, assignment, rotation_type, start_date, end_date, site, supervisor):
    learner = assignment.learner
    _check_same_program(learner, rotation_type, supervisor)
    if end_date < start_date:
        raise ValidationError({"end_date": "The rotation cannot end before it starts."})
    if site is not None:
        check_site(site=site, program=learner.program, start_date=start_date, end_date=end_date,
                    exclude_pk=assignment.pk)
    assignment.rotation_type, assignment.site, assignment.primary_supervisor = rotation_type, site, supervisor
    assignment.start_date, assignment.end_date = start_date, end_date
    action = "rotation_assignment.create" if assignment._state.adding else "rotation_assignment.update"
    try:
        with transaction.atomic():  # a savepoint: the overlap error leaves the outer transaction usable
            _lock_learner(learner)
            return save_with_audit(instance=assignment, actor=actor, action=action)
    except IntegrityError as error:
        if "assignment_no_double_booking" not in str(error):
            raise
        raise ValidationError({"rotation_type": _double_booking_message(assignment)})


def _lock_learner(learner) -> None:
    """Writers of one learner's schedule queue on the learner row (held to the end of the
    transaction). Without it two racing inserts that overlap each wait on the other's exclusion
    check and PostgreSQL aborts one with a deadlock instead of the constraint's clear refusal."""
    Learner.objects.for_company(learner.company_id).select_for_update().filter(pk=learner.pk).values_list("pk").first()


def _double_booking_message(assignment) -> str:
    clash = (assignment.learner.assignments.exclude(pk=assignment.pk)
             .filter(start_date__lte=assignment.end_date, end_date__gte=assignment.start_date)
             .select_related("rotation_type").first())
    if clash is None:  # the other writer's row is not visible to us yet (a race): still refuse
        return f"{assignment.learner} is already scheduled during {assignment.start_date}–{assignment.end_date}."
    return (f"Already scheduled on {clash.start_date:%Y-%m-%d}–{clash.end_date:%Y-%m-%d} "
            f"for {clash.rotation_type.name}.")


def _check_same_program(learner, rotation_type, supervisor):
    if rotation_type.program_id != learner.program_id:
        raise ValidationError({"rotation_type": "That rotation belongs to another program."})
    if supervisor is not None and supervisor.program_id != learner.program_id:
        raise ValidationError({"supervisor": "That supervisor is not faculty in this program."})


def check_site(*, site: Site, program: Program, start_date, end_date, exclude_pk=None):
    if site.company_id != program.company_id:
        raise ValidationError({"site": "Unknown site."})
    if site.student_capacity is not None:
        busy = (RotationAssignment.objects.for_company(site.company_id)
                .filter(site=site, start_date__lte=end_date, end_date__gte=start_date).exclude(pk=exclude_pk))
        if busy.count() >= site.student_capacity:
            raise ValidationError({"site": f"{site.name} is full: {site.student_capacity} learners already "
                                           f"scheduled there during {start_date}–{end_date}."})
    if site.is_participating_site and not site_covered(site=site, program=program,
                                                       start_date=start_date, end_date=end_date):
        raise ValidationError({"site": f"{site.name} is a participating site and no active program letter of "
                                       f"agreement covers {program} from {start_date} to {end_date}."})


def site_covered(*, site: Site, program: Program, start_date, end_date) -> bool:
    """A participating site needs an active agreement covering the program on every day."""
    agreements = ParticipationAgreement.objects.for_company(site.company_id).filter(participant=site.institution_id)
    if site.agreement_id:
        agreements = agreements | ParticipationAgreement.objects.for_company(site.company_id).filter(
            pk=site.agreement_id)
    return any(_agreement_covers(a, program, start_date) and _agreement_covers(a, program, end_date)
               for a in agreements.distinct())


def _agreement_covers(agreement, program, day) -> bool:
    if not agreement.in_force_on(day):
        return False
    return agreement.applies_to_all_programs or program.agreements.filter(pk=agreement.pk).exists()


def _assignment_delete(*, actor, assignment):
    audit_log_record(company=assignment.company_id, actor=actor, action="rotation_assignment.delete", entity=assignment,
                     changes={"learner": str(assignment.learner_id), "rotation_type": str(assignment.rotation_type_id),
                              "start_date": str(assignment.start_date), "end_date": str(assignment.end_date)})
    assignment._history_user = actor
    assignment.delete()


# ---------------------------------------------------------------- roster
OTHER_ORGANIZATION = "This email address cannot be added here. Ask the person for the address they use with you."
LEARNER_FIELDS = ("status", "pgy_level", "entry_pgy_level", "matriculation_date", "track", "degree", "medical_school",
                  "student_id", "class_year", "required_clinical_hours")
FACULTY_FIELDS = ("rank", "department", "is_core_faculty", "teaching_percentage")
RECORD_KEYS = ("user", "program", "company")


def person_add(*, actor, program: Program, email: str, first_name: str, last_name: str, role: str,
               pgy_level=None, track: str = "", status: str | None = None) -> tuple[Learner | Faculty | User, bool]:
    """The roster import's upsert: add someone in one program role. Residents, students and faculty
    also get their learner/faculty record; other roles are the membership only. ``status=None``
    keeps an existing learner's status (a new learner starts active).

    Returns (record, whether the account is new). It sends no invitation: the import invites every
    new account of its batch with one ``invitations_send``."""
    _check_grants(actor=actor, roles=[role])
    with transaction.atomic():
        user, created = _user_for(actor=actor, program=program, email=email, first_name=first_name,
                                  last_name=last_name)
        if not created:
            _check_may_attach(actor=actor, user=user)
        record = None
        if role == Role.FACULTY:
            record = _faculty_record(program, user)
        elif role in (Role.RESIDENT, Role.STUDENT):
            record = _learner_record(program, user)
            record.kind = Learner.Kind.RESIDENT if role == Role.RESIDENT else Learner.Kind.STUDENT
            record.pgy_level, record.track = pgy_level, track
            record.status = status or record.status or Learner.Status.ACTIVE
            record.entry_pgy_level = record.entry_pgy_level or pgy_level
        if record is not None:
            action = action_name(record, "add" if record._state.adding else "update")
            save_with_audit(instance=record, actor=actor, action=action)
        _membership_open(actor=actor, program=program, user=user, role=role)
        return record or user, created


def program_person_add(*, actor, program: Program, email: str, first_name: str, last_name: str, roles,
                       details: dict | None = None, key: str = "", confirm_existing: bool = False):
    """Add a person to the program in one or more roles (the Add person page, the API). Returns the user.

    ``details`` holds learner fields (LEARNER_FIELDS) and faculty fields (FACULTY_FIELDS). ``key`` is
    the form's idempotency key: a replayed submit returns the person the first one added. An address
    that already belongs to someone of the company adds the roles to that person only with
    ``confirm_existing`` (the error says whose address it is, and that the typed name is not used)."""
    details = details or {}
    _check_roles(roles, details)
    _check_grants(actor=actor, roles=roles)
    opened = Membership.objects.for_company(program.company_id).filter(program=program).select_related("user")
    membership, _created = replay_or_create(opened, key_field="submission_key", key=key or None, create=lambda: _add(
        actor=actor, program=program, email=email, first_name=first_name, last_name=last_name, roles=roles,
        details=details, key=key or None, confirm_existing=confirm_existing))
    return membership.user


def _add(*, actor, program, email, first_name, last_name, roles, details, key, confirm_existing) -> Membership:
    """Returns the first role opened: it carries the submit's key."""
    with transaction.atomic():
        user, created = _user_for(actor=actor, program=program, email=email, first_name=first_name,
                                  last_name=last_name)
        if not created:
            _check_may_attach(actor=actor, user=user)
        if Membership.objects.for_company(program.company_id).filter(
                program=program, user=user, role__in=roles, is_active=True).exists():
            raise ValidationError({"email": f"{user.email} already has that role in {program}. "
                                            "Open their page to edit them."})
        if not created and not confirm_existing:
            raise ValidationError({"confirm_existing": _existing_person_message(user, first_name, last_name)})
        _records_save(actor=actor, program=program, user=user, roles=roles, details=details)
        memberships = [_membership_open(actor=actor, program=program, user=user, role=role,
                                        key=key if index == 0 else None) for index, role in enumerate(roles)]
        if created:
            invitations_send(actor=actor, program=program, user_ids=[user.pk])
        return memberships[0]


EXISTING_PERSON_CONFIRM = "Add the role(s) to this existing person"


def _existing_person_message(user, first_name, last_name) -> str:
    """Whose the address is (the lookup is within the company only) and what they hold now."""
    held = sorted({f"{m.get_role_display()}{f' in {m.program}' if m.program_id else ''}"
                   for m in Membership.objects.for_company(user.company_id).filter(user=user, is_active=True)
                   .select_related("program")})
    typed = f"{first_name} {last_name}".strip()
    return (f"{user.email} already belongs to {user.full_name or user.email}"
            f"{' (' + ', '.join(held) + ')' if held else ''}. Tick “{EXISTING_PERSON_CONFIRM}” to give "
            f"{user.full_name or 'them'} the role(s); the name you typed{f' (“{typed}”)' if typed else ''} is not used.")


def _check_grants(*, actor, roles):
    """Program director is granted by the organization administrator only."""
    if Role.PROGRAM_DIRECTOR in roles and not is_org_admin(actor):
        raise ValidationError({"roles": "Only the organization administrator can make someone a program director."})


def _roles_outside(*, actor, user) -> bool:
    """Does ``user`` hold a role (or a learner/faculty record) beyond the programs ``actor`` manages?
    Company and site roles (the organization admin, clinicians) are outside every program."""
    managed = managed_program_ids(actor)
    company = user.company_id
    if Membership.objects.for_company(company).filter(user=user, is_active=True).exclude(
            program_id__in=managed).exists():
        return True
    return (Learner.objects.for_company(company).filter(user=user).exclude(program_id__in=managed).exists()
            or Faculty.objects.for_company(company).filter(user=user, is_active=True)
            .exclude(program_id__in=managed).exists())


def _check_may_attach(*, actor, user):
    """A coordinator or director attaches only accounts of their own programs (or with no role yet);
    an account that belongs to other programs is attached by the organization administrator."""
    if not is_org_admin(actor) and _roles_outside(actor=actor, user=user):
        raise ValidationError({"email": f"{user.email} belongs to other programs or roles of your organization. "
                                        "Ask the organization administrator to add this person here."})


def _check_roles(roles, details):
    if not roles or not set(roles) <= set(PROGRAM_ROLES):
        raise ValidationError({"roles": "Choose at least one role in this program."})
    if Role.RESIDENT in roles and Role.STUDENT in roles:
        raise ValidationError({"roles": "Someone is either a resident or a student in a program, not both."})
    if Role.RESIDENT in roles and not details.get("pgy_level"):
        raise ValidationError({"pgy_level": "A resident needs a PGY level (1–10)."})


def _records_save(*, actor, program, user, roles, details):
    if Role.RESIDENT in roles or Role.STUDENT in roles:
        learner = _learner_record(program, user)
        learner.kind = Learner.Kind.RESIDENT if Role.RESIDENT in roles else Learner.Kind.STUDENT
        _record_fill(learner, details, LEARNER_FIELDS)
        learner.entry_pgy_level = learner.entry_pgy_level or learner.pgy_level
        verb = "add" if learner._state.adding else "update"
        save_with_audit(instance=learner, actor=actor, action=action_name(learner, verb))
    if Role.FACULTY in roles:
        faculty = _faculty_record(program, user)
        faculty.is_active, faculty.ended_on = True, None
        _record_fill(faculty, details, FACULTY_FIELDS)
        verb = "add" if faculty._state.adding else "update"
        save_with_audit(instance=faculty, actor=actor, action=action_name(faculty, verb))


def _record_fill(record, details, names):
    """Copy the given fields and check them against the model (choices, 1–10, ≤ 100 %)."""
    for name in names:
        if name in details:
            value = details[name]
            is_text = isinstance(record._meta.get_field(name), models.CharField)
            setattr(record, name, "" if value is None and is_text else value)
    record.clean_fields(exclude=[f.name for f in record._meta.fields if f.name not in names])


def learner_update(*, actor, learner: Learner, **fields) -> Learner:
    unknown = set(fields) - set(LEARNER_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    _record_fill(learner, fields, LEARNER_FIELDS)
    if learner.kind == Learner.Kind.RESIDENT and not learner.pgy_level:
        raise ValidationError({"pgy_level": "A resident needs a PGY level (1–10)."})
    with transaction.atomic():
        return save_with_audit(instance=learner, actor=actor, action="learner.update")


def faculty_update(*, actor, faculty: Faculty, **fields) -> Faculty:
    unknown = set(fields) - set(FACULTY_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    _record_fill(faculty, fields, FACULTY_FIELDS)
    with transaction.atomic():
        return save_with_audit(instance=faculty, actor=actor, action="faculty.update")


def person_update(*, actor, program: Program, user: User, learner: Learner | None, faculty: Faculty | None,
                  name: dict, learner_fields: dict | None = None, faculty_fields: dict | None = None) -> User:
    """The Edit person page: name, learner and faculty details — every record or none."""
    with transaction.atomic():
        person_name_update(actor=actor, program=program, user=user, **name)
        if learner is not None and learner_fields is not None:
            learner_update(actor=actor, learner=learner, **learner_fields)
        if faculty is not None and faculty_fields is not None:
            faculty_update(actor=actor, faculty=faculty, **faculty_fields)
    return user


def person_name_update(*, actor, program: Program, user: User, first_name: str, last_name: str) -> User:
    """Correct a person's name (history and audit kept). The name belongs to the account, so only a
    coordinator/director of a program the person holds a role in may change it, never anyone else's."""
    if not can_manage_program(actor, program):
        raise PermissionDenied("Only the program's coordinators and directors can rename people.")
    if user.company_id != program.company_id or not _holds_role_in(program, user):
        raise ValidationError("This person holds no role in this program.")
    if not is_org_admin(actor) and _roles_outside(actor=actor, user=user):
        raise ValidationError({"first_name": "This person also holds roles outside the programs you manage: "
                                             "only the organization administrator can change their name."})
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name or not last_name:
        raise ValidationError({name: "Required." for name, value in
                               (("first_name", first_name), ("last_name", last_name)) if not value})
    if (user.first_name, user.last_name) == (first_name, last_name):
        return user  # nothing to record
    with transaction.atomic():
        user.first_name, user.last_name = first_name, last_name
        return save_with_audit(instance=user, actor=actor, action="user.update_name")


def _holds_role_in(program: Program, user: User) -> bool:
    return (program.memberships.filter(user=user).exists() or program.learners.filter(user=user).exists()
            or program.faculty.filter(user=user).exists())


def membership_end(*, actor, membership: Membership, ended_on: datetime.date) -> Membership:
    """End one role in a program (history and audit kept); ending "faculty" also ends the faculty record."""
    if not membership.is_active:
        return membership
    if membership.started_on and ended_on < membership.started_on:
        raise ValidationError({"ended_on": "A role cannot end before it started."})
    with transaction.atomic():
        membership.is_active, membership.ended_on = False, ended_on
        save_with_audit(instance=membership, actor=actor, action="membership.end")
        if membership.role == Role.FACULTY and membership.program_id:
            faculty = membership.program.faculty.filter(user_id=membership.user_id, is_active=True).first()
            if faculty is not None:
                faculty.is_active, faculty.ended_on = False, ended_on
                save_with_audit(instance=faculty, actor=actor, action="faculty.end")
        return membership


def _learner_record(program, user) -> Learner:
    return (Learner.objects.for_company(program.company).filter(program=program, user=user).first()
            or Learner(program=program, user=user))


def _faculty_record(program, user) -> Faculty:
    return (Faculty.objects.for_company(program.company).filter(program=program, user=user).first()
            or Faculty(program=program, user=user))


def _membership_open(*, actor, program, user, role, key=None):
    """Create the role, or re-open one that was ended."""
    membership = Membership.objects.for_company(program.company).filter(
        user=user, role=role, program=program, site=None, institution=None).first()
    if membership is not None and membership.is_active:
        return membership
    membership = membership or Membership(user=user, role=role, program=program)
    membership.is_active, membership.ended_on = True, None
    if key:
        membership.submission_key = key
    return save_with_audit(instance=membership, actor=actor, action="membership.create")


def _user_for(*, actor, program, email, first_name, last_name) -> tuple[User, bool]:
    """(The company's user with that email, False), or (a new one with an unusable password, True).
    An account of another company is never attached, and the message does not say whose it is."""
    email = email.strip().lower()
    user = User.objects.for_company(program.company_id).filter(email__iexact=email).first()
    if user is not None:
        return user, False
    with unscoped("an email address is unique across every organization"):
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": OTHER_ORGANIZATION})
    user = User(company=program.company, email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.set_unusable_password()
    save_with_audit(instance=user, actor=actor, action="user.create")
    return user, True


def invitations_send(*, actor, program: Program, user_ids) -> None:
    """Invite new accounts to set their password: ONE task for the whole batch, published when the
    transaction commits (a rolled-back add invites nobody; no mail is sent inside the request)."""
    if user_ids:
        dispatch(send_invitations, company_id=str(program.company_id), program_id=str(program.pk),
                 inviter_id=str(actor.pk), user_ids=[str(pk) for pk in user_ids])


# ---------------------------------------------------------------- calendar feeds
def calendar_feed_create(*, actor, program: Program | None = None) -> CalendarFeed:
    with transaction.atomic():
        feed = CalendarFeed(owner=actor, program=program, token=secrets.token_urlsafe(32))
        return save_with_audit(instance=feed, actor=actor, action="calendar_feed.create")


def calendar_feed_revoke(*, actor, feed: CalendarFeed) -> CalendarFeed:
    if feed.revoked_at is not None:
        return feed
    feed.revoked_at = timezone.now()
    return save_with_audit(instance=feed, actor=actor, action="calendar_feed.revoke")


# ---------------------------------------------------------------- promotion
def final_year_of(program: Program) -> int:
    return program.specialty.typical_duration_years or DEFAULT_PROGRAM_YEARS


def promotion_plan(*, program: Program) -> list[tuple[Learner, str, int | None]]:
    """[(resident, "promote" | "graduate", new PGY)] for every active resident."""
    final_year = final_year_of(program)
    residents = (program.learners.filter(kind=Learner.Kind.RESIDENT, status=Learner.Status.ACTIVE)
                 .select_related("user").order_by("pgy_level", "user__last_name"))
    return [(r, "graduate", None) if r.pgy_level >= final_year else (r, "promote", r.pgy_level + 1)
            for r in residents]


def promotion_apply(*, actor, program: Program, graduation_date: datetime.date, key: str) -> Promotion:
    """Promote and graduate, saving each learner (one history row each). ``key`` comes from the
    preview page so a double-submitted confirm promotes once: the replay gets the first Promotion."""

    def apply() -> Promotion:
        Program.objects.for_company(program.company_id).select_for_update().get(pk=program.pk)
        plan = promotion_plan(program=program)
        for learner, step, new_pgy in plan:
            if step == "graduate":
                learner.status, learner.actual_graduation_date = Learner.Status.COMPLETED, graduation_date
            else:
                learner.pgy_level = new_pgy
            save_with_audit(instance=learner, actor=actor, action=f"learner.{step}")
        promotion = Promotion(program=program, graduation_date=graduation_date, applied_by=actor, submission_key=key,
                              promoted=sum(step == "promote" for _, step, _ in plan),
                              graduated=sum(step == "graduate" for _, step, _ in plan))
        return save_with_audit(instance=promotion, actor=actor, action="program.apply_promotion")

    promotion, _created = replay_or_create(Promotion.objects.for_company(program.company_id).filter(program=program),
                                           key_field="submission_key", key=key, create=apply)
    return promotion
