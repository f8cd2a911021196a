import pytest

from apps.academics import demo
from apps.academics.models import Learner, Program, RotationAssignment
from apps.tenants import demo as tenants_demo
from apps.core.scoping import unscoped
from apps.tenants.access import has_role
from apps.tenants.roles import Role


@pytest.mark.django_db
def test_the_demo_seeds_both_tenants_once_and_wires_the_demo_logins(client):
    world = {}
    tenants_demo.seed(world, log=lambda *_: None)
    demo.seed(world, log=lambda *_: None)
    with unscoped("test: counting both tenants"):
        counts = (Program.objects.count(), Learner.objects.count(), RotationAssignment.objects.count())
        again = {}
        tenants_demo.seed(again, log=lambda *_: None)
        demo.seed(again, log=lambda *_: None)
        assert (Program.objects.count(), Learner.objects.count(), RotationAssignment.objects.count()) == counts
    nw = world["northwind"]
    surgery = nw["programs"]["surgery"]
    users = nw["users"]
    assert surgery.learners.filter(kind="resident").count() == 26
    assert surgery.learners.get(user=users["resident"]).pgy_level == 3
    assert has_role(users["director"], Role.PROGRAM_DIRECTOR, program=surgery)
    assert all(has_role(users["coordinator"], Role.COORDINATOR, program=p) for p in nw["programs"].values())
    assert nw["programs"]["clerkship"].learners.filter(user=users["student"]).exists()
    assert RotationAssignment.objects.for_company(nw["company"]).filter(
        primary_supervisor__user=users["faculty"]).exists()
    assert world["southbay"]["programs"]["surgery"].learners.count() == 7
    client.force_login(users["coordinator"])
    year = surgery.academic_years.get()
    assert year.blocks.count() == 13
    assert client.get(f"/programs/{surgery.pk}/years/{year.pk}/grid/").status_code == 200
