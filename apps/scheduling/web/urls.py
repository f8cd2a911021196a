from django.urls import path

from apps.scheduling.web import views

app_name = "scheduling"

urlpatterns = [
    path("", views.home, name="home"),
    path("sites/<uuid:site_id>/day/", views.day, name="day"),
    path("sites/<uuid:site_id>/today/", views.today, name="today"),
    path("sites/<uuid:site_id>/book/", views.book, name="book"),
    path("sites/<uuid:site_id>/series/new/", views.series_new, name="series_new"),
    path("sites/<uuid:site_id>/slots/", views.slots, name="slots"),
    path("sites/<uuid:site_id>/waitlist/", views.waitlist, name="waitlist"),
    path("sites/<uuid:site_id>/hours/", views.working_hours, name="working_hours"),
    path("sites/<uuid:site_id>/hours/<uuid:availability_id>/remove/", views.working_hours_remove,
         name="working_hours_remove"),
    path("practitioners/<uuid:practitioner_id>/week/", views.week, name="week"),
    path("appointments/<uuid:appointment_id>/", views.appointment, name="appointment"),
    path("appointments/<uuid:appointment_id>/status/", views.appointment_status, name="appointment_status"),
    path("appointments/<uuid:appointment_id>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("appointments/<uuid:appointment_id>/move/", views.appointment_move, name="appointment_move"),
    path("patients/<uuid:patient_id>/", views.patient_appointments, name="patient_appointments"),
    path("patients/<uuid:patient_id>/reminders/", views.contact_preference, name="contact_preference"),
    path("waitlist/<uuid:entry_id>/remove/", views.waitlist_remove, name="waitlist_remove"),
    path("services/", views.service_types, name="service_types"),
    path("calendar/", views.feeds, name="feeds"),
    path("calendar/feeds/<uuid:feed_id>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/<str:token>.ics", views.feed_ics, name="feed_ics"),
    # Public (no sign-in): the self-booking page and the signed links it and the waitlist mail.
    path("online/<uuid:site_id>/", views.public_book, name="public_book"),
    path("online/confirm/<str:token>/", views.public_confirm, name="public_confirm"),
    path("online/offer/<str:token>/", views.public_offer, name="public_offer"),
]
