import datetime

from django import forms
from django.core.exceptions import ValidationError

from apps.academics.models import Faculty, Learner
from apps.academics.selectors import MAX_SEARCH_LENGTH, MAX_SEARCH_TERMS
from apps.academics.services import EXISTING_PERSON_CONFIRM
from apps.tenants.roles import Role


class RosterFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": "Name or email", "maxlength": MAX_SEARCH_LENGTH}))
    role = forms.ChoiceField(required=False, choices=[("", "Everyone"), (Role.RESIDENT, "Residents"),
                                                      (Role.STUDENT, "Students"), (Role.FACULTY, "Faculty"),
                                                      (Role.PRECEPTOR, "Preceptors"), (Role.SUPERVISOR, "Supervisors"),
                                                      (Role.COORDINATOR, "Coordinators"),
                                                      (Role.PROGRAM_DIRECTOR, "Program directors")])
    pgy = forms.TypedChoiceField(label="PGY", required=False, coerce=int, empty_value=None,
                                 choices=[("", "Any")] + [(n, n) for n in range(1, 11)])
    status = forms.ChoiceField(required=False, choices=[("", "Any")] + list(Learner.Status.choices)
                               + [("inactive", "Inactive faculty")])
    track = forms.CharField(required=False)
    sort = forms.ChoiceField(required=False, choices=[("name", "Name A–Z"), ("-name", "Name Z–A"),
                                                      ("pgy", "PGY ↑"), ("-pgy", "PGY ↓"), ("role", "Role"),
                                                      ("status", "Status")])

    search_note = ""

    def clean_q(self):
        """At most MAX_SEARCH_TERMS words of at most MAX_SEARCH_LENGTH characters are searched (each word
        is one more condition on every row); a longer query is cut, and the page says so."""
        q = self.cleaned_data["q"]
        words = q[:MAX_SEARCH_LENGTH].split()[:MAX_SEARCH_TERMS]
        if len(q) > MAX_SEARCH_LENGTH or len(q.split()) > MAX_SEARCH_TERMS:
            self.search_note = (f"Only the first {MAX_SEARCH_TERMS} words (up to {MAX_SEARCH_LENGTH} characters) "
                                f"were searched: “{' '.join(words)}”.")
        return " ".join(words)


class AcademicYearForm(forms.Form):
    name = forms.CharField(max_length=50, help_text="For example 2026-2027")
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    is_current = forms.BooleanField(required=False, label="This is the current year")


class BlockGenerateForm(forms.Form):
    PATTERNS = [("four_week", "13 four-week blocks"), ("monthly", "12 calendar months"),
                ("custom", "Custom list of dates")]
    pattern = forms.ChoiceField(choices=PATTERNS, widget=forms.RadioSelect, initial="four_week")
    custom = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="For a custom list: one block per line, “YYYY-MM-DD YYYY-MM-DD” (start end)")

    def clean(self):
        data = super().clean()
        if data.get("pattern") == "custom":
            data["pattern"] = self._custom_dates(data.get("custom", ""))
        return data

    def _custom_dates(self, text):
        dates = []
        for number, line in enumerate(filter(None, (l.strip() for l in text.splitlines())), start=1):
            try:
                start, end = (datetime.date.fromisoformat(part) for part in line.split())
            except ValueError:
                raise ValidationError({"custom": f"Line {number}: write two dates like 2026-07-01 2026-07-28."})
            dates.append((start, end))
        if not dates:
            raise ValidationError({"custom": "List at least one block."})
        return dates


class CellForm(forms.Form):
    """One grid cell: which rotation, where, with whom. Choices are the program's own."""

    rotation_type = forms.ModelChoiceField(queryset=None, required=False, empty_label="— nothing —",
                                           label="Rotation")
    site = forms.ModelChoiceField(queryset=None, required=False, empty_label="— no site —")
    supervisor = forms.ModelChoiceField(queryset=None, required=False, empty_label="— none —")

    def __init__(self, *args, program, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rotation_type"].queryset = program.rotation_types.all()
        self.fields["site"].queryset = sites
        self.fields["supervisor"].queryset = program.faculty.filter(is_active=True).select_related("user")


class ImportForm(forms.Form):
    KINDS = [("roster", "Roster (people)"), ("schedule", "Schedule (assignments)")]
    kind = forms.ChoiceField(choices=KINDS)
    file = forms.FileField(help_text="CSV or XLSX with a header row. See the column list above.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError("The file is larger than 2 MB; split it.")
        return upload


class PromotionForm(forms.Form):
    graduation_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


PERSON_ROLE_CHOICES = [(Role.RESIDENT, "Resident"), (Role.STUDENT, "Student"), (Role.FACULTY, "Faculty"),
                       (Role.PRECEPTOR, "Preceptor"), (Role.SUPERVISOR, "Supervisor"),
                       (Role.COORDINATOR, "Coordinator"), (Role.PROGRAM_DIRECTOR, "Program director")]
DATE = forms.DateInput(attrs={"type": "date"})


class LearnerDetailsForm(forms.Form):
    """Resident and student details (the Add person page and the Edit page share them)."""

    pgy_level = forms.TypedChoiceField(label="PGY", required=False, coerce=int, empty_value=None,
                                       choices=[("", "—")] + [(n, n) for n in range(1, 11)],
                                       help_text="Residents only")
    entry_pgy_level = forms.TypedChoiceField(label="Entry PGY", required=False, coerce=int, empty_value=None,
                                             choices=[("", "—")] + [(n, n) for n in range(1, 11)])
    matriculation_date = forms.DateField(required=False, widget=DATE)
    track = forms.CharField(required=False, max_length=100)
    degree = forms.ChoiceField(required=False, choices=[("", "—")] + list(Learner.Degree.choices))
    medical_school = forms.CharField(required=False, max_length=255)
    student_id = forms.CharField(label="Student ID", required=False, max_length=50, help_text="Students only")
    class_year = forms.IntegerField(required=False, min_value=1900, max_value=2200)
    required_clinical_hours = forms.IntegerField(label="Required clinical hours", required=False, min_value=0)


class FacultyDetailsForm(forms.Form):
    rank = forms.ChoiceField(required=False, choices=[("", "—")] + list(Faculty.Rank.choices))
    department = forms.CharField(required=False, max_length=255)
    is_core_faculty = forms.BooleanField(label="Core faculty", required=False)
    teaching_percentage = forms.IntegerField(label="Teaching %", required=False, min_value=0, max_value=100)


class PersonAddForm(LearnerDetailsForm, FacultyDetailsForm):
    email = forms.EmailField()
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    roles = forms.MultipleChoiceField(label="Role(s) in this program", choices=PERSON_ROLE_CHOICES,
                                      widget=forms.CheckboxSelectMultiple)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm_existing = forms.BooleanField(required=False, label=EXISTING_PERSON_CONFIRM)
    field_order = ["email", "first_name", "last_name", "roles"]

    def details(self) -> dict:
        names = list(LearnerDetailsForm.base_fields) + list(FacultyDetailsForm.base_fields)
        return {name: self.cleaned_data[name] for name in names}


class PersonNameForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)


class LearnerEditForm(LearnerDetailsForm):
    status = forms.ChoiceField(choices=Learner.Status.choices)
    field_order = ["status"]


class MembershipEndForm(forms.Form):
    membership = forms.UUIDField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label="Ended on", widget=DATE)
