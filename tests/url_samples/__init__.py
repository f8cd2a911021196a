"""Sample arguments for the cross-tenant URL walk (tests/test_url_walk.py).

Each context has a module here defining:
  build(world)  — adds Northwind objects to ``world`` (a dict) and appends strings unique to
                  them to ``world["markers"]`` (list pages must never show these to Southbay);
  SAMPLES       — {url_name: lambda world: {kwarg: value}} for every route that takes arguments;
  grant_home_roles(user) (optional) — gives Charlie every role this context has *inside his own
                  company*, so a 404 he gets is about tenancy, not a missing role.
  QUERIES       — {url_name: lambda world: {param: value}}: the query string a real client sends to a
                  list or filter route, with Northwind ids/values (``?program=<nw program>``);
  BODIES        — {url_name: lambda world: {field: value}}: the form (pages) or JSON (API) body a real
                  client sends to a create/update/action route, with Northwind ids/values;
  NO_BODY       — {url_name: "why"}: the routes that take no body (read-only pages, exports, actions
                  without input). Every route is in BODIES or in NO_BODY;
  build_own(own, user) (optional) — adds Charlie's own objects to ``own`` (a dict);
  OWN_SAMPLES   — {url_name: lambda own: {kwarg: value}}: Charlie's OWN object in the path of an
                  update route, to which the walk sends the route's BODIES sample (Northwind ids).
A comment beside a sample says what the route answers to the foreign ids: refused (4xx) or ignored (2xx).
A route with arguments and no sample, or a route in neither BODIES nor NO_BODY, fails the walk:
register one when you add a URL.
"""

from importlib import import_module

MODULES = ["tenants", "academics", "reference", "assessments", "analytics", "notifications", "clinical",
           "scheduling", "hospital", "hours", "billing", "physio", "ccc"]


def contexts():
    for name in MODULES:
        try:
            yield import_module(f"tests.url_samples.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"tests.url_samples.{name}":
                raise


def samples() -> dict:
    merged = {}
    for module in contexts():
        merged.update(module.SAMPLES)
    return merged


def _merged(attribute) -> dict:
    merged = {}
    for module in contexts():
        merged.update(getattr(module, attribute, {}))
    return merged


def queries() -> dict:
    return _merged("QUERIES")


def bodies() -> dict:
    return _merged("BODIES")


def no_body() -> dict:
    return _merged("NO_BODY")


def own_samples() -> dict:
    return _merged("OWN_SAMPLES")


def build_own(user) -> dict:
    """Charlie's own objects (made by grant_home_roles and each context's build_own)."""
    own = {"company": user.company, "user": user}
    for module in contexts():
        getattr(module, "build_own", lambda own, user: None)(own, user)
    return own


def build_world(northwind) -> dict:
    world = {"company": northwind, "markers": []}
    for module in contexts():
        module.build(world)
    return world
