"""Charlie, from Southbay, walks every URL in Rounds with Northwind's object ids.

1. In the PATH: every route that takes arguments must answer 404 (or 403/405) to him, for GET and
   POST (and, on API routes, every write method the route has); every route without arguments must
   answer without showing him any Northwind name.
2. In QUERY STRINGS and FORM/JSON BODIES: each route's sample (tests/url_samples/<ctx>.py QUERIES,
   BODIES) carries Northwind ids and values (``?program=<nw>``, ``{"learner": <nw>}``); on his OWN
   objects too (OWN_SAMPLES: ``PATCH /api/learners/<his>/ {"program": <nw>}``). Never a 5xx, never a
   Northwind name in the answer, and — checked on the database after the walk — no Northwind row
   created or changed and no Southbay row pointing at a Northwind row.
3. BAD INPUT (issue 11 item 20): malformed ids, NUL bytes, a 5,000-deep JSON body, the platform
   superuser on tenant endpoints: a 400/403/404 with a message, never a 500.

A route with arguments and no path sample, or any route with neither a body sample (BODIES) nor a
stated reason to take none (NO_BODY), fails the walk: register one when you add a URL.
"""

import json

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.tenants.roles import Role
from tests import url_samples
from tests.factories import MembershipFactory, SiteFactory, UserFactory

SKIPPED_PREFIXES = ("django.contrib.auth", "django.contrib.admin")
OBJECT_STATUSES = {403, 404, 405}
# A foreign id in a query or body: refused (400/403/404/405/409/410) or ignored (2xx; on a page, a 302
# after a write that did not use it — the database snapshot proves it was not used).
FOREIGN_VALUE_STATUSES = {200, 201, 204, 400, 403, 404, 405, 409, 410}
PAGE_REDIRECT = 302
WRITE_METHODS = ("post", "put", "patch")


def _routes(patterns=None, namespace=""):
    for name, args, _callback in _routes_with_views(patterns, namespace):
        yield name, args


def _routes_with_views(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes_with_views(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            module = getattr(entry.callback, "__module__", "")
            if module.startswith(SKIPPED_PREFIXES) or "format" in entry.pattern.regex.groupindex:
                continue
            yield f"{namespace}{entry.name}", sorted(entry.pattern.regex.groupindex), entry.callback


def _is_api(callback) -> bool:
    """DRF views (viewsets, @api_view, APIView) carry their class; they take JSON."""
    return hasattr(callback, "cls")


def _write_methods(callback) -> list[str]:
    """The write methods a route answers: a viewset's action map, an @api_view's methods; a page: POST."""
    if not _is_api(callback):
        return ["post"]
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return [method for method in WRITE_METHODS if method in actions]
    return [method for method in WRITE_METHODS
            if method in callback.cls.http_method_names and hasattr(callback.cls, method)]


def _send(client, method, url, data, *, api):
    if method == "get":
        return client.get(url, data)
    if api:
        return getattr(client, method)(url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


def _leaks(response, markers) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    return [marker for marker in markers if marker in text]


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
    for name, args, callback in _routes_with_views():
        if args and name not in samples:
            problems.append(f"{name}: no sample arguments registered in tests/url_samples/")
            continue
        url = reverse(name, kwargs=samples[name](world) if args else None)
        methods = ["get", "post"] + ([m for m in ("put", "patch", "delete") if m in _api_methods(callback)]
                                     if args and _is_api(callback) else [])
        for method in methods:
            response = _send(client, method, url, {}, api=_is_api(callback)) if method != "get" else client.get(url)
            if args and response.status_code not in OBJECT_STATUSES:
                problems.append(f"{method.upper()} {url} ({name}) → {response.status_code}, expected 404")
            if not args:
                leaked = _leaks(response, world["markers"])
                if leaked or response.status_code >= 500:
                    problems.append(f"{method.upper()} {url} ({name}) → {response.status_code}, leaked {leaked}")
    assert not problems, "\n".join(problems)


def _api_methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return list(actions)
    return [method for method in callback.cls.http_method_names if hasattr(callback.cls, method)]


# ------------------------------------------------------------------ the database after the walk
def _tenant_tables() -> list[str]:
    """Every table with a company_id (tenant rows, their history, the logs), from the catalog."""
    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.table_name FROM information_schema.columns c
                          JOIN information_schema.tables t USING (table_schema, table_name)
                          WHERE c.table_schema = 'public' AND c.column_name = 'company_id'
                          AND t.table_type = 'BASE TABLE' ORDER BY 1""")
        return [row[0] for row in cursor.fetchall()]


def _company_snapshot(company_id) -> dict:
    """Per tenant table: the company's row count and a checksum over every column of its rows."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in _tenant_tables():
            cursor.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
                           f'FROM "{table}" t WHERE company_id = %s', [company_id])
            snapshot[table] = cursor.fetchone()
    return snapshot


def _cross_company_links(child_company_id, parent_company_id) -> dict:
    """Foreign keys from a row of one company to a row of the other (both tables have company_id)."""
    tables = set(_tenant_tables())
    links = {}
    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
                          FROM pg_constraint c
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                          JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
                          WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1""")
        foreign_keys = [row for row in cursor.fetchall()
                        if row[0].strip('"') in tables and row[2].strip('"') in tables]
        for child, column, parent, parent_column in foreign_keys:
            cursor.execute(f'SELECT count(*) FROM {child} x JOIN {parent} p ON x."{column}" = p."{parent_column}" '
                           f'WHERE x.company_id = %s AND p.company_id = %s', [child_company_id, parent_company_id])
            count = cursor.fetchone()[0]
            if count:
                links[f"{child}.{column} → {parent}"] = count
    return links


# ------------------------------------------------------------------ queries and bodies
@pytest.mark.django_db
def test_charlie_sends_northwind_ids_in_queries_and_bodies_and_changes_nothing_of_northwind(
        client, northwind, southbay, charlie):
    world = url_samples.build_world(northwind)
    own = url_samples.build_own(charlie)
    samples, queries, bodies = url_samples.samples(), url_samples.queries(), url_samples.bodies()
    no_body, own_samples = url_samples.no_body(), url_samples.own_samples()
    before = _company_snapshot(northwind.pk)
    client.force_login(charlie)
    problems, walked = [], {"queries": 0, "bodies": 0, "own": 0}

    def check(method, url, name, response, *, foreign_path, api):
        status = response.status_code
        expected = OBJECT_STATUSES if foreign_path else FOREIGN_VALUE_STATUSES | ({PAGE_REDIRECT} if not api else set())
        leaked = _leaks(response, world["markers"])
        if status not in expected or leaked:
            problems.append(f"{method.upper()} {url} ({name}) → {status}, expected one of {sorted(expected)}"
                            + (f", leaked {leaked}" if leaked else ""))

    for name, args, callback in _routes_with_views():
        api = _is_api(callback)
        if name not in bodies and name not in no_body:
            problems.append(f"{name}: neither a BODIES sample nor a NO_BODY reason in tests/url_samples/")
        if args and name not in samples:
            continue  # reported by the path walk
        url = reverse(name, kwargs=samples[name](world) if args else None)
        if name in queries:
            walked["queries"] += 1
            response = client.get(url, queries[name](world))
            check("get", url, name, response, foreign_path=bool(args), api=api)
        if name in bodies:
            walked["bodies"] += 1
            for method in _write_methods(callback):
                response = _send(client, method, url, bodies[name](world), api=api)
                check(method, url, name, response, foreign_path=bool(args), api=api)
        if name in own_samples:
            walked["own"] += 1
            own_url = reverse(name, kwargs=own_samples[name](own))
            for method in _write_methods(callback):
                response = _send(client, method, own_url, bodies[name](world), api=api)
                check(method, own_url, name, response, foreign_path=False, api=api)

    after = _company_snapshot(northwind.pk)
    changed = sorted(table for table in before if before[table] != after[table])
    problems += [f"Northwind rows changed in {table}: {before[table][0]} rows → {after[table][0]}" for table in changed]
    problems += [f"Southbay rows point at Northwind rows: {link} ({count})"
                 for link, count in _cross_company_links(southbay.pk, northwind.pk).items()]
    assert not problems, "\n".join(problems)
    assert walked["queries"] >= 10 and walked["bodies"] >= 40 and walked["own"] >= 5, walked


@pytest.mark.django_db
def test_the_snapshot_sees_a_changed_northwind_row_and_a_southbay_row_pointing_at_northwind(northwind, southbay):
    """The walk's database checks can fail: one changed column of one Northwind row, one Southbay row
    re-pointed (behind the ORM's back) at a Northwind program."""
    from tests.factories import LearnerFactory, ProgramFactory

    nw_program = ProgramFactory(sponsor__institution__company=northwind)
    sb_learner = LearnerFactory(program=ProgramFactory(sponsor__institution__company=southbay))
    before = _company_snapshot(northwind.pk)
    assert not _cross_company_links(southbay.pk, northwind.pk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE academics_program SET name = name || '!' WHERE id = %s", [nw_program.pk])
        cursor.execute("UPDATE academics_learner SET program_id = %s WHERE id = %s", [nw_program.pk, sb_learner.pk])
    after = _company_snapshot(northwind.pk)
    assert [table for table in before if before[table] != after[table]] == ["academics_program"]
    assert "academics_learner.program_id → academics_program" in _cross_company_links(southbay.pk, northwind.pk)


def test_every_sample_names_a_real_route():
    names = {name for name, _ in _routes()}
    for kind in ("samples", "queries", "bodies", "no_body", "own_samples"):
        stale = set(getattr(url_samples, kind)()) - names
        assert not stale, f"{kind} for routes that no longer exist: {sorted(stale)}"


def test_every_route_has_a_body_sample_or_a_reason_to_take_none_and_every_api_list_a_query():
    bodies, no_body = url_samples.bodies(), url_samples.no_body()
    missing = [name for name, _ in _routes() if name not in bodies and name not in no_body]
    assert not missing, f"routes with neither BODIES nor NO_BODY in tests/url_samples/: {missing}"
    queries = url_samples.queries()
    api_lists = [name for name, args, callback in _routes_with_views()
                 if _is_api(callback) and getattr(callback, "actions", {}).get("get") == "list" and name not in queries]
    assert not api_lists, f"API list routes without a QUERIES sample: {api_lists}"
    both = set(bodies) & set(no_body)
    assert not both, f"routes with a body sample AND a reason to take none: {sorted(both)}"


def test_own_samples_are_update_routes_with_a_body():
    bodies = url_samples.bodies()
    strays = [name for name in url_samples.own_samples() if name not in bodies]
    assert not strays, f"OWN_SAMPLES without a BODIES sample to send: {strays}"


# ------------------------------------------------------------------ bad input (issue 11 item 20)
def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


REFUSED = {400, 404}  # issue 11 item 20: a 400/404 with a message
REFUSED_OR_IGNORED = {200, 400, 403, 404}  # a filter that may also just find nothing

BAD_INPUT = [
    # (method, route name, path kwargs from Charlie's own objects, query or JSON body, expected, why)
    ("get", "epa-assessment-list", None, {"epa": "abc"}, REFUSED, "EPA id that is not a number"),
    ("get", "epa-assessment-list", None, {"epa": "false"}, REFUSED, "EPA id that is a boolean"),
    ("get", "epa-assessment-list", None, {"learner": "abc"}, REFUSED, "learner id that is not a UUID"),
    ("get", "epa-assessment-list", None, {"date_from": "tomorrow"}, REFUSED, "date that is not a date"),
    ("get", "assessments:new", None, {"learner": "abc"}, REFUSED, "prefill learner that is not a UUID"),
    ("get", "assessments:new", None, {"q": "\x00"}, REFUSED, "NUL byte in the learner search"),
    ("get", "assessments:new", None, {"epa": "abc"}, REFUSED_OR_IGNORED, "EPA id that is not a number"),
    ("get", "assessments:entrustment_levels", None, {"epa": "abc"}, REFUSED, "EPA id that is not a number"),
    ("get", "academics:feed_ics", lambda own: {"token": "abc\x00def"}, {}, REFUSED, "NUL byte in a calendar token"),
    ("get", "clinical:home", None, {"q": "\x00"}, REFUSED, "NUL byte in the patient search"),
    ("get", "clinical-patient-list", None, {"q": "\x00"}, REFUSED_OR_IGNORED, "NUL byte in the patient search (API)"),
    ("get", "academics:roster", lambda own: {"program_id": own["program"].pk}, {"q": "\x00"}, REFUSED,
     "NUL byte in the roster search"),
    ("get", "clinical:note_new", lambda own: {"visit_id": own["visit"].pk}, {"template": "abc"}, REFUSED,
     "note template id that is not a UUID"),
    ("post", "epa-assessment-list", None, _deep_json(5000), REFUSED, "5,000-deep nested JSON body"),
    ("post", "academics-learner-list", None, _deep_json(5000), REFUSED, "5,000-deep nested JSON body"),
    ("post", "clinical-patient-list", None, _deep_json(5000), REFUSED, "5,000-deep nested JSON body"),
    ("post", "clinical-patient-list", None, _deep_json(100), REFUSED, "100-deep nested JSON body"),
]


def _has_message(response) -> bool:
    if response.get("Content-Type", "").startswith("application/json"):
        return bool(response.json())
    return bool(response.content.strip())


@pytest.mark.django_db
def test_bad_input_gets_a_4xx_with_a_message_never_a_500(client, charlie):
    own = url_samples.build_own(charlie)
    client.force_login(charlie)
    client.raise_request_exception = False
    problems = []
    for method, name, kwargs, data, expected, why in BAD_INPUT:
        url = reverse(name, kwargs=kwargs(own) if kwargs else None)
        if method == "get":
            response = client.get(url, data)
        else:
            response = client.post(url, data, content_type="application/json")
        if response.status_code not in expected or not _has_message(response):
            problems.append(f"{method.upper()} {url} {str(data)[:30]!r} ({why}) → {response.status_code}, "
                            f"expected one of {sorted(expected)} with a message")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_platform_superuser_listing_tenant_api_endpoints_gets_404_with_a_message(client):
    """The superuser has no tenant: every tenant API list says so (404 "No tenant"), never a 500.
    Shared library lists (reference-*) and the schema answer 200."""
    superuser = UserFactory(company=None, is_superuser=True, is_staff=True)
    client.force_login(superuser)
    client.raise_request_exception = False
    problems = []
    for name, args, callback in _routes_with_views():
        if args or not _is_api(callback):
            continue
        response = client.get(reverse(name))
        if response.status_code >= 500:
            problems.append(f"GET {reverse(name)} ({name}) → {response.status_code}")
        elif response.status_code in {403, 404} and "detail" not in response.json():
            problems.append(f"GET {reverse(name)} ({name}) → {response.status_code} without a message")
    assert not problems, "\n".join(problems)
