"""Reads for programs, the roster, the calendar and the schedule grid. Each returns scoped data
with a fixed number of queries however many learners a program has."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from apps.academics.models import (
    AcademicYear, Block, CalendarFeed, Learner, Program, RotationAssignment,
)
from apps.tenants.access import active_memberships
from apps.tenants.models import Membership, Site
from apps.tenants.roles import PROGRAM_MANAGERS, Role

ROSTER_SORTS = {"name": ("last", "first"), "-name": ("last", "first"), "pgy": ("pgy",), "-pgy": ("pgy",),
                "role": ("role",), "status": ("status",)}


def programs_for_user(*, user):
    program_ids = {m.program_id for m in active_memberships(user) if m.program_id}
    return (Program.objects.for_company(user.company_id).filter(pk__in=program_ids)
            .select_related("specialty").annotate(learner_count=Count("learners", distinct=True)))


def program_roles(*, user, program) -> set[str]:
    return {m.role for m in active_memberships(user) if m.program_id == program.pk}


# ---------------------------------------------------------------- roster
@dataclass
class RosterRow:
    user: object
    role: str
    role_label: str
    pgy: int | None = None
    status: str = ""
    status_label: str = ""
    track: str = ""
    record: object = None

    @property
    def sort_key(self):
        return {"last": self.user.last_name.lower(), "first": self.user.first_name.lower(),
                "pgy": self.pgy or 0, "role": self.role, "status": self.status}


def roster_rows(*, program: Program, q: str = "", role: str = "", pgy=None, status: str = "", track: str = "",
                sort: str = "name") -> list[RosterRow]:
    """Learners and faculty as one list: two queries, filtered in SQL, merged and sorted here."""
    rows = []
    if role in ("", Role.RESIDENT, Role.STUDENT):
        rows += [_learner_row(l) for l in _learners_filtered(program, q, role, pgy, status, track)]
    if role in ("", Role.FACULTY) and not pgy and not track and status in ("", "active", "inactive"):
        rows += [_faculty_row(f) for f in _faculty_filtered(program, q, status)]
    keys = ROSTER_SORTS.get(sort, ROSTER_SORTS["name"])
    rows.sort(key=lambda row: tuple(row.sort_key[k] for k in keys) + (row.user.last_name, row.user.first_name),
              reverse=sort.startswith("-"))
    return rows


def _search(queryset, q):
    for word in q.split():
        queryset = queryset.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
                                   | Q(user__email__icontains=word))
    return queryset


def _learners_filtered(program, q, role, pgy, status, track):
    learners = _search(program.learners.select_related("user"), q)
    if role:
        learners = learners.filter(kind=role)
    if pgy:
        learners = learners.filter(pgy_level=pgy)
    if status in Learner.Status.values:
        learners = learners.filter(status=status)
    if track:
        learners = learners.filter(track__iexact=track)
    return learners


def _faculty_filtered(program, q, status):
    faculty = _search(program.faculty.select_related("user"), q)
    if status == "active":
        faculty = faculty.filter(is_active=True)
    elif status == "inactive":
        faculty = faculty.filter(is_active=False)
    return faculty


def _learner_row(learner):
    return RosterRow(user=learner.user, role=learner.kind, role_label=learner.get_kind_display(),
                     pgy=learner.pgy_level, status=learner.status, status_label=learner.get_status_display(),
                     track=learner.track, record=learner)


def _faculty_row(faculty):
    status = "active" if faculty.is_active else "inactive"
    return RosterRow(user=faculty.user, role=Role.FACULTY, role_label="Faculty", status=status,
                     status_label=status.title(), record=faculty)


def roster_tracks(*, program) -> list[str]:
    return sorted(set(program.learners.exclude(track="").values_list("track", flat=True)))


# ---------------------------------------------------------------- people
def person_in_program(*, program, user_id):
    """(user, learner record or None, faculty record or None, memberships) for one person."""
    learner = program.learners.select_related("user").filter(user_id=user_id).first()
    faculty = program.faculty.select_related("user").filter(user_id=user_id).first()
    memberships = list(Membership.objects.for_company(program.company_id)
                       .filter(user_id=user_id, program=program).order_by("role"))
    user = (learner or faculty).user if (learner or faculty) else (memberships[0].user if memberships else None)
    return user, learner, faculty, memberships


def assignments_of(*, learner):
    return learner.assignments.select_related("rotation_type", "site", "primary_supervisor__user", "block")


def assignments_supervised_by(*, faculty):
    return faculty.supervised_assignments.select_related("rotation_type", "site", "learner__user", "block")


def assignments_for_user(*, user):
    """Everything on a person's own calendar: their rotations, and those they supervise."""
    company = user.company_id
    return (RotationAssignment.objects.for_company(company)
            .filter(Q(learner__user=user) | Q(primary_supervisor__user=user))
            .select_related("rotation_type", "site", "learner__user", "learner__program", "primary_supervisor__user")
            .order_by("start_date"))


def learner_supervised_by(*, learner, user) -> bool:
    return learner.assignments.filter(primary_supervisor__user=user).exists()


# ---------------------------------------------------------------- calendar
def years_of(*, program):
    return program.academic_years.annotate(block_count=Count("blocks"))


def feeds_of(*, user):
    return (CalendarFeed.objects.for_company(user.company_id).filter(owner=user, revoked_at__isnull=True)
            .select_related("program"))


def program_feed_assignments(*, program):
    return (RotationAssignment.objects.for_company(program.company_id).filter(learner__program=program)
            .select_related("rotation_type", "site", "learner__user").order_by("start_date"))


# ---------------------------------------------------------------- schedule grid
@dataclass
class GridRow:
    learner: Learner
    cells: list = field(default_factory=list)  # [(block, assignment or None)]
    gaps: list = field(default_factory=list)   # [(rotation type, weeks scheduled)]


@dataclass
class Grid:
    year: AcademicYear
    blocks: list
    rows: list
    rotation_types: list
    capacity: list  # [(site, [(block, count, over)])]


def schedule_grid(*, year: AcademicYear) -> Grid:
    """Learners × blocks with assignments, site load and required-rotation gaps: five queries."""
    program = year.program
    blocks = list(year.blocks.order_by("number"))
    learners = list(program.learners.filter(status__in=ACTIVE_STATUSES).select_related("user"))
    rotation_types = list(program.rotation_types.all())
    assignments = list(
        RotationAssignment.objects.for_company(year.company_id)
        .filter(learner__program=program, start_date__lte=year.end_date, end_date__gte=year.start_date)
        .select_related("rotation_type", "site"))
    by_cell = _cells(assignments, blocks)
    rows = [GridRow(learner=l, cells=[(b, by_cell.get((l.pk, b.pk))) for b in blocks],
                    gaps=_gaps(l, assignments, rotation_types)) for l in learners]
    return Grid(year=year, blocks=blocks, rows=rows, rotation_types=rotation_types,
                capacity=_capacity(year, blocks))


def _cells(assignments, blocks):
    """{(learner, block): assignment}; a free-dated assignment (import, API) fills the blocks it overlaps."""
    cells = {}
    for a in assignments:
        for block in blocks:
            if a.block_id == block.pk or (a.block_id is None and a.start_date <= block.end_date
                                          and a.end_date >= block.start_date):
                cells.setdefault((a.learner_id, block.pk), a)
    return cells


ACTIVE_STATUSES = [Learner.Status.ACTIVE, Learner.Status.PROBATION, Learner.Status.LEAVE_OF_ABSENCE]


def _gaps(learner, assignments, rotation_types):
    weeks = defaultdict(int)
    for a in assignments:
        if a.learner_id == learner.pk:
            weeks[a.rotation_type_id] += ((a.end_date - a.start_date).days + 1) // 7
    return [(rt, weeks[rt.pk]) for rt in rotation_types
            if rt.is_required and rt.minimum_weeks and weeks[rt.pk] < rt.minimum_weeks]


def _capacity(year, blocks):
    """Every program's learners count against a site's capacity, so this reads the whole company."""
    counts = defaultdict(int)
    rows = (RotationAssignment.objects.for_company(year.company_id)
            .filter(site__isnull=False, start_date__lte=year.end_date, end_date__gte=year.start_date)
            .values_list("site_id", "start_date", "end_date"))
    for site_id, start, end in rows:
        for block in blocks:
            if start <= block.end_date and end >= block.start_date:
                counts[(site_id, block.pk)] += 1
    site_ids = {site_id for site_id, _ in counts}
    sites = Site.objects.for_company(year.company_id).filter(pk__in=site_ids).order_by("name")
    return [(site, [(b, counts[(site.pk, b.pk)],
                     site.student_capacity is not None and counts[(site.pk, b.pk)] > site.student_capacity)
                    for b in blocks]) for site in sites]


def program_sites(*, program):
    return Site.objects.for_company(program.company_id).filter(is_active=True).order_by("name")


def manager_programs(*, user):
    ids = {m.program_id for m in active_memberships(user) if m.program_id and m.role in PROGRAM_MANAGERS}
    return Program.objects.for_company(user.company_id).filter(pk__in=ids)


def rotation_type_by_code(*, program):
    return {rt.code.lower(): rt for rt in program.rotation_types.all()}


def program_blocks(*, program):
    return Block.objects.for_company(program.company_id).filter(academic_year__program=program)

