"""The API's page numbers (``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``). Its own module: DRF
imports the pagination class while ``rest_framework.generics`` loads, so it must not import views."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_PAGE = 1_000_000


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=`` is one whole number from 1 (documented in the schema); anything else — a word,
    ``0``, a repeated ``page`` — is a 400 with a message, never a guess. A page past the end is a 404."""

    last_page_strings = ()

    def get_page_number(self, request, paginator):
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        value = values[0]
        if len(values) > 1 or not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
            raise ValidationError({self.page_query_param: [f"A page number is one whole number from 1 to {MAX_PAGE}."]})
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
                parameter["description"] = "Page number, from 1 (400 when not a whole number, 404 past the last page)."
        return parameters
