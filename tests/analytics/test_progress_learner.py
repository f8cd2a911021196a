"""Issue 19: the progress page's learner comes from one prepared read
(apps.analytics.access.get_progress_learner_for_user) under the learner rule of apps.academics.access."""

import uuid

import pytest
from django.http import Http404
from django.urls import reverse

from apps.analytics.access import get_progress_learner_for_user
from apps.audit.models import AccessLog
from tests.analytics.factories import make_learner

pytestmark = pytest.mark.django_db


def test_the_learner_carries_its_name_program_and_set_and_the_rule_is_the_person_pages(program, rachel, faith,
                                                                                         southbay_learner):
    learner = get_progress_learner_for_user(faith, rachel.pk)
    assert (learner.pk, str(learner), learner.pgy_level, learner.program.name, learner.program.epa_set_id) == (
        rachel.pk, "Rachel Resident", 2, "Northwind General Surgery", program.epa_set_id)
    assert get_progress_learner_for_user(rachel.user, rachel.pk).pk == rachel.pk
    peter = make_learner(program=program)
    for user, learner_id in [(peter.user, rachel.pk), (faith, southbay_learner.pk), (faith, uuid.uuid4()),
                             (southbay_learner.user, rachel.pk)]:
        with pytest.raises(Http404):
            get_progress_learner_for_user(user, learner_id)


def test_opening_the_progress_page_is_access_logged(client, program, rachel, faith):
    client.force_login(faith)
    assert client.get(reverse("analytics_learner_progress", args=[rachel.pk])).status_code == 200
    assert AccessLog.objects.for_company(program.company).filter(actor=faith, entity_id=str(rachel.pk)).exists()
