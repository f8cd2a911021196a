from django.urls import path

from apps.assessments import analytics_views as views

urlpatterns = [
    path("", views.analytics_home, name="analytics_home"),
    path("floor/", views.framework_floor, name="analytics_floor"),
    path("learners/<uuid:learner_id>/", views.learner_progress, name="analytics_learner_progress"),
    path("programs/<uuid:program_id>/", views.program_dashboard, name="analytics_program_dashboard"),
    path("programs/<uuid:program_id>/export/<slug:table>.csv", views.program_export,
         name="analytics_program_export"),
]
