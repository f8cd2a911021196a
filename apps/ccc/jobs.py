"""The work of the CCC's Celery tasks (tasks.py stays thin; jobs never dispatch tasks)."""

import datetime
import time
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.ccc import pdf, selectors
from apps.ccc.models import CCCMeeting, PacketJob, ResidentReview
from apps.core.links import absolute_url
from apps.notifications.services import notification_send
from apps.tenants.models import Membership
from apps.tenants.roles import PROGRAM_MANAGERS

FOLLOW_UP_NOTICE_DAYS = 7
PACKET_BATCH = 10


def progress_key(job_id) -> str:
    return f"ccc:packet-job:{job_id}"


def packet_pdf_build(*, company_id, job_id) -> dict:
    job = PacketJob.objects.for_company(company_id).filter(pk=job_id).select_related("meeting").first()
    if job is None or job.status == PacketJob.Status.DONE:
        return {"skipped": True}
    began = time.monotonic()
    meeting = (CCCMeeting.objects.for_company(company_id).select_related("program", "academic_year")
               .get(pk=job.meeting_id))
    PacketJob.objects.for_company(company_id).filter(pk=job.pk).update(status=PacketJob.Status.RUNNING)
    learners = selectors.meeting_learners(meeting)
    violations = violations_for(meeting, learners)

    def batches():
        for index in range(0, len(learners), PACKET_BATCH):  # a constant number of queries per batch
            yield from selectors.packets_for(meeting=meeting, learners=learners[index:index + PACKET_BATCH],
                                             violations_by_learner=violations)

    def progress(done):
        cache.set(progress_key(job.pk), done, 3600)
        PacketJob.objects.for_company(company_id).filter(pk=job.pk).update(done=done)

    try:
        content = pdf.packets_pdf(meeting, batches(), progress=progress)
    except Exception as error:  # recorded on the job for the page; the task itself does not retry
        PacketJob.objects.for_company(company_id).filter(pk=job.pk).update(
            status=PacketJob.Status.FAILED, error=str(error)[:1000], finished_at=timezone.now())
        raise
    seconds = Decimal(f"{time.monotonic() - began:.2f}")
    PacketJob.objects.for_company(company_id).filter(pk=job.pk).update(
        status=PacketJob.Status.DONE, done=len(learners), total=len(learners), pdf=content,
        finished_at=timezone.now(), seconds=seconds)
    return {"packets": len(learners), "seconds": float(seconds), "bytes": len(content)}


def violations_for(meeting, learners) -> dict:
    """Work-hour violations (and warnings) of the meeting's evidence window for all its residents:
    the stored findings where current (``selectors.work_hour_violations``), a fixed number of
    queries for any number of residents."""
    start, end = meeting.window
    return selectors.work_hour_violations(company_id=meeting.company_id, learner_ids=[learner.pk for learner in learners],
                                          start=start, end=min(end, meeting.date))


def final_reviews_notify(*, company_id, meeting_id) -> int:
    meeting = CCCMeeting.objects.for_company(company_id).select_related("program", "academic_year").filter(
        pk=meeting_id, status=CCCMeeting.Status.COMPLETED).first()
    if meeting is None:
        return 0
    sent = 0
    for review in meeting.reviews.select_related("learner__user"):
        sent += bool(notification_send(
            company_id=company_id, user=review.learner.user, kind="ccc_review_final",
            idempotency_key=f"ccc:review-final:{review.pk}",
            context={"program": meeting.program.name, "period": meeting.get_period_display().lower(),
                     "year": meeting.academic_year.name},
            action_url=absolute_url(reverse("ccc:my_review", args=[review.pk]))))
    return sent


def remediation_follow_ups_remind(*, company_id, today: datetime.date | None = None) -> int:
    """Remediation follow-ups due within a week (or overdue) and not yet reminded: one notice to
    the meeting's chair and each manager of the program, then the review is marked reminded."""
    today = today or timezone.localdate()
    due = list(ResidentReview.objects.for_company(company_id)
               .filter(remediation=True, finalised_at__isnull=False, follow_up_reminded_on__isnull=True,
                       follow_up_date__lte=today + datetime.timedelta(days=FOLLOW_UP_NOTICE_DAYS))
               .select_related("learner__user", "meeting__program", "meeting__chair").order_by("pk"))
    if not due:
        return 0
    program_ids = {review.meeting.program_id for review in due}
    managers = {}
    for membership in (Membership.objects.for_company(company_id)
                       .filter(program_id__in=program_ids, role__in=PROGRAM_MANAGERS).select_related("user")):
        managers.setdefault(membership.program_id, {})[membership.user_id] = membership.user
    sent = 0
    for review in due:
        with transaction.atomic():
            locked = ResidentReview.objects.for_company(company_id).select_for_update().get(pk=review.pk)
            if locked.follow_up_reminded_on is not None:
                continue
            recipients = {review.meeting.chair_id: review.meeting.chair, **managers.get(review.meeting.program_id, {})}
            for user in recipients.values():
                notification_send(
                    company_id=company_id, user=user, kind="ccc_follow_up_due",
                    idempotency_key=f"ccc:follow-up:{review.pk}:{review.follow_up_date}:{user.pk}",
                    context={"learner": str(review.learner), "program": review.meeting.program.name,
                             "follow_up_date": review.follow_up_date, "plan": review.remediation_plan},
                    action_url=absolute_url(reverse("ccc:resident", args=[review.meeting_id, review.learner_id])))
                sent += 1
            locked.follow_up_reminded_on = today
            locked._history_user = None
            locked.save(update_fields=["follow_up_reminded_on", "updated_at"])
    return sent
