"""Two small pages that read a protected record the way clinical views will: the learner person
page (one record) and a roster (a list)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path

from apps.academics.models import Learner
from apps.audit.access import access_log_record
from apps.core.access import get_for_company_or_404


@login_required
def learner_page(request, learner_id):
    learner = get_for_company_or_404(Learner.objects, request.user, pk=learner_id)
    access_log_record(actor=request.user, obj_or_queryset=learner, request=request)
    access_log_record(actor=request.user, obj_or_queryset=learner, request=request)  # a second partial: one entry
    return HttpResponse(str(learner))


@login_required
def roster_page(request, program_id):
    learners = list(Learner.objects.for_company(request.user.company_id).filter(program_id=program_id))
    access_log_record(actor=request.user, obj_or_queryset=learners, action="list", request=request)
    return HttpResponse(", ".join(map(str, learners)))


urlpatterns = [
    path("learners/<uuid:learner_id>/", learner_page, name="test_learner_page"),
    path("programs/<uuid:program_id>/roster/", roster_page, name="test_roster_page"),
    path("", include("config.urls")),
]
