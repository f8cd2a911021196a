from django.urls import path

from apps.hours.web import views

app_name = "hours"

urlpatterns = [
    path("", views.home, name="home"),
    path("clock/", views.clock, name="clock"),
    path("clock/in/", views.clock_in, name="clock_in"),
    path("clock/out/", views.clock_out, name="clock_out"),
    path("records/", views.records, name="records"),
    path("records/new/", views.record_new, name="record_new"),
    path("records/<uuid:record_id>/", views.record_detail, name="record_detail"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/decide/", views.approvals_decide, name="approvals_decide"),
    path("week/", views.week, name="week"),
    path("week/confirm/", views.week_confirm, name="week_confirm"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<uuid:entry_id>/", views.entry_edit, name="entry_edit"),
    path("entries/<uuid:entry_id>/delete/", views.entry_delete, name="entry_delete"),
    path("programs/<uuid:program_id>/progress/", views.program_progress, name="progress"),
    path("programs/<uuid:program_id>/roster/", views.roster, name="roster"),
    path("programs/<uuid:program_id>/roster/preview/", views.roster_preview, name="roster_preview"),
    path("programs/<uuid:program_id>/roster/<uuid:shift_id>/delete/", views.roster_delete, name="roster_delete"),
    path("programs/<uuid:program_id>/compliance/", views.compliance, name="compliance"),
    path("programs/<uuid:program_id>/compliance/export/", views.compliance_export, name="compliance_export"),
    path("programs/<uuid:program_id>/compliance/<uuid:learner_id>/", views.compliance_learner,
         name="compliance_learner"),
    path("programs/<uuid:program_id>/compliance/<uuid:learner_id>/unlock/", views.week_unlock, name="week_unlock"),
    path("programs/<uuid:program_id>/policy/", views.policy, name="policy"),
]
