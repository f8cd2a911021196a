"""Demo data discovery for ``manage.py seed_demo`` (like ``admin.autodiscover``).

Every installed app may have a ``demo`` module with ``seed(world, log)``. They run in
INSTALLED_APPS order — the layer order, lowest first — each adding what it made to ``world``
(a dict) for the contexts above it. So no context imports a higher one to seed its data."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


def demo_modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if name != __name__ and find_spec(name) is not None:  # this module is the mechanism, not a demo
            modules.append(import_module(name))
    return modules


def seed_all(log=print) -> dict:
    world: dict = {}
    for module in demo_modules():
        module.seed(world, log=log)
    return world
