"""The dosing frequencies the MAR understands, and the doses they schedule.

Codes (``Prescription.frequency``) and their scheduled times, in the site's local time zone:

=========  ==================================  ============================  ============
code       meaning                             scheduled times               minimum gap
=========  ==================================  ============================  ============
daily      once a day                          09:00                         23 h
BID        twice a day                         09:00, 21:00                  11 h
TID        three times a day                   08:00, 14:00, 22:00           5 h
QID        four times a day                    08:00, 12:00, 16:00, 20:00    3 h
q4h        every 4 hours                       02, 06, 10, 14, 18, 22:00     3 h
q6h        every 6 hours                       00, 06, 12, 18:00             5 h
q8h        every 8 hours                       06, 14, 22:00                 7 h
PRN        as needed only (no schedule)        —                             4 h
=========  ==================================  ============================  ============

The times are Rounds' default ward times (a hospital changes them here); they are not an official
standard. The **minimum gap** is the shortest gap between two scheduled times less one hour (a dose
may be given up to an hour early or late): a second *given* dose of the same prescription less
than that after the previous one is refused, by the service and by the database
(``dose_not_given_twice_in_interval``). A prescription marked as needed (any code) schedules no
doses; its doses are recorded when given, with the same minimum gap.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Frequency:
    code: str
    label: str
    times: tuple[datetime.time, ...]
    min_gap: datetime.timedelta


def _f(code, label, hours, gap_hours):
    return Frequency(code, label, tuple(datetime.time(h) for h in hours), datetime.timedelta(hours=gap_hours))


FREQUENCIES = {f.code: f for f in (
    _f("daily", "Once a day", (9,), 23),
    _f("BID", "Twice a day", (9, 21), 11),
    _f("TID", "Three times a day", (8, 14, 22), 5),
    _f("QID", "Four times a day", (8, 12, 16, 20), 3),
    _f("q4h", "Every 4 hours", (2, 6, 10, 14, 18, 22), 3),
    _f("q6h", "Every 6 hours", (0, 6, 12, 18), 5),
    _f("q8h", "Every 8 hours", (6, 14, 22), 7),
    _f("PRN", "As needed", (), 4),
)}
CHOICES = [(f.code, f"{f.code} — {f.label}") for f in FREQUENCIES.values()]


def get(code: str) -> Frequency:
    return FREQUENCIES[code]


def due_times(code: str, *, start: datetime.datetime, end: datetime.datetime, tz: str) -> list[datetime.datetime]:
    """Every scheduled time of ``code`` in ``[start, end)``, as aware datetimes (local times of ``tz``)."""
    frequency = FREQUENCIES[code]
    if not frequency.times:
        return []
    zone = ZoneInfo(tz)
    day = start.astimezone(zone).date()
    last_day = end.astimezone(zone).date()
    due = []
    while day <= last_day:
        for time in frequency.times:
            moment = datetime.datetime.combine(day, time, tzinfo=zone)
            if start <= moment < end:
                due.append(moment)
        day += datetime.timedelta(days=1)
    return due
