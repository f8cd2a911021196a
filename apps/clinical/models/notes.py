"""SOAP notes. Every draft save is a NoteRevision (append-only). Signing freezes the note: the
SHA-256 digest of the canonical JSON of the signed revision is stored on the note and checked
again on every display. After signing only Addenda (each with its own digest) may follow.
A note whose author may not co-sign at the visit's site (a learner) needs a co-signature."""

import hashlib
import json

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["NoteTemplate", "Note", "NoteRevision", "Addendum", "SignedNoteError", "SOAP_SECTIONS",
           "canonical_digest"]

SOAP_SECTIONS = [("subjective", "Subjective"), ("objective", "Objective"), ("assessment", "Assessment"),
                 ("plan", "Plan")]


class SignedNoteError(Exception):
    """A signed note cannot change (only addenda may follow)."""


def canonical_digest(payload: dict) -> str:
    """SHA-256 of the canonical JSON: sorted keys, no spaces, UTF-8 as is."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class NoteTemplate(TenantModel, TimestampedModel):
    """Per company: the prompts shown under each SOAP section when a note is started."""

    name = models.CharField(max_length=200)
    sections = models.JSONField(default=dict, blank=True,
                                help_text='{"subjective": "prompt…", "objective": …, "assessment": …, "plan": …}')
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="note_template_unique_name")]

    def __str__(self):
        return self.name


class Note(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    company_from = "visit"
    visit = models.ForeignKey("clinical.Visit", on_delete=models.PROTECT, related_name="notes")
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="notes", editable=False)
    author = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(NoteTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confidential = models.BooleanField(default=False, help_text="Never shown in the patient portal")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    current_version = models.PositiveIntegerField(default=0, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  editable=False)
    signed_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    signed_digest = models.CharField(max_length=64, blank=True, editable=False)
    cosign_required = models.BooleanField(default=False, editable=False)
    cosigned_at = models.DateTimeField(null=True, blank=True, editable=False)
    cosigned_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="note_patient_recent"),
            models.Index(fields=["company", "cosign_required", "cosigned_at"], name="note_cosign_queue"),
        ]

    def __str__(self):
        return f"Note {self.created_at:%Y-%m-%d} by {self.author}"

    def save(self, *args, **kwargs):
        self.patient_id = self.visit.patient_id
        super().save(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    @property
    def awaiting_cosign(self) -> bool:
        return self.is_signed and self.cosign_required and self.cosigned_at is None


class NoteRevision(TenantModel, TimestampedModel):
    """One saved version of a note's content. Append-only (the model refuses updates)."""

    company_from = "note"
    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    content = models.JSONField(default=dict)
    author = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["note", "version"]
        constraints = [models.UniqueConstraint(fields=["note", "version"], name="note_revision_unique_version")]

    def __str__(self):
        return f"v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SignedNoteError("Note revisions are append-only")
        super().save(*args, **kwargs)

    def signature_payload(self, note) -> dict:
        """What a signature covers: this revision's content, author and time, and who signed when."""
        return {
            "note": str(note.pk), "patient": str(note.patient_id), "version": self.version,
            "content": self.content, "author": str(self.author_id), "saved_at": self.created_at.isoformat(),
            "signed_by": str(note.signed_by_id), "signed_at": note.signed_at.isoformat(),
        }


class Addendum(TenantModel, TimestampedModel):
    """Text added after signing; its digest covers its own text, author, time and the note's digest."""

    company_from = "note"
    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    written_at = models.DateTimeField(default=timezone.now, editable=False)
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["written_at"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SignedNoteError("Addenda are append-only")
        super().save(*args, **kwargs)

    def signature_payload(self) -> dict:
        return {"note": str(self.note_id), "note_digest": self.note.signed_digest, "author": str(self.author_id),
                "written_at": self.written_at.isoformat(), "text": self.text}
