"""Which permission codes each role carries, per company (seeded from the baseline, adjustable)."""

from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel
from apps.tenants.roles import Role

__all__ = ["PermissionCode", "RolePermission", "BASELINE_ROLE_CODES"]


class PermissionCode(models.TextChoices):
    PATIENT_READ = "patient.read", "Find patients and read their demographics"
    PATIENT_WRITE = "patient.write", "Register and edit patients"
    CHART_READ = "chart.read", "Read the clinical chart (allergies, problems, medications, vitals)"
    RECORD_WRITE = "record.write", "Add and correct allergies, problems, medications, immunizations, procedures"
    NOTE_READ = "note.read", "Read visit notes"
    NOTE_WRITE = "note.write", "Open cases and visits, write notes and addenda"
    NOTE_SIGN = "note.sign", "Sign own notes"
    NOTE_COSIGN = "note.cosign", "Co-sign a learner's notes (own signature needs no co-signature)"
    VITALS_RECORD = "vitals.record", "Record vital signs"
    NURSING_READ = "nursing.read", "Read nurse logs and the handoff view"
    NURSING_WRITE = "nursing.write", "Write nurse logs"
    APPOINTMENT_MANAGE = "appointment.manage", "Manage appointments"
    BILLING_VIEW = "billing.view", "See invoices and balances"
    BILLING_MANAGE = "billing.manage", "Issue invoices and record payments"
    PORTAL_VIEW = "portal.view", "See one's own summary in the patient portal"
    # The hospital floor (apps.hospital)
    WARD_READ = "ward.read", "See wards, the bed board and who is admitted"
    ADMISSION_MANAGE = "admission.manage", "Admit, transfer and discharge patients; assign beds"
    DOCUMENT_APPROVE = "document.approve", "Approve or reject drafts (discharge summaries and other documents)"
    LAB_ORDER = "lab.order", "Order lab tests and acknowledge results"
    LAB_READ = "lab.read", "Read lab orders and results"
    LAB_PROCESS = "lab.process", "Work the lab queue: accept orders, collect specimens, record results"
    MEDICATION_PRESCRIBE = "medication.prescribe", "Prescribe, hold and stop medications"
    MEDICATION_DISPENSE = "medication.dispense", "Dispense prescriptions from stock"
    MEDICATION_ADMINISTER = "medication.administer", "Record doses on the medication administration record"
    INVENTORY_MANAGE = "inventory.manage", "Receive, adjust and transfer stock"
    # Physiotherapy and outcome measures (apps.physio)
    PHYSIO_WRITE = "physio.write", "Write evaluations, pain maps and treatment plans"
    PROM_SEND = "prom.send", "Send outcome measures and intake forms; review what patients return"
    LIBRARY_MANAGE = "library.manage", "Curate the exercise library, plan templates and PROM templates"


C = PermissionCode
_PRACTITIONER = {C.PATIENT_READ, C.PATIENT_WRITE, C.CHART_READ, C.RECORD_WRITE, C.NOTE_READ, C.NOTE_WRITE,
                 C.NOTE_SIGN, C.NOTE_COSIGN, C.VITALS_RECORD, C.NURSING_READ, C.APPOINTMENT_MANAGE,
                 C.WARD_READ, C.ADMISSION_MANAGE, C.DOCUMENT_APPROVE, C.LAB_ORDER, C.LAB_READ,
                 C.MEDICATION_PRESCRIBE, C.PHYSIO_WRITE, C.PROM_SEND}
_RECEPTION = {C.PATIENT_READ, C.PATIENT_WRITE, C.APPOINTMENT_MANAGE, C.BILLING_VIEW, C.PROM_SEND}

# The baseline every company starts from (RolePermission rows are seeded from it).
BASELINE_ROLE_CODES: dict[str, frozenset] = {
    Role.CLINIC_MANAGER: frozenset({C.PATIENT_READ, C.PATIENT_WRITE, C.CHART_READ, C.NOTE_READ, C.NURSING_READ,
                                    C.APPOINTMENT_MANAGE, C.BILLING_VIEW, C.BILLING_MANAGE, C.WARD_READ,
                                    C.ADMISSION_MANAGE, C.DOCUMENT_APPROVE, C.LAB_READ, C.INVENTORY_MANAGE,
                                    C.PROM_SEND, C.LIBRARY_MANAGE}),
    Role.PRACTITIONER: frozenset(_PRACTITIONER),
    Role.CLINICIAN: frozenset(_PRACTITIONER),  # the older site role: a practitioner
    Role.NURSE: frozenset({C.PATIENT_READ, C.CHART_READ, C.RECORD_WRITE, C.NOTE_READ, C.VITALS_RECORD,
                           C.NURSING_READ, C.NURSING_WRITE, C.WARD_READ, C.ADMISSION_MANAGE, C.LAB_READ,
                           C.MEDICATION_ADMINISTER}),
    Role.RECEPTION: frozenset(_RECEPTION),
    Role.CLINIC_STAFF: frozenset(_RECEPTION),  # the older site role: front desk
    Role.LAB_TECHNICIAN: frozenset({C.PATIENT_READ, C.CHART_READ, C.LAB_READ, C.LAB_PROCESS}),
    Role.PHARMACIST: frozenset({C.PATIENT_READ, C.CHART_READ, C.RECORD_WRITE, C.LAB_READ, C.MEDICATION_DISPENSE,
                                C.INVENTORY_MANAGE, C.WARD_READ}),
    Role.CLINICAL_LEARNER: frozenset({C.PATIENT_READ, C.CHART_READ, C.RECORD_WRITE, C.NOTE_READ, C.NOTE_WRITE,
                                      C.NOTE_SIGN, C.VITALS_RECORD, C.NURSING_READ, C.WARD_READ, C.LAB_READ,
                                      C.PHYSIO_WRITE}),
    Role.PATIENT: frozenset({C.PORTAL_VIEW}),
}


class RolePermission(TenantModel, TimestampedModel):
    """Role ``role`` carries permission ``code`` in this company."""

    role = models.CharField(max_length=30, choices=Role.choices)
    code = models.CharField(max_length=40, choices=PermissionCode.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "role", "code"], name="role_permission_unique")]
        ordering = ["role", "code"]

    def __str__(self):
        return f"{self.role}: {self.code}"
