"""The ward MAR's cards, cached until anything they show changes.

Nurses reload the MAR through the shift, far more often than a dose is recorded. The cards
(``templatetags.hospital_floor.mar_rows_html``: every patient's prescriptions and the shift's
doses, written as HTML) depend on the ward, the shift's window and whether the reader may give
doses — not on who else reads it or when — so they are kept per ward, window and that flag, with
the patients they name (for the access log), for at most ten minutes
(``apps.core.cache.CompanyPageCache``: token-versioned, no race leaves a stale value behind). The
forms' CSRF input is a slot filled per request (``hospital_floor.CSRF_SLOT``).

Every write the cards show replaces the company's token through the model signals connected in
``apps.hospital.apps``: doses, prescriptions, bed assignments, beds, wards, and the rows of other
contexts the cards name — patients (name, MRN), users (who recorded a dose), sites (the time zone).
A bulk write sends no signal: its caller calls ``mar_changed`` (``mar.dose_schedule_extend`` does).
"""

from apps.core.cache import CompanyPageCache

MAR = CompanyPageCache("hospital:mar", seconds=600)


def mar_changed(*, company_id) -> None:
    """The company's MAR data changed: every cached MAR of its wards stops counting."""
    MAR.changed(company_id=company_id)


def cached_mar(*, ward, start, end, can_give: bool, compute):
    """``compute()`` (the ward's cards for [start, end)), or what it returned since the last change."""
    return MAR.get(company_id=ward.company_id, key=f"{ward.pk}:{start.isoformat()}:{end.isoformat()}:{int(bool(can_give))}",
                   compute=compute)
