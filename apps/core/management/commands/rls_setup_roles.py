"""One-time setup for a DATABASE_URL deployment: create or update the app and bypass roles, then
grant them the tables and apply the row-level-security policies (as migrate does).

    DATABASE_OWNER_URL=postgres://postgres:…@db/rounds \\
    DATABASE_URL=postgres://rounds_app:<new password>@db/rounds \\
    .venv/bin/python manage.py rls_setup_roles

Runs as the owner (every manage.py command does); creating a BYPASSRLS role needs a superuser.
The app role's name and password are taken from DATABASE_URL.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.core import rls
from apps.core.db_roles import roles_sql


class Command(BaseCommand):
    help = "Create/update the rounds_app and rounds_bypass roles and apply the RLS policies (owner credentials)."

    def handle(self, *args, **options):
        if connection.settings_dict.get("ROUNDS_RLS"):
            raise CommandError("run this with the owner's credentials (manage.py, DATABASE_OWNER_URL)")
        app = settings.ROUNDS_DATABASE_APP
        if app["USER"] == connection.settings_dict["USER"]:
            raise CommandError(f"DATABASE_URL logs in as the owner ({app['USER']}); point it at the app role, "
                               "e.g. postgres://rounds_app:<password>@host/db, and DATABASE_OWNER_URL at the owner")
        with connection.cursor() as cursor:
            cursor.execute(roles_sql(app["USER"], app["PASSWORD"] or None))
        tables = rls.rls_apply(connection)
        self.stdout.write(f"roles {app['USER']} and rounds_bypass ready; row-level security on {len(tables)} tables")
