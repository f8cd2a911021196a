from django.urls import path

from apps.hospital.fhir import views

# Routed before clinical's FHIR routes: lab observations are ``Observation/lab-<result id>``, which
# clinical's ``Observation/<vitals id>-<key>`` pattern would otherwise take.
urlpatterns = [
    path("ServiceRequest/<uuid:order_id>", views.service_request, name="fhir-servicerequest"),
    path("DiagnosticReport/<uuid:order_id>", views.diagnostic_report, name="fhir-diagnosticreport"),
    path("Observation/lab-<uuid:result_id>", views.lab_observation, name="fhir-lab-observation"),
    path("MedicationRequest/<uuid:prescription_id>", views.medication_request, name="fhir-medicationrequest"),
    path("MedicationDispense/<uuid:dispense_id>", views.medication_dispense, name="fhir-medicationdispense"),
    path("MedicationAdministration/<uuid:dose_id>", views.medication_administration,
         name="fhir-medicationadministration"),
    path("Location/<uuid:location_id>", views.location, name="fhir-location"),
]
