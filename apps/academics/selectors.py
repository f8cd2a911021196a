"""Reads for programs, the roster, the calendar and the schedule grid. Each returns scoped data
with a fixed number of queries however many learners a program has."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce

from apps.academics.models import (
    AcademicYear,
    Block,
    CalendarFeed,
    Faculty,
    Learner,
    Program,
    RotationAssignment,
    RotationType,
)
from apps.core.prepared import prepared
from apps.tenants.access import active_memberships, program_ids_with_roles
from apps.tenants.models import Membership, Site, User
from apps.tenants.roles import ASSESSORS, PROGRAM_MANAGERS, Role


def programs_for_user(*, user):
    program_ids = program_ids_with_roles(user)
    return (Program.objects.for_company(user.company_id).filter(pk__in=program_ids)
            .select_related("specialty").annotate(learner_count=Count("learners", distinct=True)))


def program_roles(*, user, program) -> set[str]:
    return {m.role for m in active_memberships(user) if m.program_id == program.pk}


# ---------------------------------------------------------------- roster
ROSTER_SORTS = {"name": ("last_name", "first_name"), "pgy": ("roster_pgy", "last_name", "first_name"),
                "role": ("roster_role", "last_name", "first_name"),
                "status": ("roster_status", "last_name", "first_name")}
ROLE_LABELS = dict(Role.choices)
STATUS_LABELS = {**dict(Learner.Status.choices), "inactive": "Inactive"}
MAX_SEARCH_TERMS, MAX_SEARCH_LENGTH = 8, 200  # a search is at most 8 words, 200 characters


@dataclass
class RosterRow:
    user: object
    role: str          # the main role: resident/student, else faculty, else the first other role
    role_label: str    # every role the person holds in the program
    pgy: int | None = None
    status: str = ""
    status_label: str = ""
    track: str = ""
    learner_id: object = None  # their learner record here (the portfolio link), if any
    person_url: str = ""  # set by the roster page, which reverses the links once per page
    portfolio_url: str = ""

    @classmethod
    def of(cls, user):
        return cls(user=user, role=user.roster_role, pgy=user.roster_pgy, status=user.roster_status,
                   role_label=", ".join(ROLE_LABELS.get(r, r) for r in sorted(set(user.roster_roles))),
                   status_label=STATUS_LABELS.get(user.roster_status, user.roster_status),
                   track=user.roster_track or "", learner_id=user.roster_learner_id)


def roster_people(*, program: Program, q: str = "", role: str = "", pgy=None, status: str = "", track: str = "",
                  sort: str = "name"):
    """One row per person holding a role in the program (or a learner/faculty record there), with
    their learner and faculty details joined in: a queryset of users."""
    return _roster_people(program.company_id, program.pk, q=q, role=role or None, pgy=pgy or None,
                          status=status or None, track=track or None, order=_roster_order(sort))


def _roster_order(sort: str) -> tuple:
    keys = ROSTER_SORTS.get(sort.lstrip("-"), ROSTER_SORTS["name"])
    prefix = "-" if sort.startswith("-") else ""
    return (*(prefix + k for k in keys), "pk")


def _roster_people(company_id, program_id, *, q="", role=None, pgy=None, status=None, track=None, order=()):
    people = _roster_base(company_id, program_id)
    for word in q[:MAX_SEARCH_LENGTH].split()[:MAX_SEARCH_TERMS]:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                               | Q(email__icontains=word))
    if role is not None:
        people = people.filter(Exists(_program_memberships(company_id, program_id).filter(user=OuterRef("pk"),
                                                                                         role=role)))
    if pgy is not None:
        people = people.filter(roster_pgy=pgy)
    if status is not None:
        people = people.filter(roster_status=status)
    if track is not None:
        people = people.filter(roster_track__iexact=track)
    return people.order_by(*order)


ROSTER_VALUES = ("id", "first_name", "last_name", "email", "roster_roles", "roster_learner_id", "roster_pgy",
                 "roster_track", "roster_status", "roster_role")


ROSTER_PAGE = 25


# The count (a window count over the filtered rows: prepared needs values()) and one page of rows,
# LIMIT/OFFSET in SQL. Django writes LIMIT and OFFSET as literals, so the page's offset is part of
# the shape; the limit is always ROSTER_PAGE (the last page's fewer rows are simply all there is),
# so the compiled shapes stay few: the filters present × sort × page number. ``roster_pgy`` is read
# as an integer (not the column's small integer): a parameter's stand-in is out of a small
# integer's range, which Django compiles to an empty result rather than to SQL.
_roster_count = prepared(lambda page, **filters: _roster_people(**filters).order_by()
                         .annotate(roster_total=Window(Count("*"))).values("roster_total")[:1])
_roster_page = prepared(lambda page, **filters: _roster_people(**filters)
                        .values(*ROSTER_VALUES)[page[0]:page[0] + ROSTER_PAGE])


class RosterValues:
    """The roster page's rows as values (``ROSTER_VALUES`` dicts) for ``Paginator``: its ``count()``
    and the slice it asks for are each one prepared read (apps.core.prepared: compiled once per
    filter shape and page, then re-sent), so the page is cut in SQL and only its rows are read. A
    search (``icontains``, whose values the ORM rewrites) cannot be prepared: it is compiled each time."""

    def __init__(self, program: Program, *, q="", role="", pgy=None, status="", track="", sort="name"):
        self.search = q if q.split() else ""
        self.filters = {"company_id": program.company_id, "program_id": program.pk, "role": role or None,
                        "pgy": int(pgy) if pgy else None, "status": status or None, "track": track or None,
                        "order": _roster_order(sort)}

    def _searched(self):
        return _roster_people(q=self.search, **self.filters)

    def count(self) -> int:
        if self.search:
            return self._searched().count()
        rows = _roster_count(page=None, **self.filters)
        return rows[0]["roster_total"] if rows else 0

    def __getitem__(self, bounds: slice) -> list[dict]:
        if bounds.stop is not None and bounds.stop <= (bounds.start or 0):
            return []  # nobody matches: the page is empty (an empty slice compiles to no SQL at all)
        if self.search:
            return list(self._searched().values(*ROSTER_VALUES)[bounds])
        start = bounds.start or 0
        if bounds.stop is None or bounds.stop - start > ROSTER_PAGE:
            raise ValueError(f"a roster page is at most {ROSTER_PAGE} rows")
        return _roster_page(page=(start,), **self.filters)[: bounds.stop - start]


def roster_values(*, program: Program, **filters) -> RosterValues:
    return RosterValues(program, **filters)


def roster_rows(*, program: Program, **filters) -> list[RosterRow]:
    return [RosterRow.of(user) for user in roster_people(program=program, **filters)]


def current_roster_rows(*, program: Program) -> list[RosterRow]:
    """People with an active role in the program: the roster an export hands out (ended roles stay
    visible on the roster page, but re-importing an export must not re-open them)."""
    active = _program_memberships(program.company_id, program.pk).filter(user=OuterRef("pk"), is_active=True)
    return [RosterRow.of(user) for user in roster_people(program=program).filter(Exists(active))]


def _program_memberships(company_id, program_id):
    return Membership.objects.for_company(company_id).filter(program_id=program_id)


def _roster_base(company_id, program_id):
    # At most one learner and one faculty record per person and program (unique constraints): their
    # models' default order (by the user's name) would only add a join and a sort to each subquery.
    learner = Learner.objects.for_company(company_id).filter(program_id=program_id, user=OuterRef("pk")).order_by()
    faculty = Faculty.objects.for_company(company_id).filter(program_id=program_id, user=OuterRef("pk")).order_by()
    memberships = _program_memberships(company_id, program_id).filter(user=OuterRef("pk"))
    in_program = Exists(memberships) | Exists(learner) | Exists(faculty)
    return (User.objects.for_company(company_id).filter(in_program).annotate(
        roster_roles=ArraySubquery(memberships.order_by("role").values("role")),
        roster_learner_id=Subquery(learner.values("pk")[:1]),
        roster_pgy=Subquery(learner.values("pgy_level")[:1], output_field=IntegerField()),  # see _roster_page
        roster_track=Subquery(learner.values("track")[:1]),
        roster_status=Coalesce(
            Subquery(learner.values("status")[:1]),
            Subquery(faculty.annotate(s=_active_word("is_active")).values("s")[:1]),
            Subquery(memberships.annotate(s=_active_word("is_active")).order_by("s").values("s")[:1])),
        roster_role=Coalesce(
            Subquery(learner.values("kind")[:1]), Subquery(faculty.annotate(r=Value(Role.FACULTY)).values("r")[:1]),
            Subquery(memberships.order_by("role").values("role")[:1])),
    ))


def _active_word(flag):
    """'active' sorts before 'inactive', so the first membership says active if any is."""
    return Case(When(**{flag: True}, then=Value("active")), default=Value("inactive"),
                output_field=CharField())


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
# The grid's reads are prepared (apps.core.prepared: compiled once, re-sent with new values) and
# return values, not model instances: a grid is hundreds of cells and thousands of site-load rows,
# and compiling and instantiating them was most of the page's CPU (issue 19).
class GridBlock(NamedTuple):
    pk: object
    name: str
    start_date: datetime.date
    end_date: datetime.date


class GridLearner(NamedTuple):
    """A learner row of the grid: what its header cell and links need."""
    pk: object
    user_id: object
    pgy_level: int | None
    first_name: str
    last_name: str
    email: str

    @property
    def name(self) -> str:
        """``str(learner.user)``: the full name, else the email."""
        return f"{self.first_name} {self.last_name}".strip() or self.email


class GridRotationType(NamedTuple):
    pk: object
    code: str
    name: str
    colour: int
    is_required: bool
    minimum_weeks: int


class GridSite(NamedTuple):
    pk: object
    name: str
    student_capacity: int | None


class GridCell(NamedTuple):
    """What a grid cell shows of its assignment: read as values, not model instances (a grid is
    hundreds of cells). ``of(assignment)`` makes one from a model (the htmx answers for one cell)."""
    code: str
    colour: int
    site_name: str | None

    @classmethod
    def of(cls, assignment):
        if assignment is None:
            return None
        return cls(assignment.rotation_type.code, assignment.rotation_type.colour,
                   assignment.site.name if assignment.site_id else None)


@dataclass
class GridRow:
    learner: GridLearner
    cells: list = field(default_factory=list)  # [(block, GridCell or None)]
    gaps: list = field(default_factory=list)   # [(rotation type, weeks scheduled)]


@dataclass
class Grid:
    year: AcademicYear
    blocks: list
    rows: list
    rotation_types: list
    capacity: list  # [(site, [(block, count, over)])]


class _Span(NamedTuple):
    """One assignment as the grid needs it (a values_list row)."""
    learner_id: object
    block_id: object
    start_date: datetime.date
    end_date: datetime.date
    rotation_type_id: object
    cell: GridCell


ACTIVE_STATUSES = [Learner.Status.ACTIVE, Learner.Status.PROBATION, Learner.Status.LEAVE_OF_ABSENCE]

_grid_blocks = prepared(lambda company_id, year_id: Block.objects.for_company(company_id)
                        .filter(academic_year_id=year_id).order_by("number")
                        .values("id", "name", "start_date", "end_date"))
_grid_learners = prepared(lambda company_id, program_id: Learner.objects.for_company(company_id)
                          .filter(program_id=program_id, status__in=ACTIVE_STATUSES)
                          .values("id", "user_id", "pgy_level", "user__first_name", "user__last_name",
                                  "user__email"))  # in the model's order: last name, first name
_grid_rotation_types = prepared(lambda company_id, program_id: RotationType.objects.for_company(company_id)
                                .filter(program_id=program_id)
                                .values("id", "code", "name", "colour", "is_required", "minimum_weeks"))
_grid_assignments = prepared(lambda company_id, program_id, start, end: RotationAssignment.objects
                             .for_company(company_id)
                             .filter(learner__program_id=program_id, start_date__lte=end, end_date__gte=start)
                             .values("learner_id", "block_id", "start_date", "end_date", "rotation_type_id",
                                     "rotation_type__code", "rotation_type__colour", "site__name"))


def _blocks_of(year) -> list[GridBlock]:
    return [GridBlock(r["id"], r["name"], r["start_date"], r["end_date"])
            for r in _grid_blocks(company_id=year.company_id, year_id=year.pk)]


def _rotation_types_of(year) -> list[GridRotationType]:
    return [GridRotationType(r["id"], r["code"], r["name"], r["colour"], r["is_required"], r["minimum_weeks"])
            for r in _grid_rotation_types(company_id=year.company_id, program_id=year.program_id)]


def schedule_grid(*, year: AcademicYear) -> Grid:
    """Learners × blocks with assignments, site load and required-rotation gaps: five queries.
    Assignments are read as values (one row each, no model instances) and grouped by learner."""
    company_id, program_id = year.company_id, year.program_id
    blocks = _blocks_of(year)
    learners = [GridLearner(r["id"], r["user_id"], r["pgy_level"], r["user__first_name"], r["user__last_name"],
                            r["user__email"])
                for r in _grid_learners(company_id=company_id, program_id=program_id)]
    rotation_types = _rotation_types_of(year)
    by_learner = defaultdict(list)
    cells = {}  # one GridCell per distinct (code, colour, site): the cell writer memoizes its text by it
    for r in _grid_assignments(company_id=company_id, program_id=program_id, start=year.start_date,
                               end=year.end_date):
        key = (r["rotation_type__code"], r["rotation_type__colour"], r["site__name"])
        cell = cells.get(key) or cells.setdefault(key, GridCell(*key))
        by_learner[r["learner_id"]].append(
            _Span(r["learner_id"], r["block_id"], r["start_date"], r["end_date"], r["rotation_type_id"], cell))
    grid_rows = []
    for learner in learners:
        spans = by_learner.get(learner.pk, ())
        by_block = _cells(spans, blocks)
        grid_rows.append(GridRow(learner=learner, cells=[(b, by_block.get(b.pk)) for b in blocks],
                                 gaps=_gaps(spans, rotation_types)))
    return Grid(year=year, blocks=blocks, rows=grid_rows, rotation_types=rotation_types,
                capacity=_capacity(year, blocks))


def grid_totals(*, year: AcademicYear, learner: Learner):
    """What an in-place edit changes beside the cell: the learner's required-gaps and the
    sites' load per block (four queries), for the htmx response to swap in out of band."""
    blocks = _blocks_of(year)
    rotation_types = _rotation_types_of(year)
    assignments = list(learner.assignments.filter(start_date__lte=year.end_date, end_date__gte=year.start_date))
    return _gaps(assignments, rotation_types), _capacity(year, blocks)


def _cells(spans, blocks):
    """{block id: cell} of one learner; a free-dated assignment (import, API) fills the blocks it
    overlaps; the first assignment read wins a block."""
    cells = {}
    block_ids = {block.pk for block in blocks}
    for span in spans:
        if span.block_id is not None:
            if span.block_id in block_ids:
                cells.setdefault(span.block_id, span.cell)
            continue
        for block in blocks:
            if span.start_date <= block.end_date and span.end_date >= block.start_date:
                cells.setdefault(block.pk, span.cell)
    return cells


def _gaps(assignments, rotation_types):
    """Required rotations one learner is short of; ``assignments`` are that learner's."""
    weeks = defaultdict(int)
    for a in assignments:
        weeks[a.rotation_type_id] += ((a.end_date - a.start_date).days + 1) // 7
    return [(rt, weeks[rt.pk]) for rt in rotation_types
            if rt.is_required and rt.minimum_weeks and weeks[rt.pk] < rt.minimum_weeks]


def _site_load(company_id, start, end):
    """Per site, how many of the company's assignments of the year have each pair of dates: a
    hash aggregate in PostgreSQL, one row per site and date pair (assignments follow the blocks,
    so ≈13 a site), which ``_capacity`` spreads over the blocks the dates overlap. Counting
    per block in SQL (a FILTER count per block on every assignment row, grouped and sorted by site
    name) cost ≈3,250 rows × 13 filters and a sort a company at M and L."""
    return (RotationAssignment.objects.for_company(company_id)
            .filter(site__isnull=False, start_date__lte=end, end_date__gte=start)
            .values("site_id", "site__name", "site__student_capacity", "start_date", "end_date")
            .annotate(assignments=Count("pk")).order_by())


_site_load_rows = prepared(_site_load)


def _capacity(year, blocks):
    """Every program's learners count against a site's capacity, so this reads the whole company.
    An assignment counts in every block its dates overlap; a site shows when some block has one;
    sites in name order."""
    if not blocks:
        return []
    sites, counts = {}, defaultdict(lambda: [0] * len(blocks))
    for row in _site_load_rows(company_id=year.company_id, start=year.start_date, end=year.end_date):
        site_id = row["site_id"]
        if site_id not in sites:
            sites[site_id] = GridSite(site_id, row["site__name"], row["site__student_capacity"])
        per_block = counts[site_id]
        for n, block in enumerate(blocks):
            if row["start_date"] <= block.end_date and row["end_date"] >= block.start_date:
                per_block[n] += row["assignments"]
    capacity = []
    for site in sorted(sites.values(), key=lambda site: (site.name, site.pk)):
        per_block = counts[site.pk]
        if not any(per_block):
            continue
        limit = site.student_capacity
        capacity.append((site, [(b, count, limit is not None and count > limit)
                                for b, count in zip(blocks, per_block, strict=True)]))
    return capacity


def program_sites(*, program):
    return Site.objects.for_company(program.company_id).filter(is_active=True).order_by("name")


def manager_programs(*, user):
    ids = program_ids_with_roles(user, PROGRAM_MANAGERS)
    return Program.objects.for_company(user.company_id).filter(pk__in=ids)


def rotation_type_by_code(*, program):
    return {rt.code.lower(): rt for rt in program.rotation_types.all()}


def program_blocks(*, program):
    return Block.objects.for_company(program.company_id).filter(academic_year__program=program)


# ---------------------------------------------------------------- for the assessment form
# Whom an assessor can assess, recent assignees first, and the rotation a learner was on for a day.
RECENT_DAYS = 60


def learners_for_assessor(*, assessor, today: datetime.date, search: str = ""):
    """Active learners of the assessor's programs; those recently on a rotation the assessor
    supervised come first (annotated ``is_recent``), then everyone else by name."""
    recent = RotationAssignment.objects.for_company(assessor.company_id).filter(
        learner=OuterRef("pk"), primary_supervisor__user=assessor, start_date__lte=today,
        end_date__gte=today - datetime.timedelta(days=RECENT_DAYS))
    learners = Learner.objects.for_company(assessor.company_id).filter(
        program_id__in=program_ids_with_roles(assessor, ASSESSORS),
        status__in=[Learner.Status.ACTIVE, Learner.Status.PROBATION],
    ).select_related("user", "program").annotate(is_recent=Exists(recent))
    if search:
        learners = learners.filter(Q(user__first_name__icontains=search) | Q(user__last_name__icontains=search)
                                   | Q(user__email__icontains=search))
    return learners.order_by("-is_recent", "user__last_name", "user__first_name")


def assignment_on(*, learner, day: datetime.date):
    """The learner's rotation on that day (schedule prefill for the case context), or None."""
    return (RotationAssignment.objects.for_company(learner.company_id)
            .filter(learner=learner, start_date__lte=day, end_date__gte=day)
            .select_related("site", "rotation_type").first())


def programs_for_assessor(*, assessor):
    return Program.objects.for_company(assessor.company_id).filter(pk__in=program_ids_with_roles(assessor, ASSESSORS))
