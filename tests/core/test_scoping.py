"""The tenant wall at the ORM level (issue 10, part 1): one test per leak a reviewer found.

Northwind and Southbay share the reference library (one EPA set, one specialty). Riley is a
Northwind resident, Sam a Southbay resident; each has one assessment on the same shared EPA, and
Charlie (a Southbay coordinator) made a private case type on that EPA."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext

from apps.academics.models import Learner, Program, RotationAssignment
from apps.assessments.models import EPAAssessment
from apps.core.scoping import TenantScopeError, tenant_bulk_create, unscoped
from apps.tenants.models import Membership, Resource, Site, User
from apps.tenants.roles import Role
from tests.factories import (
    CaseTypeFactory,
    EPAAssessmentFactory,
    EPAFactory,
    EPASetFactory,
    LearnerFactory,
    ProgramFactory,
    RotationTypeFactory,
    SiteFactory,
    SponsorFactory,
    UserFactory,
)

APPS = Path(__file__).resolve().parents[2] / "apps"


@pytest.fixture
def world(northwind, southbay):
    epa_set = EPASetFactory()
    epa = EPAFactory(epa_set=epa_set)
    nw_program = ProgramFactory(sponsor=SponsorFactory(institution__company=northwind), epa_set=epa_set)
    sb_program = ProgramFactory(sponsor=SponsorFactory(institution__company=southbay), epa_set=epa_set)
    riley = LearnerFactory(program=nw_program)
    sam = LearnerFactory(program=sb_program)
    return {
        "epa": epa, "specialty": nw_program.specialty, "nw_program": nw_program, "sb_program": sb_program,
        "riley": riley, "sam": sam,
        "riley_assessment": EPAAssessmentFactory(learner=riley, epa=epa),
        "sam_assessment": EPAAssessmentFactory(learner=sam, epa=epa),
        "charlie_case_type": CaseTypeFactory(epa=epa, company=southbay, name="Charlie's private case"),
        "shared_case_type": CaseTypeFactory(epa=epa, name="Shared case"),
    }


# ---------------------------------------------------------------- related managers of shared parents
@pytest.mark.django_db
class TestSharedParentsDoNotReadAcrossTenants:
    def test_charlie_private_case_type_is_invisible_from_a_shared_epa(self, world, northwind):
        epa = world["epa"]
        with pytest.raises(TenantScopeError, match="shared EPA"):
            list(epa.case_types.all())
        assert set(epa.case_types.visible_to(northwind)) == {world["shared_case_type"]}

    def test_southbay_assessments_are_invisible_from_a_shared_epa(self, world, northwind):
        epa = world["epa"]
        with pytest.raises(TenantScopeError):
            list(epa.assessments.all())
        with pytest.raises(TenantScopeError):
            epa.assessments.count()
        assert list(epa.assessments.for_company(northwind)) == [world["riley_assessment"]]

    def test_southbay_programs_are_invisible_from_a_shared_specialty(self, world, northwind):
        specialty = world["specialty"]
        with pytest.raises(TenantScopeError):
            list(specialty.programs.all())
        assert list(specialty.programs.for_company(northwind)) == [world["nw_program"]]

    def test_southbay_rotation_types_are_invisible_from_a_shared_epa_many_to_many(self, world, northwind):
        nw_rotation = RotationTypeFactory(program=world["nw_program"])
        sb_rotation = RotationTypeFactory(program=world["sb_program"])
        nw_rotation.primary_epas.add(world["epa"])
        sb_rotation.primary_epas.add(world["epa"])
        with pytest.raises(TenantScopeError):
            list(world["epa"].rotation_types.all())
        assert list(world["epa"].rotation_types.for_company(northwind)) == [nw_rotation]

    def test_prefetching_from_a_shared_parent_is_refused_but_from_a_tenant_list_is_scoped(self, world, northwind):
        from apps.reference.models import Specialty

        with pytest.raises(TenantScopeError):
            list(Specialty.objects.filter(pk=world["specialty"].pk).prefetch_related("programs"))
        programs = list(Program.objects.for_company(northwind).prefetch_related("learners"))
        assert [list(p.learners.all()) for p in programs] == [[world["riley"]]]

    def test_the_platform_prefetch_from_an_unscoped_list_keeps_every_companys_children(self, world):
        programs = Program.objects.unscoped().prefetch_related("learners").order_by("company__name")
        assert [list(p.learners.all()) for p in programs] == [[world["riley"]], [world["sam"]]]


@pytest.mark.django_db
class TestTenantParentsScopeExplicitly:
    def test_a_program_lists_only_its_own_companys_learners_even_if_a_bad_row_points_at_it(self, world):
        """A row written past the ORM (raw SQL, an old bug) that claims Southbay but points at a
        Northwind program does not show up in Northwind's related manager."""
        sam = world["sam"]
        with connection.cursor() as cursor:
            cursor.execute("UPDATE academics_learner SET program_id = %s WHERE id = %s",
                           [world["nw_program"].pk, sam.pk])
        assert list(world["nw_program"].learners.all()) == [world["riley"]]

    def test_a_user_of_a_company_scopes_its_memberships_and_a_platform_user_does_not(self, world):
        from tests.factories import SuperuserFactory

        riley_user = world["riley"].user
        assert {m.role for m in riley_user.memberships.all()} == {Role.RESIDENT}
        with pytest.raises(TenantScopeError):
            list(SuperuserFactory().memberships.all())

    def test_a_companys_users_are_its_own(self, world, northwind):
        assert set(northwind.users.all()) == set(User.objects.for_company(northwind))


# ---------------------------------------------------------------- aggregates, subqueries, set operations, raw
@pytest.mark.django_db
class TestWhatTheQuerysetGuards:
    def test_a_set_union_with_southbays_unscoped_learners_is_refused(self, world, northwind):
        with pytest.raises(TenantScopeError):
            Learner.objects.for_company(northwind).union(Learner.objects.all())
        both_scoped = Learner.objects.for_company(northwind).union(Learner.objects.for_company(northwind))
        assert list(both_scoped) == [world["riley"]]

    def test_or_with_an_unscoped_queryset_is_unscoped_again(self, world, northwind):
        leaky = Learner.objects.for_company(northwind) | Learner.objects.all()
        with pytest.raises(TenantScopeError):
            list(leaky)
        with pytest.raises(TenantScopeError):
            list(world["nw_program"].learners.all() | Learner.objects.all())
        assert list(leaky.for_company(northwind)) == [world["riley"]]
        assert list(Learner.objects.for_company(northwind) & Learner.objects.all()) == [world["riley"]]

    def test_an_unscoped_queryset_inside_in_is_refused(self, world, northwind):
        with pytest.raises(TenantScopeError):
            list(Learner.objects.for_company(northwind).filter(user__in=User.objects.all()))
        scoped = Learner.objects.for_company(northwind).filter(user__in=User.objects.for_company(northwind))
        assert list(scoped) == [world["riley"]]

    def test_raw_sql_on_a_tenant_queryset_is_refused_unless_explicitly_unscoped(self, world, northwind):
        sql = "SELECT * FROM academics_learner"
        with pytest.raises(TenantScopeError):
            Learner.objects.raw(sql)
        with pytest.raises(TenantScopeError, match="ignores for_company"):
            Learner.objects.for_company(northwind).raw(sql)
        assert len(list(Learner.objects.unscoped().raw(sql))) == 2

    def test_update_cannot_move_rows_or_point_them_at_southbay(self, world, northwind, southbay):
        with pytest.raises(TenantScopeError, match="company cannot change"):
            Learner.objects.for_company(northwind).update(company=southbay)
        with pytest.raises(TenantScopeError, match="another company"):
            Learner.objects.for_company(northwind).update(program=world["sb_program"])
        with pytest.raises(TenantScopeError, match="another company"):
            Learner.objects.for_company(northwind).update(program_id=world["sb_program"].pk)
        assert Learner.objects.for_company(northwind).update(pgy_level=2) == 1


@pytest.mark.django_db
class TestWhatTheOrmCannotSeeIsPinnedAndDocumented:
    """These read across tenants by construction. scoping.py's docstring says how to write them;
    RLS (apps/core/rls.py) is the second wall. If one of these starts failing, the ORM now guards
    it: turn the test into a guard test and update the docstring."""

    def test_a_count_over_a_shared_epa_counts_every_company_unless_the_aggregate_is_filtered(self, world, northwind):
        epas = type(world["epa"]).objects.filter(pk=world["epa"].pk)
        assert epas.annotate(n=Count("assessments")).get().n == 2  # the documented trap
        filtered = epas.annotate(n=Count("assessments", filter=Q(assessments__company=northwind)))
        assert filtered.get().n == 1

    def test_an_uncorrelated_unscoped_exists_sees_southbay_rows_and_a_correlated_one_does_not(self, world, northwind):
        world["riley_assessment"].deleted_at = world["riley_assessment"].submitted_at
        world["riley_assessment"].save()
        anyone = EPAAssessment.objects.filter(epa=world["epa"])  # Sam's assessment only now
        leaky = Learner.objects.for_company(northwind).filter(Exists(anyone))
        assert list(leaky) == [world["riley"]]  # the documented trap: Southbay's row answered
        correlated = Learner.objects.for_company(northwind).filter(Exists(anyone.filter(learner=OuterRef("pk"))))
        assert list(correlated) == []

    def test_the_base_manager_is_django_plain_manager_and_reads_every_company(self, world):
        assert Learner._base_manager.count() == 2

    def test_app_code_uses_the_base_manager_only_to_reread_a_scoped_instance_by_pk(self):
        allowed = re.compile(r"_base_manager\.select_for_update\(\)\.filter\(pk=instance\.pk\)")
        offenders = []
        for path in APPS.rglob("*.py"):
            if path.name == "scoping.py" and path.parent.name == "core":
                continue  # the mechanism itself (parent checks by primary key)
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if "_base_manager" in line and not allowed.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{path.relative_to(APPS)}:{number}: {line.strip()}")
        assert offenders == []


# ---------------------------------------------------------------- writes: parents share the company
@pytest.mark.django_db
class TestParentsShareTheCompany:
    def test_a_northwind_user_cannot_get_a_membership_in_a_southbay_program(self, world, northwind):
        nw_user = UserFactory(company=northwind)
        with pytest.raises(TenantScopeError, match=r"Membership\.program"):
            Membership(user=nw_user, program=world["sb_program"], role=Role.FACULTY).save()
        with pytest.raises(TenantScopeError, match=r"Membership\.program"):
            Membership(user=nw_user, program_id=world["sb_program"].pk, role=Role.FACULTY).save()
        assert not Membership.objects.for_company(northwind).filter(user=nw_user).exists()

    def test_a_northwind_assessment_cannot_use_charlies_private_case_type(self, world):
        assessment = world["riley_assessment"]
        assessment.case_type = world["charlie_case_type"]
        with pytest.raises(TenantScopeError, match=r"EPAAssessment\.case_type"):
            assessment.save()
        assessment.case_type = world["shared_case_type"]
        assessment.save()

    def test_a_northwind_assignment_cannot_be_placed_at_a_southbay_site(self, world, southbay):
        sb_site = SiteFactory(institution__company=southbay)
        rotation = RotationTypeFactory(program=world["nw_program"])
        import datetime

        assignment = RotationAssignment(learner=world["riley"], rotation_type=rotation, site_id=sb_site.pk,
                                        start_date=datetime.date(2025, 7, 1), end_date=datetime.date(2025, 7, 28))
        with pytest.raises(TenantScopeError, match=r"RotationAssignment\.site"):
            assignment.save()

    def test_saving_an_unchanged_row_reads_no_parents(self, world, django_assert_num_queries):
        learner = Learner.objects.for_company(world["riley"].company).get(pk=world["riley"].pk)
        learner.pgy_level = 2
        with django_assert_num_queries(2):  # the UPDATE and its history row
            learner.save()

    def test_a_changed_parent_given_by_id_costs_one_query_per_parent_model(self, world, django_assert_num_queries):
        learner = Learner.objects.for_company(world["riley"].company).get(pk=world["riley"].pk)
        other = UserFactory(company=learner.company)
        learner.user_id = other.pk
        with django_assert_num_queries(3):  # the user's company, the UPDATE, the history row
            learner.save()

    def test_a_row_never_changes_company_even_through_bulk_update(self, world, southbay):
        riley = world["riley"]
        riley.company = southbay
        with pytest.raises(TenantScopeError, match="company cannot change"):
            Learner.objects.bulk_update([riley], ["company"])
        riley.refresh_from_db()
        riley.program = world["sb_program"]
        with pytest.raises(TenantScopeError, match=r"Learner\.program"):
            Learner.objects.bulk_update([riley], ["program"])
        with pytest.raises(TenantScopeError):
            riley.save()


@pytest.mark.django_db
class TestBulkCreateAppliesTheSameRules:
    def test_bulk_created_rooms_take_their_company_from_their_site_in_one_query(self, site, southbay,
                                                                              django_assert_num_queries):
        other = SiteFactory(institution=site.institution)
        rooms = [Resource(site_id=s.pk, name=f"Room {n}", company=southbay) for n, s in enumerate([site, other] * 3)]
        with django_assert_num_queries(2):  # one read of the sites' companies, one INSERT
            tenant_bulk_create(Resource, rooms)
        assert {room.company_id for room in Resource.objects.for_company(site.company)} == {site.company_id}
        assert Resource.objects.for_company(southbay).count() == 0

    def test_bulk_create_refuses_a_parent_of_another_company(self, world, southbay):
        sb_site = SiteFactory(institution__company=southbay)
        rotation = RotationTypeFactory(program=world["nw_program"])
        import datetime

        rows = [RotationAssignment(learner=world["riley"], rotation_type=rotation, site=sb_site,
                                   start_date=datetime.date(2025, 7, 1), end_date=datetime.date(2025, 7, 28))]
        with pytest.raises(TenantScopeError, match=r"RotationAssignment\.site"):
            RotationAssignment.objects.bulk_create(rows)
        with unscoped("test"):
            assert RotationAssignment.objects.count() == 0

    def test_bulk_create_without_a_parent_is_refused(self, site):
        with pytest.raises(TenantScopeError, match="required"):
            Resource.objects.bulk_create([Resource(name="Orphan")])


@pytest.mark.django_db
def test_every_site_query_in_this_file_is_fail_closed_by_default(site):
    """The guard still holds for plain managers after all of the above."""
    with pytest.raises(TenantScopeError):
        list(Site.objects.all())
    with CaptureQueriesContext(connection) as queries, pytest.raises(TenantScopeError):
        Site.objects.filter(name="x").exists()
    assert len(queries) == 0
