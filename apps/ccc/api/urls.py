from rest_framework.routers import SimpleRouter

from apps.ccc.api.views import MeetingViewSet, MilestoneAssessmentViewSet, ReviewViewSet

router = SimpleRouter()
router.register("ccc/meetings", MeetingViewSet, basename="ccc-meeting")
router.register("ccc/reviews", ReviewViewSet, basename="ccc-review")
router.register("ccc/milestone-assessments", MilestoneAssessmentViewSet, basename="ccc-milestone-assessment")

urlpatterns = router.urls
