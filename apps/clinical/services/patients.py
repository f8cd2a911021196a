from django.core.exceptions import ValidationError
from django.db import transaction

from apps.audit.services import save_with_audit, soft_delete
from apps.clinical.models import MrnSequence, Patient

PATIENT_FIELDS = [
    "first_name", "middle_name", "last_name", "preferred_name", "date_of_birth", "sex", "gender_identity", "phone",
    "email", "address_line", "city", "region", "postal_code", "country", "preferred_language", "emergency_contacts",
    "insurance_payer", "insurance_member_id", "primary_practitioner", "primary_nurse", "portal_user",
]


class PossibleDuplicate(ValidationError):
    """Someone with the same name and date of birth is already registered."""

    def __init__(self, duplicates):
        self.duplicates = list(duplicates)
        names = ", ".join(f"{p.full_name} ({p.mrn})" for p in self.duplicates)
        super().__init__(f"Possible duplicate: {names} has the same name and date of birth.", code="duplicate")


def patient_possible_duplicates(*, company, first_name, last_name, date_of_birth, exclude=None):
    queryset = Patient.objects.for_company(company).filter(
        first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), date_of_birth=date_of_birth)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset


def _next_mrn(company) -> str:
    """The company's next MRN (row-locked counter; the format defaults to the subdomain's first letters)."""
    MrnSequence.objects.for_company(company).get_or_create(
        company=company, defaults={"prefix": f"{company.subdomain[:3].upper()}-"})
    sequence = MrnSequence.objects.for_company(company).select_for_update().get()
    value = sequence.next_value
    sequence.next_value = value + 1
    sequence.save(update_fields=["next_value", "updated_at"])
    return sequence.format(value)


def _check_people(company_id, data):
    for field in ("primary_practitioner", "primary_nurse", "portal_user"):
        person = data.get(field)
        if person is not None and person.company_id != company_id:
            raise ValidationError({field: "Choose someone in this organization."})


def patient_create(*, actor, site, data: dict, allow_duplicate=False) -> Patient:
    """Register a patient at ``site`` (their home site) with the next MRN of the company.
    Raises PossibleDuplicate unless ``allow_duplicate`` when the name and birth date match someone.
    ``actor=None``: the patient registers themself (scheduling's confirmed self-booking link)."""
    if actor is not None and site.company_id != actor.company_id:
        raise ValidationError({"home_site": "Unknown site."})
    _check_people(site.company_id, data)
    with transaction.atomic():
        if not allow_duplicate:
            duplicates = patient_possible_duplicates(
                company=site.company_id, first_name=data["first_name"], last_name=data["last_name"],
                date_of_birth=data["date_of_birth"])
            if duplicates.exists():
                raise PossibleDuplicate(duplicates[:5])
        patient = Patient(home_site=site, **{key: value for key, value in data.items() if key in PATIENT_FIELDS})
        patient.company_id = site.company_id
        patient.mrn = _next_mrn(site.company)
        patient.full_clean(exclude=["mrn"])
        return save_with_audit(instance=patient, actor=actor, action="patient.create")


def patient_update(*, actor, patient, data: dict, home_site=None) -> Patient:
    _check_people(patient.company_id, data)
    for key, value in data.items():
        if key in PATIENT_FIELDS:
            setattr(patient, key, value)
    if home_site is not None:
        if home_site.company_id != patient.company_id:
            raise ValidationError({"home_site": "Unknown site."})
        patient.home_site = home_site
    patient.full_clean()
    return save_with_audit(instance=patient, actor=actor, action="patient.update")


def patient_delete(*, actor, patient, reason: str) -> Patient:
    if not reason.strip():
        raise ValidationError({"reason": "Say why this patient record is removed."})
    return soft_delete(instance=patient, actor=actor, reason=reason)
