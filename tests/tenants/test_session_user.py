"""The session's user is read by one prepared query that crosses tenants by name (apps.tenants.backends)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.prepared import PreparedQueryError, prepared
from apps.tenants.backends import EmailBackend, session_user
from apps.tenants.models import User

pytestmark = pytest.mark.django_db


def test_nadias_session_user_is_the_row_select_related_reads_with_her_company(northwind, make_user):
    nadia = make_user(northwind, email="nadia@northwind.example")
    with CaptureQueriesContext(connection) as captured:
        user = session_user(str(nadia.pk))
        assert user.company.name == northwind.name  # no second query: the company came with the row
    assert len([q for q in captured.captured_queries if "tenants_user" in q["sql"]]) == 1
    assert "tenants_company" not in "".join(q["sql"] for q in captured.captured_queries[1:])
    expected = User.objects.unscoped().select_related("company").get(pk=nadia.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert user.company == expected.company and not user._state.adding and user._state.db == "default"


def test_a_platform_superuser_has_no_company(make_user):
    admin = User.objects.create_superuser(email="root@rounds.example", password="x" * 16)
    user = session_user(str(admin.pk))
    assert user.company is None and user.is_superuser


def test_a_session_naming_nobody_or_garbage_gets_no_user(northwind):
    assert session_user(str(uuid.uuid4())) is None
    assert session_user("not-a-uuid") is None
    assert session_user(None) is None


def test_an_inactive_user_is_not_signed_in_by_the_session(northwind, make_user):
    gone = make_user(northwind, email="gone@northwind.example")
    User.objects.unscoped().filter(pk=gone.pk).update(is_active=False)
    assert EmailBackend().get_user(str(gone.pk)) is None


def test_a_prepared_read_crosses_tenants_only_when_it_says_why(northwind):
    def builder(user_id):
        return User.objects.filter(pk=user_id).values("email")
    with pytest.raises(PreparedQueryError, match="for_company"):
        prepared(builder)(user_id=uuid.uuid4())
    with pytest.raises(PreparedQueryError, match="say why"):
        prepared(builder, unscoped="  ")
    assert prepared(builder, unscoped="test: crossing on purpose")(user_id=uuid.uuid4()) == []
