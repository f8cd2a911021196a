from django.urls import path

from apps.physio.web import views

app_name = "physio"

urlpatterns = [
    path("", views.home, name="home"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/<uuid:request_id>/book/", views.booking_book, name="booking_book"),
    path("bookings/<uuid:request_id>/dismiss/", views.booking_dismiss, name="booking_dismiss"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("library/", views.library, name="library"),
    path("patients/<uuid:patient_id>/", views.patient, name="patient"),
    path("patients/<uuid:patient_id>/chart-card/", views.chart_card, name="chart_card"),
    path("patients/<uuid:patient_id>/trends/<slug:instrument>/", views.trend, name="trend"),
    path("patients/<uuid:patient_id>/plans/new/", views.plan_new, name="plan_new"),
    path("visits/<uuid:visit_id>/evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("visits/<uuid:visit_id>/pain/new/", views.pain_new, name="pain_new"),
    path("evaluations/<uuid:evaluation_id>/", views.evaluation, name="evaluation"),
    path("evaluations/<uuid:evaluation_id>/sign/", views.evaluation_sign, name="evaluation_sign"),
    path("plans/<uuid:plan_id>/", views.plan, name="plan"),
    path("plans/<uuid:plan_id>/handout/", views.plan_handout, name="plan_handout"),
    path("responses/<uuid:response_id>/", views.response, name="response"),
    path("flags/<uuid:flag_id>/acknowledge/", views.flag_acknowledge, name="flag_acknowledge"),
    path("intakes/<uuid:intake_id>/", views.intake_review, name="intake_review"),
    path("p/<str:token>/", views.prom_link, name="prom_link"),
    path("p/<str:token>/save/", views.prom_autosave, name="prom_autosave"),
    path("i/<str:token>/", views.intake_link, name="intake_link"),
    path("i/<str:token>/save/", views.intake_autosave, name="intake_autosave"),
    path("me/", views.portal, name="portal"),
    path("me/plans/<uuid:plan_id>/", views.portal_plan, name="portal_plan"),
    path("me/exercises/<uuid:plan_exercise_id>/feedback/", views.portal_feedback, name="portal_feedback"),
]
