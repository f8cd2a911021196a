"""seed_scale builds a realistic synthetic tenant quickly with COPY, and refuses to duplicate it."""

import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.academics.models import Learner
from apps.analytics.models import ProgramAssessmentMetrics, ResidentEPAProgress
from apps.assessments.models import EPAAssessment
from apps.clinical.models import Patient, Visit, VitalSigns
from apps.core.scoping import unscoped
from apps.hours.models import WorkEntry
from apps.tenants.models import Company, User

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_a_tiny_tenant_with_rising_levels_and_refuses_to_run_twice():
    started = time.monotonic()
    call_command("seed_scale", "--size", "S", "--assessments", "900", "--patients", "30", "--company-prefix", "tiny")
    assert time.monotonic() - started < 30

    with unscoped("test inspects the synthetic tenant"):
        company = Company.objects.get(subdomain="tiny-0")
        assessments = EPAAssessment.all_objects.filter(company=company)
        assert assessments.count() == 900
        assert assessments.filter(deleted_at__isnull=False).count() < 50
        pgy1 = assessments.filter(learner__pgy_level=1).values_list("entrustment_level", flat=True)
        pgy5 = assessments.filter(learner__pgy_level=5).values_list("entrustment_level", flat=True)
        assert sum(pgy5) / len(pgy5) > sum(pgy1) / len(pgy1) + 1
        # 30 residents in the program, 100 in the work-hour compliance benchmark's program
        assert Learner.objects.filter(company=company).count() == 130
        per_resident = WorkEntry.objects.filter(company=company).count() / 130
        assert 270 < per_resident < 330  # a year of work-hour entries each (~300)
    assert ResidentEPAProgress.objects.for_company(company).exists()
    assert ProgramAssessmentMetrics.objects.for_company(company).exists()

    with pytest.raises(CommandError, match="--replace"):
        call_command("seed_scale", "--size", "S", "--assessments", "10", "--company-prefix", "tiny")
    call_command("seed_scale", "--size", "S", "--assessments", "10", "--patients", "5", "--company-prefix", "tiny",
                 "--replace")
    with unscoped("test inspects the synthetic tenant"):
        assert EPAAssessment.all_objects.filter(company__subdomain="tiny-0").count() == 10
        assert Patient.all_objects.filter(company__subdomain="tiny-0").count() == 5  # the old 30 went with --replace


def test_seed_scale_gives_the_first_company_a_clinic_whose_practitioner_finds_and_opens_patients(client):
    call_command("seed_scale", "--size", "S", "--assessments", "60", "--patients", "40", "--company-prefix", "clin")
    with unscoped("test inspects the synthetic tenant"):
        company = Company.objects.get(subdomain="clin-0")
        patients = Patient.all_objects.filter(company=company)
        assert patients.count() == 40
        assert Visit.objects.filter(company=company).count() == 80  # two per patient
        assert VitalSigns.objects.filter(company=company, news2_score__isnull=False).count() == 200  # five each
        assert VitalSigns.objects.filter(company=company, visit__isnull=True).count() == 0
        practitioner = User.objects.get(email="practitioner-0@clin.example")
        someone = patients.order_by("mrn").first()
    client.force_login(practitioner)
    found = client.get(reverse("clinical:home"), {"q": someone.mrn})
    assert found.status_code == 200 and someone.mrn in found.content.decode()
    chart = client.get(reverse("clinical:chart", args=[someone.pk]))
    assert chart.status_code == 200 and someone.last_name in chart.content.decode()


def test_seed_scale_ids_are_distinct_version_4_uuids_and_a_third_of_the_assessments_are_tagged():
    """The ids come from a random prefix and a counter (uuid_sql), not gen_random_uuid(): still
    distinct, still version 4; the tags are written by the assessments' own statement."""
    from apps.assessments.models import AssessmentFeedbackTag

    call_command("seed_scale", "--size", "S", "--assessments", "600", "--patients", "20", "--company-prefix", "ids")
    with unscoped("test inspects the synthetic tenant"):
        company = Company.objects.get(subdomain="ids-0")
        rows = list(EPAAssessment.all_objects.filter(company=company).values_list("pk", "submission_key"))
        entries = list(WorkEntry.objects.filter(company=company).values_list("pk", flat=True))
        vitals = list(VitalSigns.objects.filter(company=company).values_list("pk", flat=True))
        tagged = AssessmentFeedbackTag.objects.filter(company=company, assessment__company=company).count()
    ids = [pk for pk, _ in rows] + [key for _, key in rows] + entries + vitals
    assert len(set(ids)) == len(ids) == 2 * 600 + len(entries) + 100
    assert {value.version for value in ids} == {4}
    assert 0.2 * 600 < tagged < 0.4 * 600


def test_seed_scale_stores_every_residents_work_hour_findings_as_the_service_computes_them():
    """Every seeded resident has a fresh ComplianceState and stored findings (the pages read them,
    not the rules engine), and what the seeder copied from its class's resident is what
    ``compliance_recompute`` itself writes for that resident (the synthetic schedule breaks no
    rule: every state is fresh and the findings, none, are the service's)."""
    from apps.hours import findings as hours_findings
    from apps.hours import selectors as hours_selectors
    from apps.hours.models import ComplianceFinding, ComplianceState

    call_command("seed_scale", "--size", "S", "--assessments", "300", "--patients", "5", "--company-prefix", "wh")

    def stored(learner):
        state = ComplianceState.objects.filter(learner=learner).values(
            "stale", "pgy_level", "time_zone", "first_day", "last_day").get()
        found = sorted(ComplianceFinding.objects.filter(learner=learner).values_list(
            "rule", "severity", "start", "end", "hours", "detail"))
        return state, found

    with unscoped("test inspects the synthetic tenant"):
        company = Company.objects.get(subdomain="wh-0")
        learners = list(Learner.objects.filter(company=company).select_related("program").order_by("pk"))
        assert len(learners) == 130  # one program of 30 (300 assessments) and the hours program of 100
        states = ComplianceState.objects.filter(company=company)
        assert states.count() == len(learners) and not states.filter(stale=True).exists()
        for learner in learners:
            tz = hours_selectors.program_time_zone(learner.program)
            assert hours_selectors.is_fresh(learner.compliance_state, learner, tz)
        for learner in learners[::9]:  # copies and computed ones alike
            seeded = stored(learner)
            hours_findings.compliance_recompute(company_id=company.pk, learner_id=learner.pk)
            assert stored(learner) == seeded
