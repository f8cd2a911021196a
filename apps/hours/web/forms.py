import uuid
from decimal import Decimal

from django import forms

from apps.hours import rules
from apps.hours.models import KIND_CHOICES, HoursPolicy, PlannedShift, TimeRecord


class KeyMixin(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput, required=False)


class LocationForm(forms.Form):
    """What the browser's geolocation gave (hidden fields filled by static/js/hours.js)."""

    latitude = forms.DecimalField(required=False, max_digits=12, decimal_places=8, min_value=-90, max_value=90,
                                  widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=12, decimal_places=8, min_value=-180,
                                   max_value=180, widget=forms.HiddenInput)
    accuracy = forms.DecimalField(required=False, max_digits=10, decimal_places=2, min_value=0,
                                  max_value=9_999_999, widget=forms.HiddenInput)


class ClockInForm(KeyMixin, LocationForm):
    reason = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Needed when you are outside the site or your location is not available")


class ClockOutForm(LocationForm):
    pass


class ManualRecordForm(KeyMixin):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), help_text="Earlier than the start = next day")
    activity = forms.CharField(required=False, max_length=120)
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RespondForm(forms.Form):
    notes = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Your answer")


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[(TimeRecord.Status.APPROVED, "Approve"),
                                          (TimeRecord.Status.NEEDS_INFO, "Needs information"),
                                          (TimeRecord.Status.REJECTED, "Reject")])
    note = forms.CharField(required=False, max_length=2000, label="Note to the student",
                           widget=forms.Textarea(attrs={"rows": 2}))
    records = forms.ModelMultipleChoiceField(queryset=TimeRecord.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = queryset


class WorkEntryForm(KeyMixin):
    kind = forms.ChoiceField(choices=KIND_CHOICES)
    start = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    notes = forms.CharField(required=False, max_length=500)


class PlannedShiftForm(forms.Form):
    learner = forms.ModelChoiceField(queryset=None, label="Resident")
    kind = forms.ChoiceField(choices=PlannedShift.PLANNED_KINDS, initial=rules.IN_HOUSE_CALL)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), initial="17:00")
    hours = forms.DecimalField(min_value=Decimal("0.5"), max_value=36, decimal_places=2, initial=14)

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = residents


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise forms.ValidationError("The end is before the start.")
            if (data["end"] - data["start"]).days > 400:
                raise forms.ValidationError("At most 400 days at a time.")
        return data


class ComplianceNoteForm(forms.Form):
    rule = forms.ChoiceField(choices=[(r, r) for r in rules.RULES])
    starts_on = forms.DateField()
    text = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}), label="Note")


class UnlockForm(forms.Form):
    week_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Week starting (Monday)")
    reason = forms.CharField(required=False, max_length=300)


class PolicyForm(forms.Form):
    time_zone = forms.CharField(max_length=64, help_text="Local midnights of the 28-day windows and the week grid")
    auto_close_after_hours = forms.IntegerField(min_value=1, max_value=36, help_text=HoursPolicy._meta.get_field(
        "auto_close_after_hours").help_text)
    manual_edit_window_days = forms.IntegerField(min_value=0, max_value=90)
    max_hours_per_day = forms.DecimalField(min_value=1, max_value=24, decimal_places=2)
    lock_weeks = forms.IntegerField(min_value=0, max_value=52, help_text=HoursPolicy._meta.get_field(
        "lock_weeks").help_text)

    def clean_time_zone(self):
        from zoneinfo import available_timezones

        value = self.cleaned_data["time_zone"]
        if value not in available_timezones():
            raise forms.ValidationError("Not a time zone (e.g. America/New_York).")
        return value


def new_key():
    return uuid.uuid4()
