from tests.factories import (
    CaseTypeFactory, CompetencyFactory, FeedbackTagFactory, MilestoneFactory, SpecialtyFactory, scale_with_levels,
)


def build(world):
    company = world["company"]
    world["private_tag"] = FeedbackTagFactory(company=company, name="Northwind Secret Tag")
    world["private_case_type"] = CaseTypeFactory(company=company, code="NW_SECRET", name="Northwind Secret Operation")
    world["markers"] += ["Northwind Secret Tag", "Northwind Secret Operation", "NW_SECRET"]
    # Shared rows: Charlie may list them, but their detail routes are for platform superusers.
    world["shared_milestone"] = MilestoneFactory()
    world["shared_scale"] = scale_with_levels(4)
    world["specialty"] = SpecialtyFactory()
    world["competency"] = CompetencyFactory()


# Charlie is already an org admin of Southbay: a manager of private reference rows there.


SAMPLES = {
    "reference_feedback_tag_deactivate": lambda w: {"tag_id": w["private_tag"].pk},
    "reference_case_type_deactivate": lambda w: {"case_type_id": w["private_case_type"].pk},
    "reference-specialty-detail": lambda w: {"code": w["specialty"].code},
    "reference-competency-detail": lambda w: {"code": w["competency"].code},
    "reference-entrustment-scale-detail": lambda w: {"code": w["shared_scale"].code},
    "reference-epa-set-detail": lambda w: {"pk": w["private_case_type"].epa.epa_set_id},
    "reference-epa-detail": lambda w: {"pk": w["private_case_type"].epa_id},
    "reference-milestone-set-detail": lambda w: {"pk": w["shared_milestone"].milestone_set_id},
    "reference-milestone-detail": lambda w: {"pk": w["shared_milestone"].pk},
    "reference-case-type-detail": lambda w: {"pk": w["private_case_type"].pk},
    "reference-feedback-tag-detail": lambda w: {"pk": w["private_tag"].pk},
}
