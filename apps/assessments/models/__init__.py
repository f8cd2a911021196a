from apps.assessments.models.analytics import (  # noqa: F401
    AnalyticsRefresh, ProgramAssessmentMetrics, ProgramFacultyEngagement, ResidentEPAProgress,
)
from apps.assessments.models.assessment import AssessmentFeedbackTag, AssessmentRequest, EPAAssessment
from apps.assessments.models.reference import (
    EPA,
    CaseType,
    Competency,
    EntrustmentLevel,
    EntrustmentScale,
    EPASet,
    FeedbackTag,
    Milestone,
    MilestoneSet,
)

__all__ = [
    "EPA", "AssessmentFeedbackTag", "AssessmentRequest", "CaseType", "Competency", "EPAAssessment",
    "EPASet", "EntrustmentLevel", "EntrustmentScale", "FeedbackTag", "Milestone", "MilestoneSet",
]
