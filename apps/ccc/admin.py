from django.contrib import admin

from apps.audit.platform_admin import PlatformAdmin
from apps.ccc.models import CCCMeeting, EvidenceMapping, MilestoneAssessment, ResidentReview


@admin.register(CCCMeeting)
class CCCMeetingAdmin(PlatformAdmin):
    list_display = ["program", "date", "period", "status", "company"]
    list_filter = ["status", "period", "company"]


@admin.register(ResidentReview)
class ResidentReviewAdmin(PlatformAdmin):
    list_display = ["learner", "meeting", "promotion_recommendation", "remediation", "finalised_at"]
    list_filter = ["promotion_recommendation", "remediation"]


@admin.register(MilestoneAssessment)
class MilestoneAssessmentAdmin(PlatformAdmin):
    list_display = ["learner", "milestone", "academic_year", "period", "level", "reported_at"]
    list_filter = ["period", "level"]


@admin.register(EvidenceMapping)
class EvidenceMappingAdmin(PlatformAdmin):
    list_display = ["program", "epa", "milestone", "weight"]
