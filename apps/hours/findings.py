"""Stored compliance findings: the only writer of ``ComplianceFinding`` (a service, kept apart
from ``services`` so that ``services`` can dispatch these tasks without an import cycle:
services → findings, never back) and the Celery tasks that run it. Each takes the company id
explicitly: a learner of another company is not found (``Learner.DoesNotExist``)."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from apps.academics.models import Learner
from apps.core import rls
from apps.hours import rules, selectors
from apps.hours.models import ComplianceFinding, ComplianceState


@shared_task(name="apps.hours.findings.recompute_compliance", acks_late=True)
def recompute_compliance(*, company_id, learner_id):
    """Replace one resident's stored findings (started on commit by every write that can change
    them: ``services.compliance_mark_stale``)."""
    with rls.tenant(company_id):
        return compliance_recompute(company_id=company_id, learner_id=learner_id)


@shared_task(name="apps.hours.findings.recompute_program_compliance", acks_late=True)
def recompute_program_compliance(*, company_id, program_id):
    """Recompute every resident of a program (safe to run at any time, e.g. from beat)."""
    with rls.tenant(company_id):
        return compliance_recompute_program(company_id=company_id, program_id=program_id)


def compliance_recompute(*, company_id, learner_id) -> int:
    """Run the rules engine over every logged entry of one resident and replace their stored
    findings, in one transaction (the only writer of ``ComplianceFinding``). The learner's
    ``ComplianceState`` row is locked first, so a write committing meanwhile waits for it, then
    marks it stale again and starts another recompute. Raises ``Learner.DoesNotExist`` when the
    learner is not one of ``company_id``'s. Returns the number of findings."""
    with transaction.atomic():
        learner = (Learner.objects.for_company(company_id).select_related("program__hours_policy")
                   .only("pk", "company_id", "pgy_level", "program__id", "program__company_id",
                         "program__hours_policy__time_zone").get(pk=learner_id))
        state, _ = ComplianceState.objects.for_company(company_id).get_or_create(learner=learner)
        state = ComplianceState.objects.for_company(company_id).select_for_update().get(pk=state.pk)
        tz = selectors.program_time_zone(learner.program)
        entries, first, last = selectors.all_entries_of(company_id=company_id, learner_id=learner.pk, tz=tz)
        found = (rules.check(entries, start=first, end=last, tz=tz, pgy_level=learner.pgy_level)
                 if entries else [])
        unique = {(v.rule, v.start, v.end): v for v in reversed(found)}  # identical findings once
        ComplianceFinding.objects.for_company(company_id).filter(learner_id=learner.pk).delete()
        ComplianceFinding.objects.bulk_create([
            ComplianceFinding(company_id=company_id, learner_id=learner.pk, rule=v.rule,
                              severity="warning" if v.is_warning else "violation", start=v.start, end=v.end,
                              hours=v.hours, detail=v.detail[:300]) for v in unique.values()])
        state.stale, state.computed_at = False, timezone.now()
        state.pgy_level, state.time_zone, state.first_day, state.last_day = (
            learner.pgy_level, str(tz.key), first if entries else None, last if entries else None)
        state.save(update_fields=["stale", "computed_at", "pgy_level", "time_zone", "first_day", "last_day",
                                  "updated_at"])
    return len(unique)


def compliance_recompute_program(*, company_id, program_id) -> int:
    """Recompute every resident of a program (after a bulk load: ``seed_scale``'s COPY of work
    entries fires no signals; the management command ``recompute_compliance``). Returns the
    number of residents."""
    learner_ids = list(Learner.objects.for_company(company_id).filter(
        program_id=program_id, kind=Learner.Kind.RESIDENT).order_by("pk").values_list("pk", flat=True))
    for learner_id in learner_ids:
        compliance_recompute(company_id=company_id, learner_id=learner_id)
    return len(learner_ids)


def compliance_recompute_learners(*, residents) -> int:
    """Recompute the findings of these ``(company_id, learner_id)`` pairs: ``seed_scale`` calls it
    after its COPY of work entries (COPY goes through no service). Returns how many."""
    for company_id, learner_id in residents:
        compliance_recompute(company_id=company_id, learner_id=learner_id)
    return len(residents)
