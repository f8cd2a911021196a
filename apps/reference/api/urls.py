from rest_framework.routers import SimpleRouter

from apps.reference.api import views as api

router = SimpleRouter()
router.register("reference/specialties", api.SpecialtyViewSet, basename="reference-specialty")
router.register("reference/competencies", api.CompetencyViewSet, basename="reference-competency")
router.register("reference/entrustment-scales", api.EntrustmentScaleViewSet, basename="reference-entrustment-scale")
router.register("reference/epa-sets", api.EPASetViewSet, basename="reference-epa-set")
router.register("reference/epas", api.EPAViewSet, basename="reference-epa")
router.register("reference/milestone-sets", api.MilestoneSetViewSet, basename="reference-milestone-set")
router.register("reference/milestones", api.MilestoneViewSet, basename="reference-milestone")
router.register("reference/case-types", api.CaseTypeViewSet, basename="reference-case-type")
router.register("reference/feedback-tags", api.FeedbackTagViewSet, basename="reference-feedback-tag")

urlpatterns = router.urls
