from rest_framework.routers import SimpleRouter

from apps.assessments.api.views import AssessmentRequestViewSet, AssessmentViewSet

router = SimpleRouter()
router.register("assessments", AssessmentViewSet, basename="epa-assessment")
router.register("assessment-requests", AssessmentRequestViewSet, basename="assessment-request")

urlpatterns = router.urls
