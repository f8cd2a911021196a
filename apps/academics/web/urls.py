from django.urls import path

from apps.academics.web import views

app_name = "academics"

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("schedule/", views.my_schedule, name="my_schedule"),
    path("calendar/", views.feeds, name="feeds"),
    path("calendar/feeds/<uuid:feed_id>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/<str:token>.ics", views.feed_ics, name="feed_ics"),
    path("<uuid:program_id>/", views.program_detail, name="program_detail"),
    path("<uuid:program_id>/roster/", views.roster, name="roster"),
    path("<uuid:program_id>/roster/export/", views.export_roster, name="export_roster"),
    path("<uuid:program_id>/people/add/", views.person_add, name="person_add"),
    path("<uuid:program_id>/people/<uuid:user_id>/", views.person_detail, name="person_detail"),
    path("<uuid:program_id>/people/<uuid:user_id>/edit/", views.person_edit, name="person_edit"),
    path("<uuid:program_id>/people/<uuid:user_id>/end-role/", views.membership_end, name="membership_end"),
    path("<uuid:program_id>/import/", views.import_upload, name="import"),
    path("<uuid:program_id>/import/confirm/", views.import_confirm, name="import_confirm"),
    path("<uuid:program_id>/promotion/", views.promotion, name="promotion"),
    path("<uuid:program_id>/years/", views.year_list, name="year_list"),
    path("<uuid:program_id>/years/<uuid:year_id>/", views.year_detail, name="year_detail"),
    path("<uuid:program_id>/years/<uuid:year_id>/grid/", views.grid, name="grid"),
    path("<uuid:program_id>/years/<uuid:year_id>/export/", views.export_schedule, name="export_schedule"),
    path("<uuid:program_id>/years/<uuid:year_id>/grid/<uuid:learner_id>/<uuid:block_id>/", views.grid_cell,
         name="grid_cell"),
]
