"""Must show: the PDF of 30 residents' packets, built by the Celery task, in under a minute on this
machine (manage.py ccc_bench_packets reports the same measurement on demo-sized data)."""

import datetime
import io
import random
import time
import uuid

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.assessments.models import EPAAssessment
from apps.ccc import services
from apps.ccc.models import PacketJob
from tests.ccc.conftest import make_meeting
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def test_thirty_packets_are_built_in_under_a_minute(committee, django_capture_on_commit_callbacks):
    residents = committee["residents"] + [LearnerFactory(program=committee["program"], pgy_level=n % 3 + 1)
                                          for n in range(27)]
    rng = random.Random(18)
    now = timezone.now()
    EPAAssessment.objects.bulk_create([
        EPAAssessment(learner=learner, company=learner.company, program=committee["program"],
                      assessor=committee["faculty"][n % 3], epa=committee["epas"][n % 2],
                      entrustment_level=rng.randint(1, 4),
                      assessment_date=datetime.date(2026, 7, 1) + datetime.timedelta(days=rng.randint(0, 150)),
                      submitted_at=now, submission_key=uuid.uuid4(), narrative_feedback=f"Case note {n} " * 8)
        for learner in residents for n in range(40)])
    meeting = make_meeting(committee, residents=residents)
    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.packet_job_start(actor=committee["chair"], meeting=meeting)
    seconds = time.monotonic() - began
    job = PacketJob.objects.for_company(meeting.company).get(pk=job.pk)
    assert (job.status, job.done, job.total) == ("done", 30, 30)
    assert seconds < 60, f"30 packets took {seconds:.1f} s"
    reader = PdfReader(io.BytesIO(bytes(job.pdf)))
    assert len(reader.pages) >= 30
    print(f"\n30 packets (1,200 assessments): {seconds:.2f} s, {len(reader.pages)} pages")
