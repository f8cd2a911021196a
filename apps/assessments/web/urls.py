from django.urls import path

from apps.assessments.web import views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("board/", views.board, name="board"),
    path("case-types/", views.case_types, name="case_types"),
    path("entrustment-levels/", views.entrustment_levels, name="entrustment_levels"),
    path("link/<str:token>/", views.link, name="link"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:request_id>/decline/", views.request_decline, name="request_decline"),
    path("requests/<uuid:request_id>/cancel/", views.request_cancel, name="request_cancel"),
    path("<uuid:assessment_id>/", views.detail, name="detail"),
    path("<uuid:assessment_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<uuid:assessment_id>/edit/", views.edit, name="edit"),
    path("<uuid:assessment_id>/delete/", views.delete, name="delete"),
    path("<uuid:assessment_id>/restore/", views.restore, name="restore"),
]
