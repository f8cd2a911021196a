"""Reads for EPA assessments and requests. Every function returns company-scoped querysets;
soft-deleted assessments are excluded everywhere (``objects`` is the alive manager)."""

import datetime
import statistics
import uuid
from collections import defaultdict

from django.contrib.postgres.aggregates import JSONBAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import JSONObject

from apps.academics.models import Learner, Program, RotationAssignment
from apps.academics.selectors import RECENT_DAYS, learners_for_assessor
from apps.assessments.models import AssessmentFeedbackTag, AssessmentRequest, EPAAssessment
from apps.core.idempotency import IdempotencyKeyError, idempotency_key
from apps.core.prepared import prepared
from apps.reference.models import EPA, CaseType, EntrustmentLevel, FeedbackTag
from apps.tenants.access import active_memberships, is_org_admin, program_ids_with_roles
from apps.tenants.models import Company, Membership, Site, User
from apps.tenants.roles import ASSESSORS, PROGRAM_MANAGERS


def _with_details(queryset):
    # The tag prefetch needs no tenant filter of its own: Django scopes it to the parent rows.
    return queryset.select_related("epa", "assessor", "learner__user", "program", "case_type", "site").prefetch_related(
        Prefetch("tag_links", queryset=AssessmentFeedbackTag.objects.select_related("tag")))


def managed_program_ids(*, user) -> set:
    return program_ids_with_roles(user, PROGRAM_MANAGERS)


def assessment_visible_to(*, user):
    """Assessments a person may read: their own (as learner or assessor), their programs' (as
    coordinator/director), the whole company's (as organization admin)."""
    assessments = EPAAssessment.objects.for_company(user.company_id)
    if is_org_admin(user):
        return assessments
    return assessments.filter(Q(assessor=user) | Q(learner__user=user)
                              | Q(program_id__in=managed_program_ids(user=user)))


def assessment_list(*, user, learner=None, epa=None, date_from=None, date_to=None):
    assessments = assessment_visible_to(user=user)
    if learner is not None:
        assessments = assessments.filter(learner_id=getattr(learner, "pk", learner))
    if epa is not None:
        assessments = assessments.filter(epa_id=getattr(epa, "pk", epa))
    if date_from is not None:
        assessments = assessments.filter(assessment_date__gte=date_from)
    if date_to is not None:
        assessments = assessments.filter(assessment_date__lte=date_to)
    return _with_details(assessments)


def assessment_list_for_learner(*, user):
    return _with_details(EPAAssessment.objects.for_company(user.company_id).filter(learner__user=user))


def assessment_list_given(*, assessor):
    return _with_details(EPAAssessment.objects.for_company(assessor.company_id).filter(assessor=assessor))


def assessment_given_with_key(*, assessor, key):
    """The assessment ``assessor`` already saved with this form key (apps.core.idempotency's
    ``submission_key``), or None: a form render whose key is used shows that assessment instead."""
    try:
        key = idempotency_key(key)
    except IdempotencyKeyError:
        return None
    return EPAAssessment.objects.for_company(assessor.company_id).filter(assessor=assessor, submission_key=key).first()


def assessment_deleted_for_manager(*, user):
    return EPAAssessment.all_objects.for_company(user.company_id).deleted().filter(
        program_id__in=managed_program_ids(user=user)).select_related("epa", "learner__user", "assessor", "deleted_by")


def assessment_get_including_deleted(*, user, assessment_id):
    return EPAAssessment.all_objects.for_company(user.company_id).select_related(
        "epa", "learner__user", "assessor", "program").get(pk=assessment_id)


def request_list_for_assessor(*, assessor, status=AssessmentRequest.Status.OPEN):
    """The assessor's requests (open ones: their to-do), each annotated ``is_overdue``."""
    return AssessmentRequest.objects.for_company(assessor.company_id).filter(
        assessor=assessor, status=status).with_overdue().select_related("learner__user", "epa").order_by(
        "-is_overdue", "expires_at")


def request_list_for_learner(*, user):
    return AssessmentRequest.objects.for_company(user.company_id).filter(learner__user=user).select_related(
        "assessor", "epa", "learner__user")


def request_visible_to(*, user):
    requests = AssessmentRequest.objects.for_company(user.company_id)
    if is_org_admin(user):
        return requests
    return requests.filter(Q(assessor=user) | Q(learner__user=user)
                           | Q(learner__program_id__in=managed_program_ids(user=user)))


def learner_records(*, user):
    return Learner.objects.for_company(user.company_id).filter(user=user).select_related("program__epa_set")


def assessors_for_learner(*, learner):
    """Faculty, preceptors, supervisors and directors of the learner's program."""
    ids = Membership.objects.for_company(learner.company_id).filter(
        program=learner.program, role__in=sorted(ASSESSORS), is_active=True).values_list("user_id", flat=True)
    return User.objects.for_company(learner.company_id).filter(pk__in=ids, is_active=True).exclude(pk=learner.user_id)


LEARNER_CHOICE_FIELDS = ("id", "user__first_name", "user__last_name", "user__email", "program__name")


def _learner_choices_builder(*, company_id, assessor_id, program_ids, today, since):
    """``academics.selectors.learners_for_assessor`` (without search, the assessor left out) as
    values(): the same filter and order, read as the columns of the choice labels."""
    recent = RotationAssignment.objects.for_company(company_id).filter(
        learner=OuterRef("pk"), primary_supervisor__user_id=assessor_id, start_date__lte=today, end_date__gte=since)
    return (Learner.objects.for_company(company_id)
            .filter(program_id__in=program_ids, status__in=[Learner.Status.ACTIVE, Learner.Status.PROBATION])
            .exclude(user_id=assessor_id).annotate(is_recent=Exists(recent))
            .order_by("-is_recent", "user__last_name", "user__first_name").values(*LEARNER_CHOICE_FIELDS))


_learner_choice_rows = prepared(_learner_choices_builder)


def _learner_label(row) -> str:
    """``f"{learner.user} ({learner.program})"``: User.__str__ is the full name, else the e-mail."""
    name = f"{row['user__first_name']} {row['user__last_name']}".strip() or row["user__email"]
    return f"{name} ({row['program__name']})"


def learner_choices(*, assessor, today: datetime.date, search: str = "") -> list:
    """(id, label) of the learners the assessor may assess (not themself), recent assignees first:
    the assessment form's learner choices without a model instance per learner (issue 19). The
    plain list is one prepared read; a search (``icontains``, which cannot be prepared) is the
    same queryset as values()."""
    if search:
        rows = learners_for_assessor(assessor=assessor, today=today, search=search).exclude(
            user_id=assessor.pk).values(*LEARNER_CHOICE_FIELDS)
    else:
        program_ids = tuple(sorted(program_ids_with_roles(assessor, ASSESSORS), key=str))
        if not program_ids:
            return []
        rows = _learner_choice_rows(company_id=assessor.company_id, assessor_id=assessor.pk, program_ids=program_ids,
                                    today=today, since=today - datetime.timedelta(days=RECENT_DAYS))
    return [(row["id"], _learner_label(row)) for row in rows]


def epas_for_assessor(*, assessor):
    """EPAs of the sets the assessor's programs use. The memberships (read once per request)
    give the programs; their sets are a subquery of the same query."""
    program_ids = {m.program_id for m in active_memberships(assessor) if m.role in ASSESSORS and m.program_id}
    if not program_ids:
        return EPA.objects.none()
    set_ids = Program.objects.for_company(assessor.company_id).filter(pk__in=program_ids).values("epa_set_id")
    return EPA.objects.filter(epa_set_id__in=set_ids)


def epas_with_scale_levels(epas, *, company_id=None):
    """The EPAs with their set, each annotated ``scale_levels``: its scale's levels as a list of
    {number, label, descriptor} by number — the form's radio choices come with the EPA query.
    With ``company_id``, also ``case_type_rows``: the EPA's active case types visible to that
    company (``case_types_from``), so a POST validates its case type without a query of its own."""
    levels = (EntrustmentLevel.objects.filter(scale_id=OuterRef("epa_set__scale_id")).order_by()
              .values("scale_id").annotate(rows=JSONBAgg(
                  JSONObject(number="number", label="label", descriptor="descriptor"), order_by="number"))
              .values("rows"))
    epas = epas.select_related("epa_set").annotate(scale_levels=Subquery(levels))
    if company_id is not None:
        types = (CaseType.objects.visible_to(company_id).filter(epa_id=OuterRef("pk"), is_active=True).order_by()
                 .values("epa_id").annotate(rows=JSONBAgg(JSONObject(
                     id="id", company_id="company_id", code="code", name="name", typical_minutes="typical_minutes"),
                     order_by="name"))
                 .values("rows"))
        epas = epas.annotate(case_type_rows=Subquery(types))
    return epas


EPA_FIELDS = ("id", "epa_set_id", "number", "name", "short_name", "description", "category", "display_order")  # every field, in the model's order (from_db)


def _epa_choices_builder(*, company_id, program_ids):
    set_ids = Program.objects.for_company(company_id).filter(pk__in=program_ids).values("epa_set_id")
    return epas_with_scale_levels(EPA.objects.filter(epa_set_id__in=set_ids), company_id=company_id).values(
        *EPA_FIELDS, "scale_levels", "case_type_rows")


_epa_choice_rows = prepared(_epa_choices_builder)


def epa_list_for_assessor(*, assessor) -> list:
    """``epas_with_scale_levels(epas_for_assessor(...), company_id=...)`` as a list: the same EPAs,
    each with ``scale_levels`` and ``case_type_rows``, built from one prepared values() read (the
    form's EPA choices and what a POST validates its EPA, level and case type against)."""
    program_ids = tuple(sorted(program_ids_with_roles(assessor, ASSESSORS), key=str))
    if not program_ids:
        return []
    return [_epa_from_row(row) for row in _epa_choice_rows(company_id=assessor.company_id, program_ids=program_ids)]


def _epa_from_row(row) -> EPA:
    epa = EPA.from_db("default", EPA_FIELDS, tuple(row[name] for name in EPA_FIELDS))
    epa.scale_levels, epa.case_type_rows = row["scale_levels"], row["case_type_rows"]
    return epa


CASE_TYPE_FIELDS = ("id", "epa_id", "company_id", "code", "name", "typical_minutes", "is_active")


def case_types_from(epa_list) -> list:
    """CaseType rows (as if read from the database) from ``case_type_rows`` of EPAs read with
    ``epas_with_scale_levels(..., company_id=...)``; each has its EPA attached. In the EPAs' order,
    then by name: the order of ``case_types_for_epas`` (CaseType.Meta.ordering, by EPA then name)."""
    types = []
    for epa in epa_list:
        for row in getattr(epa, "case_type_rows", None) or ():
            company_id = uuid.UUID(row["company_id"]) if row["company_id"] else None
            case_type = CaseType.from_db("default", CASE_TYPE_FIELDS, (
                row["id"], epa.pk, company_id, row["code"], row["name"], row["typical_minutes"], True))
            case_type.epa = epa
            types.append(case_type)
    return types


def case_types_for_epas(*, company_id, epa_ids):
    return CaseType.objects.visible_to(company_id).filter(epa_id__in=epa_ids, is_active=True).select_related("epa")


def feedback_tags_for(*, company_id, specialty_id=None):
    tags = FeedbackTag.objects.visible_to(company_id).filter(is_active=True)
    return tags.filter(Q(specialty__isnull=True) | Q(specialty_id=specialty_id))


TAG_FIELDS = ("id", "category", "name", "description", "specialty_id", "company_id", "is_active")  # every field, in order
_tag_rows = prepared(lambda company_id: feedback_tags_for(company_id=company_id).values(*TAG_FIELDS))


def feedback_tag_list(*, company_id) -> list:
    """``feedback_tags_for(company_id=...)`` as FeedbackTag rows from one prepared values() read."""
    return [FeedbackTag.from_db("default", TAG_FIELDS, tuple(row[name] for name in TAG_FIELDS))
            for row in _tag_rows(company_id=company_id)]


_site_rows = prepared(lambda company_id: Site.objects.for_company(company_id).filter(is_active=True).values("id", "name"))


def site_choices(*, company_id) -> list:
    """(id, name) of the company's active sites (Site.__str__ is its name), in Site's order."""
    return [(row["id"], row["name"]) for row in _site_rows(company_id=company_id)]


def _json_rows(queryset, **fields):
    """``queryset``'s rows as one array of JSON objects (a column of one row), in its explicit order
    or else its model's ``Meta.ordering``, written out: the order a read of its own would give."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    return ArraySubquery(queryset.values(row=JSONObject(**fields)).order_by(*ordering))


def _form_choices_builder(*, company_id, assessor_id, program_ids, today, since, with_epas):
    """The lists of the new-assessment form as columns of one row (the assessor's company), each
    in its own read's order: ``_learner_choices_builder``'s learners, ``_site_rows``' sites,
    ``_tag_rows``' tags and, ``with_epas``, ``_epa_choices_builder``'s EPAs."""
    learners = _learner_choices_builder(company_id=company_id, assessor_id=assessor_id, program_ids=program_ids,
                                        today=today, since=since)
    sites = Site.objects.for_company(company_id).filter(is_active=True)
    columns = {"learners": _json_rows(learners, **{name: name for name in LEARNER_CHOICE_FIELDS}),
               "sites": _json_rows(sites, id="id", name="name"),
               "tags": _json_rows(feedback_tags_for(company_id=company_id), **{name: name for name in TAG_FIELDS})}
    if with_epas:
        epas = _epa_choices_builder(company_id=company_id, program_ids=program_ids)
        columns["epas"] = _json_rows(epas, **{name: name for name in (*EPA_FIELDS, "scale_levels", "case_type_rows")})
    return Company.objects.filter(pk=company_id).values(**columns)


_form_choice_rows = prepared(_form_choices_builder)


def form_choices(*, assessor, today: datetime.date, with_epas: bool = False) -> dict:
    """``learner_choices``, ``site_choices`` and ``feedback_tag_list`` of the new-assessment form
    (no learner search) and, ``with_epas``, ``epa_list_for_assessor`` read together: one query
    instead of four (issue 19). The same rows in the same order; ids of learners and sites come as
    JSON gives them (text: the page writes them as text)."""
    program_ids = tuple(sorted(program_ids_with_roles(assessor, ASSESSORS), key=str))
    if not program_ids:  # nothing to assess (an IN () is no query): the reads that still give rows
        return {"learners": [], "sites": site_choices(company_id=assessor.company_id),
                "tags": feedback_tag_list(company_id=assessor.company_id), "epas": []}
    row = _form_choice_rows(company_id=assessor.company_id, assessor_id=assessor.pk, program_ids=program_ids,
                            today=today, since=today - datetime.timedelta(days=RECENT_DAYS), with_epas=with_epas)[0]
    return {"learners": [(learner["id"], _learner_label(learner)) for learner in row["learners"]],
            "sites": [(site["id"], site["name"]) for site in row["sites"]],
            "tags": [_tag_from_json(tag) for tag in row["tags"]],
            "epas": [_epa_from_row(epa) for epa in row["epas"]] if with_epas else None}


def _tag_from_json(row) -> FeedbackTag:
    """A FeedbackTag as ``feedback_tag_list`` builds it, from its JSON object (the company id as a UUID)."""
    values = {**row, "company_id": uuid.UUID(row["company_id"]) if row["company_id"] else None}
    return FeedbackTag.from_db("default", TAG_FIELDS, tuple(values[name] for name in TAG_FIELDS))


def completion_board(*, user) -> dict:
    """Open, overdue (``AssessmentRequest.objects.overdue``, the one definition) and completed
    requests of the programs a coordinator/director manages, with the median hours to complete,
    overall and per assessor."""
    requests = AssessmentRequest.objects.for_company(user.company_id)
    if not is_org_admin(user):
        requests = requests.filter(learner__program_id__in=managed_program_ids(user=user))
    rows = requests.with_overdue().values_list("assessor_id", "status", "created_at", "completed_at", "is_overdue")
    per_assessor = defaultdict(lambda: {"open": 0, "overdue": 0, "completed": 0, "hours": []})
    for assessor_id, status, created_at, completed_at, is_overdue in rows:
        stats = per_assessor[assessor_id]
        if status == AssessmentRequest.Status.OPEN:
            stats["open"] += 1
            stats["overdue"] += is_overdue
        elif status == AssessmentRequest.Status.COMPLETED and completed_at:
            stats["completed"] += 1
            stats["hours"].append((completed_at - created_at).total_seconds() / 3600)
    people = User.objects.for_company(user.company_id).in_bulk(list(per_assessor))
    faculty = [{"assessor": people.get(key), **_summary(stats)} for key, stats in per_assessor.items()]
    faculty.sort(key=lambda row: (-row["overdue"], -row["open"], str(row["assessor"])))
    all_hours = [hours for stats in per_assessor.values() for hours in stats["hours"]]
    return {"faculty": faculty, "open": sum(r["open"] for r in faculty), "overdue": sum(r["overdue"] for r in faculty),
            "completed": sum(r["completed"] for r in faculty),
            "median_hours": round(statistics.median(all_hours), 1) if all_hours else None}


def _summary(stats) -> dict:
    return {"open": stats["open"], "overdue": stats["overdue"], "completed": stats["completed"],
            "median_hours": round(statistics.median(stats["hours"]), 1) if stats["hours"] else None}


def managed_programs(*, user):
    programs = Program.objects.for_company(user.company_id)
    return programs if is_org_admin(user) else programs.filter(pk__in=managed_program_ids(user=user))


def epa_ids_in_use(epa_ids) -> set:
    """EPAs that assessments or requests point at, in any company (platform check for the reference
    library — registered in AssessmentsConfig.ready: reads across tenants on purpose, soft-deleted
    assessments included, since they still name the EPA)."""
    epa_ids = list(epa_ids)
    used = set(EPAAssessment.all_objects.unscoped().filter(epa_id__in=epa_ids).values_list("epa_id", flat=True))
    used |= set(AssessmentRequest.objects.unscoped().filter(epa_id__in=epa_ids).values_list("epa_id", flat=True))
    return used
