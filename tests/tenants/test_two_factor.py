"""TOTP two-factor sign-in: required for superusers and clinical roles, optional for everyone else."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.models import AuditLog
from apps.tenants.models import User
from apps.tenants.roles import CLINICAL_ROLES, Role
from apps.tenants.two_factor import two_factor_required
from tests.factories import PASSWORD, MembershipFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows (``steps_ahead`` 30-second steps from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


def _forget_throttling(device):
    """django-otp makes the next try wait after a wrong code (1 s, then 2 s, 4 s…); tests do not wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def _sign_in(client, email):
    return client.post(reverse("login"), {"username": email, "password": PASSWORD}, follow=True)


@pytest.fixture
def sam(db):
    return User.objects.create_superuser("sam@rounds.example", PASSWORD)


@pytest.fixture
def claire(northwind, site):
    """Claire is a clinician at Northwind's main campus."""
    claire = UserFactory(company=northwind, email="claire@northwind.example")
    MembershipFactory(user=claire, role=Role.CLINICIAN, site=site)
    return claire


class TestTheRule:
    def test_superusers_and_every_clinical_role_need_a_second_factor_and_faculty_do_not(self, northwind, site, sam):
        assert two_factor_required(sam)
        for role in CLINICAL_ROLES:
            user = UserFactory(company=northwind)
            MembershipFactory(user=user, role=role, site=site)
            assert two_factor_required(user), role
        teacher = UserFactory(company=northwind)
        MembershipFactory(user=teacher, role=Role.ORG_ADMIN)
        assert not two_factor_required(teacher)

    def test_every_clinic_staff_role_and_the_learner_on_rotation_are_clinical_but_not_the_patient(self):
        assert CLINICAL_ROLES == {Role.CLINICIAN, Role.CLINIC_STAFF, Role.CLINIC_MANAGER, Role.PRACTITIONER,
                                  Role.NURSE, Role.RECEPTION, Role.LAB_TECHNICIAN, Role.PHARMACIST,
                                  Role.CLINICAL_LEARNER}
        assert Role.PATIENT not in CLINICAL_ROLES


class TestSuperusers:
    def test_sam_without_a_second_factor_cannot_reach_the_admin_and_is_sent_to_set_one_up(self, client, sam):
        signed_in = _sign_in(client, "sam@rounds.example")
        assert signed_in.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
        admin = client.get(reverse("admin:index"), follow=True)
        assert admin.redirect_chain and admin.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
        assert "Site administration" not in admin.content.decode()
        assert client.get(reverse("admin:tenants_company_changelist")).status_code == 302

    def test_sam_scans_the_qr_code_confirms_a_code_gets_recovery_codes_and_reaches_the_admin(self, client, sam):
        _sign_in(client, "sam@rounds.example")
        page = client.get(reverse("two_factor_setup"), {"next": reverse("admin:index")})
        body = page.content.decode()
        assert "<svg" in body and "<script" not in body.split("<main")[1] and ' style="' not in body
        device = TOTPDevice.objects.get(user=sam, confirmed=False)
        assert re.sub(r"\s", "", re.search(r'class="totp-secret">([^<]+)<', body).group(1)) in device.config_url

        wrong = client.post(reverse("two_factor_setup"), {"token": "000000"})
        assert "That code does not match" in wrong.content.decode()
        _forget_throttling(device)
        done = client.post(reverse("two_factor_setup"), {"token": _code(device), "next": reverse("admin:index")})
        codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
        assert len(codes) == 10 and StaticToken.objects.filter(device__user=sam).count() == 10
        assert client.get(reverse("admin:index")).status_code == 200
        assert AuditLog.objects.unscoped().filter(action="user.two_factor_enable", actor=sam).exists()

    def test_sam_with_his_authenticator_enters_a_code_and_reaches_the_admin(self, client, sam):
        device = TOTPDevice.objects.create(user=sam, name="Phone", confirmed=True)
        signed_in = _sign_in(client, "sam@rounds.example")
        verify_url = signed_in.redirect_chain[-1][0]
        assert verify_url.startswith(reverse("two_factor_verify"))
        assert client.get(reverse("admin:index")).status_code == 302
        response = client.post(verify_url, {"token": _code(device)}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("admin:index") and response.status_code == 200
        assert "Site administration" in response.content.decode()

    def test_the_admin_refuses_a_session_whose_device_was_removed(self, client, sam):
        client.force_login(sam)
        assert client.get(reverse("admin:index")).status_code == 200
        TOTPDevice.objects.filter(user=sam).delete()
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
        assert client.get(response.url).url.startswith(reverse("two_factor_verify"))

    def test_the_admins_own_login_page_leads_to_rounds_sign_in(self, client, db):
        response = client.get(reverse("admin:login"), {"next": "/admin/"})
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


class TestClinicians:
    def test_claire_must_enter_a_code_before_any_page_or_api_call(self, client, claire):
        device = TOTPDevice.objects.create(user=claire, name="Phone", confirmed=True)
        signed_in = _sign_in(client, "claire@northwind.example")
        assert signed_in.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
        assert client.get(reverse("home")).url.startswith(reverse("two_factor_verify"))
        assert client.get(reverse("site_detail", args=[claire.memberships.get().site_id])).status_code == 302
        assert client.get("/api/programs/").status_code == 403

        wrong = client.post(reverse("two_factor_verify"), {"token": "123456"})
        assert "That code is not right" in wrong.content.decode()
        assert AuditLog.objects.for_company(claire.company).filter(action="user.two_factor_fail").exists()
        _forget_throttling(device)

        verified = client.post(reverse("two_factor_verify"), {"token": _code(device), "next": "/"}, follow=True)
        assert verified.redirect_chain[-1][0] == reverse("home") and "Your roles" in verified.content.decode()
        assert client.get("/api/programs/").status_code == 200

    def test_claire_without_a_device_is_sent_to_set_one_up_and_cannot_skip_it(self, client, claire):
        signed_in = _sign_in(client, "claire@northwind.example")
        assert signed_in.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
        assert "Your account needs a second factor" in signed_in.content.decode()
        assert client.get(reverse("organization")).status_code == 302

    def test_claire_signs_in_with_a_recovery_code_once(self, client, claire):
        TOTPDevice.objects.create(user=claire, name="Lost phone", confirmed=True)
        client.force_login(claire)
        codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>",
                           client.post(reverse("recovery_codes_new")).content.decode())
        client.logout()

        _sign_in(client, "claire@northwind.example")
        assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).url == reverse("home")
        assert client.get(reverse("home")).status_code == 200
        client.logout()
        _sign_in(client, "claire@northwind.example")
        reused = client.post(reverse("two_factor_verify"), {"token": codes[0]})
        assert reused.status_code == 200 and "That code is not right" in reused.content.decode()

    def test_claire_cannot_turn_her_second_factor_off(self, client, claire):
        client.force_login(claire)
        page = client.get(reverse("security")).content.decode()
        assert "cannot be turned off" in page and "Turn off two-factor" not in page
        client.post(reverse("two_factor_off"))
        assert TOTPDevice.objects.filter(user=claire).exists()

    def test_someone_with_a_stolen_password_cannot_add_a_device_to_claires_account(self, client, claire):
        TOTPDevice.objects.create(user=claire, name="Phone", confirmed=True)
        _sign_in(client, "claire@northwind.example")
        response = client.get(reverse("two_factor_setup"))
        assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
        assert not TOTPDevice.objects.filter(user=claire, confirmed=False).exists()


class TestOptional:
    def test_rita_a_resident_turns_it_on_is_asked_at_the_next_sign_in_and_turns_it_off(self, client, northwind):
        rita = UserFactory(company=northwind, email="rita@northwind.example")
        _sign_in(client, "rita@northwind.example")
        assert client.get(reverse("home")).status_code == 200  # not required of her
        assert "Turn on two-factor sign-in" in client.get(reverse("security")).content.decode()
        client.get(reverse("two_factor_setup"))
        device = TOTPDevice.objects.get(user=rita)
        client.post(reverse("two_factor_setup"), {"token": _code(device)})
        client.logout()

        signed_in = _sign_in(client, "rita@northwind.example")
        assert signed_in.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
        client.post(reverse("two_factor_verify"), {"token": _code(device, steps_ahead=1)})
        assert client.get(reverse("home")).status_code == 200
        client.post(reverse("two_factor_off"))
        assert not TOTPDevice.objects.filter(user=rita).exists()
        client.logout()
        assert _sign_in(client, "rita@northwind.example").redirect_chain[-1][0] == reverse("home")


def test_the_clinic_staff_role_needs_a_second_factor_too(client, northwind):
    staff = UserFactory(company=northwind, email="nia@northwind.example")
    MembershipFactory(user=staff, role=Role.CLINIC_STAFF, site=SiteFactory(institution__company=northwind))
    assert _sign_in(client, "nia@northwind.example").redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
