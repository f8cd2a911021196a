from tests.factories import CaseTypeFactory, FeedbackTagFactory


def build(world):
    company = world["company"]
    world["private_tag"] = FeedbackTagFactory(company=company, name="Northwind Secret Tag")
    world["private_case_type"] = CaseTypeFactory(company=company, code="NW_SECRET", name="Northwind Secret Operation")
    world["markers"] += ["Northwind Secret Tag", "Northwind Secret Operation", "NW_SECRET"]


# Charlie is already an org admin of Southbay: a manager of private reference rows there.


SAMPLES = {
    "reference_feedback_tag_deactivate": lambda w: {"tag_id": w["private_tag"].pk},
    "reference_case_type_deactivate": lambda w: {"case_type_id": w["private_case_type"].pk},
}
