"""Patients: demographics, MRN (unique per company, generated from the company's format),
contacts, insurance, home site, optional portal login, soft delete with a reason."""


from django.contrib.postgres.indexes import GistIndex, OpClass
from django.db import models
from django.db.models import F
from simple_history.models import HistoricalRecords

from apps.core.scoping import SoftDeleteModel, TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["MrnSequence", "Patient"]


class MrnSequence(TenantModel, TimestampedModel):
    """The company's MRN format: ``prefix`` + the next number, zero-padded to ``digits``."""

    prefix = models.CharField(max_length=10, default="MRN-")
    digits = models.PositiveSmallIntegerField(default=6)
    next_value = models.PositiveBigIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company"], name="mrn_sequence_one_per_company")]

    def format(self, value: int) -> str:
        return f"{self.prefix}{value:0{self.digits}d}"


class Patient(SoftDeleteModel, TenantModel, TimestampedModel):
    access_logged = True  # every read of a chart, note, result or export is in the access log

    class Sex(models.TextChoices):  # administrative sex, as recorded for identification
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    mrn = models.CharField("MRN", max_length=30, editable=False)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address_line = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state / region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    preferred_language = models.CharField(max_length=50, blank=True)
    emergency_contacts = models.JSONField(default=list, blank=True,
                                          help_text='[{"name": …, "relationship": …, "phone": …}]')
    insurance_payer = models.CharField(max_length=200, blank=True)
    insurance_member_id = models.CharField("insurance member ID", max_length=100, blank=True)
    home_site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="patients")
    primary_practitioner = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.SET_NULL,
                                             related_name="+")
    primary_nurse = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    portal_user = models.OneToOneField("tenants.User", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="patient_record")
    # Kept by save(): lower-case names for the trigram index, digits of the phone for exact search.
    search_name = models.CharField(max_length=400, editable=False, default="")
    phone_digits = models.CharField(max_length=30, editable=False, default="", blank=True)
    history = HistoricalRecords(excluded_fields=["search_name", "phone_digits"])

    company_from = "home_site"

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["company", "mrn"], name="patient_unique_mrn")]
        indexes = [
            # names: ordered nearest-first (k-NN, `search_name <->> q`) within one company; siglen=256 keeps the
            # trigram signatures precise enough for a million names (the default 12 bytes saturates)
            GistIndex(F("company"), OpClass("search_name", name="gist_trgm_ops(siglen=256)"),
                      name="patient_name_gist"),
            models.Index(fields=["company", "date_of_birth"], name="patient_dob"),
            models.Index(fields=["company", "phone_digits"], name="patient_phone"),
            models.Index(fields=["company", "last_name", "first_name", "date_of_birth"], name="patient_name_dob"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.mrn})"

    def save(self, *args, **kwargs):
        self.search_name = " ".join(
            part for part in (self.first_name, self.preferred_name, self.middle_name, self.last_name) if part).lower()
        self.phone_digits = "".join(ch for ch in self.phone if ch.isdigit())
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        from django.utils import timezone

        return self.age_on(timezone.localdate())
