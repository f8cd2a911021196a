"""SOAP notes: drafts with a revision per save, signing with a SHA-256 digest, co-signature for
learners, addenda after signing. A signed note never changes: every function here refuses."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_log_record
from apps.clinical import access
from apps.clinical.models import SOAP_SECTIONS, Addendum, Note, NoteRevision, SignedNoteError, canonical_digest

SECTION_KEYS = [key for key, _ in SOAP_SECTIONS]


def clean_content(content) -> dict:
    if not isinstance(content, dict):
        raise ValidationError({"content": "A note is {subjective, objective, assessment, plan}."})
    unknown = set(content) - set(SECTION_KEYS)
    if unknown:
        raise ValidationError({"content": f"Unknown sections: {', '.join(sorted(unknown))}"})
    if not all(isinstance(value, str) for value in content.values()):
        raise ValidationError({"content": "Each section is text."})
    return {key: content.get(key, "").strip() for key in SECTION_KEYS}


def _locked(note) -> Note:
    """Re-read the note under a row lock so a concurrent sign and save serialize."""
    return Note.objects.for_company(note.company_id).select_for_update().select_related("visit").get(pk=note.pk)


def note_start(*, actor, visit, content=None, template=None, confidential=False) -> Note:
    if visit.is_locked:
        raise ValidationError("This visit is locked; no new notes.")
    if template is not None and template.company_id != visit.company_id:
        raise ValidationError({"template": "Unknown template."})
    with transaction.atomic():
        note = Note(visit=visit, author=actor, template=template, confidential=confidential)
        note.company_id = visit.company_id
        note._history_user = actor
        note.save()
        audit_log_record(company=note.company_id, actor=actor, action="note.start", entity=note)
        if content:
            note_save_draft(actor=actor, note=note, content=content)
    return note


def note_save_draft(*, actor, note, content) -> NoteRevision:
    """Every save of a draft is a new revision (version, content, author, time)."""
    content = clean_content(content)
    with transaction.atomic():
        locked = _locked(note)
        if locked.is_signed:
            raise SignedNoteError("This note is signed and can no longer change; add an addendum instead.")
        if locked.author_id != actor.pk:
            raise ValidationError("Only the author edits a draft.")
        locked.current_version += 1
        revision = NoteRevision(note=locked, version=locked.current_version, content=content, author=actor)
        revision.company_id = locked.company_id
        revision.save()
        locked._history_user = actor
        locked.save(update_fields=["current_version", "updated_at"])
        audit_log_record(company=locked.company_id, actor=actor, action="note.save_draft", entity=locked,
                         changes={"version": locked.current_version})
    note.current_version = locked.current_version
    return revision


def note_sign(*, actor, note) -> Note:
    """Freeze the note: store the digest of its latest revision. A learner's signature leaves it
    awaiting co-signature."""
    with transaction.atomic():
        locked = _locked(note)
        if locked.is_signed:
            raise SignedNoteError("This note is already signed.")
        if locked.author_id != actor.pk:
            raise ValidationError("Only the author signs a note.")
        revision = locked.revisions.filter(version=locked.current_version).first()
        if revision is None or not any(revision.content.values()):
            raise ValidationError("Write the note before signing it.")
        locked.status, locked.signed_by, locked.signed_at = Note.Status.SIGNED, actor, timezone.now()
        locked.signed_version = revision.version
        locked.signed_digest = canonical_digest(revision.signature_payload(locked))
        locked.cosign_required = access.needs_cosign(actor, locked.visit.site_id)
        locked._history_user = actor
        locked.save()
        audit_log_record(company=locked.company_id, actor=actor, action="note.sign", entity=locked,
                         changes={"version": revision.version, "digest": locked.signed_digest,
                                  "cosign_required": locked.cosign_required})
    return locked


def note_cosign(*, actor, note) -> Note:
    with transaction.atomic():
        locked = _locked(note)
        if not locked.awaiting_cosign:
            raise ValidationError("This note is not awaiting co-signature.")
        if locked.author_id == actor.pk:
            raise ValidationError("Someone else co-signs a note.")
        if not note_digest_matches(locked):
            raise ValidationError("The signed text no longer matches its digest; it cannot be co-signed.")
        locked.cosigned_by, locked.cosigned_at = actor, timezone.now()
        locked._history_user = actor
        locked.save(update_fields=["cosigned_by", "cosigned_at", "updated_at"])
        audit_log_record(company=locked.company_id, actor=actor, action="note.cosign", entity=locked)
    return locked


def addendum_add(*, actor, note, text: str) -> Addendum:
    if not text.strip():
        raise ValidationError({"text": "Write the addendum."})
    with transaction.atomic():
        locked = _locked(note)
        if not locked.is_signed:
            raise ValidationError("Edit the draft instead; addenda follow a signed note.")
        addendum = Addendum(note=locked, author=actor, text=text.strip())
        addendum.company_id = locked.company_id
        addendum.digest = canonical_digest(addendum.signature_payload())
        addendum.save()
        audit_log_record(company=locked.company_id, actor=actor, action="note.add_addendum", entity=locked,
                         changes={"addendum": str(addendum.pk), "digest": addendum.digest})
    return addendum


def signed_revision(note):
    return note.revisions.filter(version=note.signed_version).first() if note.is_signed else None


def note_digest_matches(note, revision=None) -> bool:
    """Recompute the digest from the stored rows; False means the signed text was altered."""
    if not note.is_signed:
        return True
    revision = revision or signed_revision(note)
    return revision is not None and canonical_digest(revision.signature_payload(note)) == note.signed_digest


def addendum_digest_matches(addendum) -> bool:
    return canonical_digest(addendum.signature_payload()) == addendum.digest
