"""Who may do what in the clinical record — the one place web pages AND the API ask.

Checks read permission *codes* (``RolePermission`` rows of the company), never role names:
a user holds a code at a site when one of their active memberships at that site (or a
company-wide membership) has a role carrying it. Codes are read once per request and cached
on the user object, like ``tenants.access.active_memberships``.

Objects are fetched with ``get_<obj>_for_user``: another company's object is a 404 (existence
never leaks); in the right company but without the code it is a 403.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps.audit.access import access_log_record
from apps.audit.models import AccessLog
from apps.core.cache import cached_until_changed, mark_changed
from apps.core.prepared import prepared
from apps.tenants.access import active_memberships, company_of

READ = "patient.read"


def _codes_by_role(company_id) -> dict[str, set[str]]:
    """The company's role → codes, read on every clinical page: cached until a RolePermission
    of the company is saved or deleted (``role_codes_changed``, from the model's signals and the
    bulk seed)."""
    from apps.clinical.models import RolePermission

    def read():
        by_role: dict[str, set[str]] = {}
        for role, code in RolePermission.objects.for_company(company_id).values_list("role", "code"):
            by_role.setdefault(role, set()).add(code)
        return by_role

    return cached_until_changed(f"rounds:{company_id}:role-codes", _role_codes_token(company_id), read)


def _role_codes_token(company_id) -> str:
    return f"rounds:{company_id}:role-codes-token"


def role_codes_changed(*, company_id) -> None:
    """The company's role → codes change when the current transaction commits."""
    mark_changed(_role_codes_token(company_id))


def clinical_codes(user) -> dict:
    """{site_id or None (company-wide): {code, ...}} for the user, cached for the request."""
    cached = getattr(user, "_rounds_clinical_codes", None)
    if cached is None:
        cached = {}
        if user.is_authenticated and user.company_id is not None:
            memberships = active_memberships(user)
            by_role = _codes_by_role(user.company_id) if memberships else {}
            for membership in memberships:
                codes = by_role.get(membership.role)
                if codes:
                    cached.setdefault(membership.site_id, set()).update(codes)
        user._rounds_clinical_codes = cached
    return cached


def user_has_code(user, code: str, site=None) -> bool:
    """True when the user holds ``code`` at ``site`` (a Site or its id), or anywhere when site is None."""
    codes = clinical_codes(user)
    if site is None:
        return any(code in held for held in codes.values())
    site_id = getattr(site, "pk", site)
    return code in codes.get(site_id, ()) or code in codes.get(None, ())


def sites_with_code(user, code: str) -> set:
    """Site ids where the user holds ``code`` (None in the set means company-wide)."""
    return {site_id for site_id, held in clinical_codes(user).items() if code in held}


def require_code(user, code: str, site=None) -> None:
    company_of(user)
    if not user_has_code(user, code, site):
        raise PermissionDenied(f"needs {code}")


def get_in_company_or_404(queryset, user, **lookup):
    company = company_of(user)
    try:
        return queryset.for_company(company).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):  # ValidationError: bad UUID
        raise Http404(f"No {queryset.model._meta.verbose_name} here")


# ------------------------------------------------------------------ patients
def get_patient_for_user(user, patient_id, code: str = READ, *, include_deleted=False, queryset=None, fetch=None):
    """``queryset`` (of Patient, e.g. annotated with what a page shows) replaces the default one;
    ``fetch(company, patient_id)`` (a selector returning the company's patient or None) replaces both."""
    from apps.clinical.models import Patient

    if fetch is not None:
        patient = fetch(company_of(user), patient_id)
        if patient is None:
            raise Http404("No patient here")
        require_code(user, code)
        return patient
    manager = Patient.all_objects if include_deleted else Patient.objects
    if queryset is None:
        queryset = manager.select_related("home_site")
    patient = get_in_company_or_404(queryset, user, pk=patient_id)
    require_code(user, code)
    return patient


def can_write_patient(user) -> bool:
    return user_has_code(user, "patient.write")


def can_read_chart(user) -> bool:
    return user_has_code(user, "chart.read")


def can_write_records(user) -> bool:
    return user_has_code(user, "record.write")


def can_record_vitals(user, site=None) -> bool:
    return user_has_code(user, "vitals.record", site)


# ------------------------------------------------------------------ cases, visits, notes
def get_case_for_user(user, case_id):
    from apps.clinical.models import Case

    case = get_in_company_or_404(Case.objects.select_related("patient", "responsible_practitioner"), user, pk=case_id)
    require_code(user, "note.read")
    return case


def get_visit_for_user(user, visit_id):
    from apps.clinical.models import Visit

    visit = get_in_company_or_404(Visit.objects.select_related("patient", "case", "site", "practitioner"), user, pk=visit_id)
    require_code(user, "note.read")
    return visit


def get_note_for_user(user, note_id):
    from apps.clinical.models import Note

    note = get_in_company_or_404(Note.objects.select_related("visit__site", "visit__case", "patient", "author", "signed_by",
                                            "cosigned_by"), user, pk=note_id)
    require_code(user, "note.read")
    return note


def can_read_notes(user) -> bool:
    return user_has_code(user, "note.read")


def can_write_note(user, site) -> bool:
    return user_has_code(user, "note.write", site)


def can_edit_note(user, note) -> bool:
    return not note.is_signed and note.author_id == user.pk and can_write_note(user, note.visit.site_id)


def can_sign_note(user, note) -> bool:
    return not note.is_signed and note.author_id == user.pk and user_has_code(user, "note.sign", note.visit.site_id)


def needs_cosign(user, site) -> bool:
    """A note signed by someone who may not co-sign at that site (a learner) needs a co-signature."""
    return not user_has_code(user, "note.cosign", site)


def can_cosign_note(user, note) -> bool:
    return (note.awaiting_cosign and note.author_id != user.pk
            and user_has_code(user, "note.cosign", note.visit.site_id))


def can_add_addendum(user, note) -> bool:
    return note.is_signed and user_has_code(user, "note.write", note.visit.site_id)


# ------------------------------------------------------------------ nursing, sites, portal
def _site_fields():
    from apps.tenants.models import Site

    return [field.attname for field in Site._meta.concrete_fields]


def _site_builder(company_id, site_id):
    from apps.tenants.models import Site

    return Site.objects.for_company(company_id).filter(pk=site_id).values(*_site_fields())


_site_row = prepared(_site_builder)


def get_site_for_user(user, site_id, code: str):
    """The site (every field, as ``Site.objects.get`` reads it) when ``user`` holds ``code`` there:
    404 outside the company (or for a malformed id), 403 without the code. One prepared query
    (every book, ward and nursing page opens with this check)."""
    from apps.tenants.models import Site

    company = company_of(user)
    try:
        site_id = Site._meta.pk.to_python(site_id)
    except ValidationError:
        raise Http404("No site here")
    rows = _site_row(company_id=company.pk, site_id=site_id) if site_id is not None else []
    if not rows:
        raise Http404("No site here")
    site = Site.from_db(Site.objects.db, list(rows[0]), list(rows[0].values()))
    require_code(user, code, site)
    return site


def portal_patient_for(user):
    """The patient record a portal login may see, or 404."""
    from apps.clinical.models import Patient

    company = company_of(user)
    if not user_has_code(user, "portal.view"):
        raise PermissionDenied
    patient = Patient.objects.for_company(company).filter(portal_user=user).first()
    if patient is None:
        raise Http404("No patient record for this login")
    return patient


# ------------------------------------------------------------------ access log
def log_patient_access(request, patient, what: str) -> None:
    """Record in the access log (apps.audit.access) that ``request.user`` read ``what`` (chart, note,
    vitals, a FHIR resource, an export…) of ``patient``. Every clinical read, page, API and FHIR, goes
    through here. The entry keeps the URL (``endpoint``), so "what" is the path that was opened; it
    is written with the request's other entries in one INSERT at the end of the request."""
    action = AccessLog.Action.EXPORT if what.startswith(("fhir:Bundle", "export")) else AccessLog.Action.VIEW
    access_log_record(actor=request.user, obj_or_queryset=patient, action=action, request=request)
