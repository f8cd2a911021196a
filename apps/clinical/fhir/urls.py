from django.urls import path

from apps.clinical.fhir import views

urlpatterns = [
    path("Patient/<uuid:patient_id>", views.patient, name="fhir-patient"),
    path("Patient/<uuid:patient_id>/$everything", views.patient_everything, name="fhir-patient-everything"),
    path("Encounter/<uuid:visit_id>", views.encounter, name="fhir-encounter"),
    path("Observation/<str:observation_id>", views.observation, name="fhir-observation"),
    path("AllergyIntolerance/<uuid:allergy_id>", views.allergy_intolerance, name="fhir-allergyintolerance"),
    path("Condition/<uuid:condition_id>", views.condition, name="fhir-condition"),
]
