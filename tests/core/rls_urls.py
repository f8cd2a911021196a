"""The project's URLs plus a test-only page: what a raw SQL query sees, table by table, inside a
real request."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from psycopg import sql

from apps.core import rls
from config import urls as project_urls


def raw_company_ids(request):
    """{table: [every company_id a raw SELECT * returns]} for every tenant table."""
    seen = {}
    with connection.cursor() as cursor:
        for table in rls.tenant_tables(connection):
            cursor.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
            column = [c.name for c in cursor.description].index("company_id")
            seen[table] = sorted({str(row[column]) for row in cursor.fetchall()})
    return JsonResponse(seen)


urlpatterns = [path("rls-probe/", raw_company_ids, name="rls_probe"), *project_urls.urlpatterns]
