from django.urls import path

from apps.reference.web import views

urlpatterns = [
    path("", views.reference_library, name="reference_library"),
    path("feedback-tags/new/", views.feedback_tag_create, name="reference_feedback_tag_create"),
    path("feedback-tags/<int:tag_id>/deactivate/", views.feedback_tag_deactivate,
         name="reference_feedback_tag_deactivate"),
    path("case-types/new/", views.case_type_create, name="reference_case_type_create"),
    path("case-types/<int:case_type_id>/deactivate/", views.case_type_deactivate,
         name="reference_case_type_deactivate"),
]
