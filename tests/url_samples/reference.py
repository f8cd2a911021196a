from tests.factories import (
    CaseTypeFactory,
    CompetencyFactory,
    FeedbackTagFactory,
    MilestoneFactory,
    SpecialtyFactory,
    scale_with_levels,
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


def _nw_reference_row(w):
    """A library row claimed for Northwind (its company, a Northwind-private case type's EPA): tenant
    users may only list the library → 403 on every write."""
    return {"company": str(w["company"].pk), "code": "WALK_ROW", "name": "Walk row", "epa": w["private_case_type"].epa_id,
            "case_type": w["private_case_type"].pk, "tag": w["private_tag"].pk, "category": "went_well"}


QUERIES = {
    # The library shows shared rows and Southbay's own; a Northwind company id is ignored (200).
    "reference_library": lambda w: {"company": str(w["company"].pk), "q": "NW_SEC"},
    "reference-case-type-list": lambda w: {"company": str(w["company"].pk), "epa": w["private_case_type"].epa_id},
    "reference-feedback-tag-list": lambda w: {"company": str(w["company"].pk), "category": "went_well"},
    "reference-epa-list": lambda w: {"epa_set": w["private_case_type"].epa.epa_set_id},
    "reference-milestone-list": lambda w: {"milestone_set": w["shared_milestone"].milestone_set_id},
    "reference-specialty-list": lambda w: {"company": str(w["company"].pk)},
    "reference-competency-list": lambda w: {"company": str(w["company"].pk)},
    "reference-entrustment-scale-list": lambda w: {"company": str(w["company"].pk)},
    "reference-epa-set-list": lambda w: {"company": str(w["company"].pk), "specialty": w["specialty"].code},
    "reference-milestone-set-list": lambda w: {"company": str(w["company"].pk)},
}
BODIES = {
    # A Southbay tag/case type with Northwind's company (not a form field: ignored, 302) and, for
    # case types, a Northwind-private type's EPA (a choice only if it is in Southbay's sets: else 200).
    "reference_feedback_tag_create": lambda w: {"category": "went_well", "name": "Walk tag",
                                                "company": str(w["company"].pk)},
    "reference_case_type_create": lambda w: {"epa": w["private_case_type"].epa_id, "code": "WALK_TYPE",
                                             "name": "Walk type", "company": str(w["company"].pk)},
}
BODIES.update({name: _nw_reference_row for name in (
    "reference-specialty-list", "reference-specialty-detail", "reference-competency-list",
    "reference-competency-detail", "reference-entrustment-scale-list", "reference-entrustment-scale-detail",
    "reference-epa-set-list", "reference-epa-set-detail", "reference-epa-list", "reference-epa-detail",
    "reference-milestone-set-list", "reference-milestone-set-detail", "reference-milestone-list",
    "reference-milestone-detail", "reference-case-type-list", "reference-case-type-detail",
    "reference-feedback-tag-list", "reference-feedback-tag-detail")})
NO_BODY = {
    "reference_library": "read-only page",
    "reference_feedback_tag_deactivate": "the tag is the path argument; no input",
    "reference_case_type_deactivate": "the case type is the path argument; no input",
}
