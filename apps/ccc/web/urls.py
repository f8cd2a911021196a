from django.urls import path

from apps.ccc.web import views

app_name = "ccc"

urlpatterns = [
    path("", views.index, name="index"),
    path("my/", views.my_reviews, name="my_reviews"),
    path("my/<uuid:review_id>/", views.my_review, name="my_review"),
    path("programs/<uuid:program_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("programs/<uuid:program_id>/mapping/", views.mapping, name="mapping"),
    path("programs/<uuid:program_id>/report/", views.report, name="report"),
    path("programs/<uuid:program_id>/report.csv", views.report_csv, name="report_csv"),
    path("programs/<uuid:program_id>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("programs/<uuid:program_id>/report/mark-reported/", views.report_mark_reported, name="report_mark_reported"),
    path("meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<uuid:meeting_id>/start/", views.meeting_start, name="meeting_start"),
    path("meetings/<uuid:meeting_id>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<uuid:meeting_id>/complete/", views.meeting_complete, name="meeting_complete"),
    path("meetings/<uuid:meeting_id>/packets/", views.packets_start, name="packets_start"),
    path("meetings/<uuid:meeting_id>/residents/<uuid:learner_id>/", views.resident, name="resident"),
    path("jobs/<uuid:job_id>/", views.job_status, name="job_status"),
    path("jobs/<uuid:job_id>/download/", views.job_download, name="job_download"),
]
