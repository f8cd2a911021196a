"""Synthetic tenants at benchmark scale, written with PostgreSQL COPY (docs/benchmarks.md).

    manage.py seed_scale --size S|M|L [--company-prefix scale] [--replace]

S = 10k assessments, M = 1M, L = 16M; the first company also gets a clinic ("Scale clinic") with
S = 10k patients, M and L = 1M patients, each with one case, 2 visits and 5 vital-sign rows (so 5M
vitals at M), and a practitioner who works there (practitioner-0@<prefix>.example, who needs the
demo TOTP secret's code like every clinical login). Each program has 30 residents (PGY 1–5), 15 faculty, a
coordinator and a director, 6 rotation types, a 13-block year and a full schedule; assessments
spread over the last two years with levels rising with PGY and time. Every resident also has a
year of work-hour entries (~300: weekdays, in-house call every fourth night, Wednesday
education, at-home call on Saturdays with two hours called in), and company 0 has one more program of 100 residents for the
work-hour compliance benchmark (coordinator-hours@<prefix>.example; it has no assessments). Everything belongs to
companies named "<prefix>-…", so ``--replace`` can remove exactly them. History tables are not
written (bulk synthetic data). Logins: <role>-<company>-<program>@<prefix>.example, password
``scale-bench`` (e.g. coordinator-0-0@scale.example)."""

import datetime
import math
import random
import sys
import time
import uuid

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from apps.academics.models import AcademicYear, Block, Faculty, Learner, Program, RotationAssignment, RotationType
from apps.analytics.services import analytics_refresh
from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.clinical.services.permissions import role_permissions_seed
from apps.clinical.services.scale import scale_clinic_seed
from apps.core.bulkload import indexes_deferred
from apps.core.scoping import unscoped
from apps.hours import findings as hours_findings
from apps.hours.models import WorkEntry
from apps.reference.models import EPA, EntrustmentLevel, EntrustmentScale, EPASet, FeedbackTag, Specialty
from apps.tenants.models import Company, Institution, Membership, Site, SponsoringInstitution, User
from apps.tenants.roles import Role

SIZES = {"S": 10_000, "M": 1_000_000, "L": 16_000_000}
PATIENTS = {"S": 10_000, "M": 1_000_000, "L": 1_000_000}
VISITS_PER_PATIENT, VITALS_PER_PATIENT = 2, 5
PASSWORD = "scale-bench"
LEARNERS_PER_PROGRAM, FACULTY_PER_PROGRAM, PROGRAMS_PER_COMPANY = 30, 15, 5
ASSESSMENTS_PER_LEARNER = 300  # ~150 a year over two years
EPAS, ROTATIONS, BLOCKS = 16, 6, 13
YEAR_START = datetime.date(2026, 7, 1)
HISTORY_DAYS = 720
HOURS_PROGRAM_RESIDENTS, WORK_HOUR_DAYS = 100, 365
# Loaded with their indexes and keys dropped, then rebuilt and validated (apps/core/bulkload.py).
BULK_TABLES = ["assessments_epaassessment", "assessments_assessmentrequest", "assessments_assessmentfeedbacktag",
               "hours_workentry", "clinical_patient", "clinical_case", "clinical_visit", "clinical_vitalsigns"]
LONG_NARRATIVE = ("Clear plan, safe technique and good communication with the team; next time "
                  "verbalise the critical view before clipping and lead the debrief yourself.")


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label, total):
        self.label, self.total, self.started, self.done = label, max(total, 1), time.monotonic(), 0

    def step(self, count=1):
        self.done += count
        if self.done % 20_000 == 0 or self.done == self.total:
            elapsed = time.monotonic() - self.started
            sys.stderr.write(f"\r{self.label}: {self.done:,}/{self.total:,} ({100 * self.done // self.total}%) "
                             f"{elapsed:.1f}s")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


class Copier:
    """COPY rows into a model's table: callers give the varying columns, the model's defaults fill
    every other NOT NULL column once (Django defaults are not database defaults)."""

    def __init__(self, model, varying: list[str], now):
        self.model, self.varying = model, varying
        constants = {}
        for field in model._meta.concrete_fields:
            if field.attname in varying or isinstance(field, models.AutoField):
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_db_prep_save(field.get_default(), connection)
            elif field.null:
                continue
            else:
                value = ""
            constants[field.column] = value
        names = {f.attname: f.column for f in model._meta.concrete_fields}
        self.columns = [names[name] for name in varying] + list(constants)
        self.constants = tuple(constants.values())

    def copy(self, cursor, rows, progress=None):
        columns = ", ".join(f'"{column}"' for column in self.columns)
        with cursor.copy(f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(tuple(row) + self.constants)
                if progress:
                    progress.step()


class Command(BaseCommand):
    help = "Create synthetic tenants at S/M/L scale with PostgreSQL COPY (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S")
        parser.add_argument("--company-prefix", default="scale")
        parser.add_argument("--replace", action="store_true", help="Delete this prefix's companies first")
        parser.add_argument("--delete", action="store_true", help="Only delete this prefix's companies")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--assessments", type=int, help=None)  # hidden overrides, for tests
        parser.add_argument("--patients", type=int, help=None)

    def handle(self, *args, size, company_prefix, replace, delete, seed, assessments, patients, **options):
        total = assessments or SIZES[size]
        patients = PATIENTS[size] if patients is None else patients
        prefix = company_prefix
        started = time.monotonic()
        with unscoped("seed_scale: platform maintenance command"):
            existing = list(Company.objects.filter(subdomain__startswith=f"{prefix}-").values_list("pk", flat=True))
            if delete:
                with transaction.atomic():
                    _delete_companies(existing, log=self.stderr.write)
                analytics_refresh(concurrently=False)
                return
            if existing and not replace:
                raise CommandError(f"{len(existing)} '{prefix}-' companies exist; pass --replace to rebuild them")
            with transaction.atomic():
                if existing:
                    _delete_companies(existing, log=self.stderr.write)
                Builder(prefix=prefix, total=total, rng=random.Random(seed), patients=patients).build()
        analytics_refresh(concurrently=False)
        self.stdout.write(f"seed_scale: {total:,} assessments and {patients:,} patients under '{prefix}-' "
                          f"in {time.monotonic() - started:.1f}s")


class Builder:
    def __init__(self, *, prefix, total, rng, patients=0):
        self.prefix, self.total, self.rng, self.patients = prefix, total, rng, patients
        self.now = timezone.now()
        self.today = timezone.localdate()
        learners = max(1, math.ceil(total / ASSESSMENTS_PER_LEARNER))
        self.programs = max(1, math.ceil(learners / LEARNERS_PER_PROGRAM))
        self.companies = max(1, math.ceil(self.programs / PROGRAMS_PER_COMPANY))
        self.password = make_password(PASSWORD)

    def build(self):
        epa_ids, tag_ids, specialty, epa_set = self._reference()
        with connection.cursor() as cursor:
            # bulk synthetic data: a crash loses the whole seed anyway, so no wait for the WAL flush
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no per-row deferred key checks queued
            # the staging joins (learners, visits) hash in memory instead of spilling to disk in batches
            cursor.execute("SET LOCAL work_mem = '256MB'")
            try:
                with transaction.atomic():  # only before the session's first temporary table
                    cursor.execute("SET LOCAL temp_buffers = '256MB'")
            except DatabaseError:
                pass
            world = self._tenants(cursor)
            programs = self._programs(cursor, world, specialty, epa_set, epa_ids)
            with indexes_deferred(BULK_TABLES, log=lambda line: sys.stderr.write(line + "\n")):
                self._assessments(cursor, programs, epa_ids)
                self._requests(cursor, programs, epa_ids)
                self._work_hours(cursor, programs + [self.hours_program])
                cursor.execute(
                    "INSERT INTO assessments_assessmentfeedbacktag (company_id, assessment_id, tag_id, tag_type) "
                    "SELECT a.company_id, a.id, (%s::bigint[])[1 + abs(hashtext(a.id::text)) %% %s], 'went_well' "
                    "FROM assessments_epaassessment a WHERE a.company_id = ANY(%s) AND abs(hashtext(a.id::text)) %% 10 < 3",
                    [tag_ids, len(tag_ids), [c for c, _, _ in world]])
                self._clinic(world)
            # stored work-hour findings (issue 15) for the 100-resident program the bench's compliance
            # report shows, once its entries' indexes are back; other synthetic residents get theirs from
            # `manage.py hours_recompute_compliance` (their reports say "being recomputed" until then)
            started = time.monotonic()
            hours_findings.compliance_recompute_learners(
                residents=[(self.hours_program["company"], learner) for learner, _ in self.hours_program["learners"]])
            sys.stderr.write(f"work-hour findings of the hours program: {time.monotonic() - started:.1f}s\n")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _clinic(self, world):
        """Every synthetic company gets the clinical roles' baseline codes (COPY fires no signal);
        the first one gets a clinic with a practitioner and ``self.patients`` patients."""
        companies = {company.pk: company for company in Company.objects.filter(pk__in=[c for c, _, _ in world])}
        for company in companies.values():
            role_permissions_seed(company=company)
        first_company, _, main_site = world[0]
        company = companies[first_company]
        institution = Site.objects.get(pk=main_site).institution
        clinic = Site.objects.create(company=company, institution=institution, name="Scale clinic",
                                     kind=Site.Kind.CLINIC)
        practitioner = User.objects.create(company=company, email=f"practitioner-0@{self.prefix}.example",
                                           first_name="Pat", last_name="Practitioner", password=self.password)
        Membership.objects.create(company=company, user=practitioner, role=Role.PRACTITIONER, site=clinic)
        if self.patients:
            scale_clinic_seed(company=company, site=clinic, practitioner=practitioner, patients=self.patients,
                              visits_per_patient=VISITS_PER_PATIENT, vitals_per_patient=VITALS_PER_PATIENT,
                              progress=Progress("patients", self.patients).step)

    def _reference(self):
        """Shared reference rows for the synthetic specialty (a handful; ORM is fine here)."""
        specialty, _ = Specialty.objects.get_or_create(
            code=f"{self.prefix}-synthetic", defaults={"name": f"Synthetic specialty ({self.prefix})",
                                                      "category": Specialty.Category.SURGICAL})
        scale = synthetic_scale(self.prefix)
        epa_set, _ = EPASet.objects.get_or_create(specialty=specialty, version="1", defaults={
            "name": "Synthetic EPAs", "effective_date": datetime.date(2023, 7, 1), "scale": scale})
        epa_ids = [EPA.objects.get_or_create(epa_set=epa_set, number=n, defaults={
            "name": f"Synthetic EPA {n}", "short_name": f"EPA {n}", "display_order": n})[0].pk
            for n in range(1, EPAS + 1)]
        tag_ids = [FeedbackTag.objects.get_or_create(name=f"{self.prefix} tag {n}", specialty=specialty, defaults={
            "category": FeedbackTag.Category.STRENGTH})[0].pk for n in range(6)]
        return epa_ids, tag_ids, specialty, epa_set

    def _tenants(self, cursor):
        world, companies, institutions, sponsors, sites = [], [], [], [], []
        for index in range(self.companies):
            company, institution, site = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            companies.append((company, f"{self.prefix.title()} Health {index}", f"{self.prefix}-{index}"))
            institutions.append((institution, company, f"{self.prefix.title()} University Hospital {index}",
                                 Institution.Kind.ACADEMIC_MEDICAL_CENTER))
            sponsors.append((uuid.uuid4(), company, institution))
            sites.append((site, company, institution, f"{self.prefix.title()} Main Campus {index}"))
            world.append((company, sponsors[-1][0], site))
        Copier(Company, ["id", "name", "subdomain"], self.now).copy(cursor, companies)
        Copier(Institution, ["id", "company_id", "name", "kind"], self.now).copy(cursor, institutions)
        Copier(SponsoringInstitution, ["id", "company_id", "institution_id"], self.now).copy(cursor, sponsors)
        Copier(Site, ["id", "company_id", "institution_id", "name"], self.now).copy(cursor, sites)
        return world

    def _programs(self, cursor, world, specialty, epa_set, epa_ids):
        rows = {name: [] for name in ("users", "memberships", "programs", "learners", "faculty", "years", "blocks",
                                      "rotations", "primary", "assignments")}
        programs = []
        for number in range(self.programs):
            company, sponsor, site = world[number // PROGRAMS_PER_COMPANY]
            programs.append(self._program(rows, number, company, sponsor, site, specialty, epa_set, epa_ids))
        company, sponsor, site = world[0]
        self.hours_program = self._program(rows, 0, company, sponsor, site, specialty, epa_set, epa_ids,
                                           tag="hours", residents=HOURS_PROGRAM_RESIDENTS)
        users = Copier(User, ["id", "company_id", "email", "first_name", "last_name", "password"], self.now)
        users.copy(cursor, rows["users"])
        Copier(Program, ["id", "company_id", "sponsor_id", "name", "specialty_id", "epa_set_id", "director_id"],
               self.now).copy(cursor, rows["programs"])
        Copier(Membership, ["id", "company_id", "user_id", "role", "program_id"], self.now).copy(
            cursor, rows["memberships"])
        Copier(Learner, ["id", "company_id", "user_id", "program_id", "pgy_level", "entry_pgy_level",
                         "matriculation_date"], self.now).copy(cursor, rows["learners"])
        Copier(Faculty, ["id", "company_id", "user_id", "program_id"], self.now).copy(cursor, rows["faculty"])
        Copier(AcademicYear, ["id", "company_id", "program_id", "name", "start_date", "end_date", "is_current"],
               self.now).copy(cursor, rows["years"])
        Copier(Block, ["id", "company_id", "academic_year_id", "number", "name", "start_date", "end_date"],
               self.now).copy(cursor, rows["blocks"])
        Copier(RotationType, ["id", "company_id", "program_id", "name", "code", "colour"], self.now).copy(
            cursor, rows["rotations"])
        Copier(RotationType.primary_epas.through, ["rotationtype_id", "epa_id"], self.now).copy(
            cursor, rows["primary"])
        Copier(RotationAssignment, ["id", "company_id", "learner_id", "rotation_type_id", "block_id", "start_date",
                                    "end_date", "site_id"], self.now).copy(cursor, rows["assignments"])
        return programs

    def _program(self, rows, number, company, sponsor, site, specialty, epa_set, epa_ids, tag=None,
                 residents=LEARNERS_PER_PROGRAM):
        program = uuid.uuid4()
        company_index = number // PROGRAMS_PER_COMPANY
        tag = tag or f"{company_index}-{number % PROGRAMS_PER_COMPANY}"

        def person(role, index, first, last):
            user = uuid.uuid4()
            email = f"{role}-{tag}{'' if index is None else f'-{index}'}@{self.prefix}.example"
            rows["users"].append((user, company, email, first, last, self.password))
            rows["memberships"].append((uuid.uuid4(), company, user, role, program))
            return user

        director = person(Role.PROGRAM_DIRECTOR, None, "Dana", f"Director {tag}")
        person(Role.COORDINATOR, None, "Cory", f"Coordinator {tag}")
        rows["programs"].append((program, company, sponsor, f"{self.prefix.title()} Surgery {tag}", specialty.pk,
                                 epa_set.pk, director))
        faculty = []
        for index in range(FACULTY_PER_PROGRAM):
            user = person(Role.FACULTY, index, "Fran", f"Faculty {tag}-{index}")
            rows["faculty"].append((uuid.uuid4(), company, user, program))
            faculty.append(user)
        learners = []
        for index in range(residents):
            user, learner, pgy = person(Role.RESIDENT, index, "Remy", f"Resident {tag}-{index}"), uuid.uuid4(), 1 + index % 5
            matriculated = datetime.date(YEAR_START.year - pgy + 1, 7, 1)
            rows["learners"].append((learner, company, user, program, pgy, pgy, matriculated))
            learners.append((learner, pgy))
        assignments = self._schedule(rows, company, program, site, learners, epa_ids)
        return {"id": program, "company": company, "faculty": faculty, "learners": learners,
                "assignments": assignments}

    def _schedule(self, rows, company, program, site, learners, epa_ids):
        year = uuid.uuid4()
        rows["years"].append((year, company, program, "2026-2027", YEAR_START, datetime.date(2027, 6, 30), True))
        rotations = []
        for index in range(ROTATIONS):
            rotation = uuid.uuid4()
            rows["rotations"].append((rotation, company, program, f"Rotation {index + 1}", f"R{index + 1}", index))
            rows["primary"] += [(rotation, epa_ids[(index * 3 + k) % len(epa_ids)]) for k in range(3)]
            rotations.append(rotation)
        assignments = {}
        for number in range(1, BLOCKS + 1):
            block, start = uuid.uuid4(), YEAR_START + datetime.timedelta(days=28 * (number - 1))
            end = start + datetime.timedelta(days=27)
            rows["blocks"].append((block, company, year, number, f"Block {number}", start, end))
            for position, (learner, _) in enumerate(learners):
                assignment = uuid.uuid4()
                rotation = rotations[(position + number) % ROTATIONS]
                rows["assignments"].append((assignment, company, learner, rotation, block, start, end, site))
                assignments[(learner, number)] = (assignment, rotation)
        return assignments

    def _assessments(self, cursor, programs, epa_ids):
        """The assessments are generated by PostgreSQL itself (generate_series, random(), one
        INSERT … SELECT): 16M rows built in Python and streamed through COPY cost most of an hour;
        in SQL they cost a few minutes. The distribution is the one Python used to draw: a uniformly
        chosen resident (hence program and company), one of the program's 15 faculty, one of the 16
        EPAs, a case day ``random()^0.8`` × 720 days back, a level rising with PGY and falling with
        age (Gaussian noise), a submission lag ~ Exp(0.4) days at 18:mm local time, the rotation
        assignment of that day's block, 60 % long narratives and 1 % soft-deleted rows."""
        learners = [(n, learner, program["id"], program["company"], pgy, program["faculty"],
                     [program["assignments"][(learner, block)][0] for block in range(1, BLOCKS + 1)])
                    for n, (program, (learner, pgy)) in enumerate(
                        (program, learner) for program in programs for learner in program["learners"])]
        cursor.execute("DROP TABLE IF EXISTS scale_learner, scale_resident")  # a caller's transaction may hold them
        cursor.execute("CREATE TEMPORARY TABLE scale_learner (n int PRIMARY KEY, learner uuid, program uuid, "
                       "company uuid, pgy int, faculty uuid[], assignments uuid[]) ON COMMIT DROP")
        with cursor.copy("COPY scale_learner FROM STDIN") as copy:
            for row in learners:
                copy.write_row(row)
        copier = Copier(EPAAssessment, ["id", "company_id", "program_id", "learner_id", "assessor_id", "epa_id",
                                        "entrustment_level", "assessment_date", "submitted_at",
                                        "rotation_assignment_id", "narrative_feedback", "deleted_at",
                                        "submission_key"], self.now)
        columns = ", ".join(f'"{column}"' for column in copier.columns)
        constants = "".join(f", %(c{i})s" for i in range(len(copier.constants)))
        cursor.execute("SELECT setseed(%s)", [self.rng.random() * 2 - 1])
        started = time.monotonic()
        cursor.execute(
            f"INSERT INTO assessments_epaassessment ({columns}) "
            "SELECT gen_random_uuid(), l.company, l.program, l.learner, l.faculty[1 + g.faculty %% cardinality(l.faculty)], "
            "       (%(epas)s::bigint[])[1 + g.epa], "
            "       least(5, greatest(1, round(1 + (l.pgy - 1) * 0.8 - g.ago / 365.0 * 0.8 + g.noise)))::int, "
            "       %(today)s::date - g.ago, "
            "       ((%(today)s::date - g.ago + least(floor(-ln(1 - g.lag) / 0.4)::int, g.ago)) "
            "         + make_time(18, g.minute, 0)) AT TIME ZONE %(tz)s, "
            "       CASE WHEN g.ago <= %(today)s::date - %(year_start)s::date "
            "            THEN l.assignments[1 + (%(today)s::date - g.ago - %(year_start)s::date) / 28] END, "
            "       CASE WHEN g.narrative < 0.6 THEN %(long)s ELSE 'Good case.' END, "
            "       CASE WHEN g.deleted < 0.01 THEN %(now)s::timestamptz END, "
            f"      gen_random_uuid(){constants} "
            "FROM (SELECT floor(random() * %(learners)s)::int AS n, floor(power(random(), 0.8) * %(days)s)::int AS ago, "
            "             random_normal(0, 0.7) AS noise, random() AS lag, floor(random() * 60)::int AS minute, "
            "             floor(random() * 1000)::int AS faculty, floor(random() * %(epa_count)s)::int AS epa, "
            "             random() AS narrative, random() AS deleted "
            "      FROM generate_series(1, %(total)s)) g JOIN scale_learner l ON l.n = g.n",
            {"epas": epa_ids, "epa_count": len(epa_ids), "today": self.today, "tz": timezone.get_current_timezone_name(),
             "year_start": YEAR_START, "long": LONG_NARRATIVE, "now": self.now, "learners": len(learners),
             "days": HISTORY_DAYS, "total": self.total} | {f"c{i}": value for i, value in enumerate(copier.constants)})
        sys.stderr.write(f"assessments: {self.total:,} in {time.monotonic() - started:.1f}s\n")

    def _requests(self, cursor, programs, epa_ids):
        """A tenth as many assessment requests as assessments (uniform resident, one of the
        program's faculty, an EPA, created over two years, 75 % completed two days later, the rest
        expired), generated in SQL like the assessments (uses their scale_learner table)."""
        copier = Copier(AssessmentRequest, ["id", "company_id", "learner_id", "assessor_id", "epa_id", "case_date",
                                            "created_at", "expires_at", "status", "completed_at"], self.now)
        columns = ", ".join(f'"{column}"' for column in copier.columns)
        constants = "".join(f", %(c{i})s" for i in range(len(copier.constants)))
        cursor.execute(
            f"INSERT INTO assessments_assessmentrequest ({columns}) "
            "SELECT gen_random_uuid(), l.company, l.learner, l.faculty[1 + g.faculty %% cardinality(l.faculty)], "
            "       (%(epas)s::bigint[])[1 + g.epa], (g.created AT TIME ZONE %(tz)s)::date, g.created, "
            "       g.created + interval '14 days', CASE WHEN g.done THEN 'completed' ELSE 'expired' END, "
            f"      CASE WHEN g.done THEN g.created + interval '2 days' END{constants} "
            "FROM (SELECT floor(random() * %(learners)s)::int AS n, floor(random() * 1000)::int AS faculty, "
            "             floor(random() * %(epa_count)s)::int AS epa, random() < 0.75 AS done, "
            "             %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created "
            "      FROM generate_series(1, %(count)s)) g JOIN scale_learner l ON l.n = g.n",
            {"epas": epa_ids, "epa_count": len(epa_ids), "tz": timezone.get_current_timezone_name(), "now": self.now,
             "learners": sum(len(program["learners"]) for program in programs), "days": HISTORY_DAYS,
             "count": max(1, self.total // 10)} | {f"c{i}": value for i, value in enumerate(copier.constants)})

    def _work_hours(self, cursor, programs):
        """A year of work-hour entries per resident, up to yesterday, in the residents' local time
        (America/New_York, the default hours policy), generated in SQL (~300 a resident: 16M at L).
        The pattern: in-house call every fourth night on weekdays (06:00 to 06:00, the next day
        off), Wednesday education 06–07, clinical days 07–17/18, Saturday at-home call 08–20 with
        13–15 called in. No history rows (bulk synthetic data)."""
        residents = [(position, program["company"], learner) for position, (program, (learner, _)) in enumerate(
            (program, learner) for program in programs for learner in program["learners"])]
        cursor.execute("CREATE TEMPORARY TABLE scale_resident (p int, company uuid, learner uuid) ON COMMIT DROP")
        with cursor.copy("COPY scale_resident FROM STDIN") as copy:
            for row in residents:
                copy.write_row(row)
        copier = Copier(WorkEntry, ["id", "company_id", "learner_id", "kind", "start", "end", "from_plan"], self.now)
        columns = ", ".join(f'"{column}"' for column in copier.columns)
        constants = "".join(f", %(c{i})s" for i in range(len(copier.constants)))
        started = time.monotonic()
        cursor.execute(
            "WITH d AS (SELECT r.company, r.learner, o, %(first)s::date + o AS day, "
            "                  extract(isodow FROM %(first)s::date + o)::int - 1 AS wd, (o + r.p) %% 4 = 0 AS call_day, "
            "                  o >= 1 AND (o - 1 + r.p) %% 4 = 0 "
            "                  AND extract(isodow FROM %(first)s::date + o - 1)::int - 1 < 5 AS skipped "
            "           FROM scale_resident r CROSS JOIN generate_series(0, %(days)s - 1) o) "
            f"INSERT INTO hours_workentry ({columns}) "
            "SELECT gen_random_uuid(), d.company, d.learner, k.kind, "
            "       (d.day + make_time(k.start_hour, 0, 0)) AT TIME ZONE %(tz)s, "
            f"      (d.day + k.end_days + make_time(k.end_hour, 0, 0)) AT TIME ZONE %(tz)s, true{constants} "
            "FROM d CROSS JOIN LATERAL (VALUES "
            "  ('in_house_call', 6, 6, 1, d.call_day AND d.wd < 5), "
            "  ('education', 6, 7, 0, NOT d.call_day AND d.wd = 2), "
            "  ('clinical', 7, 17 + d.o %% 2, 0, NOT d.call_day AND d.wd < 5), "
            "  ('home_call', 8, 20, 0, d.wd = 5), "
            "  ('home_call_worked', 13, 15, 0, d.wd = 5)) k(kind, start_hour, end_hour, end_days, keep) "
            "WHERE k.keep AND NOT d.skipped",
            {"first": self.today - datetime.timedelta(days=WORK_HOUR_DAYS), "days": WORK_HOUR_DAYS, "tz": "America/New_York"}
            | {f"c{i}": value for i, value in enumerate(copier.constants)})
        sys.stderr.write(f"work-hour entries: {cursor.rowcount:,} in {time.monotonic() - started:.1f}s\n")


def synthetic_scale(prefix):
    """The synthetic 1–5 scale with its levels (placeholder wording, not an official scale), so
    the assessment form offers levels for the synthetic EPAs. Idempotent; bench/run.py calls it
    for data seeded before the levels existed."""
    scale, _ = EntrustmentScale.objects.get_or_create(code=f"{prefix}-5-level",
                                                      defaults={"name": "Synthetic 5-level scale"})
    for number in range(1, 6):
        EntrustmentLevel.objects.get_or_create(scale=scale, number=number, defaults={
            "label": f"Synthetic level {number}", "descriptor": "Placeholder wording for load tests."})
    return scale


def _delete_companies(company_ids, *, log):
    """Delete everything owned by these companies (or their users), children first: each pass
    deletes what nothing else references any more, until nothing is left."""
    owned = []
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed:
            continue  # the analytics views: refreshed afterwards
        for field in model._meta.concrete_fields:
            target = getattr(field.remote_field, "model", None) if field.is_relation else None
            if target in (Company, User) and model is not Company:
                owned.append((model._meta.db_table, field.column, target is User))
    pending = list(dict.fromkeys(owned))
    user_ids = "SELECT id FROM tenants_user WHERE company_id = ANY(%(c)s)"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM academics_rotationtype_primary_epas WHERE rotationtype_id IN "
                       "(SELECT id FROM academics_rotationtype WHERE company_id = ANY(%(c)s))", {"c": company_ids})
        for _ in range(len(pending) + 1):
            failed = []
            for table, column, by_user in pending:
                where = f'"{column}" IN ({user_ids})' if by_user else f'"{column}" = ANY(%(c)s)'
                try:
                    with transaction.atomic():
                        cursor.execute(f'DELETE FROM "{table}" WHERE {where}', {"c": company_ids})
                except Exception:  # still referenced: retry on the next pass
                    failed.append((table, column, by_user))
            if not failed:
                break
            pending = failed
        else:
            raise CommandError(f"could not delete: {failed}")
        cursor.execute("DELETE FROM tenants_company WHERE id = ANY(%(c)s)", {"c": company_ids})
    log(f"removed {len(company_ids)} companies")
