"""The bed board and the MAR take the same number of queries for a 10-bed or a 40-bed ward."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.hospital.models import Dose
from tests.clinical.factories import PatientFactory
from tests.hospital.factories import make_admission, make_prescription, make_ward

pytestmark = pytest.mark.django_db
# session, user, memberships, role codes, the site (or the ward); the page's own reads (board: ONE query,
# wards LEFT JOIN beds LEFT JOIN open assignments and their patients; MAR: two, the open assignments with
# bed and patient, then the prescriptions LEFT JOIN the shift's doses); the page shell's unread badge; the
# access-log insert — the same for 10 or 40 beds. Lowered from 10 and 10 (issue 16's speed work).
BOARD_QUERIES = 6
MAR_QUERIES = 7
# Nothing the cards show changed since the last visit: they come from the cache (apps.hospital.mar_cache);
# the session, user, ward, memberships and the access-log insert remain.
MAR_UNCHANGED_QUERIES = 5


def fill_ward(hospital, doctor, beds):
    ward, made = make_ward(hospital, name=f"Ward {beds}", beds=beds)
    now = timezone.now()
    for bed in made:
        patient = PatientFactory(home_site=hospital)
        make_admission(patient, hospital, doctor, bed=bed)
        for frequency in ("QID", "BID"):
            prescription = make_prescription(patient, hospital, doctor, frequency=frequency)
            Dose.objects.bulk_create([Dose(prescription=prescription, company=hospital.company,
                                           due_at=now + datetime.timedelta(minutes=10 * n)) for n in range(3)])
    return ward


@pytest.mark.parametrize("beds", [10, 40])
def test_the_bed_board_takes_the_same_queries_for_10_or_40_beds(client, nurse, doctor, hospital, beds,
                                                                django_assert_num_queries):
    fill_ward(hospital, doctor, beds)
    client.force_login(nurse)
    url = reverse("hospital:bed_board", args=[hospital.pk])
    client.get(url)
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(url)
    assert response.content.decode().count("bed bed-occupied") == beds


@pytest.mark.parametrize("beds", [10, 40])
def test_the_mar_takes_the_same_queries_for_10_or_40_patients(client, nurse, doctor, hospital, beds,
                                                            django_assert_num_queries):
    ward = fill_ward(hospital, doctor, beds)
    client.force_login(nurse)
    now = timezone.localtime(timezone.now(), timezone=zoneinfo.ZoneInfo(hospital.time_zone))
    shift = "day" if 7 <= now.hour < 19 else "night"
    day = now.date() if now.hour >= 7 else now.date() - datetime.timedelta(days=1)
    url = reverse("hospital:mar", args=[ward.pk]) + f"?day={day.isoformat()}&shift={shift}"
    client.get(url)
    prescription = Dose.objects.for_company(hospital.company).order_by("due_at").first().prescription
    Dose.objects.create(prescription=prescription, company=hospital.company,  # a change: the cards are read again
                        due_at=timezone.now() + datetime.timedelta(minutes=40))
    with django_assert_num_queries(MAR_QUERIES):
        response = client.get(url)
    body = response.content.decode()
    assert body.count('class="card mar-patient"') == beds
    assert body.count("<div data-dose=") >= beds * 2 + 1
    with django_assert_num_queries(MAR_UNCHANGED_QUERIES):
        again = client.get(url)
    assert again.content.decode().count("<div data-dose=") == body.count("<div data-dose=")


# The dose form a MAR "Record" loads (the htmx fragment or, without JavaScript, the page): session, user, the
# dose with its prescription, patient and site, memberships, role codes, the patient's bed and ward, the unread
# badge (the context processors run for the fragment too), the access-log insert. The same for any ward's size.
DOSE_FORM_QUERIES = 6


@pytest.mark.parametrize("beds", [10, 40])
@pytest.mark.parametrize("htmx", [True, False])
def test_the_dose_form_takes_the_same_queries_on_a_10_or_40_bed_ward(client, nurse, doctor, hospital, beds, htmx,
                                                                     django_assert_num_queries):
    fill_ward(hospital, doctor, beds)
    dose = Dose.objects.for_company(hospital.company).order_by("due_at", "id").first()
    client.force_login(nurse)
    url = reverse("hospital:dose_record", args=[dose.pk])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    client.get(url, **headers)
    with django_assert_num_queries(DOSE_FORM_QUERIES):
        response = client.get(url, **headers)
    assert f'action="{url}"' in response.content.decode()
