"""The day view's book, cached until the company's scheduling data changes.

Reception keeps the day view open and reloads it all day; it is read far more often than
anything on it changes. What the page draws from the database — the columns written as HTML,
the rows, the freed appointments, the patients booked, the waitlist's size — does not depend on
who asks or when (``apps.scheduling.web.views._day_book``), so it is kept per site, day and
layout (``apps.core.cache.CompanyPageCache``: token-versioned, no race leaves a stale value behind)
for at most ten minutes. Each request still checks access, reads what depends on the time
(the waitlist for a freed time still to come) and writes its access-log entries.

Every write the book shows replaces the company's token, through the model signals connected in
``apps.scheduling.apps``: appointments, availability, overrides, time off, service types (and their
sites and practitioners), the waitlist, and the rows of other contexts the page names — patients
(their names, their attendance), users (practitioners' names), memberships and role permissions
(who has a column), sites (the time zone), resources (rooms). A bulk write sends no signal: its
caller calls ``book_changed`` itself.
"""

from apps.core.cache import CompanyPageCache

BOOK = CompanyPageCache("scheduling:book", seconds=600)


def book_changed(*, company_id) -> None:
    """The company's book changed: every cached day of its sites stops counting."""
    BOOK.changed(company_id=company_id)


def cached_book(*, site, day, by_room: bool, compute):
    """``compute()`` (the day's book at ``site``), or what it returned since the company's last change."""
    return BOOK.get(company_id=site.company_id, key=f"{site.pk}:{day.isoformat()}:{'room' if by_room else 'people'}",
                    compute=compute)
