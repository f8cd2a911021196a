from rest_framework.routers import SimpleRouter

from apps.assessments import reference_api as api

router = SimpleRouter()
router.register("reference/epa-sets", api.EPASetViewSet, basename="reference-epa-set")
router.register("reference/competencies", api.CompetencyViewSet, basename="reference-competency")
router.register("reference/case-types", api.CaseTypeViewSet, basename="reference-case-type")
router.register("reference/feedback-tags", api.FeedbackTagViewSet, basename="reference-feedback-tag")

urlpatterns = router.urls
