from django.urls import path

from apps.clinical.web import views

app_name = "clinical"

urlpatterns = [
    path("", views.home, name="home"),
    path("cosign/", views.cosign_list, name="cosign_list"),
    path("roles/", views.roles, name="roles"),
    path("me/", views.portal, name="portal"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<uuid:patient_id>/", views.chart, name="chart"),
    path("patients/<uuid:patient_id>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<uuid:patient_id>/delete/", views.patient_delete, name="patient_delete"),
    path("patients/<uuid:patient_id>/records/<slug:kind>/", views.records, name="records"),
    path("patients/<uuid:patient_id>/records/<slug:kind>/<uuid:entry_id>/error/", views.record_entered_in_error,
         name="record_entered_in_error"),
    path("patients/<uuid:patient_id>/vitals/", views.vitals_chart, name="vitals_chart"),
    path("patients/<uuid:patient_id>/vitals/new/", views.vitals_new, name="vitals_new"),
    path("patients/<uuid:patient_id>/cases/new/", views.case_new, name="case_new"),
    path("patients/<uuid:patient_id>/nursing/", views.nurse_log_new, name="nurse_log"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/visits/new/", views.visit_new, name="visit_new"),
    path("visits/<uuid:visit_id>/", views.visit_detail, name="visit_detail"),
    path("visits/<uuid:visit_id>/lock/", views.visit_lock, name="visit_lock"),
    path("visits/<uuid:visit_id>/notes/new/", views.note_new, name="note_new"),
    path("notes/<uuid:note_id>/", views.note_detail, name="note_detail"),
    path("notes/<uuid:note_id>/edit/", views.note_edit, name="note_edit"),
    path("notes/<uuid:note_id>/sign/", views.note_sign, name="note_sign"),
    path("notes/<uuid:note_id>/cosign/", views.note_cosign, name="note_cosign"),
    path("notes/<uuid:note_id>/addenda/", views.addendum_new, name="addendum_new"),
    path("sites/<uuid:site_id>/handoff/", views.handoff, name="handoff"),
]
