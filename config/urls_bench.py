"""URLs of the benchmark configuration: every production URL plus the framework floor."""

from django.urls import path

from config.bench import framework_floor
from config.urls import handler403
from config.urls import urlpatterns as production_urlpatterns

__all__ = ["handler403", "urlpatterns"]

urlpatterns = [
    path("bench/floor/", framework_floor, name="bench_floor"),
    *production_urlpatterns,
]
