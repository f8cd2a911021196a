from django.urls import path

from apps.physio.api import views

urlpatterns = [
    path("physio/templates/", views.template_list, name="physio-template-list"),
    path("physio/templates/<uuid:template_id>/", views.template_detail, name="physio-template-detail"),
    path("physio/patients/<uuid:patient_id>/instances/", views.instance_list, name="physio-instance-list"),
    path("physio/patients/<uuid:patient_id>/responses/", views.response_list, name="physio-response-list"),
    path("physio/patients/<uuid:patient_id>/plans/", views.plan_list, name="physio-plan-list"),
    path("physio/responses/<uuid:response_id>/", views.response_detail, name="physio-response-detail"),
    path("physio/plans/<uuid:plan_id>/", views.plan_detail, name="physio-plan-detail"),
    path("physio/plan-exercises/<uuid:plan_exercise_id>/feedback/", views.feedback_list, name="physio-feedback-list"),
]
