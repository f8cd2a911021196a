"""Charlie, from Southbay, walks every URL in Rounds with Northwind's object ids.

Every route that takes arguments must answer 404 (or 403/405) to him, for GET and POST; every
route without arguments must answer without showing him any Northwind name. A new route with
no sample arguments in tests/url_samples/ fails this test.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.tenants.roles import Role
from tests import url_samples
from tests.factories import MembershipFactory, SiteFactory

SKIPPED_PREFIXES = ("django.contrib.auth", "django.contrib.admin")
OBJECT_STATUSES = {403, 404, 405}


def _routes(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            module = getattr(entry.callback, "__module__", "")
            if module.startswith(SKIPPED_PREFIXES) or "format" in entry.pattern.regex.groupindex:
                continue
            yield f"{namespace}{entry.name}", sorted(entry.pattern.regex.groupindex)


@pytest.fixture
def charlie(southbay, make_user):
    """Southbay's busiest person: every role his company can give, so a 404 is about tenancy."""
    user = make_user(southbay, Role.ORG_ADMIN, email="charlie@southbay.example")
    MembershipFactory(user=user, role=Role.CLINICIAN, site=SiteFactory(institution__company=southbay))
    for module in url_samples.contexts():
        getattr(module, "grant_home_roles", lambda user: None)(user)
    return user


@pytest.mark.django_db
def test_charlie_from_southbay_gets_404_for_every_northwind_url(client, northwind, charlie):
    world = url_samples.build_world(northwind)
    samples = url_samples.samples()
    client.force_login(charlie)
    problems = []
    for name, args in _routes():
        if args and name not in samples:
            problems.append(f"{name}: no sample arguments registered in tests/url_samples/")
            continue
        url = reverse(name, kwargs=samples[name](world) if args else None)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if args and response.status_code not in OBJECT_STATUSES:
                problems.append(f"{method.upper()} {url} ({name}) → {response.status_code}, expected 404")
            if not args:
                body = response.content.decode(errors="replace")
                leaked = [marker for marker in world["markers"] if marker in body]
                if leaked or response.status_code >= 500:
                    problems.append(f"{method.upper()} {url} ({name}) → {response.status_code}, leaked {leaked}")
    assert not problems, "\n".join(problems)


def test_every_sample_names_a_real_route():
    names = {name for name, _ in _routes()}
    stale = set(url_samples.samples()) - names
    assert not stale, f"samples for routes that no longer exist: {sorted(stale)}"
