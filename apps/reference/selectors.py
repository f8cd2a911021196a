"""Reads of the shared reference library. Shared rows are readable by every tenant; case types and
feedback tags are filtered with ``visible_to(company)`` (shared + that company's private rows)."""

from collections.abc import Callable

from django.db.models import Prefetch, Q

from apps.reference.models import (
    EPA,
    CaseType,
    Competency,
    EntrustmentLevel,
    EPASet,
    FeedbackTag,
    Milestone,
    MilestoneSet,
    Specialty,
)

# "Is this EPA in use?" is answered by the contexts that point at EPAs (assessments, requests),
# which sit above the reference library: each registers a check (AppConfig.ready) instead of the
# library importing them. A check takes EPA ids and returns the ones it uses.
EPA_USAGE_CHECKS: list[Callable[[list], set]] = []


def register_epa_usage(check: Callable[[list], set]) -> None:
    if check not in EPA_USAGE_CHECKS:
        EPA_USAGE_CHECKS.append(check)


def _in_use_by_company(company):
    """Sets a company's programs still assess against. Programs (academics) point at sets through
    ``Program.epa_set``/``milestone_set`` (related name ``programs``): a join, not an import."""
    return Q(programs__company_id=getattr(company, "pk", company)) if company is not None else Q(pk__in=[])


def epa_set_list_visible_to(*, company):
    """Current EPA sets, plus any retired set one of the company's programs still assesses against."""
    visible = EPASet.objects.filter(Q(retired_on__isnull=True) | _in_use_by_company(company)).values("pk")
    return _with_epas_and_levels(EPASet.objects.filter(pk__in=visible))


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
    visible = MilestoneSet.objects.filter(Q(retired_on__isnull=True) | _in_use_by_company(company)).values("pk")
    return _with_milestones(MilestoneSet.objects.filter(pk__in=visible))


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


def _shared_or_visible_to(manager, company):
    """``company`` None (a platform superuser's view): the shared rows only, never a private one."""
    return manager.shared() if company is None else manager.visible_to(company)


def case_type_list_visible_to(*, company, active_only=False):
    queryset = _shared_or_visible_to(CaseType.objects, company).select_related("epa__epa_set")
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("epa__epa_set__name", "epa__number", "name")


def feedback_tag_list_visible_to(*, company, active_only=False):
    queryset = _shared_or_visible_to(FeedbackTag.objects, company).select_related("specialty")
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("category", "name")


def epa_choices_for(*, company):
    """EPAs a private case type may hang off: those of the sets the company can see."""
    return EPA.objects.filter(epa_set__in=epa_set_list_visible_to(company=company).values("pk")).select_related(
        "epa_set").order_by("epa_set__name", "number")


def epa_ids_in_use(epa_ids) -> set:
    """EPAs that another context's rows point at, in any company (the registered checks)."""
    epa_ids, used = list(epa_ids), set()
    for check in EPA_USAGE_CHECKS:
        used |= check(epa_ids)
    return used


def epa_is_used(epa) -> bool:
    return epa.pk is not None and bool(epa_ids_in_use([epa.pk]))


def specialty_list():
    return Specialty.objects.select_related("parent").prefetch_related("prerequisites").order_by("name")


def specialty_graph():
    """The stored parent and prerequisite links, read in two queries."""
    parents = dict(Specialty.objects.values_list("code", "parent_id"))
    prerequisites: dict[str, set] = {}
    through = Specialty.prerequisites.through.objects.values_list("from_specialty_id", "to_specialty_id")
    for source, target in through:
        prerequisites.setdefault(source, set()).add(target)
    return parents, prerequisites
