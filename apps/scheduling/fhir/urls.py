from django.urls import path

from apps.scheduling.fhir import views

urlpatterns = [
    path("Appointment", views.appointment_search, name="fhir-appointment-search"),
    path("Appointment/<uuid:appointment_id>", views.appointment, name="fhir-appointment"),
    path("Schedule/<uuid:practitioner_id>", views.schedule, name="fhir-schedule"),
    path("Slot", views.slot_search, name="fhir-slot-search"),
]
