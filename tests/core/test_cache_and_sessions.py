"""With Redis down, the cache answers "miss" and sessions come from PostgreSQL: signed-in people
keep working and the login page answers. With Redis up, a request reads its session from Redis."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.cache import ResilientRedisCache
from tests.core.conftest import closed_port
from tests.factories.tenants import PASSWORD


def _session_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT \"django_session\"")]


def test_a_cache_whose_redis_is_unreachable_misses_drops_writes_and_says_so(caplog):
    dead = ResilientRedisCache(f"redis://127.0.0.1:{closed_port()}/10", {})
    assert dead.get("k") is None and dead.get("k", "fallback") == "fallback"
    assert dead.get_or_set("k", lambda: "computed") == "computed"
    assert dead.add("k", 1) is False and dead.set("k", 1) is None and dead.has_key("k") is False
    assert dead.get_many(["a", "b"]) == {} and dead.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert dead.delete("k") is False and dead.touch("k") is False
    with pytest.raises(ValueError):
        dead.incr("counter")
    assert "cache unavailable, get ignored" in caplog.text


@pytest.mark.django_db
def test_faith_signed_in_before_redis_went_down_keeps_working(client, ward, redis_down):
    client.force_login(ward["faith"])
    for name in ("home", "assessments:new", "assessments:index", "notifications:inbox"):
        response, session_reads = _session_queries(client, reverse(name))
        assert response.status_code == 200, name
        assert response.context["user"] == ward["faith"]
        assert len(session_reads) == 1, "the cache missed, so the session came from PostgreSQL"


@pytest.mark.django_db
def test_the_login_page_answers_and_riley_signs_in_while_redis_is_down(client, ward, redis_down):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": ward["riley"].user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == ward["riley"].user


@pytest.mark.django_db
def test_with_the_cache_up_a_signed_in_request_reads_no_session_row(client, ward, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as with REDIS_URL (locmem stands in)
    cache.clear()
    client.force_login(ward["faith"])
    response, session_reads = _session_queries(client, reverse("assessments:new"))
    assert response.status_code == 200 and response.context["user"] == ward["faith"]
    assert session_reads == []


def test_every_cache_call_reuses_one_redis_client_per_pool():
    """Django's client would build a new redis.Redis per call (three per page)."""
    reused = ResilientRedisCache(f"redis://127.0.0.1:{closed_port()}/10", {})
    assert reused._cache.get_client() is reused._cache.get_client()
    assert reused._cache.get_client(write=True) is reused._cache.get_client(write=True)
