"""Settings for `make bench` (bench/run.py): Rounds' settings plus the benchmark-only floor route."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "config.urls_bench"
