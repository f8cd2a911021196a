"""Sample arguments for the cross-tenant URL walk (tests/test_url_walk.py).

Each context has a module here defining:
  build(world)  — adds Northwind objects to ``world`` (a dict) and appends strings unique to
                  them to ``world["markers"]`` (list pages must never show these to Southbay);
  SAMPLES       — {url_name: lambda world: {kwarg: value}} for every route that takes arguments;
  grant_home_roles(user) (optional) — gives Charlie every role this context has *inside his own
                  company*, so a 404 he gets is about tenancy, not a missing role.
A route with arguments and no sample fails the walk: register one when you add a URL.
"""

from importlib import import_module

MODULES = ["tenants", "academics", "reference", "assessments", "analytics", "notifications", "clinical"]


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


def build_world(northwind) -> dict:
    world = {"company": northwind, "markers": []}
    for module in contexts():
        module.build(world)
    return world
