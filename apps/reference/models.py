"""Shared reference library, curated by superusers: specialties, competencies, entrustment scales,
versioned EPA and milestone sets, case types and feedback tags. Case types and feedback tags may also be
private to one company (``company`` set); shared rows have no company."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantQuerySet, TenantScopeError, unscoped
from apps.reference import validators


class Specialty(models.Model):
    """An ACGME specialty or subspecialty. Shared reference data, curated by superusers."""

    class Category(models.TextChoices):
        SURGICAL = "surgical", "Surgical"
        MEDICAL = "medical", "Medical"
        HOSPITAL_BASED = "hospital_based", "Hospital-based"
        PRIMARY_CARE = "primary_care", "Primary care"
        PEDIATRIC = "pediatric", "Pediatric"

    class Pathway(models.TextChoices):
        CATEGORICAL = "categorical", "Categorical"
        FELLOWSHIP = "fellowship", "Fellowship"
        INTEGRATED = "integrated", "Integrated"

    code = models.SlugField(max_length=50, primary_key=True)
    name = models.CharField(max_length=255, unique=True)
    category = models.CharField(max_length=30, choices=Category.choices)
    acgme_specialty_code = models.CharField("ACGME specialty code", max_length=20, blank=True)
    typical_duration_years = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    is_subspecialty = models.BooleanField(default=False)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subspecialties")
    pathway_type = models.CharField(max_length=20, choices=Pathway.choices, default=Pathway.CATEGORICAL)
    prerequisites = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="required_by")
    certifying_board = models.CharField(max_length=255, blank=True)
    history = HistoricalRecords(m2m_fields=[prerequisites])

    class Meta:
        verbose_name_plural = "specialties"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("code")), name="specialty_not_own_parent"),
        ]

    def __str__(self):
        return self.name


class Competency(models.Model):
    code = models.SlugField(max_length=50, primary_key=True)
    name = models.CharField(max_length=255, unique=True)
    abbreviation = models.CharField(max_length=10, unique=True)
    description = models.TextField(blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "competencies"
        ordering = ["display_order"]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})"


class EntrustmentScale(models.Model):
    code = models.SlugField(max_length=50, primary_key=True)
    name = models.CharField(max_length=255)
    source = models.TextField(blank=True, help_text="Citation for the scale's wording")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class EntrustmentLevel(models.Model):
    scale = models.ForeignKey(EntrustmentScale, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)
    descriptor = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scale", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "number"], name="level_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=10), name="level_number_1_to_10"),
        ]

    def __str__(self):
        return f"{self.number} — {self.label}"


class VersionedSet(models.Model):
    """A published version of a specialty's EPAs or milestones. Publishing a new version adds a
    new set; old sets stay readable and are retired with a date, never changed."""

    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="+")
    version = models.CharField(max_length=20)
    name = models.CharField(max_length=255)
    effective_date = models.DateField()
    retired_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.name} v{self.version}" + (" (retired)" if self.retired_on else "")

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None


class EPASet(VersionedSet):
    scale = models.ForeignKey(EntrustmentScale, on_delete=models.PROTECT, related_name="epa_sets")
    source = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "EPA set"
        ordering = ["specialty", "-effective_date"]
        constraints = [models.UniqueConstraint(fields=["specialty", "version"], name="epa_set_unique_version")]


class EPA(models.Model):
    epa_set = models.ForeignKey(EPASet, on_delete=models.PROTECT, related_name="epas")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "EPA"
        ordering = ["epa_set", "display_order", "number"]
        constraints = [models.UniqueConstraint(fields=["epa_set", "number"], name="epa_unique_number_in_set")]

    def __str__(self):
        return f"EPA {self.number}: {self.short_name}"

    def clean(self):
        if self.epa_set_id is not None:
            validators.validate_epa_number_free(epa_set=self.epa_set, number=self.number, exclude_pk=self.pk)

    def validate_constraints(self, exclude=None):
        # clean() reports a taken number in words ("EPA 4 already exists in …"); skip the
        # generic constraint message for the same rule.
        super().validate_constraints(exclude=set(exclude or ()) | {"number"})


class MilestoneSet(VersionedSet):
    # Blank when the source does not give a date (see fixtures/README.md): never guessed.
    effective_date = models.DateField(null=True, blank=True)
    source = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["specialty", "-effective_date"]
        constraints = [models.UniqueConstraint(fields=["specialty", "version"], name="milestone_set_unique_version")]


class Milestone(models.Model):
    milestone_set = models.ForeignKey(MilestoneSet, on_delete=models.PROTECT, related_name="milestones")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="milestones")
    subcompetency_code = models.CharField(max_length=20, help_text="e.g. PC1, MK2")
    title = models.CharField(max_length=255)
    level_1 = models.TextField(blank=True)
    level_2 = models.TextField(blank=True)
    level_3 = models.TextField(blank=True)
    level_4 = models.TextField(blank=True)
    level_5 = models.TextField(blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    LEVEL_FIELDS = ("level_1", "level_2", "level_3", "level_4", "level_5")

    class Meta:
        ordering = ["milestone_set", "display_order"]
        constraints = [
            models.UniqueConstraint(fields=["milestone_set", "subcompetency_code"], name="milestone_unique_code"),
        ]

    def __str__(self):
        return f"{self.subcompetency_code}: {self.title}"

    def clean(self):
        validators.validate_milestone_levels({field: getattr(self, field) for field in self.LEVEL_FIELDS})


class SharedOrPrivateQuerySet(TenantQuerySet):
    """Rows are shared (company is null) or private to one company. Fail-closed like tenant
    querysets: say whose view you want (``visible_to``), or ``shared()``, or ``unscoped()``."""

    def visible_to(self, company):
        if company is None:
            raise TenantScopeError(f"{self.model.__name__}.visible_to(None)")
        return self._scoped(Q(company__isnull=True) | Q(company_id=getattr(company, "pk", company)))

    def shared(self):
        return self._scoped(Q(company__isnull=True))

    def _scoped(self, condition):
        clone = self.filter(condition)
        clone._tenant_scoped = True
        return clone


class SharedOrPrivateModel(models.Model):
    """Uniqueness checks read across companies on purpose: the constraints themselves say which
    rows may clash (shared rows with shared rows, a company's rows with its own)."""

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        with unscoped("reference uniqueness validation"):
            super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        with unscoped("reference constraint validation"):
            super().validate_constraints(exclude)


class CaseType(SharedOrPrivateModel):
    epa = models.ForeignKey(EPA, on_delete=models.PROTECT, related_name="case_types")
    company = models.ForeignKey("tenants.Company", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", db_index=True,
                                help_text="Blank = shared with every company; set = private to that company")
    code = models.CharField(max_length=50, help_text="Rounds' own identifier, e.g. LAP_CHOLE")
    name = models.CharField(max_length=255)
    typical_minutes = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    objects = SharedOrPrivateQuerySet.as_manager()

    class Meta:
        ordering = ["epa", "name"]
        constraints = [
            models.UniqueConstraint(fields=["epa", "code"], condition=Q(company__isnull=True),
                                    name="case_type_unique_shared_code"),
            models.UniqueConstraint(fields=["company", "epa", "code"], name="case_type_unique_private_code"),
        ]

    def __str__(self):
        return self.name


class FeedbackTag(SharedOrPrivateModel):
    class Category(models.TextChoices):
        STRENGTH = "strength", "Strength"
        IMPROVEMENT = "area_for_improvement", "Area for improvement"

    category = models.CharField(max_length=30, choices=Category.choices)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    specialty = models.ForeignKey(Specialty, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="Blank = applies to all specialties")
    company = models.ForeignKey("tenants.Company", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", db_index=True,
                                help_text="Blank = shared with every company; set = private to that company")
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    objects = SharedOrPrivateQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], condition=Q(company__isnull=True),
                                    name="feedback_tag_unique_shared"),
            models.UniqueConstraint(fields=["company", "category", "name"], name="feedback_tag_unique_private"),
        ]

    def __str__(self):
        return self.name
