"""Request hygiene before any view runs."""

from django.core.exceptions import BadRequest

NUL = "\x00"


def reject_nul_bytes(get_response):
    """A NUL byte in the path, the query string or a form value is a 400 (PostgreSQL text cannot hold
    one, so a view passing it to a query would fail with a 500). JSON bodies are checked by their
    serializers (DRF's CharField refuses NUL), uploaded files are not text fields."""

    def middleware(request):
        if NUL in request.path or any(NUL in key or any(NUL in value for value in values)
                                      for key, values in request.GET.lists()):
            raise BadRequest("A NUL character in the address")
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                                 "multipart/form-data"):
            if any(NUL in key or any(NUL in value for value in values) for key, values in request.POST.lists()):
                raise BadRequest("A NUL character in a form value")
        return get_response(request)

    return middleware
