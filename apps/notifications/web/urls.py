from django.urls import path

from apps.notifications.web import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("<uuid:notification_id>/read/", views.mark_read, name="mark_read"),
]
