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
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from apps.academics.models import AcademicYear, Block, Faculty, Learner, Program, RotationAssignment, RotationType
from apps.analytics.services import analytics_refresh
from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.clinical.services.permissions import role_permissions_seed
from apps.clinical.services.scale import scale_clinic_seed
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
            world = self._tenants(cursor)
            programs = self._programs(cursor, world, specialty, epa_set, epa_ids)
            self._assessments(cursor, programs, epa_ids)
            self._requests(cursor, programs, epa_ids)
            self._work_hours(cursor, programs + [self.hours_program])
            cursor.execute(
                "INSERT INTO assessments_assessmentfeedbacktag (company_id, assessment_id, tag_id, tag_type) "
                "SELECT a.company_id, a.id, (%s::bigint[])[1 + abs(hashtext(a.id::text)) %% %s], 'went_well' "
                "FROM assessments_epaassessment a WHERE a.company_id = ANY(%s) AND abs(hashtext(a.id::text)) %% 10 < 3",
                [tag_ids, len(tag_ids), [c for c, _, _ in world]])
        self._clinic(world)
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
        columns = ["id", "company_id", "program_id", "learner_id", "assessor_id", "epa_id", "entrustment_level",
                   "assessment_date", "submitted_at", "rotation_assignment_id", "narrative_feedback", "deleted_at",
                   "submission_key"]
        Copier(EPAAssessment, columns, self.now).copy(
            cursor, self._assessment_rows(programs, epa_ids), Progress("assessments", self.total))

    def _assessment_rows(self, programs, epa_ids):
        rng, today = self.rng, self.today
        for _ in range(self.total):
            program = programs[rng.randrange(len(programs))]
            learner, pgy = program["learners"][rng.randrange(len(program["learners"]))]
            day = today - datetime.timedelta(days=int(rng.random() ** 0.8 * HISTORY_DAYS))
            # Levels rise with PGY and with time (about one level a year), on a 1–5 scale.
            years_ago = (today - day).days / 365
            level = min(5, max(1, round(1 + (pgy - 1) * 0.8 - years_ago * 0.8 + rng.gauss(0, 0.7))))
            lag = min(int(rng.expovariate(0.4)), (today - day).days)
            submitted = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=lag),
                                                                      datetime.time(18, rng.randrange(60))))
            block = (day - YEAR_START).days // 28 + 1
            assignment = program["assignments"].get((learner, block), (None,))[0]
            yield (uuid.uuid4(), program["company"], program["id"], learner,
                   program["faculty"][rng.randrange(len(program["faculty"]))], epa_ids[rng.randrange(len(epa_ids))],
                   level, day, submitted, assignment, LONG_NARRATIVE if rng.random() < 0.6 else "Good case.",
                   self.now if rng.random() < 0.01 else None, uuid.uuid4())

    def _requests(self, cursor, programs, epa_ids):
        rng, rows = self.rng, []
        for _ in range(max(1, self.total // 10)):
            program = programs[rng.randrange(len(programs))]
            learner, _ = program["learners"][rng.randrange(len(program["learners"]))]
            created = self.now - datetime.timedelta(days=rng.random() * HISTORY_DAYS)
            done = rng.random() < 0.75
            rows.append((uuid.uuid4(), program["company"], learner, program["faculty"][rng.randrange(15)],
                         epa_ids[rng.randrange(len(epa_ids))], created.date(), created,
                         created + datetime.timedelta(days=14), "completed" if done else "expired",
                         created + datetime.timedelta(days=2) if done else None))
        Copier(AssessmentRequest, ["id", "company_id", "learner_id", "assessor_id", "epa_id", "case_date",
                                   "created_at", "expires_at", "status", "completed_at"], self.now).copy(cursor, rows)


    def _work_hours(self, cursor, programs):
        """A year of work-hour entries per resident, up to yesterday, in the residents' local time
        (America/New_York, the default hours policy). COPY, no history rows (bulk synthetic data)."""
        residents = [(program["company"], learner) for program in programs for learner, _ in program["learners"]]
        Copier(WorkEntry, ["id", "company_id", "learner_id", "kind", "start", "end", "from_plan"], self.now).copy(
            cursor, self._work_hour_rows(residents), Progress("work-hour entries (about)", len(residents) * 300))
        sys.stderr.write("\n")
        hours_findings.compliance_recompute_learners(residents=residents)  # stored findings (issue 15)

    def _work_hour_rows(self, residents):
        tz, first = ZoneInfo("America/New_York"), self.today - datetime.timedelta(days=WORK_HOUR_DAYS)

        def at(day, hour, days=0):
            return datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time(hour), tzinfo=tz)

        for position, (company, learner) in enumerate(residents):
            skip = None
            for offset in range(WORK_HOUR_DAYS):
                day = first + datetime.timedelta(days=offset)
                if day == skip:
                    continue
                if (offset + position) % 4 == 0 and day.weekday() < 5:
                    yield uuid.uuid4(), company, learner, "in_house_call", at(day, 6), at(day, 6, days=1), True
                    skip = day + datetime.timedelta(days=1)
                elif day.weekday() < 5:
                    if day.weekday() == 2:
                        yield uuid.uuid4(), company, learner, "education", at(day, 6), at(day, 7), True
                    yield uuid.uuid4(), company, learner, "clinical", at(day, 7), at(day, 17 + offset % 2), True
                elif day.weekday() == 5:
                    yield uuid.uuid4(), company, learner, "home_call", at(day, 8), at(day, 20), True
                    yield uuid.uuid4(), company, learner, "home_call_worked", at(day, 13), at(day, 15), True


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
