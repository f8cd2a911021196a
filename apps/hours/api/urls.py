from django.urls import path

from apps.hours.api import views

urlpatterns = [
    path("hours/time-records/", views.time_record_list, name="hours-time-record-list"),
    path("hours/time-records/decisions/", views.time_record_decisions, name="hours-time-record-decisions"),
    path("hours/time-records/<uuid:record_id>/", views.time_record_detail, name="hours-time-record-detail"),
    path("hours/time-records/<uuid:record_id>/clock-out/", views.time_record_clock_out,
         name="hours-time-record-clock-out"),
    path("hours/work-entries/", views.work_entry_list, name="hours-work-entry-list"),
    path("hours/work-entries/<uuid:entry_id>/", views.work_entry_detail, name="hours-work-entry-detail"),
    path("hours/programs/<uuid:program_id>/call-roster/", views.call_roster, name="hours-call-roster"),
    path("hours/planned-shifts/<uuid:shift_id>/", views.planned_shift_detail, name="hours-planned-shift-detail"),
    path("hours/learners/<uuid:learner_id>/compliance/", views.learner_compliance, name="hours-learner-compliance"),
]
