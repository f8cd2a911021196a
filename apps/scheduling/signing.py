"""Signed links mailed to patients, two kinds that never verify as each other (a salt each):

* **booking confirmation** — the self-booking page mails it; opening it and pressing "Confirm"
  books through ``appointment_book``. It carries the company and the ``BookingRequest`` id; it
  expires after ``CONFIRM_MAX_AGE`` and is single use (the request's state, set in the booking's
  transaction).
* **waitlist offer** — a freed time offered to a waitlisted patient: company, entry, practitioner
  and start. Single use through the entry's state (booked once), expires after ``OFFER_MAX_AGE``.

The token is the credential: the view never signs the visitor in, and names the company for
row-level security (``rls.set_request_tenant``) only after the signature verified.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "rounds.scheduling.booking-confirm"
OFFER_SALT = "rounds.scheduling.waitlist-offer"
CONFIRM_MAX_AGE = datetime.timedelta(hours=24)
OFFER_MAX_AGE = datetime.timedelta(hours=48)


class LinkError(Exception):
    """The link cannot be used; ``str(error)`` is shown to the visitor."""


@dataclass(frozen=True)
class OfferClaims:
    company_id: str
    entry_id: str
    practitioner_id: str
    start: datetime.datetime


def confirm_token(booking_request) -> str:
    return signing.dumps({"c": str(booking_request.company_id), "r": str(booking_request.pk)}, salt=CONFIRM_SALT)


def confirm_path(booking_request) -> str:
    return reverse("scheduling:public_confirm", kwargs={"token": confirm_token(booking_request)})


def confirm_claims(token: str) -> tuple[str, str]:
    """(company id, booking request id); LinkError when tampered with or expired."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        return str(payload["c"]), str(payload["r"])
    except signing.SignatureExpired:
        raise LinkError("This link has expired. Choose a time again on the booking page.")
    except (signing.BadSignature, KeyError, TypeError):
        raise LinkError("This link is not valid.")


def offer_token(entry, appointment) -> str:
    return signing.dumps({"c": str(entry.company_id), "e": str(entry.pk), "p": str(appointment.practitioner_id),
                          "s": appointment.start.isoformat()}, salt=OFFER_SALT)


def offer_path(entry, appointment) -> str:
    return reverse("scheduling:public_offer", kwargs={"token": offer_token(entry, appointment)})


def offer_claims(token: str) -> OfferClaims:
    try:
        payload = signing.loads(token, salt=OFFER_SALT, max_age=OFFER_MAX_AGE)
        return OfferClaims(company_id=str(payload["c"]), entry_id=str(payload["e"]),
                           practitioner_id=str(payload["p"]), start=datetime.datetime.fromisoformat(payload["s"]))
    except signing.SignatureExpired:
        raise LinkError("This offer has expired.")
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkError("This link is not valid.")
