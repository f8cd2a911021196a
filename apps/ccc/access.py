"""Who may see and do what in the CCC — written once, used by the pages and the API alike.

* A meeting (its packets, its reviews in full) is visible to its members and chair and to the
  program's managers (coordinator, director); to anyone else it is a 404.
* The program's managers create meetings, take attendance, edit the EPA→subcompetency mapping,
  read the milestone report and mark it reported.
* The chair starts the meeting, records each resident's levels and review, and completes it;
  members see the same screens read-only.
* A resident sees only their own *finalised* reviews and levels — never the committee's
  discussion notes or minutes.
"""

import uuid

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.http import Http404

from apps.academics.access import get_program_for_user
from apps.academics.models import AcademicYear, Learner, Program
from apps.ccc.models import (
    CCCMeeting,
    MeetingMember,
    MeetingResident,
    MilestoneAssessment,
    PacketJob,
    ResidentReview,
)
from apps.ccc.selectors import instance_of, uuid_array
from apps.core.access import company_of, get_for_company_or_404
from apps.core.prepared import prepared
from apps.reference.models import MilestoneSet, Specialty
from apps.tenants.access import has_role, program_ids_with_roles
from apps.tenants.models import User
from apps.tenants.roles import PROGRAM_MANAGERS


# ---------------------------------------------------------------- programs
def can_manage_ccc(user, program) -> bool:
    return has_role(user, PROGRAM_MANAGERS, program=program)


def get_ccc_program_for_user(user, program_id, *, manage: bool = False) -> Program:
    """The program's CCC pages: its managers only (404 for everyone else)."""
    program = get_program_for_user(user, program_id)
    if not can_manage_ccc(user, program):
        raise Http404("Not your committee")
    return program


def managed_program_ids(user) -> set:
    return program_ids_with_roles(user, PROGRAM_MANAGERS)


# ---------------------------------------------------------------- meetings
def meetings_visible_to(user):
    """Meetings the user sits on (member or chair) or whose program they manage."""
    company = company_of(user)
    members = MeetingMember.objects.for_company(company).filter(meeting=OuterRef("pk"), user=user)
    return (CCCMeeting.objects.for_company(company)
            .annotate(is_member=Exists(members))
            .filter(Exists(members) | _chair_or_managed(user)))


def _chair_or_managed(user):
    return Q(chair=user) | Q(program_id__in=list(managed_program_ids(user)))


# ``get_meeting_for_user``'s read, prepared (apps.core.prepared: compiled once per process; every
# CCC page asks): the meetings_visible_to() rule for one meeting, with the program (its specialty
# and milestone set), year and chair as select_related() gave them.
_MEETING_RELATED = (("program", Program), ("program__specialty", Specialty),
                    ("program__milestone_set", MilestoneSet), ("academic_year", AcademicYear), ("chair", User))


def _meeting_values():
    names = [field.attname for field in CCCMeeting._meta.concrete_fields]
    for prefix, model in _MEETING_RELATED:
        names += [f"{prefix}__{field.attname}" for field in model._meta.concrete_fields]
    return names


_visible_meeting = prepared(lambda company_id, user_id, managed_ids, meeting_id: CCCMeeting.objects.for_company(
    company_id).filter(Exists(MeetingMember.objects.for_company(company_id).filter(meeting=OuterRef("pk"),
                                                                                  user_id=user_id))
                       | Q(chair_id=user_id)
                       | RawSQL('"ccc_cccmeeting"."program_id" = ANY(%s::uuid[])', (managed_ids,),
                                output_field=BooleanField()),
                       pk=meeting_id).order_by().values(*_meeting_values()))


def get_meeting_for_user(user, meeting_id) -> CCCMeeting:
    """The meeting if ``user`` may see it (``meetings_visible_to``), else a 404."""
    company_of(user)
    if not isinstance(meeting_id, uuid.UUID):
        try:
            meeting_id = uuid.UUID(str(meeting_id))
        except ValueError:
            raise Http404("No meeting here")
    rows = _visible_meeting(company_id=user.company_id, user_id=user.pk, meeting_id=meeting_id,
                            managed_ids=uuid_array(managed_program_ids(user)))
    if not rows:
        raise Http404("No meeting here")
    return _meeting_of(rows[0])


def _meeting_of(row) -> CCCMeeting:
    meeting = instance_of(CCCMeeting, row)
    related = {}
    for prefix, model in _MEETING_RELATED:
        data = {field.attname: row[f"{prefix}__{field.attname}"] for field in model._meta.concrete_fields}
        related[prefix] = None if data[model._meta.pk.attname] is None else instance_of(model, data)
    program = related["program"]
    program.specialty, program.milestone_set = related["program__specialty"], related["program__milestone_set"]
    meeting.program, meeting.academic_year, meeting.chair = program, related["academic_year"], related["chair"]
    return meeting


def can_manage_meeting(user, meeting) -> bool:
    return can_manage_ccc(user, meeting.program)


def can_chair_meeting(user, meeting) -> bool:
    return meeting.chair_id == user.pk


def can_record_reviews(user, meeting) -> bool:
    """The chair, while the meeting is in progress."""
    return can_chair_meeting(user, meeting) and meeting.status == CCCMeeting.Status.IN_PROGRESS


_LEARNER_RELATED = (("user", User), ("program", Program))
_meeting_resident = prepared(lambda company_id, meeting_id, program_id, learner_id: Learner.objects.for_company(
    company_id).filter(pk=learner_id, program_id=program_id, pk__in=MeetingResident.objects.for_company(company_id)
                       .filter(meeting_id=meeting_id).values("learner_id"))
    .order_by().values(*[field.attname for field in Learner._meta.concrete_fields],
                       *[f"{prefix}__{field.attname}" for prefix, model in _LEARNER_RELATED
                         for field in model._meta.concrete_fields],
                       order=ArraySubquery(MeetingResident.objects.for_company(company_id).filter(meeting_id=meeting_id)
                                           .order_by("order", "pk").values("learner_id"))))


def get_meeting_resident_for_user(user, meeting, learner_id) -> Learner:
    """A resident listed on the meeting (404 otherwise), with its user and program (one prepared read)."""
    return get_meeting_resident_in_order_for_user(user, meeting, learner_id)[0]


def get_meeting_resident_in_order_for_user(user, meeting, learner_id) -> tuple[Learner, list]:
    """``get_meeting_resident_for_user`` and the meeting's residents' learner ids in the meeting's
    order (the packet page's pager), in the same read."""
    try:
        learner_id = learner_id if isinstance(learner_id, uuid.UUID) else uuid.UUID(str(learner_id))
    except ValueError:
        raise Http404("Not on this meeting")
    rows = _meeting_resident(company_id=meeting.company_id, meeting_id=meeting.pk, program_id=meeting.program_id,
                             learner_id=learner_id)
    if not rows:
        raise Http404("Not on this meeting")
    row = rows[0]
    learner = instance_of(Learner, row)
    for prefix, model in _LEARNER_RELATED:
        setattr(learner, prefix, instance_of(model, {field.attname: row[f"{prefix}__{field.attname}"]
                                                     for field in model._meta.concrete_fields}))
    return learner, row["order"]


def get_job_for_user(user, job_id) -> PacketJob:
    job = get_for_company_or_404(PacketJob.objects.all(), user, pk=job_id)
    get_meeting_for_user(user, job.meeting_id)  # the job is as visible as its meeting
    return job


# ---------------------------------------------------------------- reviews and levels
def reviews_visible_to(user):
    """Every review of meetings the user may see, plus the user's own finalised reviews."""
    company = company_of(user)
    mine = ResidentReview.objects.for_company(company).filter(learner__user=user, finalised_at__isnull=False)
    committee = ResidentReview.objects.for_company(company).filter(meeting__in=meetings_visible_to(user).values("pk"))
    return mine | committee


def own_finalised_reviews(user):
    return ResidentReview.objects.for_company(company_of(user)).filter(
        learner__user=user, finalised_at__isnull=False)


def get_review_for_user(user, review_id) -> ResidentReview:
    company_of(user)
    try:
        return reviews_visible_to(user).select_related(
            "learner__user", "learner__program", "meeting__academic_year", "meeting__program").get(pk=review_id)
    except (ResidentReview.DoesNotExist, ValueError):
        raise Http404("No review here")


def milestone_assessments_visible_to(user):
    """Levels of residents whose program the user manages or whose meeting they sit on, plus the
    user's own levels once their review is final (a level decided at a meeting is shown to the
    resident when that meeting completes)."""
    company = company_of(user)
    own = MilestoneAssessment.objects.for_company(company).filter(
        learner__user=user, meeting__status=CCCMeeting.Status.COMPLETED)
    managed = MilestoneAssessment.objects.for_company(company).filter(
        learner__program_id__in=list(managed_program_ids(user)))
    committee = MilestoneAssessment.objects.for_company(company).filter(
        meeting__in=meetings_visible_to(user).values("pk"))
    return own | managed | committee


def get_milestone_assessment_for_user(user, assessment_id) -> MilestoneAssessment:
    company_of(user)
    try:
        return milestone_assessments_visible_to(user).select_related(
            "learner__user", "learner__program", "milestone", "academic_year", "meeting").distinct().get(
            pk=assessment_id)
    except (MilestoneAssessment.DoesNotExist, ValueError):
        raise Http404("No milestone level here")


def can_change_milestone_assessment(user, assessment) -> bool:
    """The chair of its meeting while it is in progress, or the program's managers."""
    if assessment.meeting_id and assessment.meeting.chair_id == user.pk \
            and assessment.meeting.status == CCCMeeting.Status.IN_PROGRESS:
        return True
    return can_manage_ccc(user, assessment.learner.program)
