"""seed_scale builds a realistic synthetic tenant quickly with COPY, and refuses to duplicate it."""

import time

import pytest
from django.core.management import CommandError, call_command

from apps.academics.models import Learner
from apps.analytics.models import ProgramAssessmentMetrics, ResidentEPAProgress
from apps.assessments.models import EPAAssessment
from apps.core.scoping import unscoped
from apps.hours.models import WorkEntry
from apps.tenants.models import Company

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_a_tiny_tenant_with_rising_levels_and_refuses_to_run_twice():
    started = time.monotonic()
    call_command("seed_scale", "--size", "S", "--assessments", "900", "--company-prefix", "tiny")
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
    call_command("seed_scale", "--size", "S", "--assessments", "10", "--company-prefix", "tiny", "--replace")
    with unscoped("test inspects the synthetic tenant"):
        assert EPAAssessment.all_objects.filter(company__subdomain="tiny-0").count() == 10
