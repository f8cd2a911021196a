"""CCC API: meetings, reviews, milestone levels and packet data — the same services and access
rules as the pages; residents see only their own finalised reviews (without discussion notes)."""

import uuid

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from apps.academics.access import get_program_for_user
from apps.academics.models import AcademicYear, Learner
from apps.audit.access import access_log_record
from apps.ccc import access, selectors, services
from apps.ccc.api.serializers import (
    CompleteSerializer,
    MeetingCreateSerializer,
    MeetingSerializer,
    MilestoneAssessmentChangeSerializer,
    MilestoneAssessmentSerializer,
    ResidentReviewPublicSerializer,
    ReviewRecordSerializer,
    ReviewSerializer,
)
from apps.ccc.models import CCCMeeting, MilestoneAssessment, ResidentReview
from apps.core.api import TenantScopedMixin, query_param
from apps.tenants.models import User


def _one(queryset, pk, field):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: ["Unknown value."]})
    return obj


class MeetingViewSet(TenantScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = MeetingSerializer
    queryset = CCCMeeting.objects.none()

    def get_queryset(self):
        meetings = access.meetings_visible_to(self.request.user).prefetch_related("members", "residents")
        program = query_param(self.request, "program", uuid.UUID) if self.action == "list" else None
        if program:
            meetings = meetings.filter(program_id=program)
        return meetings.order_by("-date", "pk")

    def get_serializer_class(self):
        return MeetingCreateSerializer if self.action == "create" else MeetingSerializer

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def create(self, request, *args, **kwargs):
        serializer = MeetingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            program = get_program_for_user(request.user, data["program"])
        except Http404:
            raise ValidationError({"program": ["Unknown value."]})
        if not access.can_manage_ccc(request.user, program):
            raise ValidationError({"program": ["Unknown value."]})
        company = self.company
        meeting = services.meeting_create(
            actor=request.user, program=program,
            academic_year=_one(AcademicYear.objects.for_company(company).filter(program=program),
                               data["academic_year"], "academic_year"),
            period=data["period"], date=data["date"],
            chair=_one(User.objects.for_company(company), data["chair"], "chair"),
            member_ids=data["members"], learner_ids=data["residents"], submission_key=data.get("submission_key"))
        meeting = self.get_queryset().get(pk=meeting.pk)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        meeting = services.meeting_start(actor=request.user, meeting=self.get_object())
        return Response(MeetingSerializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(request=CompleteSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_complete(actor=request.user, meeting=self.get_object(),
                                            minutes=serializer.validated_data.get("minutes", ""))
        return Response(MeetingSerializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"], url_path=r"packets/(?P<learner_id>[0-9a-f-]{36})")
    def packet(self, request, pk=None, learner_id=None):
        """One resident's packet as data (what the packet screen shows)."""
        meeting = access.get_meeting_for_user(request.user, pk)
        learner = access.get_meeting_resident_for_user(request.user, meeting, learner_id)
        packet = selectors.packets_for(meeting=meeting, learners=[learner], work_hours=True)[0]
        access_log_record(actor=request.user, obj_or_queryset=learner, action="view", request=request)
        return Response(packet_data(packet))


def packet_data(packet) -> dict:
    return {
        "learner": str(packet.learner.pk), "window": [packet.window[0], packet.window[1]], "as_of": packet.as_of,
        "assessment_count": len(packet.assessments),
        "epas": [{"epa": row["epa"].number, "name": row["epa"].name, "count": row["count"], "levels": row["levels"],
                  "half_years": [{"half_year": label, "mean_level": round(mean, 2), "count": count}
                                 for label, mean, count in row["history"]]}
                 for row in packet.epa_rows],
        "coverage_gaps": [epa.number for epa in packet.gaps],
        "narratives": {label: [{"assessment": str(a.pk), "date": a.assessment_date, "text": a.narrative_feedback}
                               for a in items] for label, items in packet.narratives.items()},
        "work_hour_violations": None if not packet.violations_available else [
            {"rule": v.rule, "label": v.label, "warning": v.is_warning, "start": v.start, "end": v.end,
             "detail": v.detail} for v in packet.violations],
        "last_review_areas_for_improvement": packet.last_review.areas_for_improvement if packet.last_review else None,
        "subcompetencies": [{
            "milestone": row["milestone"].pk, "code": row["milestone"].subcompetency_code,
            "mapped": row["mapped"], "suggested_level": row["suggestion"].level,
            "suggestion": row["suggestion"].explanation if row["mapped"] else None,
            "evidence": [{"assessment": str(item.assessment_id), "date": item.date, "level": item.level,
                          "weight": str(item.weight), "recency": str(recency)}
                         for item, recency in row["suggestion"].evidence],
            "decided_level": row["current"].level if row["current"] else None,
            "previous_levels": [{"academic_year": p.academic_year.name, "period": p.period, "level": p.level}
                                for p in row["previous"]],
        } for row in packet.rows],
    }


class ReviewViewSet(TenantScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """Committee: every review of its meetings (with discussion notes). Resident: their own
    finalised reviews only, without discussion notes. POST records a review (the chair)."""

    serializer_class = ReviewSerializer
    queryset = ResidentReview.objects.none()

    def get_queryset(self):
        reviews = access.reviews_visible_to(self.request.user).select_related("learner")
        if self.action == "list":
            meeting = query_param(self.request, "meeting", uuid.UUID)
            if meeting:
                reviews = reviews.filter(meeting_id=meeting)
        return reviews.distinct().order_by("-created_at", "pk")

    def get_serializer(self, *args, **kwargs):
        if self.action == "create":
            return ReviewRecordSerializer(*args, **kwargs)
        instance = args[0] if args else None
        rows = instance if isinstance(instance, list | tuple) else [instance] if instance is not None else []
        if any(row.learner.user_id == self.request.user.pk for row in rows):
            return ResidentReviewPublicSerializer(*args, **kwargs)
        return ReviewSerializer(*args, **kwargs)

    @extend_schema(request=ReviewRecordSerializer, responses={201: ReviewSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ReviewRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            meeting = access.get_meeting_for_user(request.user, data["meeting"])
        except Http404:
            raise ValidationError({"meeting": ["Unknown value."]})
        learner = _one(Learner.objects.for_company(self.company).filter(program_id=meeting.program_id),
                       data["learner"], "learner")
        levels = {item["milestone"]: (item["level"], item.get("rationale", "")) for item in data.get("levels", [])}
        review = services.review_record(
            actor=request.user, meeting=meeting, learner=learner, levels=levels, reason=data.get("reason", ""),
            **{name: data[name] for name in ("overall_performance", "promotion_recommendation", "strengths",
                                             "areas_for_improvement", "remediation", "remediation_plan",
                                             "follow_up_date", "discussion_notes") if name in data})
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class MilestoneAssessmentViewSet(TenantScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                 viewsets.GenericViewSet):
    """Levels: the committee's and managers' view; a resident sees their own once final. PATCH
    changes a level (a reported one needs a reason)."""

    serializer_class = MilestoneAssessmentSerializer
    queryset = MilestoneAssessment.objects.none()

    def get_queryset(self):
        levels = access.milestone_assessments_visible_to(self.request.user)
        if self.action == "list":
            learner = query_param(self.request, "learner", uuid.UUID)
            if learner:
                levels = levels.filter(learner_id=learner)
        return levels.select_related("milestone").distinct().order_by("academic_year_id", "period", "milestone_id", "pk")

    @extend_schema(request=MilestoneAssessmentChangeSerializer, responses=MilestoneAssessmentSerializer)
    def partial_update(self, request, pk=None):
        assessment = access.get_milestone_assessment_for_user(request.user, pk)
        serializer = MilestoneAssessmentChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not access.can_change_milestone_assessment(request.user, assessment):
            raise PermissionDenied("Only the program's managers or the meeting's chair change a level")
        changed = services.milestone_level_set(
            actor=request.user, learner=assessment.learner, milestone=assessment.milestone,
            academic_year=assessment.academic_year, period=assessment.period, level=data["level"],
            rationale=data.get("rationale", assessment.rationale), meeting=assessment.meeting,
            reason=data.get("reason", ""))
        return Response(MilestoneAssessmentSerializer(changed).data)
