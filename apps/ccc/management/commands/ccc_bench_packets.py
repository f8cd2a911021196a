"""Bench entry: time the PDF of 30 CCC packets built from the demo's surgery data (two years of EPA
assessments): ``manage.py ccc_bench_packets [--meeting <id>] [--count 30]``. The meeting's
residents are repeated up to ``--count`` packets when it lists fewer. Reads only; writes nothing."""

import itertools
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from apps.ccc import jobs, pdf, selectors
from apps.ccc.models import CCCMeeting
from apps.core.scoping import unscoped


class Command(BaseCommand):
    help = "Time the PDF of N CCC packets (default 30) for a meeting (default: the demo surgery CCC)."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", help="CCC meeting id (default: Northwind General Surgery's planned CCC)")
        parser.add_argument("--count", type=int, default=30)

    def handle(self, *args, **options):
        with unscoped("bench: platform command reading one meeting"):
            meetings = CCCMeeting.objects.unscoped().select_related("program", "academic_year")
            meeting = (meetings.filter(pk=options["meeting"]).first() if options["meeting"] else
                       meetings.filter(program__name="Northwind General Surgery Residency").order_by("-date").first())
            if meeting is None:
                raise CommandError("No meeting: run make demo first, or pass --meeting.")
            learners = selectors.meeting_learners(meeting)
            if not learners:
                raise CommandError("The meeting lists no residents.")
            chosen = list(itertools.islice(itertools.cycle(learners), options["count"]))
            reset_queries()
            began = time.monotonic()
            with CaptureQueriesContext(connection) as queries:
                violations = jobs.violations_for(meeting, learners)
                packets = [packet for start in range(0, len(chosen), jobs.PACKET_BATCH)
                           for packet in selectors.packets_for(meeting=meeting,
                                                               learners=chosen[start:start + jobs.PACKET_BATCH],
                                                               violations_by_learner=violations)]
                content = pdf.packets_pdf(meeting, packets)
            seconds = time.monotonic() - began
        assessments = sum(len(packet.assessments) for packet in packets)
        self.stdout.write(f"{len(packets)} packets ({len(set(learner.pk for learner in chosen))} residents, "
                          f"{assessments} assessments in the period) for {meeting.program.name}: {seconds:.2f} s, "
                          f"{len(queries)} queries, PDF {len(content) / 1024:.0f} KiB")
