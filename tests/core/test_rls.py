"""Row-level security, the second tenant wall (apps/core/rls.py): what PostgreSQL itself lets a
query see, whatever the Python code forgot."""

import psycopg
import pytest
from celery import shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction
from django.urls import reverse
from psycopg import sql

from apps.core import rls
from apps.core.scoping import unscoped
from apps.tenants.demo import DEMO_PASSWORD
from apps.tenants.models import Company, User
from tests.factories import ProgramFactory, SponsorFactory, SuperuserFactory


def _raw(query, params=None):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _tables_with_company_id():
    """Found independently of rls.tenant_tables: every table in the schema with the column."""
    return [name for (name,) in _raw("""
        SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.attname = 'company_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
          AND n.nspname = current_schema() ORDER BY 1""")]


def _program_companies():
    return {str(company_id) for (company_id,) in _raw("SELECT company_id FROM academics_program")}


def _two_programs(northwind, southbay):
    for company in (northwind, southbay):
        ProgramFactory(sponsor=SponsorFactory(institution__company=company))


# --- The policies: generated for every table with company_id ---------------------------------
@pytest.mark.django_db
def test_every_table_with_a_company_id_has_row_level_security_and_the_tenant_policy():
    tables = _tables_with_company_id()
    assert "academics_program" in tables and "tenants_historicalmembership" in tables  # history tables too
    assert sorted(rls.tenant_tables(connection)) == tables
    with_rls = {name for (name,) in _raw("SELECT relname FROM pg_class WHERE relrowsecurity")}
    with_policy = {name for (name,) in _raw("SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation'")}
    owned_by_app = {name for (name,) in _raw(
        "SELECT tablename FROM pg_tables WHERE tableowner IN ('rounds_app', 'rounds_bypass')")}
    assert [t for t in tables if t not in with_rls] == [], "RLS not enabled"
    assert [t for t in tables if t not in with_policy] == [], "no tenant_isolation policy"
    assert [t for t in tables if t in owned_by_app] == [], "the app role owns it, so RLS would not bind it"


@pytest.mark.django_db
def test_only_shared_reference_rows_are_visible_with_a_null_company():
    kinds = rls.tenant_tables(connection)
    assert {t for t, kind in kinds.items() if kind == "shared"} == {
        "reference_casetype", "reference_feedbacktag",
        "reference_historicalcasetype", "reference_historicalfeedbacktag"}
    assert kinds["audit_auditlog"] == "append" and kinds["tenants_user"] == "nullable"
    assert kinds["academics_program"] == "strict"


@pytest.mark.django_db
def test_the_roles_are_what_the_wall_needs():
    roles = {name: (login, superuser, bypass) for name, login, superuser, bypass in _raw(
        "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls FROM pg_roles "
        "WHERE rolname IN ('rounds_app', 'rounds_bypass')")}
    assert roles == {"rounds_app": (True, False, False), "rounds_bypass": (False, False, True)}
    assert _raw("SELECT pg_has_role('rounds_app', 'rounds_bypass', 'MEMBER')") == [(True,)]
    assert _raw("SELECT session_user") == [("rounds_app",)], "the tests run as the app role"


def test_an_app_connection_that_logs_in_as_the_owner_is_refused():
    owner = settings.ROUNDS_DATABASE_OWNER

    class Login:  # what check_app_login reads from a Django connection
        connection = psycopg.connect(dbname=owner["NAME"], user=owner["USER"], host=owner["HOST"],
                                     port=owner["PORT"], password=owner.get("PASSWORD") or None)

    try:
        with pytest.raises(ImproperlyConfigured, match="DATABASE_OWNER_URL"):
            rls.check_app_login(Login)
    finally:
        Login.connection.close()


# --- What a raw query sees -------------------------------------------------------------------
@pytest.mark.django_db
def test_a_raw_query_sees_only_the_bound_company(northwind, southbay):
    _two_programs(northwind, southbay)
    with rls.tenant(northwind.pk):
        assert _program_companies() == {str(northwind.pk)}
    with rls.tenant(None):
        assert _program_companies() == set(), "no tenant: no rows"
    with unscoped("test: the platform reads every company"):
        assert _program_companies() == {str(northwind.pk), str(southbay.pk)}


@pytest.mark.django_db
def test_a_write_into_another_company_is_refused(northwind, southbay):
    program = ProgramFactory(sponsor=SponsorFactory(institution__company=southbay))
    with rls.tenant(northwind.pk):
        assert _raw("UPDATE academics_program SET name = 'x' WHERE id = %s RETURNING id", [program.pk]) == []
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            _raw("INSERT INTO tenants_region (id, company_id, name, created_at, updated_at) "
                 "VALUES (gen_random_uuid(), %s, 'x', now(), now()) RETURNING id", [southbay.pk])


@pytest.mark.django_db
def test_a_rolled_back_savepoint_does_not_leave_a_stale_tenant_behind(northwind, southbay):
    """PostgreSQL undoes a set_config made inside a rolled-back savepoint; the connection must
    notice, or the next query would run under whatever the session had before."""
    _two_programs(northwind, southbay)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with rls.tenant(northwind.pk):
            assert _program_companies() == {str(northwind.pk)}
        1 / 0  # rolls back to the savepoint: the session is back under the bypass
    with rls.tenant(northwind.pk):
        assert _program_companies() == {str(northwind.pk)}


@pytest.mark.django_db
def test_unscoped_querysets_run_under_the_bypass(northwind, southbay):
    from apps.academics.models import Program

    _two_programs(northwind, southbay)
    with rls.tenant(northwind.pk):
        assert Program.objects.unscoped().count() == 2
        assert {p.company_id for p in Program.objects.unscoped()} == {northwind.pk, southbay.pk}
        assert Program.objects.for_company(southbay).count() == 0, "a scoped query stays bound"


@pytest.mark.django_db
def test_the_company_id_setting_is_not_a_secret(northwind, southbay):
    """Honest limit: code that can run arbitrary SQL can set rounds.company_id. RLS is a wall
    against forgotten filters, not against SQL injection."""
    _two_programs(northwind, southbay)
    with rls.tenant(northwind.pk), transaction.atomic():
        _raw("SELECT set_config('rounds.company_id', %s, true)", [str(southbay.pk)])
        assert _program_companies() == {str(southbay.pk)}
    connection.rls_state = None  # this test changed the session behind the connection's back


@shared_task
def _companies_a_task_sees(company_id):
    return sorted(_program_companies())


@pytest.mark.django_db
def test_a_task_runs_as_the_company_in_its_company_id_argument(northwind, southbay):
    _two_programs(northwind, southbay)
    assert _companies_a_task_sees.apply(kwargs={"company_id": str(southbay.pk)}).get() == [str(southbay.pk)]
    assert _companies_a_task_sees.apply(args=[str(northwind.pk)]).get() == [str(northwind.pk)]


# --- Through HTTP ----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.urls("tests.core.rls_urls")
def test_inside_a_northwind_request_a_raw_select_of_every_tenant_table_returns_no_southbay_rows(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    northwind, southbay = (str(Company.objects.get(subdomain=name).pk) for name in ("northwind", "southbay"))
    tables = _tables_with_company_id()
    with unscoped("test: which tables hold rows of both companies"):
        both = {t for t in tables if {c for (c,) in _raw(sql.SQL("SELECT DISTINCT company_id::text FROM {}")
                                                         .format(sql.Identifier(t)))} >= {northwind, southbay}}
    assert len(both) >= 25, f"the demo should fill most tenant tables for both companies: {sorted(both)}"

    client.force_login(User.objects.get_by_natural_key("coordinator@northwind.example"))
    seen = client.get("/rls-probe/").json()
    assert sorted(seen) == tables
    shared = {t for t, kind in rls.tenant_tables(connection).items() if kind == "shared"}  # + shared rows
    leaks = {t: ids for t, ids in seen.items() if set(ids) - {northwind} - ({"None"} if t in shared else set())}
    assert leaks == {}
    assert all(seen[t] == [northwind] for t in both), "Northwind's own rows are there"

    client.logout()
    assert client.post(reverse("login"), {"username": "coordinator@southbay.example", "password": DEMO_PASSWORD}
                       ).status_code == 302
    seen = client.get("/rls-probe/").json()
    assert {t: ids for t, ids in seen.items() if set(ids) - {southbay} - ({"None"} if t in shared else set())} == {}


@pytest.mark.django_db
@pytest.mark.urls("tests.core.rls_urls")
def test_an_anonymous_request_sees_no_tenant_rows_and_a_superuser_request_sees_all(client, northwind, southbay):
    _two_programs(northwind, southbay)
    assert client.get("/rls-probe/").json()["academics_program"] == []
    client.force_login(SuperuserFactory())
    assert client.get("/rls-probe/").json()["academics_program"] == sorted([str(northwind.pk), str(southbay.pk)])


@pytest.mark.django_db
@pytest.mark.urls("tests.core.rls_urls")
def test_a_request_leaves_its_connection_with_no_tenant(client, northwind, make_user):
    client.force_login(make_user(northwind))
    assert client.get("/rls-probe/").json()["tenants_user"] != []
    assert connection.rls_state == rls.NO_TENANT
    session = connection.connection.execute("SELECT current_setting('rounds.company_id', true), current_user")
    assert session.fetchall() == [("", "rounds_app")]  # asked without the connection's own sync


@pytest.mark.django_db
def test_an_api_token_signs_in_before_any_tenant_is_known_and_then_binds_its_company(client, northwind, southbay,
                                                                                    make_user):
    from rest_framework.authtoken.models import Token

    from apps.tenants.roles import Role

    ours, _ = (ProgramFactory(sponsor=SponsorFactory(institution__company=c)) for c in (northwind, southbay))
    token = Token.objects.create(user=make_user(northwind, Role.COORDINATOR, program=ours))
    response = client.get("/api/programs/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(ours.pk)]
