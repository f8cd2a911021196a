"""A learner writes a note, the supervisor co-signs it, an addendum follows; the signed text can
never change (service, API, admin); a row altered in the database shows the "altered" banner."""

import pytest
from django.db import connection
from django.urls import reverse

from apps.audit.models import AuditLog
from apps.clinical.models import Note, NoteRevision, NoteTemplate, SignedNoteError
from apps.clinical.services import notes as note_services
from apps.tenants.roles import Role
from tests.clinical.factories import CaseFactory, NoteFactory, VisitFactory

pytestmark = pytest.mark.django_db

SOAP = {"subjective": "Knee pain since Tuesday, worse on stairs.", "objective": "Mild effusion, full ROM.",
        "assessment": "Patellofemoral pain.", "plan": "Quadriceps exercises; review in 2 weeks."}


@pytest.fixture
def visit(patient, practitioner, clinic):
    return VisitFactory(case=CaseFactory(patient=patient, responsible_practitioner=practitioner), site=clinic,
                        practitioner=practitioner)


def _signed_note(visit, author):
    note = note_services.note_start(actor=author, visit=visit, content=SOAP)
    return note_services.note_sign(actor=author, note=note)


def test_lee_writes_a_note_pat_cosigns_it_and_an_addendum_follows(client, visit, learner, practitioner):
    client.force_login(learner)
    response = client.post(reverse("clinical:note_new", args=[visit.pk]), SOAP)
    note = Note.objects.for_company(visit.company_id).get(author=learner)
    assert response.url == reverse("clinical:note_detail", args=[note.pk])
    client.post(reverse("clinical:note_edit", args=[note.pk]), {**SOAP, "plan": "Exercises; review in 1 week."})
    assert list(note.revisions.values_list("version", flat=True)) == [1, 2]
    client.post(reverse("clinical:note_sign", args=[note.pk]))
    note.refresh_from_db()
    assert note.is_signed and note.signed_version == 2 and note.awaiting_cosign and len(note.signed_digest) == 64

    client.force_login(practitioner)
    queue = client.get(reverse("clinical:cosign_list")).content.decode()
    assert str(note.pk) in queue
    home = client.get(reverse("home")).content.decode()
    assert reverse("clinical:note_detail", args=[note.pk]) in home
    client.post(reverse("clinical:note_cosign", args=[note.pk]))
    note.refresh_from_db()
    assert note.cosigned_by == practitioner and not note.awaiting_cosign
    assert str(note.pk) not in client.get(reverse("clinical:cosign_list")).content.decode()

    client.post(reverse("clinical:addendum_new", args=[note.pk]), {"text": "X-ray reviewed: normal."})
    page = client.get(reverse("clinical:note_detail", args=[note.pk])).content.decode()
    assert "X-ray reviewed: normal." in page and "review in 1 week" in page and "ALTERED" not in page
    assert note.addenda.get().digest and note_services.addendum_digest_matches(note.addenda.get())
    actions = set(AuditLog.objects.for_company(visit.company_id).values_list("action", flat=True))
    assert {"note.start", "note.save_draft", "note.sign", "note.cosign", "note.add_addendum"} <= actions


def test_a_practitioners_own_signature_needs_no_cosignature(visit, practitioner):
    assert not _signed_note(visit, practitioner).cosign_required


def test_the_learner_cannot_cosign_and_neither_can_a_practitioner_of_another_site(client, visit, learner, sponsor,
                                                                                       northwind, make_user):
    from tests.factories import SiteFactory

    note = _signed_note(visit, learner)
    elsewhere = make_user(northwind, Role.PRACTITIONER, site=SiteFactory(institution=sponsor.institution))
    for person in (learner, elsewhere):
        client.force_login(person)
        assert client.post(reverse("clinical:note_cosign", args=[note.pk])).status_code == 403


def test_the_service_refuses_to_change_a_signed_note(visit, practitioner):
    note = _signed_note(visit, practitioner)
    with pytest.raises(SignedNoteError):
        note_services.note_save_draft(actor=practitioner, note=note, content={"plan": "changed"})
    revision = note.revisions.get()
    revision.content = {"plan": "changed"}
    with pytest.raises(SignedNoteError):
        revision.save()


def test_the_api_refuses_to_change_a_signed_note(client, visit, practitioner):
    note = _signed_note(visit, practitioner)
    client.force_login(practitioner)
    url = reverse("clinical-note-detail", args=[note.pk])
    for method in ("patch", "put", "delete"):
        response = getattr(client, method)(url, {"content": {"plan": "changed"}}, content_type="application/json")
        assert response.status_code == 409, method
    assert client.post(reverse("clinical-note-sign", args=[note.pk])).status_code == 409
    body = client.get(url).json()
    assert body["content"]["plan"] == SOAP["plan"] and body["digest_valid"] is True


def test_the_api_runs_the_same_draft_sign_cosign_addendum_flow(client, visit, learner, practitioner):
    client.force_login(learner)
    created = client.post(reverse("clinical-visit-notes", args=[visit.pk]), {"content": SOAP},
                          content_type="application/json")
    assert created.status_code == 201
    note_id = created.json()["id"]
    saved = client.patch(reverse("clinical-note-detail", args=[note_id]), {"content": {**SOAP, "plan": "Rest."}},
                         content_type="application/json")
    assert saved.json()["current_version"] == 2
    assert client.post(reverse("clinical-note-sign", args=[note_id])).json()["cosign_required"] is True
    client.force_login(practitioner)
    assert client.post(reverse("clinical-note-cosign", args=[note_id])).json()["cosigned_by"] == str(practitioner.pk)
    added = client.post(reverse("clinical-note-addenda", args=[note_id]), {"text": "Called the patient."},
                        content_type="application/json")
    assert added.status_code == 201 and len(added.json()["digest"]) == 64


def test_the_admin_shows_a_signed_note_read_only(client, visit, practitioner, django_user_model):
    from tests.factories import UserFactory

    note = _signed_note(visit, practitioner)
    root = UserFactory(company=None, is_superuser=True, is_staff=True)
    client.force_login(root)
    url = reverse("admin:clinical_note_change", args=[note.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="confidential"' not in page.content.decode()
    client.post(url, {"confidential": "on"})
    note.refresh_from_db()
    assert note.confidential is False
    revision = note.revisions.get()
    rev_page = client.get(reverse("admin:clinical_noterevision_change", args=[revision.pk]))
    assert rev_page.status_code == 200 and "<textarea" not in rev_page.content.decode()


def test_a_signed_note_altered_in_the_database_shows_the_altered_banner(client, visit, practitioner):
    note = _signed_note(visit, practitioner)
    client.force_login(practitioner)
    url = reverse("clinical:note_detail", args=[note.pk])
    assert "ALTERED" not in client.get(url).content.decode()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {NoteRevision._meta.db_table} SET content = jsonb_set(content, '{{plan}}', "
                       "'\"Discharge.\"') WHERE note_id = %s", [note.pk])
    page = client.get(url).content.decode()
    assert "ALTERED" in page and "Discharge." in page
    assert client.get(reverse("clinical-note-detail", args=[note.pk])).json()["digest_valid"] is False


def test_reception_gets_403_on_notes_pages_and_api(client, visit, practitioner, reception):
    note = _signed_note(visit, practitioner)
    client.force_login(reception)
    for url in (reverse("clinical:note_detail", args=[note.pk]), reverse("clinical:visit_detail", args=[visit.pk]),
                reverse("clinical-note-detail", args=[note.pk]), reverse("clinical-visit-notes", args=[visit.pk])):
        assert client.get(url).status_code == 403, url
    chart = client.get(reverse("clinical:chart", args=[visit.patient_id])).content.decode()
    assert SOAP["plan"] not in chart and "Note by" not in chart


def test_a_note_template_prompts_each_section(client, visit, practitioner):
    template = NoteTemplate.objects.create(company=visit.company, name="Physio initial",
                                           sections={"subjective": "Pain: where, since when, 0–10?"})
    client.force_login(practitioner)
    page = client.get(reverse("clinical:note_new", args=[visit.pk]), {"template": template.pk}).content.decode()
    assert "Pain: where, since when, 0–10?" in page


def test_a_locked_visit_takes_no_new_note_but_signed_notes_take_addenda(client, visit, practitioner):
    note = _signed_note(visit, practitioner)
    client.force_login(practitioner)
    client.post(reverse("clinical:visit_lock", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.is_locked
    response = client.post(reverse("clinical:note_new", args=[visit.pk]), SOAP)
    assert response.status_code == 200 and Note.objects.for_company(visit.company_id).count() == 1
    client.post(reverse("clinical:addendum_new", args=[note.pk]), {"text": "Late entry."})
    assert note.addenda.count() == 1


def test_a_draft_factory_note_is_not_signed():
    assert NoteFactory._meta.model is Note
