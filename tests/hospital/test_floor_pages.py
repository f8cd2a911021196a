"""The bed board and the MAR as pages (issue 16): what each shows to whom, that every patient shown is
in the access log, and that the pages' rows (``.values()``, written in Python) are the API's rows."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.audit.models import AccessLog
from apps.hospital import selectors
from apps.hospital.models import Bed, Dose
from tests.hospital.factories import make_admission, make_dose, make_prescription, make_ward

pytestmark = pytest.mark.django_db


def _current_shift(site):
    now = timezone.localtime(timezone.now(), timezone=zoneinfo.ZoneInfo(site.time_zone))
    shift = "day" if 7 <= now.hour < 19 else "night"
    day = now.date() if now.hour >= 7 else now.date() - datetime.timedelta(days=1)
    return day, shift


def _listed(company, actor):
    return set(AccessLog.objects.for_company(company).filter(actor=actor, action=AccessLog.Action.LIST,
                                                             entity_type="clinical.Patient")
               .values_list("entity_id", flat=True))


def test_the_bed_board_shows_who_is_in_each_bed_and_logs_each_patient_once(client, nurse, doctor, hospital, beds,
                                                                          patient, patient2):
    make_admission(patient, hospital, doctor, bed=beds[0])
    patient2.first_name = "<b>Walter</b>"
    patient2.save()
    admission2 = make_admission(patient2, hospital, doctor, bed=beds[1])
    Bed.objects.for_company(hospital.company).filter(pk=beds[2].pk).update(status=Bed.Status.CLEANING)
    make_ward(hospital, name="Ward 9Z", beds=0)
    client.force_login(nurse)

    page = client.get(reverse("hospital:bed_board", args=[hospital.pk])).content.decode()

    assert page.count("bed bed-occupied") == 2 and "2/4</strong> occupied" in page and "1 cleaning" in page
    assert "Margaret Holloway" in page and patient.mrn in page
    assert f'href="{reverse("hospital:admission", args=[admission2.pk])}"' in page
    assert "&lt;b&gt;Walter&lt;/b&gt; Brennan" in page and "<b>Walter</b>" not in page  # escaped
    # a free bed: its status and, for a nurse (admission.manage), the form with that status selected
    assert f'action="{reverse("hospital:bed_status", args=[beds[2].pk])}"' in page
    assert '<option value="cleaning" selected>Cleaning</option>' in page
    assert page.count('<select id="st-') == 2  # the two free beds
    assert "Ward 9Z" in page and "0/0</strong>" in page  # a ward without beds is still on the board
    assert _listed(hospital.company, nurse) == {str(patient.pk), str(patient2.pk)}


def test_a_pharmacist_reads_the_bed_board_without_the_status_forms(client, pharmacist, doctor, hospital, beds,
                                                                  patient):
    make_admission(patient, hospital, doctor, bed=beds[0])
    client.force_login(pharmacist)
    page = client.get(reverse("hospital:bed_board", args=[hospital.pk])).content.decode()
    assert "Margaret Holloway" in page and "Available" in page and '<select id="st-' not in page


@pytest.fixture
def mar_ward(hospital, doctor, nurse, ward, beds, patient, patient2):
    """Margaret: an active and an on-hold prescription and an as-needed one, doses scheduled, given (by
    Nadia), held with a reason; Walter in the next bed with nothing prescribed."""
    day, shift = _current_shift(hospital)
    start, end = selectors.shift_window(site=hospital, day=day, shift=shift)
    make_admission(patient, hospital, doctor, bed=beds[0])
    make_admission(patient2, hospital, doctor, bed=beds[1])
    active = make_prescription(patient, hospital, doctor, medication="Amoxicillin", frequency="TID")
    on_hold = make_prescription(patient, hospital, doctor, medication="Warfarin", frequency="daily", status="on-hold")
    prn = make_prescription(patient, hospital, doctor, medication="Morphine", frequency="PRN", as_needed=True)
    due = make_dose(active, due_at=start + datetime.timedelta(hours=1))
    given_at = start + datetime.timedelta(minutes=5)
    given = make_dose(active, due_at=start + datetime.timedelta(minutes=1), status=Dose.Status.GIVEN,
                      given_at=given_at, blocks_until=given_at + datetime.timedelta(hours=5), recorded_by=nurse)
    held = make_dose(active, due_at=start + datetime.timedelta(hours=2), status=Dose.Status.HELD, reason="NBM <surgery>",
                     recorded_by=nurse)
    waiting = make_dose(on_hold, due_at=start + datetime.timedelta(hours=3))
    later = make_dose(active, due_at=end + datetime.timedelta(hours=1))  # the next shift's
    url = reverse("hospital:mar", args=[ward.pk]) + f"?day={day.isoformat()}&shift={shift}"
    return {"url": url, "due": due, "given": given, "held": held, "waiting": waiting, "later": later, "prn": prn,
            "start": start, "end": end}


def test_the_mar_shows_each_dose_and_what_became_of_it(client, nurse, hospital, ward, patient, patient2, mar_ward):
    client.force_login(nurse)
    page = client.get(mar_ward["url"]).content.decode()
    local = zoneinfo.ZoneInfo(hospital.time_zone)

    assert page.count('class="card mar-patient"') == 2 and "No active prescriptions." in page  # Walter
    assert "Amoxicillin 500 mg tablet <small>500 mg oral TID</small>" in page
    assert "Warfarin 500 mg tablet <small>500 mg oral daily — On hold</small>" in page
    due = mar_ward["due"]  # a "Record" link: the dose's form (a page; static/hospital/mar.js loads it into the row)
    record = reverse("hospital:dose_record", args=[due.pk])
    due_time = f"{due.due_at.astimezone(local):%H:%M}"
    assert (f'<div data-dose="{due.pk}"><b>{due_time}</b><a class="button" href="{record}" '
            f'aria-label="Record the {due_time} dose">Record</a></div>') in page
    assert page.count(record) == 1 and "hx-get" not in page  # the URL once: one delegated handler, no hx-get
    assert '<div class="mar">' in page and "/static/hospital/mar.js" in page
    assert '<select id="s-' not in page and 'name="status"' not in page  # no dose form on the MAR itself
    assert f'<span class="dose-given">Given {mar_ward["given"].given_at.astimezone(local):%H:%M}</span>' in page
    assert f"<small>{escape(str(nurse))} — NBM" in page  # who recorded it
    assert "Held</span>" in page and "— NBM &lt;surgery&gt;" in page
    waiting = mar_ward["waiting"]  # on hold: shown as due, no form
    assert f'data-dose="{waiting.pk}"><b>{waiting.due_at.astimezone(local):%H:%M}</b>due</div>' in page
    assert reverse("hospital:dose_record", args=[mar_ward["waiting"].pk]) not in page
    assert f'data-dose="{mar_ward["later"].pk}"' not in page
    assert f'action="{reverse("hospital:prn_give", args=[mar_ward["prn"].pk])}"' in page and 'placeholder="pain"' in page
    assert f'<input type="hidden" name="ward" value="{ward.pk}">' in page
    assert _listed(hospital.company, nurse) == {str(patient.pk), str(patient2.pk)}


def test_a_pharmacist_reads_the_mar_without_the_record_forms(client, pharmacist, hospital, mar_ward):
    client.force_login(pharmacist)
    page = client.get(mar_ward["url"]).content.decode()
    assert "Amoxicillin" in page and f'data-dose="{mar_ward["due"].pk}"' in page
    assert "/record/" not in page and 'name="ward"' not in page and "Give PRN dose" not in page


# ------------------------------------------------------------------ one dose's form ("Record" on the MAR)
def _old_mar_form(dose, ward, local, csrf):
    """The record form as the MAR wrote it in every scheduled dose's row before it was loaded on tap."""
    return (f'<form method="post" action="{reverse("hospital:dose_record", args=[dose.pk])}">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
            f'<input type="hidden" name="ward" value="{ward.pk}">'
            f'<label class="visually-hidden" for="s-{dose.pk}">Dose at {dose.due_at.astimezone(local):%H:%M}</label>'
            f'<select id="s-{dose.pk}" name="status"><option value="given">Given</option>'
            f'<option value="held">Held</option><option value="refused">Refused</option>'
            f'<option value="missed">Missed</option></select>'
            f'<label class="visually-hidden" for="r-{dose.pk}">Reason</label>'
            f'<input id="r-{dose.pk}" name="reason" placeholder="Reason (held/refused)" size="14" maxlength="300">'
            f'<button type="submit" class="button primary">Record</button></form>')


def _csrf(html):
    return html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_nadia_taps_record_and_the_dose_form_comes_into_the_row(client, nurse, hospital, ward, patient, mar_ward):
    client.force_login(nurse)
    due, local = mar_ward["due"], zoneinfo.ZoneInfo(hospital.time_zone)
    url = reverse("hospital:dose_record", args=[due.pk])

    response = client.get(url, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()

    assert response.status_code == 200 and "HX-Request" in response["Vary"] and "<html" not in fragment
    assert _old_mar_form(due, ward, local, _csrf(fragment)) in fragment  # the form the MAR's row had
    assert "allergy" not in fragment
    logged = AccessLog.objects.for_company(hospital.company).filter(actor=nurse, entity_id=str(patient.pk),
                                                                     action=AccessLog.Action.VIEW, endpoint=url)
    assert logged.count() == 1  # the patient's dose was read: in the access log


def test_without_javascript_the_dose_form_is_a_page_that_posts_back_to_the_mar(client, nurse, hospital, ward, beds,
                                                                               patient, mar_ward):
    client.force_login(nurse)
    due, local = mar_ward["due"], zoneinfo.ZoneInfo(hospital.time_zone)
    url = reverse("hospital:dose_record", args=[due.pk])

    response = client.get(url)
    page = response.content.decode()

    assert response.status_code == 200 and "HX-Request" in response["Vary"] and "<html" in page
    assert f"{beds[0].label} · Margaret Holloway" in page  # the patient and the medicine, to check before giving
    assert patient.mrn in page and "Amoxicillin 500 mg tablet <small>500 mg oral TID</small>" in page
    assert _old_mar_form(due, ward, local, _csrf(page)) in page
    assert f'href="{reverse("hospital:mar", args=[ward.pk])}">Back to the MAR</a>' in page

    # Margaret's earlier Amoxicillin dose, given 5 minutes into the shift, blocks another for 5 hours
    # (TID): in the first 5 hours of a shift the POST below would be refused as a double dose. That
    # dose is moved back out of the way, so the test does not depend on the hour it runs at.
    now = timezone.now()
    Dose.objects.for_company(hospital.company).filter(pk=mar_ward["given"].pk).update(given_at=now - datetime.timedelta(hours=6),
                                                        blocks_until=now - datetime.timedelta(hours=1))
    posted = client.post(url, {"status": "given", "ward": ward.pk})  # the same POST as before: back to the MAR,
    assert posted.status_code == 302  # at Margaret's card
    assert posted["Location"] == f'{reverse("hospital:mar", args=[ward.pk])}#p-{patient.pk}'
    due.refresh_from_db()
    assert due.status == Dose.Status.GIVEN and due.recorded_by == nurse
    again = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Already recorded: Given" in again and "<form" not in again


def test_the_dose_form_says_why_a_dose_cannot_be_recorded_and_shows_the_allergy_the_prescriber_acknowledged(
        client, nurse, mar_ward):
    client.force_login(nurse)
    waiting = client.get(reverse("hospital:dose_record", args=[mar_ward["waiting"].pk]),
                         HTTP_HX_REQUEST="true").content.decode()
    assert "The prescription is on hold." in waiting and "<form" not in waiting
    due = mar_ward["due"]
    prescription = due.prescription
    prescription.allergy_warning = "Penicillin <severe>"
    prescription.save()
    fragment = client.get(reverse("hospital:dose_record", args=[due.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Prescribed despite a charted allergy: Penicillin &lt;severe&gt;" in fragment and "<form" in fragment


def test_tomas_a_pharmacist_gets_403_for_the_dose_form(client, pharmacist, mar_ward):
    client.force_login(pharmacist)
    assert client.get(reverse("hospital:dose_record", args=[mar_ward["due"].pk])).status_code == 403


def test_charlie_from_another_company_gets_404_for_the_dose_form(client, southbay_charlie, mar_ward):
    client.force_login(southbay_charlie)
    url = reverse("hospital:dose_record", args=[mar_ward["due"].pk])
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_the_pages_rows_are_the_apis_rows(hospital, ward, mar_ward):
    """The pages read ``.values()`` rows (``*_page`` selectors), the API model rows: the same patients,
    prescriptions and doses in the same order."""
    api = selectors.ward_mar(ward=ward, start=mar_ward["start"], end=mar_ward["end"])
    page = selectors.ward_mar_page(ward=ward, start=mar_ward["start"], end=mar_ward["end"])
    assert [(str(r["patient"].pk), [(str(rx.pk), [str(d.pk) for d in rx.window]) for rx in r["prescriptions"]])
            for r in api] == [(r["patient_id"], [(rx["id"], [d["dose_id"] for d in rx["doses"]]) for rx in r["prescriptions"]])
                              for r in page]  # the page's ids are text (written into links)
    board = selectors.bed_board(site=hospital)
    assert [(str(w["ward"].pk), [(str(row["bed"].pk), row["assignment"] and str(row["assignment"].patient_id),
                                  row["assignment"] and int(row["assignment"].start.timestamp() // 1))
                                 for row in w["beds"]]) for w in board] == [
        (w["id"], [(bed_id, stay and stay["patient_id"], stay and stay["start_s"]) for bed_id, _l, _s, stay in w["beds"]])
        for w in selectors.bed_board_page(site=hospital)]



def test_the_mars_headings_and_recorders_written_by_postgresql_are_pythons(hospital, ward, doctor, nurse, mar_ward):
    """``_mar_lines`` writes each prescription's heading (``str(prescription)``, ``dose_text``) and each
    recorder's name (``str(user)``) in SQL: the same texts as the model rows', trailing zeros and blank
    parts included."""
    odd = mar_ward["prn"]
    odd.strength, odd.form, odd.dose = "", "", Decimal("12.500")
    odd.save()
    nurse.first_name = nurse.last_name = ""
    nurse.save()
    api = selectors.ward_mar(ward=ward, start=mar_ward["start"], end=mar_ward["end"])
    page = selectors.ward_mar_page(ward=ward, start=mar_ward["start"], end=mar_ward["end"])
    assert [(str(rx), rx.dose_text, [str(d.recorded_by) if d.recorded_by else "" for d in rx.window])
            for r in api for rx in r["prescriptions"]] == [
        (rx["title"], rx["dose_text"], [d["recorded_by"] for d in rx["doses"]]) for r in page for rx in r["prescriptions"]]
    assert {"Morphine", "12.5 mg oral PRN"} <= {text for r in page for rx in r["prescriptions"]
                                                for text in (rx["title"], rx["dose_text"])}
    assert nurse.email in [d["recorded_by"] for r in page for rx in r["prescriptions"] for d in rx["doses"]]


def test_the_mars_due_and_given_times_are_the_apis_times_in_whole_seconds(hospital, ward, mar_ward):
    """The page reads due and given times as epoch seconds (``EpochSeconds``), rounded down: the same
    moments as the API's datetimes, so the same HH:MM on the page."""
    api = selectors.ward_mar(ward=ward, start=mar_ward["start"], end=mar_ward["end"])
    page = selectors.ward_mar_page(ward=ward, start=mar_ward["start"], end=mar_ward["end"])

    def seconds(moment):
        return None if moment is None else int(moment.timestamp() // 1)

    assert [[(seconds(d.due_at), seconds(d.given_at)) for d in rx.window] for r in api for rx in r["prescriptions"]] == [
        [(d["due_s"], d["given_s"]) for d in rx["doses"]] for r in page for rx in r["prescriptions"]]


def test_a_dose_due_half_a_second_before_the_shift_is_overdue_one_due_at_its_start_is_not(
        client, nurse, hospital, ward, beds, doctor, patient):
    make_admission(patient, hospital, doctor, bed=beds[0])
    prescription = make_prescription(patient, hospital, doctor, medication="Furosemide", frequency="BID")
    day, shift = _current_shift(hospital)
    start, _ = selectors.shift_window(site=hospital, day=day, shift=shift)
    just_before = make_dose(prescription, due_at=start - datetime.timedelta(milliseconds=500))
    on_time = make_dose(prescription, due_at=start)
    client.force_login(nurse)
    page = client.get(reverse("hospital:mar", args=[ward.pk]),
                      {"day": day.isoformat(), "shift": shift}).content.decode()
    local = zoneinfo.ZoneInfo(hospital.time_zone)
    assert (f'data-dose="{just_before.pk}"><b>{just_before.due_at.astimezone(local):%H:%M}</b> '
            f'<strong class="flag-high">overdue</strong><a ') in page
    assert f'data-dose="{on_time.pk}"><b>{start.astimezone(local):%H:%M}</b><a ' in page


def test_charlie_from_another_company_gets_404_for_the_mar_and_the_bed_board(client, southbay_charlie, hospital,
                                                                           ward, mar_ward):
    client.force_login(southbay_charlie)
    assert client.get(reverse("hospital:mar", args=[ward.pk])).status_code == 404
    assert client.get(mar_ward["url"]).status_code == 404
    assert client.get(reverse("hospital:bed_board", args=[hospital.pk])).status_code == 404


def test_the_ward_and_site_the_access_helper_reads_are_the_rows_get_returns(nurse, southbay_charlie, hospital, ward,
                                                                          django_assert_num_queries):
    """``get_ward_for_user`` and ``get_site_for_user`` read one prepared row each: the same model
    instances as ``.get()`` (the ward's site included, no further query), 404 outside the company."""
    from django.http import Http404

    from apps.hospital import access
    from apps.hospital.models import Ward
    from apps.tenants.models import Site

    access.get_ward_for_user(nurse, ward.pk)  # roles read once for the request
    with django_assert_num_queries(1):
        read = access.get_ward_for_user(nurse, str(ward.pk))
        site = read.site
    expected = Ward.objects.for_company(hospital.company).select_related("site").get(pk=ward.pk)
    columns = [field.attname for field in Ward._meta.concrete_fields]
    site_columns = [field.attname for field in Site._meta.concrete_fields]
    assert [getattr(read, c) for c in columns] == [getattr(expected, c) for c in columns]
    assert [getattr(site, c) for c in site_columns] == [getattr(expected.site, c) for c in site_columns]
    assert not read._state.adding and read._tenant_loaded == expected._tenant_loaded
    assert [getattr(access.get_site_for_user(nurse, hospital.pk), c) for c in site_columns] == [
        getattr(expected.site, c) for c in site_columns]
    for user, pk in ((southbay_charlie, ward.pk), (nurse, "not-a-uuid"), (nurse, hospital.pk)):
        with pytest.raises(Http404):
            access.get_ward_for_user(user, pk)
    with pytest.raises(Http404):
        access.get_site_for_user(southbay_charlie, hospital.pk)


def test_nadia_gives_an_as_needed_dose_from_the_mar_and_lands_back_at_margarets_card(client, nurse, ward, patient,
                                                                                    mar_ward):
    client.force_login(nurse)
    response = client.post(reverse("hospital:prn_give", args=[mar_ward["prn"].pk]), {"reason": "pain", "ward": ward.pk})
    assert response.status_code == 302
    assert response["Location"] == f'{reverse("hospital:mar", args=[ward.pk])}#p-{patient.pk}'
    page = client.get(response["Location"]).content.decode()
    assert f'<h2 id="p-{patient.pk}">' in page and "Morphine given." in page


# ------------------------------------------------------------------ the MAR's cards come from the cache until they change
def test_a_dose_nadias_colleague_records_shows_on_her_next_reload(client, nurse, hospital, mar_ward):
    from apps.hospital import services

    client.force_login(nurse)
    due = mar_ward["due"]
    record = reverse("hospital:dose_record", args=[due.pk])
    assert record in client.get(mar_ward["url"]).content.decode()
    assert record in client.get(mar_ward["url"]).content.decode()  # unchanged: from the cache
    services.dose_record(actor=nurse, dose=due, status=Dose.Status.HELD, reason="Patient in theatre")
    page = client.get(mar_ward["url"]).content.decode()
    assert record not in page and "— Patient in theatre" in page


def test_a_transferred_patient_leaves_the_wards_mar_on_the_next_reload(client, nurse, doctor, hospital, ward, patient,
                                                                       mar_ward):
    from apps.hospital import services
    from apps.hospital.models import Admission

    client.force_login(nurse)
    assert "Margaret Holloway" in client.get(mar_ward["url"]).content.decode()
    other_ward, other_beds = make_ward(hospital, name="Ward 9", beds=1)
    admission = Admission.objects.for_company(hospital.company).get(patient=patient)
    services.admission_transfer(actor=doctor, admission=admission, bed=other_beds[0])
    assert "Margaret Holloway" not in client.get(mar_ward["url"]).content.decode()


def test_the_prn_form_of_a_cached_mar_carries_this_requests_csrf_token(nurse, ward, patient, mar_ward):
    from tests.conftest import RoundsClient

    browser = RoundsClient(enforce_csrf_checks=True)
    browser.force_login(nurse)
    browser.get(mar_ward["url"])
    page = browser.get(mar_ward["url"]).content.decode()  # from the cache
    assert "<!--csrf-->" not in page
    response = browser.post(reverse("hospital:prn_give", args=[mar_ward["prn"].pk]),
                            {"reason": "pain", "ward": ward.pk, "csrfmiddlewaretoken": _csrf(page)})
    assert response.status_code == 302  # not 403: the token is this session's


def test_a_pharmacist_gets_no_record_links_from_the_mar_a_nurse_just_cached(client, nurse, pharmacist, mar_ward):
    client.force_login(nurse)
    assert "/record/" in client.get(mar_ward["url"]).content.decode()
    client.force_login(pharmacist)
    page = client.get(mar_ward["url"]).content.decode()
    assert "Amoxicillin" in page and "/record/" not in page and "Give PRN dose" not in page


def test_every_reload_of_the_mar_is_access_logged_even_from_the_cache(client, nurse, hospital, patient, mar_ward):
    client.force_login(nurse)
    for _ in range(3):
        client.get(mar_ward["url"])
    assert AccessLog.objects.for_company(hospital.company).filter(
        actor=nurse, entity_id=str(patient.pk), action=AccessLog.Action.LIST).count() == 3


def test_charlie_from_another_company_gets_404_for_a_mar_nadia_just_cached(client, nurse, southbay_charlie, mar_ward):
    client.force_login(nurse)
    assert "Margaret Holloway" in client.get(mar_ward["url"]).content.decode()
    client.force_login(southbay_charlie)
    response = client.get(mar_ward["url"])
    assert response.status_code == 404 and b"Margaret" not in response.content
