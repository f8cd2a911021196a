"""Forms of the CCC pages: the fields only; the rules are in apps.ccc.services."""

import uuid

from django import forms

from apps.academics.models import AcademicYear, Faculty, Learner
from apps.ccc.models import MilestoneLevel, Period, ResidentReview
from apps.tenants.models import User


class MeetingForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    academic_year = forms.ModelChoiceField(queryset=AcademicYear.objects.none())
    period = forms.ChoiceField(choices=Period.choices)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    chair = forms.ModelChoiceField(queryset=User.objects.none())
    members = forms.ModelMultipleChoiceField(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
                                             help_text="At least three faculty members (the chair counts).")
    learners = forms.ModelMultipleChoiceField(label="Residents to review", queryset=Learner.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        company = program.company_id
        self.fields["academic_year"].queryset = AcademicYear.objects.for_company(company).filter(program=program)
        faculty = User.objects.for_company(company).filter(
            pk__in=Faculty.objects.for_company(company).filter(program=program, is_active=True).values("user_id")
        ).order_by("last_name", "first_name")
        self.fields["chair"].queryset = faculty
        self.fields["members"].queryset = faculty
        self.fields["learners"].queryset = (Learner.objects.for_company(company)
                                            .filter(program=program, kind=Learner.Kind.RESIDENT)
                                            .select_related("user").order_by("pgy_level", "user__last_name"))
        self.fields["learners"].label_from_instance = lambda learner: f"{learner.user} (PGY {learner.pgy_level})"


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(m.user_id), str(m.user)) for m in members]
        self.initial.setdefault("attended", [str(m.user_id) for m in members if m.attended])


class CompleteForm(forms.Form):
    minutes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="Committee minutes: never shown to residents.")


class ReviewForm(forms.Form):
    overall_performance = forms.ChoiceField(choices=[("", "—")] + ResidentReview.Performance.choices)
    promotion_recommendation = forms.ChoiceField(choices=[("", "—")] + ResidentReview.Recommendation.choices)
    strengths = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    areas_for_improvement = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    remediation = forms.BooleanField(required=False, label="Remediation needed")
    remediation_plan = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    discussion_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                       help_text="The committee's discussion: never shown to the resident.")
    reason = forms.CharField(required=False, max_length=500,
                             help_text="Needed only to change a level already reported.")

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone_fields = []
        for milestone in milestones:
            level = f"level_{milestone.pk}"
            rationale = f"rationale_{milestone.pk}"
            self.fields[level] = forms.ChoiceField(
                label=f"{milestone.subcompetency_code} {milestone.title}", required=False,
                choices=[("", "—")] + MilestoneLevel.choices)
            self.fields[rationale] = forms.CharField(label="Rationale", required=False, max_length=5000,
                                                     widget=forms.TextInput(attrs={"placeholder": "Rationale"}))
            self.milestone_fields.append((milestone, level, rationale))

    def levels(self) -> dict:
        return {milestone.pk: (self.cleaned_data.get(level) or "", self.cleaned_data.get(rationale) or "")
                for milestone, level, rationale in self.milestone_fields}


class MarkReportedForm(forms.Form):
    academic_year = forms.UUIDField(widget=forms.HiddenInput)
    period = forms.ChoiceField(choices=Period.choices, widget=forms.HiddenInput)
