from django.urls import path

from apps.billing.fhir import views

urlpatterns = [
    path("Invoice/<uuid:invoice_id>", views.invoice, name="fhir-invoice"),
]
