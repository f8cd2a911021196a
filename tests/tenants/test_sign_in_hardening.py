"""Sign-in that cannot be walked around: lockout by normalised email, throttled reset mails,
no-store on anything private, and no "this address has an account elsewhere" answers."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.tenants.roles import Role
from tests.factories import PASSWORD, MembershipFactory, ProgramFactory, SponsorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # reset counters live in the cache
    yield
    cache.clear()


def _login(client, email, password, ip="10.1.2.3"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


class TestLockout:
    def test_after_five_failures_no_case_variant_of_the_address_signs_in(self, client, northwind, make_user,
                                                                          settings):
        make_user(northwind, email="clinician@northwind.example")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, "clinician@northwind.example", "wrong")
        for variant in ("CLINICIAN@northwind.example", "Clinician@Northwind.Example", " clinician@northwind.example ",
                        "clinician@NORTHWIND.EXAMPLE"):
            for ip in ("10.1.2.3", "192.0.2.44"):  # nor from another address
                response = _login(client, variant, PASSWORD, ip=ip)
                assert response.status_code == 429, (variant, ip)
                assert SESSION_KEY not in client.session

    def test_failures_spread_over_case_variants_add_up_to_a_lockout(self, client, northwind, make_user, settings):
        make_user(northwind, email="casey@northwind.example")
        variants = ["casey@northwind.example", "CASEY@northwind.example", "Casey@northwind.example",
                    "casey@NORTHWIND.example", "CaSeY@northwind.example"]
        for variant in variants[:settings.AXES_FAILURE_LIMIT]:
            _login(client, variant, "wrong")
        assert _login(client, "casey@northwind.example", PASSWORD).status_code == 429

    def test_the_lockout_counts_per_email_and_per_address_with_email(self, settings):
        assert settings.AXES_LOCKOUT_PARAMETERS == ["username", ["ip_address", "username"]]


class TestPasswordResetThrottle:
    def test_eight_reset_requests_in_a_row_send_at_most_three_mails_and_each_page_says_the_same(
            self, client, northwind, make_user, mailoutbox):
        make_user(northwind, email="casey@northwind.example")
        pages = [client.post(reverse("password_reset"), {"email": "casey@northwind.example"}, follow=True)
                 for _ in range(8)]
        assert len(mailoutbox) == 3
        assert {page.redirect_chain[-1][0] for page in pages} == {reverse("password_reset_done")}
        unknown = client.post(reverse("password_reset"), {"email": "nobody@northwind.example"}, follow=True)
        assert unknown.redirect_chain == pages[-1].redirect_chain

    def test_case_variants_share_the_per_address_limit(self, client, northwind, make_user, mailoutbox):
        make_user(northwind, email="casey@northwind.example")
        for email in ("casey@northwind.example", "CASEY@northwind.example", "Casey@Northwind.example",
                      "casey@NORTHWIND.example"):
            client.post(reverse("password_reset"), {"email": email})
        assert len(mailoutbox) == 3

    def test_one_client_address_cannot_mail_everyone(self, client, northwind, make_user, mailoutbox, settings):
        settings.ROUNDS_PASSWORD_RESET_PER_IP = 4
        for n in range(6):
            make_user(northwind, email=f"person{n}@northwind.example")
            client.post(reverse("password_reset"), {"email": f"person{n}@northwind.example"})
        assert len(mailoutbox) == 4
        other_address = client.post(reverse("password_reset"), {"email": "person5@northwind.example"},
                                    REMOTE_ADDR="192.0.2.80")
        assert other_address.status_code == 302 and len(mailoutbox) == 5


class TestNoStore:
    @pytest.fixture
    def nora(self, northwind, sponsor):
        program = ProgramFactory(sponsor=sponsor, name="Northwind Surgery")
        nora = UserFactory(company=northwind, email="nora@northwind.example")
        MembershipFactory(user=nora, role=Role.COORDINATOR, program=program)
        return nora, program

    def test_a_signed_in_page_a_csv_export_and_an_api_response_are_never_stored(self, client, nora):
        user, program = nora
        client.force_login(user)
        page = client.get(reverse("home"))
        export = client.get(f"/programs/{program.pk}/roster/export/", {"format": "csv"})
        api = client.get("/api/programs/")
        assert export["Content-Type"].startswith("text/csv")
        for response in (page, export, api):
            assert response.status_code == 200
            assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]

    def test_an_anonymous_api_answer_is_not_stored_either_but_a_public_page_may_be(self, client, db):
        assert "no-store" in client.get("/api/programs/")["Cache-Control"]
        assert "no-store" not in client.get(reverse("password_reset_done")).get("Cache-Control", "")


class TestNoEnumerationAcrossTenants:
    """Charlie coordinates a Southbay program; Nadia has an account at Northwind."""

    @pytest.fixture
    def charlie(self, southbay, northwind):
        UserFactory(company=northwind, email="nadia@northwind.example")
        program = ProgramFactory(sponsor=SponsorFactory(institution__company=southbay), name="Southbay Surgery")
        charlie = UserFactory(company=southbay, email="charlie@southbay.example")
        MembershipFactory(user=charlie, role=Role.COORDINATOR, program=program)
        return charlie, program

    @staticmethod
    def _preview(client, program, email):
        upload = SimpleUploadedFile("roster.csv", (f"email,first_name,last_name,role,pgy,track\n"
                                                   f"{email},Nadia,Park,resident,2,\n").encode(),
                                    content_type="text/csv")
        body = client.post(f"/programs/{program.pk}/import/", {"kind": "roster", "file": upload}).content.decode()
        body = re.sub(r'value="[^"]*"', 'value=""', body.replace(email, "EMAIL"))
        return re.sub(r'"X-CSRFToken": "[^"]*"', "", body)

    def test_charlies_import_preview_answers_for_nadias_address_as_for_an_unknown_one(self, client, charlie):
        user, program = charlie
        client.force_login(user)
        known = self._preview(client, program, "nadia@northwind.example")
        unknown = self._preview(client, program, "nobody-at-all@northwind.example")
        assert "another organization" not in known and "Import 1 row" in known
        assert known == unknown

    def test_charlies_add_person_does_not_say_nadia_has_an_account_in_another_organization(self, client, charlie):
        user, program = charlie
        client.force_login(user)
        response = client.post(f"/programs/{program.pk}/people/add/", {
            "email": "NADIA@northwind.example", "first_name": "Nadia", "last_name": "Park", "roles": ["resident"],
            "pgy_level": 2, "key": "add-1"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "another organization" not in body and "Northwind" not in body and "already in use" not in body
        assert not program.learners.exists()
