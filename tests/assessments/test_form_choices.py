"""The new-assessment form's learners, sites and tags read together (``selectors.form_choices``,
issue 19: one query instead of three) are the rows the three separate reads give, in their order:
recent assignees first, only the assessor's programs' active learners and never the assessor,
only the company's active sites, shared and own tags but not another company's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.assessments import selectors
from tests.factories import FeedbackTagFactory, LearnerFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _separately(faith, today):
    return {"learners": [(str(pk), label) for pk, label in selectors.learner_choices(assessor=faith, today=today)],
            "sites": [(str(pk), name) for pk, name in selectors.site_choices(company_id=faith.company_id)],
            "tags": [(tag.pk, tag.category, tag.name, tag.description, tag.specialty_id, tag.company_id, tag.is_active)
                     for tag in selectors.feedback_tag_list(company_id=faith.company_id)]}


def _together(faith, today):
    with CaptureQueriesContext(connection) as captured:
        choices = selectors.form_choices(assessor=faith, today=today)
    assert len(captured.captured_queries) == 1
    return {"learners": choices["learners"], "sites": choices["sites"],
            "tags": [(tag.pk, tag.category, tag.name, tag.description, tag.specialty_id, tag.company_id, tag.is_active)
                     for tag in choices["tags"]]}


def test_the_three_lists_read_together_are_the_separate_reads(surgery, southbay):
    program = surgery["program"]
    for n in range(3):
        LearnerFactory(program=program, user__last_name=f"Zeta{n}", user__first_name="Ann")
        SiteFactory(institution=surgery["site"].institution, name=f"Ward {n}")
        FeedbackTagFactory(name=f"Own strength {n}", company=program.company)
    LearnerFactory(program=program, user__last_name="Gone", status="withdrawn")
    SiteFactory(institution=surgery["site"].institution, name="Closed", is_active=False)
    FeedbackTagFactory(name="Southbay's own", company=southbay)
    today = timezone.localdate()
    faith = surgery["faith"]
    # preloaded: the memberships the request has read before the choices
    selectors.program_ids_with_roles(faith, selectors.ASSESSORS)
    together, separately = _together(faith, today), _separately(faith, today)
    assert together == separately
    labels = [label for _, label in together["learners"]]
    assert any("Zeta2" in label for label in labels) and not any("Gone" in label for label in labels)
    assert "Closed" not in {name for _, name in together["sites"]}
    assert "Southbay's own" not in {tag[2] for tag in together["tags"]}
    assert _together(faith, today + datetime.timedelta(days=400)) == _separately(faith, today + datetime.timedelta(
        days=400))
