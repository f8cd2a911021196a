from django import forms

from apps.clinical.models import (
    SOAP_SECTIONS,
    Allergy,
    Case,
    Immunization,
    Medication,
    NurseLog,
    Patient,
    PermissionCode,
    Problem,
    Procedure,
    VitalSigns,
)
from apps.clinical.services.records import RECORD_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})


class PatientForm(forms.ModelForm):
    home_site = forms.ModelChoiceField(queryset=None)
    emergency_name = forms.CharField(label="Emergency contact", required=False, max_length=200)
    emergency_relationship = forms.CharField(label="Relationship", required=False, max_length=100)
    emergency_phone = forms.CharField(label="Their phone", required=False, max_length=30)
    confirm_not_duplicate = forms.BooleanField(
        required=False, label="I checked: this is a different person from the possible duplicate shown above")

    class Meta:
        model = Patient
        fields = ["first_name", "middle_name", "last_name", "preferred_name", "date_of_birth", "sex",
                  "gender_identity", "phone", "email", "address_line", "city", "region", "postal_code", "country",
                  "preferred_language", "insurance_payer", "insurance_member_id"]
        widgets = {"date_of_birth": DATE}

    def __init__(self, *args, sites, show_confirm=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_site"].queryset = sites
        if self.instance.pk:
            self.fields["home_site"].initial = self.instance.home_site_id
            contacts = self.instance.emergency_contacts or [{}]
            for key in ("name", "relationship", "phone"):
                self.fields[f"emergency_{key}"].initial = contacts[0].get(key, "")
        if not show_confirm:
            del self.fields["confirm_not_duplicate"]

    def patient_data(self) -> dict:
        data = {key: self.cleaned_data[key] for key in self.Meta.fields}
        contact = {key: self.cleaned_data[f"emergency_{key}"] for key in ("name", "relationship", "phone")}
        others = (self.instance.emergency_contacts or [])[1:] if self.instance.pk else []
        data["emergency_contacts"] = ([contact] if any(contact.values()) else []) + others
        return data


class PatientDeleteForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(max_length=500, label="What was wrong?")


def record_form_class(kind):
    model = {"allergies": Allergy, "problems": Problem, "medications": Medication, "immunizations": Immunization,
             "procedures": Procedure}[kind]
    date_fields = [f for f in RECORD_FIELDS[kind] if f.endswith(("_on", "_date"))]
    return forms.modelform_factory(model, fields=RECORD_FIELDS[kind], widgets={f: DATE for f in date_fields})


class CaseForm(forms.ModelForm):
    responsible_practitioner = forms.ModelChoiceField(queryset=None)

    class Meta:
        model = Case
        fields = ["title", "diagnosis_text", "diagnosis_code"]

    def __init__(self, *args, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_practitioner"].queryset = practitioners


class VisitForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None)
    practitioner = forms.ModelChoiceField(queryset=None)
    visited_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, sites, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["practitioner"].queryset = practitioners


class NoteForm(forms.Form):
    subjective = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    objective = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    assessment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, prompts=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in SOAP_SECTIONS:
            self.fields[key].label = label
            if prompts and prompts.get(key):
                self.fields[key].help_text = prompts[key]

    def content(self) -> dict:
        return {key: self.cleaned_data[key] for key, _ in SOAP_SECTIONS}


class NoteStartForm(NoteForm):
    template = forms.ModelChoiceField(queryset=None, required=False)
    confidential = forms.BooleanField(required=False, help_text="Never shown in the patient portal")

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class AddendumForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Addendum")


class VitalsForm(forms.ModelForm):
    site = forms.ModelChoiceField(queryset=None)

    class Meta:
        model = VitalSigns
        fields = ["temp", "pulse", "sbp", "dbp", "rr", "spo2", "spo2_scale", "on_oxygen", "consciousness",
                  "weight_kg", "height_cm", "pain"]
        help_texts = {"spo2_scale": "Scale 2 only when a clinician has prescribed a target of 88–92%.",
                      "consciousness": "ACVPU. NEWS2 is computed for adults (16 and over), not in pregnancy."}

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class NurseLogForm(forms.ModelForm):
    site = forms.ModelChoiceField(queryset=None)

    class Meta:
        model = NurseLog
        fields = ["kind", "text"]

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class RolePermissionsForm(forms.Form):
    codes = forms.MultipleChoiceField(choices=PermissionCode.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
