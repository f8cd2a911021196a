"""The tenant hierarchy: Company → (Region) → Institution → SponsoringInstitution, PLAs, Sites,
Resources; the custom User; and Membership, the role table every access check reads."""

import uuid
from zoneinfo import available_timezones

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel, TenantQuerySet, unscoped
from apps.tenants.roles import COMPANY_ROLES, PROGRAM_ROLES, SITE_ROLES, Role


class TimestampedModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Company(TimestampedModel):
    """The SaaS tenant (an organization). Not itself tenant-owned: platform code lists them."""

    class Tier(models.TextChoices):
        TRIAL = "trial", "Trial"
        STANDARD = "standard", "Standard"
        ENTERPRISE = "enterprise", "Enterprise"

    name = models.CharField(max_length=255)
    subdomain = models.SlugField(max_length=100, unique=True)
    settings = models.JSONField(default=dict, blank=True)
    subscription_tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    retention_years = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Region(TenantModel, TimestampedModel):
    name = models.CharField(max_length=255)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="region_unique_name")]
        ordering = ["name"]

    def __str__(self):
        return self.name


class Institution(TenantModel, TimestampedModel):
    class Kind(models.TextChoices):
        ACADEMIC_MEDICAL_CENTER = "academic_medical_center", "Academic medical center"
        COMMUNITY_HOSPITAL = "community_hospital", "Community hospital"
        VA = "va", "VA medical center"
        SCHOOL = "school", "Medical school"
        CLINIC = "clinic", "Clinic"
        OTHER = "other", "Other"

    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="institutions")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    acgme_institution_id = models.CharField("ACGME institution ID", max_length=50, blank=True)
    address = models.TextField(blank=True)
    settings = models.JSONField(default=dict, blank=True)
    acgme_verified = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="institution_unique_name")]
        ordering = ["name"]

    def __str__(self):
        return self.name


class SponsoringInstitution(TenantModel, TimestampedModel):
    """The institution's role as ACGME sponsor of programs (DIO, GMEC)."""

    class Accreditation(models.TextChoices):
        INITIAL = "initial", "Initial accreditation"
        CONTINUED = "continued", "Continued accreditation"
        WARNING = "warning", "Continued accreditation with warning"
        PROBATION = "probation", "Probationary accreditation"
        WITHDRAWN = "withdrawn", "Withdrawn"

    company_from = "institution"
    institution = models.OneToOneField(Institution, on_delete=models.PROTECT, related_name="sponsor_role")
    dio = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name="DIO")
    dio_name = models.CharField("DIO name", max_length=255, blank=True)
    dio_email = models.EmailField("DIO email", blank=True)
    gmec_chair = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="GMEC chair")
    accreditation_status = models.CharField(max_length=20, choices=Accreditation.choices, blank=True)
    next_site_visit = models.DateField(null=True, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.institution} (sponsor)"


class ParticipationAgreement(TenantModel, TimestampedModel):
    """A PLA between the sponsor and a participating institution."""

    class Kind(models.TextChoices):
        PLA = "pla", "Program letter of agreement"
        AFFILIATION = "affiliation", "Affiliation agreement"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"

    company_from = "sponsor"
    sponsor = models.ForeignKey(SponsoringInstitution, on_delete=models.PROTECT, related_name="agreements")
    participant = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="agreements_as_participant")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PLA)
    effective_date = models.DateField()
    expiration_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # Which programs it covers: ``applies_to_all_programs``, or the programs that list this agreement
    # (``Program.agreements`` in academics: programs sit above tenants, so the link is kept there).
    applies_to_all_programs = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expiration_date__isnull=True) | Q(expiration_date__gte=models.F("effective_date")),
                name="pla_expires_after_effective",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.participant}"

    def in_force_on(self, day) -> bool:
        """Active, and ``day`` falls between the effective and expiration dates."""
        if self.status != self.Status.ACTIVE or day < self.effective_date:
            return False
        return not (self.expiration_date and day > self.expiration_date)


class Site(TenantModel, TimestampedModel):
    """A clinical site / clinic location."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", "Primary site"
        AFFILIATE = "affiliate", "Affiliate / participating site"
        VA = "va", "VA site"
        CLINIC = "clinic", "Outpatient clinic"

    company_from = "institution"
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="sites")
    agreement = models.ForeignKey(ParticipationAgreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="sites", verbose_name="participation agreement")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRIMARY)
    is_participating_site = models.BooleanField(default=False)
    address = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    geofence_radius_m = models.PositiveIntegerField("geofence radius (m)", default=200)
    student_capacity = models.PositiveIntegerField(null=True, blank=True,
                                                   help_text="Most learners on rotation here at once; blank = no limit")
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "institution", "name"], name="site_unique_name"),
            models.CheckConstraint(condition=Q(latitude__isnull=True, longitude__isnull=True)
                                   | Q(latitude__isnull=False, longitude__isnull=False),
                                   name="site_lat_lng_together"),
        ]
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": f"“{self.time_zone}” is not a known time zone (e.g. America/Chicago)."})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": "Give both latitude and longitude, or neither."})


class Resource(TenantModel, TimestampedModel):
    """A room or piece of equipment at a site."""

    class Kind(models.TextChoices):
        ROOM = "room", "Room"
        EQUIPMENT = "equipment", "Equipment"

    company_from = "site"
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ROOM)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "site", "name"], name="resource_unique_name")]
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class UserQuerySet(TenantQuerySet):
    pass


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        # Login looks a person up by email before any tenant is known.
        with unscoped("authentication: lookup by email"):
            return self.get(email__iexact=email)

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Belongs to one company; only platform superusers have none."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    sso_provider = models.CharField("SSO provider", max_length=100, blank=True)
    sso_subject = models.CharField("SSO subject", max_length=255, blank=True)
    email_verified = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(condition=Q(company__isnull=False) | Q(is_superuser=True),
                                   name="user_company_unless_superuser"),
            models.UniqueConstraint(fields=["sso_provider", "sso_subject"], condition=~Q(sso_subject=""),
                                    name="user_unique_sso_subject"),
        ]

    def __str__(self):
        return self.full_name or self.email

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def validate_unique(self, exclude=None):
        with unscoped("email uniqueness is global"):
            super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        with unscoped("user constraint validation"):
            super().validate_constraints(exclude)


class Membership(TenantModel, TimestampedModel):
    """A user's role at a scope: the company, an institution, a program or a site.
    A person may hold several at once (a chief resident is resident and faculty)."""

    company_from = "user"
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="memberships")
    # A string reference on purpose: programs live in academics, a layer above tenants. No Python
    # import goes up; only the migration graph knows (tenants 0002 runs after academics 0001).
    program = models.ForeignKey("academics.Program", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="memberships")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    is_active = models.BooleanField(default=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    # Idempotency key of the Add person submit that opened this role (apps.core.idempotency):
    # a replayed submit finds this row and returns its person instead of adding them again.
    submission_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001 (NULL = no key; unique ignores NULLs)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=sorted(PROGRAM_ROLES)) & Q(program__isnull=False) & Q(site__isnull=True))
                | (Q(role__in=sorted(SITE_ROLES)) & Q(site__isnull=False) & Q(program__isnull=True))
                | (Q(role__in=sorted(COMPANY_ROLES)) & Q(site__isnull=True) & Q(program__isnull=True)),
                name="membership_role_matches_scope",
            ),
            models.UniqueConstraint(fields=["company", "user", "role", "program", "site", "institution"],
                                    nulls_distinct=False, name="membership_unique_role_at_scope"),
            models.UniqueConstraint(fields=["company", "submission_key"], name="membership_unique_submission_key"),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self):
        scope = self.program or self.site or self.institution or "organization"
        return f"{self.user} — {self.get_role_display()} at {scope}"


class UserSession(models.Model):
    """Index of a person's signed-in sessions (the "Your sessions" page). One row per session,
    written at sign-in, touched by the idle-timeout middleware at most once a minute, deleted at
    sign-out or when ended from the page. Not tenant-owned (superusers have no company): it is read
    only for ``request.user``. It holds the session key, so it is as sensitive as the session store."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_seen = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["user", "last_seen"], name="usersession_user_seen")]

    def __str__(self):
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"
