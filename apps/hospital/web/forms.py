"""Forms of the hospital pages. Choices are filled from the user's own company by the views; the
services check again (another company's id in a POST is refused, never used)."""

import uuid

from django import forms

from apps.hospital import frequencies
from apps.hospital.models import Admission, Bed, Dose, LabOrder, Prescription


class KeyedForm(forms.Form):
    """Carries a per-render idempotency key: a double submit creates one record."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())


class AdmitForm(KeyedForm):
    mrn = forms.CharField(label="Patient MRN", max_length=30)
    reason = forms.CharField(max_length=300)
    practitioner = forms.ModelChoiceField(queryset=None, label="Admitting practitioner")
    bed = forms.ModelChoiceField(queryset=None, required=False, help_text="An available or reserved bed")

    def __init__(self, *args, practitioners, beds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = practitioners
        self.fields["bed"].queryset = beds


class TransferForm(forms.Form):
    bed = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, beds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bed"].queryset = beds


class DischargeForm(forms.Form):
    disposition = forms.ChoiceField(choices=Admission.Disposition.choices)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=20000,
                              help_text="Starts as a draft that another person with document approval must approve.")


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(max_length=500, required=False)


class BedStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in Bed.Status if s != Bed.Status.OCCUPIED])


class LabOrderForm(KeyedForm):
    site = forms.ModelChoiceField(queryset=None)
    tests = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    urgency = forms.ChoiceField(choices=LabOrder.Urgency.choices)
    clinical_note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, sites, tests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["tests"].queryset = tests


class LabStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in (LabOrder.Status.ACCEPTED, LabOrder.Status.REJECTED,
                                                                      LabOrder.Status.CANCELLED)])
    reason = forms.CharField(max_length=500, required=False)


class ReportUploadForm(forms.Form):
    report = forms.FileField(required=False, help_text="Optional PDF report")

    def clean_report(self):
        report = self.cleaned_data.get("report")
        if report is not None:
            if report.size > 10 * 1024 * 1024:
                raise forms.ValidationError("The report is larger than 10 MB.")
            if not report.read(5).startswith(b"%PDF-"):
                raise forms.ValidationError("The report must be a PDF.")
            report.seek(0)
        return report


class PrescriptionForm(KeyedForm):
    site = forms.ModelChoiceField(queryset=None)
    medication = forms.CharField(max_length=200)
    strength = forms.CharField(max_length=50, required=False)
    form = forms.CharField(max_length=50, required=False, help_text="tablet, solution, inhaler…")
    dose = forms.DecimalField(max_digits=10, decimal_places=3, min_value=0)
    dose_unit = forms.CharField(max_length=20)
    route = forms.CharField(max_length=30)
    frequency = forms.ChoiceField(choices=frequencies.CHOICES)
    as_needed = forms.BooleanField(required=False)
    as_needed_condition = forms.CharField(max_length=200, required=False)
    duration_days = forms.IntegerField(min_value=1, max_value=365, required=False)
    quantity = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    refills = forms.IntegerField(min_value=0, max_value=12, initial=0, required=False)
    acknowledge_allergy = forms.BooleanField(required=False, label="I have seen the allergy warning; prescribe anyway")

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class PrescriptionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in Prescription.Status])
    reason = forms.CharField(max_length=300, required=False)


class DispenseForm(KeyedForm):
    lot = forms.ModelChoiceField(queryset=None)
    quantity = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0)

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots


class DoseForm(forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in Dose.Status if s != Dose.Status.SCHEDULED])
    reason = forms.CharField(max_length=300, required=False)


class StockMoveForm(forms.Form):
    kind = forms.ChoiceField(choices=[("receive", "Receive"), ("adjust", "Adjust")])
    lot_number = forms.CharField(max_length=50, required=False)
    expiry_date = forms.DateField(required=False)
    quantity = forms.DecimalField(max_digits=12, decimal_places=2)
    reason = forms.CharField(max_length=300, required=False)
