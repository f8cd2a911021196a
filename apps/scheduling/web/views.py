"""Pages of the appointment book. Objects come through apps.scheduling.access (404 outside the
company, 403 without ``appointment.manage``); writes go through the services; the patients a page
shows are recorded in the access log. htmx requests get the fragment (the booking form, the
appointment panel), others the whole page, so every action also works without JavaScript."""

import bisect
import datetime
import operator
import uuid
from html import escape
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from apps.audit.models import AccessLog
from apps.clinical.models import Patient
from apps.clinical.selectors.patients import patient_search
from apps.core import rls
from apps.core.access import company_of, tenant_page
from apps.core.forms import apply_service_errors, uuid_param
from apps.scheduling import access, availability, book_cache, ical, selectors, services
from apps.scheduling.models import (
    BLOCKING_STATUSES,
    Appointment,
    AvailabilityOverride,
    BookingRequest,
    PractitionerFeed,
    ServiceType,
    TimeOff,
    WaitlistEntry,
    WeeklyAvailability,
)
from apps.scheduling.recurrence import localise
from apps.scheduling.signing import LinkError, confirm_claims, offer_claims
from apps.scheduling.templatetags.book_pages import url_parts
from apps.scheduling.web import forms
from apps.tenants.models import Resource, Site, User

ROW_MINUTES = 15
DAY_FIRST_HOUR, DAY_LAST_HOUR = 7, 19
S = Appointment.Status


# ---------------------------------------------------------------- helpers
def _date_param(request, zone) -> datetime.date:
    raw = request.GET.get("date") or ""
    if not raw:
        return timezone.now().astimezone(zone).date()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest("?date= must be a date (YYYY-MM-DD)")


def _day_window(site, day):
    start = localise(datetime.datetime.combine(day, datetime.time.min), site.time_zone)
    end = localise(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min), site.time_zone)
    return start, end


def _render(request, full, fragment, context, status=200):
    return render(request, fragment if request.htmx else full, context, status=status)


def _back_to_day(request, appointment):
    zone = ZoneInfo(appointment.site.time_zone)
    url = (reverse("scheduling:day", kwargs={"site_id": appointment.site_id})
           + f"?date={appointment.start.astimezone(zone).date().isoformat()}")
    if request.POST.get("return_to") == "today":
        url = reverse("scheduling:today", kwargs={"site_id": appointment.site_id})
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _company_patients(company, ids=()):
    return Patient.objects.for_company(company).filter(pk__in=list(ids)).order_by("last_name", "first_name")


# ---------------------------------------------------------------- the book
@login_required
@tenant_page
@require_GET
def home(request):
    """The book's start page: the sites whose book the user works (straight to the only one)."""
    company_of(request.user)
    if not access.can_manage_book(request.user):
        return redirect("scheduling:feeds")
    sites = list(access.book_sites(request.user))
    if len(sites) == 1:
        return redirect("scheduling:day", site_id=sites[0].pk)
    return render(request, "scheduling/home.html", {"sites": sites})


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_US = datetime.timedelta(microseconds=1)
_ROW_US = ROW_MINUTES * 60 * 1_000_000  # one row of the grid, in microseconds


def _epoch_us(moment) -> int:
    return (moment - _EPOCH) // _US


class BookRow:
    """One appointment of the day view, from ``selectors.day_book_values`` (a dict, not a model
    instance): ``pk`` is the id as text (it is only written into links); ``start_us``/``end_us`` in
    microseconds since the epoch; ``start``/``end`` (aware datetimes) and ``site`` for the few rows
    ``selectors.match_entries`` reads; the practitioner's name is written only where it is shown."""

    __slots__ = ("cancellation_reason", "colour", "end_us", "first_name", "last_name", "late_cancellations",
                 "noshows", "overbooked", "pk", "patient_id", "practitioner", "practitioner_id", "resource_id",
                 "resource_name", "service_name", "service_type_id", "site", "site_id", "start_us", "status")

    def __init__(self, row, site):
        self.pk, self.patient_id, self.practitioner_id = row["id_text"], row["patient_id"], row["practitioner_id"]
        self.resource_id, self.service_type_id, self.status = row["resource_id"], row["service_type_id"], row["status"]
        self.start_us, self.end_us, self.overbooked = row["start_us"], row["end_us"], row["overbooked"]
        self.cancellation_reason, self.colour = row["cancellation_reason"], row["service_type__colour"]
        self.first_name, self.last_name = row["patient__first_name"], row["patient__last_name"]
        self.service_name, self.resource_name = row["service_type__name"], row["resource__name"]
        self.noshows, self.late_cancellations = row["attendance"]
        self.practitioner = (row["practitioner__first_name"], row["practitioner__last_name"], row["practitioner__email"])
        self.site, self.site_id = site, site.pk

    @property
    def practitioner_name(self):
        first, last, email = self.practitioner
        return f"{first} {last}".strip() or email

    @property
    def start(self):
        return _EPOCH + self.start_us * _US

    @property
    def end(self):
        return _EPOCH + self.end_us * _US

    @property
    def patient_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def status_label(self):
        return _STATUS_LABELS.get(self.status, self.status)


_STATUS_LABELS = {value: str(label) for value, label in S.choices}
_SHOWN = frozenset(BLOCKING_STATUSES) | {S.PROPOSED, S.WAITLIST}
_FREED = frozenset((S.CANCELLED, S.NOSHOW))


@login_required
@tenant_page
@require_GET
def day(request, site_id):
    """A site's day: one column per practitioner (or per room/equipment with ?by=room), rows of 15
    minutes in the site's time zone; a free cell books, an appointment opens its panel. Queries
    are constant whatever the number of practitioners and appointments; the appointments are read
    as rows of values (``selectors.day_book_values``) and the columns written as HTML in Python.

    Time: rows are quarter hours of the site's clock, and an appointment sits at its start's time of
    day and ends at its end's (on a daylight-saving day too: after the change it is not an hour off
    its labels); a cell is turned into an instant once per row for every column, and is free when no
    appointment's time overlaps it nor is drawn over it. Wall times skipped when clocks go forward
    are not offered. Local times are converted once per distinct instant (the day's appointments
    share a few dozen start and end times)."""
    site = access.get_site_for_user(request.user, site_id)
    zone = ZoneInfo(site.time_zone)
    the_day = _date_param(request, zone)
    by_room = request.GET.get("by") == "room"
    book = book_cache.cached_book(site=site, day=the_day, by_room=by_room,
                                  compute=lambda: _day_book(site, zone, the_day, by_room))
    freed, waiting_count = book["freed"], book["waiting_count"]
    for a in freed:
        a.site = site  # not cached: the site was read by this request's access check
    now = timezone.now()
    now_us = _epoch_us(now)
    waiting = []
    if any(a.start_us > now_us for a in freed):  # a freed time still to come: the waitlist may fill it
        waiting = list(selectors.waitlist_for_site(site=site))
        waiting_count = len(waiting)
    freed_rows = [{"a": a, "local_start": (_EPOCH + a.start_us * _US).astimezone(zone),
                   "matches": selectors.match_entries(a, waiting) if a.start_us > now_us else []} for a in freed]
    # Every patient the page names: those booked (any status read) and the waitlist's matches.
    access.log_book_patients(request, [*book["patient_ids"], *(e.patient_id for f in freed_rows for e in f["matches"])],
                             site.company_id)
    return render(request, "scheduling/day.html", {
        "site": site, "day": the_day, "by_room": by_room, "columns": book["columns"], "rows": book["rows"],
        "times_html": book["times_html"], "freed": freed_rows, "waiting_count": waiting_count,
        "today": now.astimezone(zone).date(), "previous": the_day - datetime.timedelta(days=1),
        "next": the_day + datetime.timedelta(days=1), "row_minutes": ROW_MINUTES,
    })


def _day_book(site, zone, the_day, by_room) -> dict:
    """What the day view draws from the database, independent of who asks and when: the columns as
    HTML, the number of rows, the times down the side, the freed (cancelled, no-show) appointments,
    every patient booked (for the access log) and the waitlist's size. Cached by ``book_cache``
    until the company's scheduling data changes."""
    window_start, window_end = _day_window(site, the_day)
    appointments = [BookRow(row, site) for row in selectors.day_book_values(site=site, start=window_start, end=window_end)]
    people, waiting_count = selectors.day_columns(site=site, day=the_day)
    resources = list(Resource.objects.for_company(site.company_id).filter(site=site, is_active=True)
                     .order_by("name").values_list("pk", "name")) if by_room else []
    ranges = {pk: hours for pk, _, hours in people}

    window_start_us, window_end_us = _epoch_us(window_start), _epoch_us(window_end)
    local_of = {}

    def local(us):
        moment = local_of.get(us)
        if moment is None:
            moment = local_of[us] = (_EPOCH + us * _US).astimezone(zone)
        return moment

    active = [a for a in appointments if a.status in _SHOWN]
    freed = [a for a in appointments if a.status in _FREED]
    first_hour, last_hour = DAY_FIRST_HOUR, DAY_LAST_HOUR
    for start_us, end_us in {(a.start_us, a.end_us) for a in active}:  # a day's appointments share a few dozen
        first_hour = min(first_hour, local(start_us).hour if start_us >= window_start_us else 0)
        local_end = local(end_us)
        last_hour = max(last_hour, 24 if end_us >= window_end_us else local_end.hour + (1 if local_end.minute else 0))
    for spans in ranges.values():
        for start, end in spans:
            first_hour = min(first_hour, start.hour)
            last_hour = max(last_hour, end.hour + (1 if end.minute else 0))
    rows = (last_hour - first_hour) * 60 // ROW_MINUTES
    times = [(datetime.datetime.combine(the_day, datetime.time(first_hour)) + datetime.timedelta(minutes=ROW_MINUTES * i))
             for i in range(rows)]
    step = datetime.timedelta(minutes=ROW_MINUTES)
    # Each row once, for every column: its wall-clock start and end, its instant, label and start=.
    cell_times = [(t.time(), (t + step).time()) for t in times]
    cell_us = [_epoch_us(t.replace(tzinfo=zone)) for t in times]  # as localise(t, site.time_zone)
    day_text = the_day.isoformat()
    cell_text = [(hhmm, f"{day_text}T{hhmm}") for hhmm in (f"{t.hour:02d}:{t.minute:02d}" for t in times)]
    # Cells by instant, to find those an appointment overlaps by bisection (a cell lasts one row:
    # it overlaps [s, e) when s - row < its start < e; on a daylight-saving day cells may share instants).
    by_instant = sorted(range(rows), key=cell_us.__getitem__)
    instants = [cell_us[i] for i in by_instant]
    # On the day clocks go forward, the skipped wall times (02:00–02:45 in New York) are not offered.
    missing = set()
    if local(window_start_us).utcoffset() != local(window_end_us - 1).utcoffset():
        missing = {index for index, t in enumerate(times) if local(cell_us[index]).replace(tzinfo=None) != t}

    def busy_cells(mine, placed):
        """The cells an appointment's time overlaps, and those it is drawn over (the same ones,
        except around a daylight-saving change)."""
        busy = set(missing)
        for a in mine:
            busy.update(by_instant[bisect.bisect_right(instants, a.start_us - _ROW_US):
                                   bisect.bisect_left(instants, a.end_us)])
        for _, row, span, _, _ in placed:
            busy.update(range(row - 1, row - 1 + span))
        return busy

    working_cells = {}

    def cells_within(working):
        key = tuple(working)
        found = working_cells.get(key)
        if found is None:
            found = working_cells[key] = [index for index, (local_start, local_end) in enumerate(cell_times)
                                          if any(s <= local_start and local_end <= e for s, e in working)]
        return found

    # Each link is built by string (one reverse per kind, not one per cell: 200 appointments and
    # hundreds of free cells are rendered on a busy day).
    book_head, book_tail = url_parts("book", "site_id")
    book_url = f"{book_head}{site.pk}{book_tail}"
    url_head, url_tail = url_parts("appointment", "appointment_id")
    week_head, week_tail = url_parts("week", "practitioner_id")

    spans_of = {}  # (start, end) → (row, span, "09:00–09:30"): a day's appointments share a few dozen
    first_us = first_hour * 3_600_000_000

    def wall_us(moment) -> int:
        """Microseconds of the site's clock since the grid's first row (its time of day, not the
        time elapsed: on a daylight-saving day the two differ by an hour after the change)."""
        return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 + moment.microsecond - first_us

    def place(a):
        key = (a.start_us, a.end_us)
        found = spans_of.get(key)
        if found is None:
            start, end = local(a.start_us), local(a.end_us)
            row = wall_us(start) // _ROW_US + 1 if a.start_us >= window_start_us else 1
            end_row = -(-wall_us(end) // _ROW_US) + 1 if a.end_us < window_end_us else rows + 1
            if end_row <= row:  # ends in the hour the clocks repeat, before its start's time of day
                end_row = row - (-(min(a.end_us, window_end_us) - max(a.start_us, window_start_us)) // _ROW_US)
            found = spans_of[key] = (row, end_row - row, f"{start:%H:%M}–{end:%H:%M}")
        return (a, *found, f"{url_head}{a.pk}{url_tail}")

    def free_cells(mine, placed, candidates, query):
        busy = busy_cells(mine, placed)
        href = f"{book_url}?{query}&amp;start="
        return [(index + 1, f"{href}{cell_text[index][1]}", cell_text[index][0])
                for index in candidates if index not in busy]

    columns, escaped = [], {}
    if by_room:
        every_cell = range(rows)
        for resource_id, name in resources:
            mine = [a for a in active if a.resource_id == resource_id]
            placed = [place(a) for a in mine]
            columns.append({"key": resource_id, "label": name, "kind": "resource", "head": conditional_escape(name),
                            "html": _column_html(placed, free_cells(mine, placed, every_cell, f"resource={resource_id}"),
                                                 by_room=True, escaped=escaped)})
    else:
        by_person = {}
        for a in active:
            by_person.setdefault(a.practitioner_id, []).append(a)
        names = [(pk, name) for pk, name, _ in people]
        names += [(person_id, mine[0].practitioner_name) for person_id, mine in by_person.items()
                  if person_id not in ranges]  # booked here without a column of their own
        head_url, head_query = escape(week_head), f"{escape(week_tail)}?date={the_day.isoformat()}"
        for person_id, name in names:
            mine = by_person.get(person_id, [])
            working = ranges.get(person_id, [])
            if not mine and not working:
                continue
            placed = [place(a) for a in mine]
            columns.append({"key": person_id, "label": name, "kind": "practitioner",
                            "head": mark_safe(  # noqa: S308 — the name is escaped, the rest is ours
                                f'<a href="{head_url}{person_id}{head_query}">{escape(name)}</a>'),
                            "html": _column_html(placed, free_cells(mine, placed, cells_within(working),
                                                                    f"practitioner={person_id}"),
                                                 by_room=False, escaped=escaped)})
    times_html = mark_safe("".join(  # noqa: S308 — times of day only
        f'<div class="book-time">{text if t.minute == 0 else ""}</div>' for t, (text, _) in zip(times, cell_text)))
    for a in freed:
        a.site = None  # the caller's site (a model instance) is not cached
    return {"columns": columns, "rows": rows, "times_html": times_html, "freed": freed,
            "patient_ids": list(dict.fromkeys(a.patient_id for a in appointments)), "waiting_count": waiting_count}


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def _appointment_meta(a, by_room) -> str:
    meta = [a.service_name]
    if a.resource_id:
        meta.append(a.resource_name)
    if by_room:
        meta.append(a.practitioner_name)
    meta.append(a.status_label)
    if a.overbooked:
        meta.append("overbooked")
    if a.noshows:
        meta.append(_plural(a.noshows, "no-show"))
    if a.late_cancellations:
        meta.append(_plural(a.late_cancellations, "late cancel"))
    return escape(" · ".join(meta))


def _column_html(items, free, *, by_room, escaped=None) -> str:
    """A column's free cells and appointments as HTML, built by string: a busy day has hundreds of
    them (format_html or a template per cell would be most of the page's time). Every value from
    the database that is not a UUID, a number or one of our own labels goes through ``escape``;
    ``escaped`` keeps the escaped texts that repeat (status, colour, the meta line, the patient's name)
    for the page.

    Cells are written in the order of their rows (the order a phone lists them in, where the grid
    becomes one column), so no ``order`` is needed; each link's URL is written once: htmx opens it
    in the panel through one delegated handler (static/scheduling/day.js), not an ``hx-get`` per cell."""
    escaped = {} if escaped is None else escaped
    cells = [(row, f'<a class="book-free" style="grid-row: {row}" href="{url}" data-testid="free">'
                   f'<span class="book-free-label">{label} free</span></a>') for row, url, label in free]
    for a, row, span, when, url in items:
        key = (a.service_name, a.resource_id and a.resource_name, by_room and a.practitioner_name, a.status,
               a.overbooked, a.noshows, a.late_cancellations, a.colour)
        head = escaped.get(key)
        if head is None:
            head = escaped[key] = (f'{escape(a.status)}{" overbooked" if a.overbooked else ""}',
                                   escape(a.colour), _appointment_meta(a, by_room))
        status, colour, meta = head
        name_key = (a.first_name, a.last_name)  # a busy day names each patient twice or more
        name = escaped.get(name_key)
        if name is None:
            name = escaped[name_key] = escape(a.patient_name)
        cells.append((row,
                      f'<a class="book-appt status-{status}" style="grid-row: {row} / span {span}; --colour: {colour}" '
                      f'href="{url}" data-testid="appointment"><strong>{when}</strong> '
                      f'{name}<span class="book-meta">{meta}</span></a>'))
    cells.sort(key=_ROW)  # stable: a row's appointments keep their order (free cells never share a row)
    return mark_safe("".join([html for _, html in cells]))  # noqa: S308 — database text above went through escape()


_ROW = operator.itemgetter(0)


@login_required
@tenant_page
@require_GET
def today(request, site_id):
    """Reception's list for today: who is due, checked in, late; one button checks in."""
    site = access.get_site_for_user(request.user, site_id)
    zone = ZoneInfo(site.time_zone)
    the_day = timezone.now().astimezone(zone).date()
    start, end = _day_window(site, the_day)
    appointments = list(selectors.day_appointments(site=site, start=start, end=end))
    access.log_book_access(request, appointments)
    counts = selectors.attendance_counts(company_id=site.company_id, patient_ids={a.patient_id for a in appointments})
    return render(request, "scheduling/today.html", {
        "site": site, "day": the_day, "now": timezone.now(),
        "rows": [{"a": a, "local_start": a.start.astimezone(zone), "counts": counts.get(a.patient_id, {})}
                 for a in appointments]})


@login_required
@tenant_page
@require_GET
def week(request, practitioner_id):
    """One practitioner's week (Monday to Sunday), every site, each time in its site's zone."""
    person = access.get_practitioner_for_user(request.user, practitioner_id)
    first_site = (WeeklyAvailability.objects.for_company(person.company_id).filter(practitioner=person)
                  .select_related("site").first())
    zone_name = first_site.site.time_zone if first_site else "America/New_York"
    zone = ZoneInfo(zone_name)
    the_day = _date_param(request, zone)
    monday = the_day - datetime.timedelta(days=the_day.weekday())
    start = localise(datetime.datetime.combine(monday, datetime.time.min), zone_name)
    end = localise(datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time.min), zone_name)
    appointments = list(selectors.practitioner_appointments(practitioner=person, start=start, end=end))
    access.log_book_access(request, appointments)
    days = []
    for offset in range(7):
        d = monday + datetime.timedelta(days=offset)
        days.append({"date": d, "items": [
            {"a": a, "local_start": a.start.astimezone(ZoneInfo(a.site.time_zone)),
             "local_end": a.end.astimezone(ZoneInfo(a.site.time_zone))}
            for a in appointments if a.start.astimezone(ZoneInfo(a.site.time_zone)).date() == d]})
    return render(request, "scheduling/week.html", {
        "person": person, "days": days, "monday": monday, "zone": zone_name,
        "previous": monday - datetime.timedelta(days=7), "next": monday + datetime.timedelta(days=7),
        "can_manage": access.can_manage_book(request.user)})


# ---------------------------------------------------------------- booking
def _booking_choices(request, site, *, preselected=None):
    company = company_of(request.user)
    query = request.GET.get("q", "").strip()
    if request.method == "POST":
        patients = Patient.objects.for_company(company)
    else:
        ids = [p.pk for p in (patient_search(company=company, query=query)[:30] if query else
                              Patient.objects.for_company(company).order_by("-updated_at")[:30])]
        if preselected:
            ids.append(preselected)
        patients = _company_patients(company, ids)
    return {
        "patients": patients, "service_types": selectors.service_types(company_id=company.pk, site=site),
        "practitioners": selectors.book_practitioners(site=site),
        "resources": Resource.objects.for_company(company).filter(site=site, is_active=True).order_by("name"),
    }


@login_required
@tenant_page
def book(request, site_id):
    """Book one appointment (the free cell of the day view opens this with the practitioner and
    start filled in). A clash is shown beside the start (or the room), naming the appointment."""
    site = access.get_site_for_user(request.user, site_id)
    preselected = uuid_param(request, "patient")
    choices = _booking_choices(request, site, preselected=preselected)
    initial = {"key": forms.new_key(), "patient": preselected, "practitioner": uuid_param(request, "practitioner"),
               "resource": uuid_param(request, "resource"), "start": request.GET.get("start", "")[:16],
               "service_type": uuid_param(request, "service_type")}
    form = forms.BookingForm(request.POST or None, initial=initial, **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.appointment_book(
                actor=request.user, patient=data["patient"], practitioner=data["practitioner"], site=site,
                service_type=data["service_type"], start=forms.site_time(data["start"], site.time_zone),
                resource=data["resource"], overbook=data["overbook"], note=data["note"], idempotency_key=data["key"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Booked {appointment.patient.full_name}, "
                                      f"{appointment.start.astimezone(ZoneInfo(site.time_zone)):%a %d %b %H:%M}.")
            return _back_to_day(request, appointment)
    return _render(request, "scheduling/book.html", "scheduling/_book_form.html",
                   {"site": site, "form": form, "query": request.GET.get("q", "")},
                   status=200)


@login_required
@tenant_page
def series_new(request, site_id):
    """A recurring booking; a clash on any date refuses it whole, listing the dates."""
    site = access.get_site_for_user(request.user, site_id)
    preselected = uuid_param(request, "patient")
    choices = _booking_choices(request, site, preselected=preselected)
    form = forms.SeriesForm(request.POST or None, initial={"key": forms.new_key(), "patient": preselected,
                                                           "rrule": "FREQ=WEEKLY;COUNT=6"}, **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            local = datetime.datetime.fromisoformat(data["start"].strip())
        except ValueError:
            form.add_error("start", "Enter a date and time, e.g. 2026-12-01 09:30.")
        else:
            try:
                series = services.series_create(
                    actor=request.user, patient=data["patient"], practitioner=data["practitioner"], site=site,
                    service_type=data["service_type"], local_start=local.replace(tzinfo=None), rrule=data["rrule"],
                    resource=data["resource"], note=data["note"], idempotency_key=data["key"])
            except ValidationError as error:
                apply_service_errors(form, error if not hasattr(error, "error_dict") or "local_start" not in error.message_dict
                                     else ValidationError({"start": error.message_dict["local_start"]}))
            else:
                count = series.occurrences.count()
                messages.success(request, f"Booked {count} appointments for {series.patient.full_name}.")
                first = series.occurrences.order_by("start").first()
                return _back_to_day(request, first)
    return render(request, "scheduling/series_form.html", {"site": site, "form": form})


# ---------------------------------------------------------------- one appointment
@login_required
@tenant_page
@require_GET
def appointment(request, appointment_id):
    """The appointment's panel: who, when (site time), its status and what can be done next."""
    a = access.get_appointment_for_user(request.user, appointment_id)
    access.log_book_access(request, [a], action=AccessLog.Action.VIEW)
    zone = ZoneInfo(a.site.time_zone)
    counts = selectors.attendance_counts(company_id=a.company_id, patient_ids=[a.patient_id]).get(a.patient_id, {})
    next_statuses = [s for s in (S.ARRIVED, S.CHECKED_IN, S.FULFILLED, S.NOSHOW, S.BOOKED)
                     if s in services.TRANSITIONS[S(a.status)]]
    move_form = forms.MoveForm(initial={"start": a.start.astimezone(zone).strftime("%Y-%m-%dT%H:%M")},
                               practitioners=selectors.book_practitioners(site=a.site))
    return _render(request, "scheduling/appointment.html", "scheduling/_appointment_panel.html", {
        "a": a, "local_start": a.start.astimezone(zone), "local_end": a.end.astimezone(zone), "counts": counts,
        "next_statuses": next_statuses, "cancel_form": forms.CancelForm(), "move_form": move_form,
        "can_cancel": S.CANCELLED in services.TRANSITIONS[S(a.status)],
        "can_move": a.status in BLOCKING_STATUSES and a.status != S.FULFILLED})


@login_required
@tenant_page
@require_POST
def appointment_status(request, appointment_id):
    a = access.get_appointment_for_user(request.user, appointment_id)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status.")
        return _back_to_day(request, a)
    try:
        services.appointment_set_status(actor=request.user, appointment=a, status=form.cleaned_data["status"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{a.patient.full_name}: {S(form.cleaned_data['status']).label.lower()}.")
    return _back_to_day(request, a)


@login_required
@tenant_page
def appointment_cancel(request, appointment_id):
    a = access.get_appointment_for_user(request.user, appointment_id)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = services.appointment_cancel(actor=request.user, appointment=a,
                                                    reason=form.cleaned_data["reason"], scope=form.cleaned_data["scope"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Cancelled {len(cancelled)} appointment{'s' if len(cancelled) != 1 else ''}.")
            return _back_to_day(request, a)
    return render(request, "scheduling/cancel.html", {"a": a, "form": form})


@login_required
@tenant_page
def appointment_move(request, appointment_id):
    a = access.get_appointment_for_user(request.user, appointment_id)
    form = forms.MoveForm(request.POST or None, practitioners=selectors.book_practitioners(site=a.site))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.appointment_move(actor=request.user, appointment=a,
                                              start=forms.site_time(data["start"], a.site.time_zone),
                                              practitioner=data["practitioner"], scope=data["scope"],
                                              overbook=data["overbook"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Moved {len(moved)} appointment{'s' if len(moved) != 1 else ''}.")
            return _back_to_day(request, moved[0])
    return render(request, "scheduling/move.html", {"a": a, "form": form})


# ---------------------------------------------------------------- slot finder, waitlist
@login_required
@tenant_page
@require_GET
def slots(request, site_id):
    """Free slots of a service at the site, for one practitioner or all who offer it."""
    site = access.get_site_for_user(request.user, site_id)
    zone = ZoneInfo(site.time_zone)
    offered = selectors.service_types(company_id=site.company_id, site=site)
    service_id, practitioner_id = uuid_param(request, "service_type"), uuid_param(request, "practitioner")
    service_type = offered.filter(pk=service_id).first() if service_id else None
    people = selectors.book_practitioners(site=site)
    practitioner = people.filter(pk=practitioner_id).first() if practitioner_id else None
    first_day = _date_param(request, zone)
    found = []
    if service_type is not None:
        found = availability.free_slots(site=site, service_type=service_type, first_day=first_day, days=7,
                                        practitioner=practitioner)
    return render(request, "scheduling/slots.html", {
        "site": site, "service_types": offered, "people": people, "service_type": service_type,
        "practitioner": practitioner, "first_day": first_day, "slots": found})


@login_required
@tenant_page
def waitlist(request, site_id):
    """The site's waitlist: add a patient (service, preferred practitioners, free times, urgency)."""
    site = access.get_site_for_user(request.user, site_id)
    preselected = uuid_param(request, "patient")
    choices = _booking_choices(request, site, preselected=preselected)
    form = forms.WaitlistForm(request.POST or None, initial={"patient": preselected},
                              patients=choices["patients"], service_types=choices["service_types"],
                              practitioners=choices["practitioners"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.waitlist_add(actor=request.user, patient=data["patient"], site=site,
                                  service_type=data["service_type"], urgency=data["urgency"],
                                  preferred_practitioners=list(data["preferred_practitioners"]),
                                  free_times=form.free_times(), note=data["note"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{data['patient'].full_name} is on the waitlist.")
            return redirect("scheduling:waitlist", site_id=site.pk)
    entries = list(selectors.waitlist_for_site(site=site))
    from apps.audit.access import access_log_record

    access_log_record(actor=request.user, obj_or_queryset=[e.patient for e in entries], action=AccessLog.Action.LIST,
                      request=request)
    return render(request, "scheduling/waitlist.html", {"site": site, "form": form, "entries": entries})


@login_required
@tenant_page
@require_POST
def waitlist_remove(request, entry_id):
    entry = access.get_waitlist_entry_for_user(request.user, entry_id)
    services.waitlist_remove(actor=request.user, entry=entry, reason=request.POST.get("reason", "")[:200])
    messages.success(request, "Removed from the waitlist.")
    return redirect("scheduling:waitlist", site_id=entry.site_id)


# ---------------------------------------------------------------- setup: service types, working hours
@login_required
@tenant_page
def service_types(request):
    company = company_of(request.user)
    access.require_manage(request.user)
    edit_id = uuid_param(request, "edit")
    instance = access.get_service_type_for_user(request.user, edit_id) if edit_id else None
    people = User.objects.for_company(company).filter(is_active=True).order_by("last_name", "first_name")
    sites = Site.objects.for_company(company).filter(is_active=True).order_by("name")
    form = forms.ServiceTypeForm(request.POST or None, instance=instance, practitioners=people, sites=sites)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.service_type_save(actor=request.user, company=company, data=data, service_type=instance,
                                       practitioners=list(data["practitioners"]), sites=list(data["sites"]))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Saved {data['name']}.")
            return redirect("scheduling:service_types")
    return render(request, "scheduling/service_types.html", {
        "form": form, "editing": instance,
        "service_types": ServiceType.objects.for_company(company).prefetch_related("practitioners", "sites")
        .order_by("name")})


@login_required
@tenant_page
def working_hours(request, site_id):
    """A site's weekly working hours per practitioner (several ranges a day)."""
    site = access.get_site_for_user(request.user, site_id)
    people = selectors.book_practitioners(site=site)
    practitioner_id = uuid_param(request, "practitioner")
    person = people.filter(pk=practitioner_id).first() if practitioner_id else None
    kind = request.POST.get("kind", "weekly")
    data = request.POST if request.method == "POST" else None
    form = forms.AvailabilityForm(data if kind == "weekly" else None)
    override_form = forms.OverrideForm(data if kind == "override" else None)
    time_off_form = forms.TimeOffForm(data if kind == "time_off" else None)
    chosen = {"weekly": form, "override": override_form, "time_off": time_off_form}.get(kind, form)
    if request.method == "POST" and person is None:
        chosen.is_valid()
        chosen.add_error(None, "Choose a practitioner first.")
    elif request.method == "POST" and chosen.is_valid():
        try:
            if kind == "override":
                services.availability_override_add(actor=request.user, practitioner=person, site=site,
                                                   **override_form.cleaned_data)
            elif kind == "time_off":
                cleaned = time_off_form.cleaned_data
                services.time_off_add(actor=request.user, practitioner=person,
                                      start=forms.site_time(cleaned["start"], site.time_zone),
                                      end=forms.site_time(cleaned["end"], site.time_zone, "end"),
                                      reason=cleaned["reason"])
            else:
                services.weekly_availability_add(actor=request.user, practitioner=person, site=site,
                                                 **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(chosen, error)
        else:
            messages.success(request, "Saved.")
            return redirect(reverse("scheduling:working_hours", kwargs={"site_id": site.pk})
                            + f"?practitioner={person.pk}")
    rows = (WeeklyAvailability.objects.for_company(site.company_id).filter(site=site)
            .select_related("practitioner").order_by("practitioner__last_name", "weekday", "start_time"))
    zone = ZoneInfo(site.time_zone)
    today_local = timezone.now().astimezone(zone).date()
    overrides = (AvailabilityOverride.objects.for_company(site.company_id).filter(site=site, date__gte=today_local)
                 .select_related("practitioner").order_by("date", "start_time"))
    away = (TimeOff.objects.for_company(site.company_id).filter(end__gte=timezone.now())
            .select_related("practitioner").order_by("start"))
    return render(request, "scheduling/working_hours.html", {
        "site": site, "people": people, "person": person, "form": form, "override_form": override_form,
        "time_off_form": time_off_form, "rows": rows, "overrides": overrides,
        "away": [(t, t.start.astimezone(zone), t.end.astimezone(zone)) for t in away]})


@login_required
@tenant_page
@require_GET
def patient_appointments(request, patient_id):
    """A patient's next appointments, counts and reminder preferences (the chart loads it by htmx)."""
    from apps.scheduling.models import PatientContactPreference

    patient = access.get_patient_for_booking(request.user, patient_id)
    access.require_manage(request.user)
    upcoming = list(selectors.appointments_for_patient(patient.company_id, patient)
                    .filter(start__gte=timezone.now() - datetime.timedelta(hours=12)).order_by("start")[:10])
    access.log_book_access(request, upcoming)
    counts = selectors.attendance_counts(company_id=patient.company_id, patient_ids=[patient.pk]).get(patient.pk, {})
    preference = PatientContactPreference.objects.for_company(patient.company_id).filter(patient=patient).first()
    return _render(request, "scheduling/patient_appointments.html", "scheduling/_patient_appointments.html", {
        "patient": patient, "counts": counts,
        "upcoming": [{"a": a, "local_start": a.start.astimezone(ZoneInfo(a.site.time_zone))} for a in upcoming],
        "email_reminders": preference.email_reminders if preference else True,
        "sms_reminders": preference.sms_reminders if preference else True})


@login_required
@tenant_page
@require_POST
def contact_preference(request, patient_id):
    """The patient's reminder channels (e-mail, SMS), set by staff who work the book."""
    patient = access.get_patient_for_booking(request.user, patient_id)
    access.require_manage(request.user)
    form = forms.ContactPreferenceForm(request.POST)
    form.is_valid()
    services.contact_preference_set(actor=request.user, patient=patient,
                                    email_reminders=form.cleaned_data.get("email_reminders", False),
                                    sms_reminders=form.cleaned_data.get("sms_reminders", False))
    messages.success(request, "Reminder preferences saved.")
    return redirect("scheduling:patient_appointments", patient_id=patient.pk)


@login_required
@tenant_page
@require_POST
def working_hours_remove(request, site_id, availability_id):
    site = access.get_site_for_user(request.user, site_id)
    row = WeeklyAvailability.objects.for_company(site.company_id).filter(site=site, pk=availability_id).first()
    if row is None:
        raise Http404("No such range")
    services.weekly_availability_remove(actor=request.user, availability=row)
    messages.success(request, "Removed.")
    return redirect(reverse("scheduling:working_hours", kwargs={"site_id": site.pk}) + f"?practitioner={row.practitioner_id}")


# ---------------------------------------------------------------- calendar feeds
@login_required
@tenant_page
def feeds(request):
    company_of(request.user)
    if request.method == "POST":
        services.practitioner_feed_create(actor=request.user)
        messages.success(request, "Created a new calendar link. Copy it into your calendar app.")
        return redirect("scheduling:feeds")
    return render(request, "scheduling/feeds.html", {"feeds": selectors.feeds_of(user=request.user)})


@login_required
@tenant_page
@require_POST
def feed_revoke(request, feed_id):
    feed = access.get_feed_for_user(request.user, feed_id)
    services.practitioner_feed_revoke(actor=request.user, feed=feed)
    messages.success(request, "Revoked. That link no longer works.")
    return redirect("scheduling:feeds")


@require_GET
def feed_ics(request, token):
    """No login: the secret token is the credential. A revoked token is simply not found."""
    from apps.core.scoping import unscoped

    with unscoped("appointment feed: the token identifies the tenant"):
        feed = PractitionerFeed.objects.select_related("owner").filter(token=token, revoked_at=None).first()
    if feed is not None:
        rls.set_request_tenant(request, feed.company_id)
    signed_in_elsewhere = request.user.is_authenticated and request.user.company_id != getattr(feed, "company_id", 0)
    if feed is None or signed_in_elsewhere or not feed.owner.is_active:
        raise Http404("No such calendar")
    start = timezone.now() - datetime.timedelta(days=30)
    appointments = (Appointment.objects.for_company(feed.company_id)
                    .filter(practitioner=feed.owner, start__gte=start, status__in=BLOCKING_STATUSES)
                    .select_related("site", "service_type", "patient", "resource").order_by("start")[:2000])
    response = HttpResponse(ical.calendar_for(name=f"{feed.owner} — appointments", appointments=appointments),
                            content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# ---------------------------------------------------------------- patient self-booking (public)
def _public_site(request, site_id):
    """A site's public booking page: any visitor; a person signed in to another company gets 404."""
    from apps.core.scoping import unscoped

    with unscoped("public booking page: the site in the address names the tenant"):
        site = Site.objects.filter(pk=site_id, is_active=True).select_related("company").first()
    if site is None or not site.company.is_active:
        raise Http404("No such booking page")
    if request.user.is_authenticated and request.user.company_id != site.company_id:
        raise Http404("No such booking page")
    rls.set_request_tenant(request, site.company_id)
    return site


# Requests an hour to the public pages, per client address and per site (settings of the same
# names override them). Looking (GET) is cheap for people and costly for us; sending (POST) mails.
PUBLIC_BOOKING_LIMITS = {
    "view": ("ROUNDS_PUBLIC_BOOKING_VIEWS_PER_IP", 120, "ROUNDS_PUBLIC_BOOKING_VIEWS_PER_SITE", 3000),
    "send": ("ROUNDS_PUBLIC_BOOKING_POSTS_PER_IP", 10, "ROUNDS_PUBLIC_BOOKING_POSTS_PER_SITE", 300),
}
TOO_MANY = ("Too many booking requests from your connection or for this clinic in the last hour. "
            "Please try again later, or phone the clinic.")


def _public_over_limit(request, site_id):
    """Count this request of a public booking page against the client address and the site (the
    cache's fixed hourly windows, as the password-reset throttle); over either limit the 429 page
    to answer instead — before anything is written."""
    from django.conf import settings

    from apps.core.ratelimit import HOUR, rate_allowed

    kind = "send" if request.method == "POST" else "view"
    ip_setting, ip_default, site_setting, site_default = PUBLIC_BOOKING_LIMITS[kind]
    ip = request.META.get("REMOTE_ADDR") or "unknown"
    if rate_allowed([(f"booking:{kind}:ip:{ip}", getattr(settings, ip_setting, ip_default)),
                     (f"booking:{kind}:site:{site_id}", getattr(settings, site_setting, site_default))]):
        return None
    response = render(request, "scheduling/public_message.html", {"message": TOO_MANY}, status=429)
    response["Retry-After"] = str(HOUR)
    return response


def public_book(request, site_id):
    """Choose a service, a day and a free slot; give your name, birth date and e-mail; confirm from
    the e-mailed link. Only free slots of services bookable online, past the minimum notice.
    Rate-limited per client address and per site (429 over the limit)."""
    site = _public_site(request, site_id)
    if (refused := _public_over_limit(request, site.pk)) is not None:
        return refused
    zone = ZoneInfo(site.time_zone)
    offered = selectors.service_types(company_id=site.company_id, site=site, online=True)
    service_id = uuid_param(request, "service_type")
    service_type = offered.filter(pk=service_id).first() if service_id else None
    first_day = _date_param(request, zone)
    sent = False
    form = forms.PublicDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service_type = offered.filter(pk=data["service_type"]).first()
        practitioner_id, _, start_text = data["slot"].partition("|")
        practitioner = selectors.book_practitioners(site=site).filter(pk=_uuid_or_none(practitioner_id)).first()
        try:
            start = datetime.datetime.fromisoformat(start_text)
            if service_type is None or practitioner is None or timezone.is_naive(start):
                raise ValueError
        except ValueError:
            form.add_error(None, "Choose a time from the list.")
        else:
            try:
                services.booking_request_create(site=site, service_type=service_type, practitioner=practitioner,
                                                start=start, first_name=data["first_name"], last_name=data["last_name"],
                                                date_of_birth=data["date_of_birth"], email=data["email"],
                                                phone=data["phone"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                sent = True
    found = []
    if service_type is not None and not sent:
        found = availability.free_slots(site=site, service_type=service_type, first_day=first_day, days=7,
                                        public=True)
    return render(request, "scheduling/public_book.html", {
        "site": site, "service_types": offered, "service_type": service_type, "slots": found, "form": form,
        "sent": sent, "first_day": first_day, "next_week": first_day + datetime.timedelta(days=7)})


def _uuid_or_none(value):
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def public_confirm(request, token):
    """The e-mailed link: GET shows the request and a button (mail scanners follow links; only
    the button books), POST books through the same service and constraints. Single use."""
    from apps.core.scoping import unscoped

    try:
        company_id, request_id = confirm_claims(token)
    except LinkError as error:
        return render(request, "scheduling/public_message.html", {"message": str(error)}, status=410)
    with unscoped("self-booking link: the signed token names the tenant"):
        row = BookingRequest.objects.select_related("site", "service_type", "practitioner", "appointment").filter(
            pk=request_id, company_id=company_id).first()
    if row is None or (request.user.is_authenticated and request.user.company_id != row.company_id):
        raise Http404("No such booking")
    rls.set_request_tenant(request, row.company_id)
    if request.method == "POST" and (refused := _public_over_limit(request, row.site_id)) is not None:
        return refused
    zone = ZoneInfo(row.site.time_zone)
    error_message = ""
    if request.method == "POST" and row.state == BookingRequest.State.AWAITING:
        try:
            services.booking_request_confirm(request_row=row)
        except ValidationError as error:
            error_message = " ".join(error.messages)
        row.refresh_from_db()
    return render(request, "scheduling/public_confirm.html", {
        "row": row, "local_start": row.start.astimezone(zone), "error": error_message})


def public_offer(request, token):
    """A waitlisted patient takes a freed time from the e-mailed offer (button, then booked)."""
    from apps.core.scoping import unscoped

    try:
        claims = offer_claims(token)
    except LinkError as error:
        return render(request, "scheduling/public_message.html", {"message": str(error)}, status=410)
    with unscoped("waitlist offer link: the signed token names the tenant"):
        entry = WaitlistEntry.objects.select_related("site", "service_type", "booked_appointment").filter(
            pk=claims.entry_id, company_id=claims.company_id).first()
        practitioner = User.objects.filter(pk=claims.practitioner_id, company_id=claims.company_id).first()
    if entry is None or practitioner is None or (request.user.is_authenticated
                                                 and request.user.company_id != entry.company_id):
        raise Http404("No such offer")
    rls.set_request_tenant(request, entry.company_id)
    zone = ZoneInfo(entry.site.time_zone)
    error_message, booked = "", None
    if request.method == "POST":
        try:
            booked = services.waitlist_accept(actor=None, entry=entry, practitioner=practitioner, start=claims.start)
        except ValidationError as error:
            error_message = ("Sorry — someone else took this time. You stay on the waitlist."
                             if isinstance(error, services.AppointmentConflict) else " ".join(error.messages))
        entry.refresh_from_db()
    return render(request, "scheduling/public_offer.html", {
        "entry": entry, "practitioner": practitioner, "local_start": claims.start.astimezone(zone),
        "error": error_message, "booked": booked or (entry.booked_appointment if entry.state == "booked" else None)})
