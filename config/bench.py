"""The benchmark's framework floor: the cheapest page through the full middleware stack.

Routed only by ``config.urls_bench`` (settings ``config.settings_bench``, which ``bench/run.py``
uses); production URLs never contain it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def framework_floor(request):
    """A signed-in request that does nothing: the baseline every key page is compared with."""
    return HttpResponse("ok", content_type="text/plain")
