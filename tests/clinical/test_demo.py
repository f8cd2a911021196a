"""The clinical demo: every clinical login lands on a home page that fits it."""

import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp

from apps.clinical import demo as clinical_demo
from apps.clinical.models import Note, Patient, VitalSigns
from apps.core.scoping import unscoped
from apps.tenants import demo as tenants_demo
from apps.tenants.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET


def _sign_in(client, email):
    """Password, then — clinical roles require it — the code of the README's demo authenticator."""
    response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD}, follow=True)
    if response.redirect_chain and response.redirect_chain[-1][0].startswith(reverse("two_factor_verify")):
        code = f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"
        response = client.post(response.redirect_chain[-1][0], {"token": code}, follow=True)
    return response


@pytest.mark.django_db
def test_the_clinical_demo_logins_land_on_fitting_home_pages(client):
    # The tenants' demo (sites and the six logins) plus the clinical demo; seed_demo composes the
    # same two with the other contexts (tests/test_demo.py runs the whole command).
    world = {}
    tenants_demo.seed(world, log=lambda *args: None)
    clinical_demo.seed(world, log=lambda *args: None)
    clinical_demo.seed(world, log=lambda *args: None)  # idempotent
    with unscoped("test: counting demo rows"):
        assert Patient.objects.filter(home_site__name="Harbor Street Clinic").count() == 200
        assert VitalSigns.objects.filter(news2_risk__in=["medium", "high"]).exists()
        awaiting = Note.objects.filter(cosign_required=True, cosigned_at__isnull=True, status="signed")
        assert {n.author.email for n in awaiting} >= {"student@northwind.example", "resident@northwind.example"}
        assert Note.objects.filter(addenda__isnull=False).exists()

    expectations = {
        "practitioner@northwind.example": ["To co-sign", "NEWS2 5 or more"],
        "clinician@northwind.example": ["To co-sign", "Find a patient"],
        "nurse@northwind.example": ["NEWS2 5 or more", "Shift handoff: Harbor Street Clinic"],
        "reception@northwind.example": ["Find a patient", "Register a patient"],
        "student@northwind.example": ["My notes awaiting co-signature"],
        "patient@northwind.example": ["Your health record"],
    }
    for email, texts in expectations.items():
        client.logout()
        response = _sign_in(client, email)
        body = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("home"), email
        for text in texts:
            assert text in body, (email, text)
    assert "Amara" in client.get(reverse("clinical:portal")).content.decode()
    client.logout()
    _sign_in(client, "reception@northwind.example")
    assert "To co-sign" not in client.get(reverse("home")).content.decode()
