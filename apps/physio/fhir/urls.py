from django.urls import path

from apps.physio.fhir import views

urlpatterns = [
    path("Questionnaire/<uuid:version_id>", views.questionnaire, name="fhir-questionnaire"),
    path("QuestionnaireResponse/<uuid:response_id>", views.questionnaire_response, name="fhir-questionnaireresponse"),
]
