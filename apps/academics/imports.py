"""Bulk import (CSV/XLSX → validated rows → atomic apply) and export of roster and schedule.

The preview validates every row and lists each bad one with its line number (line 1 is the
header). Nothing is written unless every row is valid; the confirm step validates the stored
rows again inside the transaction, so what is written is always what was checked."""

import csv
import datetime
import io
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from apps.academics import selectors, services
from apps.academics.models import Learner, RotationAssignment
from apps.tenants.roles import PROGRAM_ROLES, Role

ROSTER_COLUMNS = ["email", "first_name", "last_name", "role", "pgy", "track", "status"]
SCHEDULE_COLUMNS = ["email", "rotation_code", "start_date", "end_date", "site"]
COLUMNS = {"roster": ROSTER_COLUMNS, "schedule": SCHEDULE_COLUMNS}
OPTIONAL_COLUMNS = ("site", "track", "pgy", "status")  # status blank or absent: keep the stored one
# Every program role, as the export writes it, so an exported roster re-imports as it is. The Add
# person page already lets a coordinator/director give each of these roles.
ROLES = {role.value: role for role in PROGRAM_ROLES}
ROLE_NAMES = ", ".join(sorted(ROLES))
STATUS_NAMES = ", ".join(Learner.Status.values)


def column_help() -> dict[str, str]:
    """What the import page says about each file kind, from the very lists the import checks."""
    return {
        "roster": (f"Roster columns: {', '.join(ROSTER_COLUMNS)}. role is one of {ROLE_NAMES}; pgy 1–10, "
                   f"required for residents; status (optional) one of {STATUS_NAMES}; "
                   f"optional columns: {', '.join(c for c in ROSTER_COLUMNS if c in OPTIONAL_COLUMNS)}."),
        "schedule": (f"Schedule columns: {', '.join(SCHEDULE_COLUMNS)}. Dates as YYYY-MM-DD; rotation_code as on "
                     "the grid legend; site optional, by name."),
    }
MAX_ROWS = 2000


class ImportFileError(ValueError):
    """The file itself cannot be read (not a row problem)."""


@dataclass
class Preview:
    kind: str
    rows: list  # raw rows: [{column: text}], JSON-safe, stored in the session until confirm
    errors: list = field(default_factory=list)  # [(line, message)]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def columns(self) -> list[str]:
        return [c for c in COLUMNS[self.kind] if self.rows and c in self.rows[0]]

    @property
    def table(self) -> list[tuple[int, list[str]]]:
        """[(line in the file, [value per column])] for the preview table."""
        columns = self.columns
        return [(_line_of(row, index), [row.get(c, "") for c in columns])
                for index, row in enumerate(self.rows, start=2)]


def read_rows(upload, kind: str) -> list[dict]:
    """Rows of a CSV/XLSX upload as {column: stripped text, "_line": its line in the file}. Unknown
    extra columns are ignored; blank rows are skipped (line numbers stay those of the file)."""
    content = upload.read()
    if upload.name.lower().endswith(".xlsx"):
        try:
            data = tablib.Dataset().load(content, format="xlsx")
        except Exception as error:  # openpyxl raises many types for a malformed file
            raise ImportFileError(f"Could not read the file as XLSX: {error}")
        headers, records = list(data.headers or []), [(line, list(row)) for line, row in enumerate(data, start=2)]
    else:
        headers, records = _csv_records(decode_csv(content))
    headers = [str(h or "").strip().lower() for h in headers]
    missing = [c for c in COLUMNS[kind] if c not in headers and c not in OPTIONAL_COLUMNS]
    if missing:
        raise ImportFileError(f"Missing column(s): {', '.join(missing)}. Expected: {', '.join(COLUMNS[kind])}.")
    rows = []
    for line, record in records:
        row = {h: _text(value) for h, value in zip(headers, record) if h in COLUMNS[kind]}
        if any(row.values()):
            rows.append({**row, "_line": line})
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"At most {MAX_ROWS} rows per file.")
    return rows


CSV_ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252"))


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without the byte-order mark Excel adds), else Windows-1252 (what Excel writes
    as "CSV" on Windows). Anything else is refused with a message, never a codec traceback."""
    for codec, _name in CSV_ENCODINGS:
        try:
            return content.decode(codec)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("The file is neither UTF-8 nor Windows-1252 text. Save it from your spreadsheet as "
                          "“CSV UTF-8” (or as XLSX) and upload it again.")


def _csv_records(text: str):
    """(header, [(line, cells)]) from CSV text, refusing what would silently merge or split rows:
    a quoted value running over several lines or never closed (a missing quote), and rows with
    more values than the header. Every problem is reported with its line numbers."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems, records, header = [], [], None
    rows_read = last_line = 0
    try:
        for cells in reader:
            first_line, last_line = last_line + 1, reader.line_num
            if header is None:
                header = cells
                continue
            rows_read += 1
            if last_line > first_line and any("\n" in cell or "\r" in cell for cell in cells):
                problems.append(f"Lines {first_line}–{last_line}: a quoted value runs over "
                                f"{last_line - first_line + 1} lines (is a closing quote \" missing?).")
            elif len(cells) > len(header) and any(cell.strip() for cell in cells[len(header):]):
                problems.append(f"Line {first_line}: {len(cells)} values but the header has {len(header)} columns "
                                "(a value with a comma needs quotes).")
            else:
                records.append((first_line, cells))
    except csv.Error as error:
        problems.append(f"Line {last_line + 1}: {_csv_error(error)} (read as far as line {reader.line_num})")
    if header is None and not problems:
        raise ImportFileError("The file is empty.")
    if problems:
        data_lines = sum(1 for line in text.splitlines()[1:] if line.strip())
        count = (f"The file has {data_lines} data lines but reads as {rows_read} rows. "
                 if data_lines != rows_read else "")
        raise ImportFileError(count + " ".join(problems) + " Nothing was read: fix the file and upload it again.")
    return header, records


def _csv_error(error) -> str:
    if "unexpected end of data" in str(error) or "EOF" in str(error):
        return "a quoted value is never closed (a closing quote \" is missing)"
    return f"a quote is misplaced or unclosed ({error})"


def _text(value) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _line_of(row, index) -> int:
    """The row's line in the uploaded file (rows kept from before line numbers were stored: by position)."""
    return int(row.get("_line") or index)


def validate(*, program, kind: str, rows: list[dict]) -> Preview:
    check = _roster_row_errors if kind == "roster" else _schedule_checker(program)
    preview = Preview(kind=kind, rows=rows)
    seen = {}
    for index, row in enumerate(rows, start=2):
        line = _line_of(row, index)
        for message in check(program, row, seen, line):
            preview.errors.append((line, message))
    if not rows:
        preview.errors.append((1, "The file has no data rows."))
    return preview


# ---------------------------------------------------------------- roster rows
def _roster_row_errors(program, row, seen, line):
    email = row.get("email", "").lower()
    try:
        validate_email(email)
    except ValidationError:
        yield f"“{row.get('email', '')}” is not a valid email address."
        return
    if email in seen:
        yield f"{email} also appears on line {seen[email]}."
    seen[email] = line
    role = ROLES.get(row.get("role", "").lower())
    if role is None:
        yield f"Unknown role “{row.get('role', '')}” (use one of {ROLE_NAMES})."
    if not row.get("first_name") or not row.get("last_name"):
        yield "First and last name are required."
    yield from _pgy_errors(role, row.get("pgy", ""))
    if row.get("status") and _status(row) is None:
        yield f"Unknown status “{row['status']}” (use one of {', '.join(Learner.Status.values)}, or leave it blank)."
    # An address of another organization's account is not flagged here: the preview answers as for any
    # unknown address, so it cannot be used to find out who has an account elsewhere.


def _pgy_errors(role, pgy):
    if role == Role.RESIDENT and not pgy:
        yield "A resident needs a PGY level (1–10)."
    elif pgy and (not pgy.isdigit() or not 1 <= int(pgy) <= 10):
        yield f"PGY “{pgy}” is out of range (1–10)."


# ---------------------------------------------------------------- schedule rows
def _schedule_checker(program):
    """Loads the program's learners, rotations, sites and existing assignments once."""
    learners = {l.user.email.lower(): l for l in program.learners.select_related("user")}
    codes = selectors.rotation_type_by_code(program=program)
    sites = {s.name.lower(): s for s in selectors.program_sites(program=program)}
    booked = {}
    for a in RotationAssignment.objects.for_company(program.company_id).filter(learner__program=program):
        booked.setdefault(a.learner_id, []).append((a.start_date, a.end_date, "an existing assignment"))

    def check(program, row, seen, line):
        learner = learners.get(row.get("email", "").lower())
        if learner is None:
            yield f"No learner with email “{row.get('email', '')}” in {program}."
        if row.get("rotation_code", "").lower() not in codes:
            yield f"Unknown rotation code “{row.get('rotation_code', '')}”."
        site_name = row.get("site", "")
        if site_name and site_name.lower() not in sites:
            yield f"Unknown site “{site_name}”."
        dates = _dates(row)
        if isinstance(dates, str):
            yield dates
        elif learner is not None:
            yield from _overlap_errors(booked.setdefault(learner.pk, []), dates, line)
            if site_name.lower() in sites:
                yield from _site_errors(sites[site_name.lower()], program, dates)

    return check


def _dates(row):
    try:
        start = datetime.date.fromisoformat(row.get("start_date", "")[:10])
        end = datetime.date.fromisoformat(row.get("end_date", "")[:10])
    except ValueError:
        return "Dates must look like 2026-07-01 (start_date and end_date)."
    if end < start:
        return f"end_date {end} is before start_date {start}."
    return start, end


def _overlap_errors(taken, dates, line):
    start, end = dates
    for other_start, other_end, where in taken:
        if start <= other_end and end >= other_start:
            yield f"Overlapping dates: {start}–{end} overlaps {where} ({other_start}–{other_end})."
            return
    taken.append((start, end, f"line {line}"))


def _site_errors(site, program, dates):
    try:
        services.check_site(site=site, program=program, start_date=dates[0], end_date=dates[1])
    except ValidationError as error:
        yield from error.messages


# ---------------------------------------------------------------- apply
def apply(*, actor, program, kind: str, rows: list[dict]) -> int:
    """Validate again and write every row in one transaction; raises ValidationError on any problem."""
    with transaction.atomic():
        preview = validate(program=program, kind=kind, rows=rows)
        if not preview.ok:
            raise ValidationError([f"Line {line}: {message}" for line, message in preview.errors])
        writer = _apply_roster_row if kind == "roster" else _schedule_writer(program)
        new_users = []
        for index, row in enumerate(rows, start=2):
            try:
                new_users += writer(actor, program, row) or []
            except ValidationError as error:
                raise ValidationError([f"Line {_line_of(row, index)}: {message}" for message in error.messages])
        services.invitations_send(actor=actor, program=program, user_ids=new_users)
    return len(rows)


def _status(row):
    """The row's learner status, by value or label; None when blank (keep what is stored) or unknown."""
    wanted = row.get("status", "").strip().lower()
    return next((value for value, label in Learner.Status.choices if wanted in (value, label.lower())), None)


def _apply_roster_row(actor, program, row) -> list:
    """Returns the id of the account the row created (to invite), if any."""
    role = ROLES[row["role"].lower()]
    record, created = services.person_add(
        actor=actor, program=program, email=row["email"], first_name=row["first_name"], last_name=row["last_name"],
        role=role, pgy_level=int(row["pgy"]) if row.get("pgy") else None, track=row.get("track", ""),
        status=_status(row))
    return [getattr(record, "user_id", record.pk)] if created else []


def _schedule_writer(program):
    learners = {l.user.email.lower(): l for l in program.learners.select_related("user")}
    codes = selectors.rotation_type_by_code(program=program)
    sites = {s.name.lower(): s for s in selectors.program_sites(program=program)}
    blocks = list(selectors.program_blocks(program=program))

    def write(actor, program, row):
        start, end = _dates(row)
        block = next((b for b in blocks if b.start_date <= start <= b.end_date), None)
        services.rotation_assignment_create(
            actor=actor, learner=learners[row["email"].lower()], rotation_type=codes[row["rotation_code"].lower()],
            start_date=start, end_date=end, site=sites.get(row.get("site", "").lower()), block=block)

    return write


# ---------------------------------------------------------------- export
def roster_dataset(*, program) -> tablib.Dataset:
    data = tablib.Dataset(headers=ROSTER_COLUMNS)
    for row in selectors.current_roster_rows(program=program):
        data.append([row.user.email, row.user.first_name, row.user.last_name, row.role,
                     row.pgy or "", row.track, row.status])
    return data


def schedule_dataset(*, program, year=None) -> tablib.Dataset:
    data = tablib.Dataset(headers=SCHEDULE_COLUMNS + ["rotation", "block"])
    assignments = selectors.program_feed_assignments(program=program).select_related("block")
    if year is not None:
        assignments = assignments.filter(start_date__lte=year.end_date, end_date__gte=year.start_date)
    for a in assignments:
        data.append([a.learner.user.email, a.rotation_type.code, a.start_date.isoformat(), a.end_date.isoformat(),
                     a.site.name if a.site_id else "", a.rotation_type.name, a.block.name if a.block_id else ""])
    return data

