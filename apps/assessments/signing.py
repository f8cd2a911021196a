"""Signed, single-use links to one assessment request's form — two kinds, never interchangeable.

* The **request link** (``request_link_*``) is the learner's: their request page shows it as a QR
  code for the assessor to scan. Holding it proves nothing about who holds it, so it only *opens*
  the form; submitting needs proof the learner does not hold: the assessor's own signed-in
  session, or a one-time code e-mailed to the assessor at that moment (``AssessmentLinkCode``).
* The **assessor link** (``assessor_link_*``) is only ever put in the assessor's own notifications
  (e-mail and in-app inbox), never on a learner's page: holding it is the proof, so it submits
  without signing in (the zero-install promise).

Each token carries the company, request and assessor ids, signed with the project secret and a
salt of its own per kind (one kind's token does not verify as the other). The view never logs the
visitor in. Expiry is the request's own ``expires_at`` (read from the database, so a coordinator
can shorten it); single use is ``request.link_used_at``, set in the transaction that creates the
assessment.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils import timezone

SALT = "rounds.assessments.request-link"
ASSESSOR_SALT = "rounds.assessments.assessor-link"
REQUEST_LINK, ASSESSOR_LINK = "request_link", "assessor_link"


class LinkError(Exception):
    """The link cannot be used; ``str(error)`` is the message shown to the visitor."""


@dataclass(frozen=True)
class LinkClaims:
    company_id: str
    request_id: str
    assessor_id: str
    kind: str = REQUEST_LINK

    @property
    def proves_assessor(self) -> bool:
        """Only the assessor link, which only the assessor was sent, is proof by itself."""
        return self.kind == ASSESSOR_LINK


def _payload(assessment_request, kind) -> dict:
    return {"c": str(assessment_request.company_id), "r": str(assessment_request.pk),
            "a": str(assessment_request.assessor_id), "k": kind}


def request_link_token(assessment_request) -> str:
    """The learner's link (QR code): opens the form; submitting needs the assessor's proof."""
    return signing.dumps(_payload(assessment_request, REQUEST_LINK), salt=SALT)


def request_link_path(assessment_request) -> str:
    return reverse("assessments:link", kwargs={"token": request_link_token(assessment_request)})


def assessor_link_token(assessment_request) -> str:
    """The assessor's own link (their e-mail and inbox only): submits without signing in."""
    return signing.dumps(_payload(assessment_request, ASSESSOR_LINK), salt=ASSESSOR_SALT)


def assessor_link_path(assessment_request) -> str:
    return reverse("assessments:link", kwargs={"token": assessor_link_token(assessment_request)})


def request_link_claims(token: str) -> LinkClaims:
    """The (request, assessor) a token of either kind was signed for; LinkError when it was
    tampered with. The kind comes from the salt that verifies it, never from the payload alone."""
    for salt, kind in ((SALT, REQUEST_LINK), (ASSESSOR_SALT, ASSESSOR_LINK)):
        try:
            payload = signing.loads(token, salt=salt)
            if payload.get("k", REQUEST_LINK) != kind:
                raise LinkError("This link is not valid.")
            return LinkClaims(company_id=str(payload["c"]), request_id=str(payload["r"]),
                              assessor_id=str(payload["a"]), kind=kind)
        except signing.BadSignature:
            continue
        except (KeyError, TypeError, AttributeError):
            raise LinkError("This link is not valid.")
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
