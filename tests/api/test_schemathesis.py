"""The API answers what its schema says (issue 11, item 22): schemathesis runs against a live
server with the demo data, once as a Northwind user and once as a Southbay user (token auth),
bounded (a few cases per operation, a time limit), and must find no server error, no response
outside the schema and no undocumented status code."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from apps.core import rls
from apps.core.scoping import unscoped
from apps.tenants.models import User

pytestmark = [pytest.mark.schema, pytest.mark.django_db(transaction=True)]

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "negative_data_rejection")
# Per run (one per tenant): at most this many cases per operation, and this many seconds in all.
MAX_EXAMPLES = os.environ.get("ROUNDS_SCHEMATHESIS_EXAMPLES", "5")
MAX_SECONDS = os.environ.get("ROUNDS_SCHEMATHESIS_SECONDS", "40")
LOGINS = ("coordinator@northwind.example", "coordinator@southbay.example")


def _token(email) -> str:
    with unscoped("test: the demo users' API tokens"):
        user = User.objects.unscoped().get(email=email)
        return Token.objects.get_or_create(user=user)[0].key


def test_schemathesis_finds_no_server_error_and_no_schema_violation_for_either_tenant(live_server, tmp_path):
    with rls.bypass("tests: the demo seed is platform code"):
        call_command("seed_demo", stdout=io.StringIO())
        tokens = {email: _token(email) for email in LOGINS}
    failures = []
    for email, token in tokens.items():
        result = subprocess.run(
            [str(SCHEMATHESIS), "run", f"{live_server.url}/api/schema/", "--header", f"Authorization: Token {token}",
             "--checks", CHECKS, "--max-examples", MAX_EXAMPLES, "--max-time", MAX_SECONDS, "--workers", "1",
             "--seed", "11", "--phases", "coverage,fuzzing", "--output-truncate", "true",
             "--report", "junit", "--report-dir", str(tmp_path / email)],
            cwd=tmp_path, capture_output=True, text=True, timeout=int(MAX_SECONDS) + 120,
            env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""})
        if result.returncode != 0:
            failures.append(f"--- {email}: exit {result.returncode}\n{_failures(result.stdout)}\n{result.stderr[-2000:]}")
            if os.environ.get("ROUNDS_SCHEMATHESIS_DEBUG"):
                print(result.stdout)
    assert not failures, "\n".join(failures)


def _failures(output: str) -> str:
    """Schemathesis' report, condensed to each failing operation, check and response."""
    keep = re.compile(r"^(_+ [A-Z]+ /|\s*- ST\d|\s*(Received|Documented|Expected|Schema at|Invalid data):|"
                      r"\s*`|\s*\[\d{3}\]|.*(passed|failed|errors?)\b.*in \d)")
    lines = [line for line in output.splitlines() if keep.match(line)]
    return "\n".join(lines[-300:]) or output[-6000:]
