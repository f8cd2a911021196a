"""RFC 5545 recurrence, expanded in the site's time zone.

The rule is expanded over *naive local* datetimes (wall-clock time at the site) and each
occurrence is then given the zone: 09:00 stays 09:00 local on both sides of a daylight-saving
change, whichever hemisphere (RFC 5545 §3.3.5 "FORM #3: date with local time and time zone
reference": the recurrence follows local time). Each occurrence is stored as a UTC instant.

Supported parts (RFC 5545 §3.3.10): FREQ (DAILY, WEEKLY, MONTHLY), INTERVAL, BYDAY, COUNT or
UNTIL (one of them is required, so a series always ends), WKST. At most ``MAX_OCCURRENCES``.

A local time that does not exist on the day (inside the spring-forward gap) is read with the
offset before the change (``fold=0``), e.g. 02:30 on 2027-03-14 in New York is 03:30 EDT; an
ambiguous one (fall-back) is its first occurrence (daylight time).
"""

import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError

MAX_OCCURRENCES = 104
ALLOWED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}
ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY"}


def parse_rule(rule: str) -> dict:
    """The rule's parts ({"FREQ": "WEEKLY", …}); a ValidationError on ``rrule`` for anything else."""
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = {}
    for chunk in filter(None, text.split(";")):
        name, _, value = chunk.partition("=")
        name = name.strip().upper()
        if name not in ALLOWED_PARTS or not value.strip():
            raise ValidationError({"rrule": f"“{chunk}” is not supported (use FREQ, INTERVAL, BYDAY, COUNT or UNTIL)."})
        if name in parts:
            raise ValidationError({"rrule": f"{name} is given twice."})
        parts[name] = value.strip().upper()
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise ValidationError({"rrule": "FREQ must be DAILY, WEEKLY or MONTHLY."})
    if ("COUNT" in parts) == ("UNTIL" in parts):
        raise ValidationError({"rrule": "Give COUNT or UNTIL (exactly one), so the series ends."})
    if "COUNT" in parts and not (parts["COUNT"].isdigit() and 1 <= int(parts["COUNT"]) <= MAX_OCCURRENCES):
        raise ValidationError({"rrule": f"COUNT must be a number from 1 to {MAX_OCCURRENCES}."})
    if "INTERVAL" in parts and not (parts["INTERVAL"].isdigit() and 1 <= int(parts["INTERVAL"]) <= 52):
        raise ValidationError({"rrule": "INTERVAL must be a number from 1 to 52."})
    return parts


def _local_until(value: str, zone: ZoneInfo) -> str:
    """UNTIL as a naive local date-time (the expansion is naive): a UTC ``…Z`` value is converted."""
    try:
        if len(value) == 8:
            day = datetime.datetime.strptime(value, "%Y%m%d")
            return (day + datetime.timedelta(days=1) - datetime.timedelta(seconds=1)).strftime("%Y%m%dT%H%M%S")
        if value.endswith("Z"):
            moment = datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
            return moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")
        datetime.datetime.strptime(value, "%Y%m%dT%H%M%S")
        return value
    except ValueError:
        raise ValidationError({"rrule": "UNTIL must be a date (20270314) or a date-time (20270314T090000Z)."})


def expand_local(rule: str, local_start: datetime.datetime, time_zone: str) -> list[datetime.datetime]:
    """The naive local start of every occurrence (the first is ``local_start`` when it matches)."""
    zone = ZoneInfo(time_zone)
    parts = parse_rule(rule)
    if "UNTIL" in parts:
        parts["UNTIL"] = _local_until(parts["UNTIL"], zone)
    text = ";".join(f"{name}={value}" for name, value in parts.items())
    naive = local_start.replace(tzinfo=None, microsecond=0)
    try:
        rule_set = rrulestr(text, dtstart=naive)
    except (ValueError, TypeError) as error:
        raise ValidationError({"rrule": f"Not a valid rule: {error}"})
    occurrences = []
    for occurrence in rule_set:
        occurrences.append(occurrence)
        if len(occurrences) > MAX_OCCURRENCES:
            raise ValidationError({"rrule": f"The series has more than {MAX_OCCURRENCES} occurrences."})
    if not occurrences:
        raise ValidationError({"rrule": "The rule gives no occurrence."})
    return occurrences


def localise(naive: datetime.datetime, time_zone: str) -> datetime.datetime:
    """Wall-clock time at the site → an aware instant (in UTC)."""
    return naive.replace(tzinfo=ZoneInfo(time_zone)).astimezone(datetime.UTC)


def expand(rule: str, local_start: datetime.datetime, time_zone: str, duration: datetime.timedelta):
    """[(start, end, local_start)] of every occurrence: UTC instants and the naive local start."""
    result = []
    for naive in expand_local(rule, local_start, time_zone):
        start = localise(naive, time_zone)
        result.append((start, start + duration, naive))  # the duration is elapsed time
    return result


def parse_site_time(value, time_zone: str, field="start") -> datetime.datetime:
    """``2026-12-01T09:30`` (wall-clock time at the site) or an ISO instant with an offset → an aware
    instant. A ValidationError on ``field`` for anything else."""
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value or "").strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError({field: "Enter a date and time, e.g. 2026-12-01T09:30 (site time) or with an offset."})
    if moment.tzinfo is None:
        return localise(moment, time_zone)
    return moment
