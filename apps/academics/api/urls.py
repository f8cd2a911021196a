from rest_framework.routers import SimpleRouter

from apps.academics.api import views as api

router = SimpleRouter()
router.register("programs", api.ProgramViewSet, basename="academics-program")
router.register("learners", api.LearnerViewSet, basename="academics-learner")
router.register("assignments", api.AssignmentViewSet, basename="academics-assignment")

urlpatterns = router.urls
