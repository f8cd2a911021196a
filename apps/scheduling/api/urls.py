from django.urls import path

from apps.scheduling.api import views

urlpatterns = [
    path("scheduling/slots/", views.slot_list, name="scheduling-slot-list"),
    path("scheduling/appointments/", views.appointment_list, name="scheduling-appointment-list"),
    path("scheduling/appointments/<uuid:appointment_id>/", views.appointment_detail,
         name="scheduling-appointment-detail"),
    path("scheduling/appointments/<uuid:appointment_id>/cancel/", views.appointment_cancel,
         name="scheduling-appointment-cancel"),
    path("scheduling/series/", views.series_list, name="scheduling-series-list"),
    path("scheduling/series/<uuid:series_id>/", views.series_detail, name="scheduling-series-detail"),
    path("scheduling/waitlist/", views.waitlist_list, name="scheduling-waitlist-list"),
]
