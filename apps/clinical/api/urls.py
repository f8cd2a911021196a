from django.urls import path

from apps.clinical.api import views

urlpatterns = [
    path("clinical/patients/", views.patient_list, name="clinical-patient-list"),
    path("clinical/patients/<uuid:patient_id>/", views.patient_detail, name="clinical-patient-detail"),
    path("clinical/patients/<uuid:patient_id>/chart/", views.patient_chart, name="clinical-patient-chart"),
    path("clinical/patients/<uuid:patient_id>/records/<slug:kind>/", views.record_list, name="clinical-record-list"),
    path("clinical/patients/<uuid:patient_id>/vitals/", views.vitals_list, name="clinical-vitals-list"),
    path("clinical/patients/<uuid:patient_id>/cases/", views.case_create, name="clinical-case-create"),
    path("clinical/cases/<uuid:case_id>/visits/", views.visit_create, name="clinical-visit-create"),
    path("clinical/visits/<uuid:visit_id>/notes/", views.visit_notes, name="clinical-visit-notes"),
    path("clinical/notes/<uuid:note_id>/", views.note_detail, name="clinical-note-detail"),
    path("clinical/notes/<uuid:note_id>/sign/", views.note_sign, name="clinical-note-sign"),
    path("clinical/notes/<uuid:note_id>/cosign/", views.note_cosign, name="clinical-note-cosign"),
    path("clinical/notes/<uuid:note_id>/addenda/", views.note_addenda, name="clinical-note-addenda"),
]
