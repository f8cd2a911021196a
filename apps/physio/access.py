"""Who may do what in physiotherapy — the one place pages, the API and FHIR ask.

Permission codes come from clinical (``apps.clinical.access.user_has_code``): ``physio.write``
(evaluations, pain maps, plans), ``prom.send`` (PROMs and intake forms, booking requests),
``library.manage`` (exercises, plan and PROM templates), ``chart.read`` (reading scores and maps),
``note.sign`` (signing an evaluation). Objects come through ``get_<obj>_for_user``: another
company's object is a 404; the right company without the code is a 403.
"""

from django.core.exceptions import PermissionDenied

from apps.clinical.access import get_in_company_or_404, log_patient_access, require_code, user_has_code

__all__ = ["log_patient_access", "user_has_code"]

WRITE, SEND, LIBRARY, READ = "physio.write", "prom.send", "library.manage", "chart.read"


def can_read_physio(user) -> bool:
    return user_has_code(user, READ)


def can_write_physio(user, site=None) -> bool:
    return user_has_code(user, WRITE, site)


def can_send_proms(user) -> bool:
    return user_has_code(user, SEND)


def can_manage_library(user) -> bool:
    return user_has_code(user, LIBRARY)


def can_book(user) -> bool:
    return user_has_code(user, "appointment.manage")


def get_patient_for_user(user, patient_id, code=READ):
    from apps.clinical.access import get_patient_for_user as clinical_patient

    return clinical_patient(user, patient_id, code)


def get_visit_for_user(user, visit_id, code=WRITE):
    from apps.clinical.models import Visit

    visit = get_in_company_or_404(Visit.objects.select_related("patient", "case", "site"), user, pk=visit_id)
    require_code(user, code, visit.site_id if code == WRITE else None)
    return visit


def get_evaluation_for_user(user, evaluation_id, code=READ):
    from apps.physio.models import Evaluation

    evaluation = get_in_company_or_404(Evaluation.objects.select_related(
        "visit__site", "patient", "author", "signed_by", "template", "case"), user, pk=evaluation_id)
    require_code(user, code)
    return evaluation


def can_edit_evaluation(user, evaluation) -> bool:
    return (not evaluation.is_signed and evaluation.author_id == user.pk
            and user_has_code(user, WRITE, evaluation.visit.site_id))


def can_sign_evaluation(user, evaluation) -> bool:
    return can_edit_evaluation(user, evaluation) and user_has_code(user, "note.sign", evaluation.visit.site_id)


def get_pain_assessment_for_user(user, assessment_id, code=READ):
    from apps.physio.models import PainAssessment

    assessment = get_in_company_or_404(PainAssessment.objects.select_related("patient", "visit"), user,
                                       pk=assessment_id)
    require_code(user, code)
    return assessment


def get_plan_for_user(user, plan_id, code=READ):
    from apps.physio.models import TreatmentPlan

    plan = get_in_company_or_404(TreatmentPlan.objects.select_related("patient", "case", "created_by"), user,
                                 pk=plan_id)
    require_code(user, code)
    return plan


def get_portal_plan_for_user(user, plan_id):
    """A patient's own plan in the portal (404 for anyone else's)."""
    from apps.clinical.access import portal_patient_for
    from apps.physio.models import TreatmentPlan

    patient = portal_patient_for(user)
    return get_in_company_or_404(TreatmentPlan.objects.select_related("patient").filter(patient=patient), user,
                                 pk=plan_id)


def get_plan_exercise_for_portal(user, plan_exercise_id):
    from apps.clinical.access import portal_patient_for
    from apps.physio.models import PlanExercise

    patient = portal_patient_for(user)
    return get_in_company_or_404(PlanExercise.objects.select_related("phase__plan", "exercise")
                                 .filter(phase__plan__patient=patient), user, pk=plan_exercise_id)


def get_prom_template_for_user(user, template_id, code=READ):
    from apps.physio.models import PromTemplate

    template = get_in_company_or_404(PromTemplate.objects.all(), user, pk=template_id)
    if not (user_has_code(user, code) or user_has_code(user, SEND)):
        raise PermissionDenied(f"needs {code}")
    return template


def get_prom_instance_for_user(user, instance_id, code=SEND):
    from apps.physio.models import PromInstance

    instance = get_in_company_or_404(PromInstance.objects.select_related("patient", "template_version__template"),
                                     user, pk=instance_id)
    require_code(user, code)
    return instance


def get_prom_response_for_user(user, response_id, code=READ):
    from apps.physio.models import PromResponse

    response = get_in_company_or_404(PromResponse.objects.select_related(
        "patient", "template_version__template", "instance"), user, pk=response_id)
    require_code(user, code)
    return response


def get_prom_flag_for_user(user, flag_id, code=READ):
    from apps.physio.models import PromFlag

    flag = get_in_company_or_404(PromFlag.objects.select_related("patient", "response"), user, pk=flag_id)
    require_code(user, code)
    return flag


def get_booking_request_for_user(user, request_id):
    from apps.physio.models import BookingRequest

    booking = get_in_company_or_404(BookingRequest.objects.select_related("patient", "source_response"), user,
                                    pk=request_id)
    require_code(user, "appointment.manage")
    return booking


def get_intake_for_user(user, intake_id, code=SEND):
    from apps.physio.models import IntakeInstance

    intake = get_in_company_or_404(IntakeInstance.objects.select_related("patient", "form"), user, pk=intake_id)
    require_code(user, code)
    return intake
