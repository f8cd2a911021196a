"""Reads of the shared reference library. Shared rows are readable by every tenant; case types and
feedback tags are filtered with ``visible_to(company)`` (shared + that company's private rows)."""

from django.db.models import Prefetch, Q

from apps.academics.models import Program
from apps.assessments.models import (
    EPA, AssessmentRequest, CaseType, Competency, EntrustmentLevel, EPAAssessment, EPASet, FeedbackTag, Milestone,
    MilestoneSet,
)


def _program_links(company, field):
    return Program.objects.for_company(company).exclude(**{f"{field}__isnull": True}).values(field)


def epa_set_list_visible_to(*, company):
    """Current EPA sets, plus any retired set one of the company's programs still assesses against."""
    return _with_epas_and_levels(
        EPASet.objects.filter(Q(retired_on__isnull=True) | Q(pk__in=_program_links(company, "epa_set"))))


def epa_set_list_all():
    """Every EPA set, retired ones included (platform superusers)."""
    return _with_epas_and_levels(EPASet.objects.all())


def _with_epas_and_levels(queryset):
    return (
        queryset.select_related("specialty", "scale")
        .prefetch_related(
            Prefetch("epas", queryset=EPA.objects.order_by("display_order", "number")),
            Prefetch("scale__levels", queryset=EntrustmentLevel.objects.order_by("number")),
        )
        .order_by("specialty__name", "-effective_date")
    )


def milestone_set_list_visible_to(*, company):
    return _with_milestones(
        MilestoneSet.objects.filter(Q(retired_on__isnull=True) | Q(pk__in=_program_links(company, "milestone_set"))))


def milestone_set_list_all():
    return _with_milestones(MilestoneSet.objects.all())


def _with_milestones(queryset):
    return (
        queryset.select_related("specialty")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.select_related("competency")))
        .order_by("specialty__name", "version")
    )


def milestone_list_visible_to(*, company):
    visible = milestone_set_list_visible_to(company=company).values("pk")
    return Milestone.objects.filter(milestone_set__in=visible).order_by("milestone_set_id", "display_order")


def competency_list():
    return Competency.objects.order_by("display_order")


def case_type_list_visible_to(*, company, active_only=False):
    queryset = CaseType.objects.visible_to(company).select_related("epa__epa_set")
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("epa__epa_set__name", "epa__number", "name")


def feedback_tag_list_visible_to(*, company, active_only=False):
    queryset = FeedbackTag.objects.visible_to(company).select_related("specialty")
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("category", "name")


def epa_choices_for(*, company):
    """EPAs a private case type may hang off: those of the sets the company can see."""
    return EPA.objects.filter(epa_set__in=epa_set_list_visible_to(company=company).values("pk")).select_related(
        "epa_set").order_by("epa_set__name", "number")


def epa_ids_in_use(epa_ids) -> set:
    """EPAs that assessments or requests point at, in any company (platform check: reads across
    tenants on purpose, soft-deleted assessments included — they still name the EPA)."""
    epa_ids = list(epa_ids)
    used = set(EPAAssessment.all_objects.unscoped().filter(epa_id__in=epa_ids).values_list("epa_id", flat=True))
    used |= set(AssessmentRequest.objects.unscoped().filter(epa_id__in=epa_ids).values_list("epa_id", flat=True))
    return used


def epa_is_used(epa) -> bool:
    return epa.pk is not None and bool(epa_ids_in_use([epa.pk]))
