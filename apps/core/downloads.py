"""Spreadsheet downloads, written one way: every CSV and XLSX file Rounds hands out goes through
here, so no cell runs as a formula when someone opens the file, and each file is named for what
it is (``northwind-general-surgery-roster-2026-11-26.csv``).

* CSV: a text cell starting with ``= + - @`` (or tab or carriage return) gets a leading apostrophe
  (OWASP "CSV injection"): a spreadsheet shows it as text instead of running it.
* XLSX: every text cell is written as a text cell (openpyxl would store ``=…`` as a formula);
  numbers and dates stay numbers and dates.
"""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from import_export.formats import base_formats
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_TYPES = (int, float, Decimal, datetime.date, datetime.datetime, datetime.time, bool)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plain(value):
    """A cell's value as written: numbers, dates and None as they are, anything else as text."""
    if value is None or isinstance(value, PLAIN_TYPES):
        return value
    return str(value)


def spreadsheet_safe(value):
    """The value for a CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe."""
    value = plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in [header, *rows]:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def xlsx_bytes(header, rows, *, title: str = "Sheet1") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31] or "Sheet1"
    for row_number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            value = plain(value)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download_name(*parts, day: datetime.date | None = None) -> str:
    """``northwind-general-surgery-roster-2026-11-26``: the parts slugified, a word repeated at a
    join dropped (company "northwind" + program "Northwind General Surgery"), then the day."""
    words = []
    for part in parts:
        slug = slugify(str(part))
        if slug and words and slug.startswith(words[-1] + "-"):
            slug = slug[len(words[-1]) + 1:]
        if slug and (not words or slug != words[-1]):
            words.append(slug)
    return "-".join([*words, (day or timezone.localdate()).isoformat()])


def spreadsheet_response(*, name: str, header, rows, fmt: str = "csv") -> HttpResponse:
    """The download, as CSV (the default) or XLSX (``fmt="xlsx"``), named ``<name>.<fmt>``."""
    rows = list(rows)
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(header, rows), content_type=XLSX_TYPE)
    else:
        fmt = "csv"
        response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# ---------------------------------------------------------------- the admin's import-export
class SafeCSV(base_formats.CSV):
    """django-import-export's CSV, written through ``csv_text``."""

    def export_data(self, dataset, **kwargs):
        return csv_text(dataset.headers or [], list(dataset))


class SafeXLSX(base_formats.XLSX):
    """django-import-export's XLSX, written through ``xlsx_bytes``."""

    def export_data(self, dataset, **kwargs):
        return xlsx_bytes(dataset.headers or [], list(dataset))
