"""The Content-Security-Policy holds because no template needs inline script or style."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+=\"", re.I)


def _templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER], ids=["script", "style", "on*"])
def test_no_template_needs_unsafe_inline(pattern):
    offenders = [f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
                 for path in _templates() for match in pattern.finditer(path.read_text())]
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_pages_carry_a_strict_policy_and_no_framing(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    # the one relaxation: style attributes (the appointment book's rows and colours), never scripts
    assert [name for name, sources in directives.items() if "unsafe" in sources] == ["style-src-attr"]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
