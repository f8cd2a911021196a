"""The work physio's tasks run. Never dispatches tasks itself."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.links import absolute_url
from apps.notifications.services import notification_send
from apps.notifications.sms import sms_send
from apps.physio import signing
from apps.physio.models import IntakeInstance, PromFlag, PromInstance


def _deliver(*, row, channel, patient, path, what, company_name):
    url = absolute_url(path)
    expires = timezone.localtime(row.expires_at)
    body = (f"{company_name}: please fill in {what} before {expires:%B %-d}. This link works once and "
            f"needs no password: {url}")
    if channel == "sms":
        sms_send(to=patient.phone, body=body)
    elif channel == "email":
        send_mail(subject=f"{company_name}: {what}", message=f"Hello {patient.first_name},\n\n{body}\n",
                  from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[patient.email])


def prom_link_deliver(*, company_id, instance_id) -> bool:
    """Send the link once (``delivered_at`` is the exactly-once record)."""
    with transaction.atomic():
        instance = (PromInstance.objects.for_company(company_id).select_for_update(of=("self",))
                    .select_related("patient", "template_version__template", "company").get(pk=instance_id))
        if instance.delivered_at is not None or instance.status != PromInstance.Status.SENT:
            return False
        _deliver(row=instance, channel=instance.channel, patient=instance.patient,
                 path=signing.prom_link_path(instance), what=f"the questionnaire “{instance.template_version.template}”",
                 company_name=instance.company.name)
        instance.delivered_at = timezone.now()
        instance.save(update_fields=["delivered_at", "updated_at"])
    return True


def intake_link_deliver(*, company_id, intake_id) -> bool:
    with transaction.atomic():
        intake = (IntakeInstance.objects.for_company(company_id).select_for_update(of=("self",))
                  .select_related("patient", "form", "company").get(pk=intake_id))
        if intake.link_used_at is not None:
            return False
        _deliver(row=intake, channel=intake.channel, patient=intake.patient, path=signing.intake_link_path(intake),
                 what=f"the intake form “{intake.form}”", company_name=intake.company.name)
    return True


def prom_flag_notify(*, company_id, flag_id) -> int:
    """At once, in-app and e-mail, to the clinician who sent the PROM (else the patient's primary
    practitioner); idempotent by the flag's id."""
    flag = PromFlag.objects.for_company(company_id).select_related("patient", "clinician", "response").get(pk=flag_id)
    recipient = flag.clinician or flag.patient.primary_practitioner
    if recipient is None:
        return 0
    created = notification_send(
        company_id=company_id, user=recipient, kind="prom_flag", idempotency_key=f"prom-flag:{flag.pk}",
        context={"flag": flag, "patient": flag.patient},
        action_url=absolute_url(reverse("physio:patient", kwargs={"patient_id": flag.patient_id})))
    return len(created)
