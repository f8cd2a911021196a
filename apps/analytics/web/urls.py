from django.urls import path

from apps.analytics.web import views

urlpatterns = [
    path("", views.analytics_home, name="analytics_home"),
    path("progress/", views.my_progress, name="analytics_my_progress"),
    path("learners/<uuid:learner_id>/", views.learner_progress, name="analytics_learner_progress"),
    path("learners/<uuid:learner_id>/portfolio/", views.learner_portfolio, name="analytics_learner_portfolio"),
    path("programs/<uuid:program_id>/", views.program_dashboard, name="analytics_program_dashboard"),
    path("programs/<uuid:program_id>/export/<slug:table>.csv", views.program_export,
         name="analytics_program_export"),
]
