import pytest

from apps.tenants.roles import Role
from tests.factories import (
    CaseTypeFactory,
    EPAFactory,
    FacultyFactory,
    FeedbackTagFactory,
    LearnerFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)


@pytest.fixture
def surgery(sponsor, site):
    """Northwind surgery: Riley the resident, Faith the faculty member, Cora the coordinator."""
    program = ProgramFactory(sponsor=sponsor, name="Northwind General Surgery")
    epa = EPAFactory(epa_set=program.epa_set, short_name="Appendicitis")
    other_epa = EPAFactory(epa_set=program.epa_set, short_name="Cholecystitis")
    riley = LearnerFactory(program=program, user__first_name="Riley", user__last_name="Chen")
    faith = FacultyFactory(program=program, user__first_name="Faith", user__last_name="Hall").user
    cora = UserFactory(company=sponsor.company, first_name="Cora", last_name="Ward")
    MembershipFactory(user=cora, role=Role.COORDINATOR, program=program)
    return {
        "program": program, "epa": epa, "other_epa": other_epa, "riley": riley, "faith": faith, "cora": cora,
        "site": site, "case_type": CaseTypeFactory(epa=epa, name="Laparoscopic appendectomy"),
        "other_case_type": CaseTypeFactory(epa=other_epa, name="Laparoscopic cholecystectomy"),
        "good_tag": FeedbackTagFactory(name="Tissue handling"),
        "work_tag": FeedbackTagFactory(name="Efficiency", category="area_for_improvement"),
    }
