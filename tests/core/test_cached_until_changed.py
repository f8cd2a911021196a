"""Values cached until their rows change (apps.core.cache.cached_until_changed): the unread badge
and a company's role → permission codes, read on every page, are never served stale once a change
has committed — even when a slow reader stores what it read before the commit."""


import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from apps.core.cache import cached_until_changed, mark_changed
from apps.tenants.roles import Role
from tests.factories import NotificationFactory


def test_a_value_is_computed_once_then_read_from_the_cache_until_its_rows_change():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_until_changed("t:value", "t:token", compute) == 1
    assert cached_until_changed("t:value", "t:token", compute) == 1
    mark_changed("t:token")
    assert cached_until_changed("t:value", "t:token", compute) == 2


@pytest.mark.django_db
def test_a_reader_that_cached_the_old_rows_during_a_write_is_ignored_after_the_commit(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mark_changed("race:token")
        # Another request, reading before the commit, caches what it saw (the old rows).
        cached_until_changed("race:value", "race:token", lambda: "old rows")
    # The commit replaced the token again: that value no longer counts.
    assert cached_until_changed("race:value", "race:token", lambda: "new rows") == "new rows"


def test_a_lost_token_never_brings_an_old_value_back():
    cached_until_changed("lost:value", "lost:token", lambda: "before")
    mark_changed("lost:token")
    cache.delete("lost:token")  # evicted
    assert cached_until_changed("lost:value", "lost:token", lambda: "after") == "after"


@pytest.mark.django_db
def test_nadias_badge_counts_a_notification_that_arrives_after_she_opened_a_page(client, northwind, make_user):
    nadia = make_user(northwind, Role.ORG_ADMIN)
    client.force_login(nadia)
    assert "unread</span>" not in client.get(reverse("home")).content.decode()
    NotificationFactory(user=nadia, channel="in_app", title="A new one")
    assert '1<span class="visually-hidden"> unread</span>' in client.get(reverse("home")).content.decode()
