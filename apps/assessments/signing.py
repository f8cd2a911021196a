"""Signed, single-use links that let one assessor answer one assessment request without signing in.

The token carries the company, request and assessor ids, signed with the project secret and a
salt of its own. It authorizes exactly that (request, assessor) pair and nothing else: the view
never logs the visitor in, it only lets them fill in that one form. Expiry is the request's own
``expires_at`` (read from the database, so a coordinator can shorten it); single use is
``request.link_used_at``, set in the same transaction that creates the assessment.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils import timezone

SALT = "rounds.assessments.request-link"


class LinkError(Exception):
    """The link cannot be used; ``str(error)`` is the message shown to the visitor."""


@dataclass(frozen=True)
class LinkClaims:
    company_id: str
    request_id: str
    assessor_id: str


def request_link_token(assessment_request) -> str:
    return signing.dumps({"c": str(assessment_request.company_id), "r": str(assessment_request.pk),
                          "a": str(assessment_request.assessor_id)}, salt=SALT)


def request_link_path(assessment_request) -> str:
    return reverse("assessments:link", kwargs={"token": request_link_token(assessment_request)})


def request_link_claims(token: str) -> LinkClaims:
    """The (request, assessor) a token was signed for; LinkError when it was tampered with."""
    try:
        payload = signing.loads(token, salt=SALT)
        return LinkClaims(company_id=str(payload["c"]), request_id=str(payload["r"]), assessor_id=str(payload["a"]))
    except (signing.BadSignature, KeyError, TypeError):
        raise LinkError("This link is not valid.")


def request_link_check(assessment_request, claims: LinkClaims) -> None:
    """Raise LinkError unless the link may still be used for this request."""
    if str(assessment_request.assessor_id) != claims.assessor_id:
        raise LinkError("This link is not valid.")
    if assessment_request.link_used_at is not None or assessment_request.status == "completed":
        raise LinkError("This link has already been used.")
    if assessment_request.status in ("cancelled", "declined"):
        raise LinkError(f"This request was {assessment_request.status}.")
    if assessment_request.expires_at <= timezone.now() or assessment_request.status == "expired":
        expired_on = timezone.localtime(assessment_request.expires_at)
        raise LinkError(f"This link expired on {expired_on:%B %-d, %Y at %H:%M}.")
