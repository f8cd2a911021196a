"""Signed, single-use, expiring links for PROMs and intake forms (no login).

The token carries the company id and the instance's UUID, signed with the project secret and a salt
per kind (a PROM token never opens an intake form). The view looks the row up **scoped by the
token's company and the instance's UUID**, so a link made at one clinic never opens another
clinic's row; expiry (``expires_at``) and single use (``link_used_at``) are read from the database,
so staff can cancel a link.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

PROM_SALT = "rounds.physio.prom-link"
INTAKE_SALT = "rounds.physio.intake-link"


class LinkError(Exception):
    """The link cannot be used; ``str(error)`` is the message shown to the visitor."""


@dataclass(frozen=True)
class LinkClaims:
    company_id: str
    instance_id: str


def _dumps(instance, salt) -> str:
    return signing.dumps({"c": str(instance.company_id), "i": str(instance.pk)}, salt=salt)


def _loads(token, salt) -> LinkClaims:
    try:
        payload = signing.loads(token, salt=salt)
        return LinkClaims(company_id=str(payload["c"]), instance_id=str(payload["i"]))
    except (signing.BadSignature, KeyError, TypeError, AttributeError):
        raise LinkError("This link is not valid.") from None


def prom_token(instance) -> str:
    return _dumps(instance, PROM_SALT)


def prom_claims(token) -> LinkClaims:
    return _loads(token, PROM_SALT)


def prom_link_path(instance) -> str:
    return reverse("physio:prom_link", kwargs={"token": prom_token(instance)})


def intake_token(intake) -> str:
    return _dumps(intake, INTAKE_SALT)


def intake_claims(token) -> LinkClaims:
    return _loads(token, INTAKE_SALT)


def intake_link_path(intake) -> str:
    return reverse("physio:intake_link", kwargs={"token": intake_token(intake)})
