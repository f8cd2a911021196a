"""The framework floor (the benchmark's baseline page) exists only in the benchmark configuration."""

import importlib

import pytest
from django.urls import NoReverseMatch, URLPattern, get_resolver, reverse

from config.bench import framework_floor


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            yield pattern.callback
        else:
            yield from _views(pattern.url_patterns)


def test_production_urls_do_not_route_the_floor():
    assert framework_floor not in set(_views(get_resolver("config.urls").url_patterns))
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor", urlconf="config.urls")


def test_the_bench_settings_route_the_floor_on_top_of_every_production_url():
    assert importlib.import_module("config.settings_bench").ROOT_URLCONF == "config.urls_bench"
    bench_views = set(_views(get_resolver("config.urls_bench").url_patterns))
    assert framework_floor in bench_views
    assert set(_views(get_resolver("config.urls").url_patterns)) <= bench_views


@pytest.mark.urls("config.urls_bench")
def test_the_floor_needs_a_login_and_then_answers_ok(client, make_user, northwind):
    assert client.get("/bench/floor/").status_code == 302
    client.force_login(make_user(northwind))
    response = client.get("/bench/floor/")
    assert response.status_code == 200 and response.content == b"ok"


def test_in_production_the_bench_path_is_not_found(client, make_user, northwind):
    client.force_login(make_user(northwind))
    assert client.get("/bench/floor/").status_code == 404
