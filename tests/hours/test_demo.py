"""The hours demo: the student has a semester of records (some flagged, some pending), the
resident two months with one 80-hour breach and one short rest after call, surgery a call roster."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.academics import demo as academics_demo
from apps.academics.models import Learner
from apps.core.scoping import unscoped
from apps.hours import demo as hours_demo
from apps.hours import selectors
from apps.hours.models import PlannedShift, TimeRecord
from apps.tenants import demo as tenants_demo


@pytest.mark.django_db
def test_the_hours_demo_tells_the_story(client):
    world = {}
    quiet = lambda *args: None  # noqa: E731
    tenants_demo.seed(world, log=quiet)
    academics_demo.seed(world, log=quiet)
    hours_demo.seed(world, log=quiet)
    hours_demo.seed(world, log=quiet)  # idempotent
    nw = world["northwind"]
    with unscoped("test: reading the demo"):
        student = Learner.objects.get(user=nw["users"]["student"])
        records = TimeRecord.objects.filter(learner=student)
        assert records.count() > 60
        assert records.filter(status="pending").exists() and records.filter(status="approved").exists()
        assert records.filter(flag_outside_geofence=True).exists() or records.filter(flag_no_location=True).exists()
        resident = Learner.objects.get(user=nw["users"]["resident"], program=nw["programs"]["surgery"])
        today = timezone.localdate()
        found = selectors.violations_for_learners(company_id=resident.company_id, learner_ids=[resident.pk],
                                                  start=today - dt.timedelta(days=60), end=today)[resident.pk]
        assert {"hours_80", "rest_14_after_24"} <= {v.rule for v in found}
        assert [v.rule for v in found].count("rest_14_after_24") == 1
        assert PlannedShift.objects.filter(learner__program=nw["programs"]["surgery"], kind="in_house_call",
                                           start__gt=timezone.now()).exists()
    client.force_login(nw["users"]["coordinator"])
    page = client.get(f"/hours/programs/{nw['programs']['surgery'].pk}/compliance/").content.decode()
    assert "hours_80" in page
    client.force_login(nw["users"]["resident"])
    assert client.get("/hours/week/").status_code == 200
