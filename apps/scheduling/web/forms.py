"""Forms of the appointment book. Times are typed as wall-clock time at the site (``site_time``)
and turned into instants with the site's time zone, never the server's."""

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError

from apps.scheduling.models import Appointment, ServiceType, WaitlistEntry
from apps.scheduling.recurrence import parse_site_time


def site_time(value: str, time_zone: str, field="start") -> datetime.datetime:
    """A datetime-local value (wall-clock time at the site) → an aware instant."""
    return parse_site_time(value, time_zone, field)


class _PeopleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class _PatientChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.mrn}, born {obj.date_of_birth:%Y-%m-%d})"


def new_key() -> str:
    return str(uuid.uuid4())


class BookingForm(forms.Form):
    patient = _PatientChoice(queryset=None)
    service_type = forms.ModelChoiceField(queryset=None, label="Service")
    practitioner = _PeopleChoice(queryset=None)
    start = forms.CharField(label="Start (site time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    resource = forms.ModelChoiceField(queryset=None, required=False, label="Room or equipment",
                                      help_text="Left blank for a service that needs one: the first free one")
    overbook = forms.BooleanField(required=False, label="Overbook (book over the practitioner's other appointment)")
    note = forms.CharField(required=False, max_length=500)
    key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, patients, service_types, practitioners, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["service_type"].queryset = service_types
        self.fields["practitioner"].queryset = practitioners
        self.fields["resource"].queryset = resources


class SeriesForm(BookingForm):
    rrule = forms.CharField(label="Repeat (RRULE)", initial="FREQ=WEEKLY;COUNT=6", max_length=300,
                            help_text="RFC 5545: FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8 — or UNTIL=20270331")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["overbook"]
        self.fields["start"].label = "First start (site time)"


SCOPE_CHOICES = [("one", "This appointment"), ("following", "This and the following"), ("series", "The whole series")]


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300)
    scope = forms.ChoiceField(choices=SCOPE_CHOICES, initial="one")


class MoveForm(forms.Form):
    start = forms.CharField(label="New start (site time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    practitioner = _PeopleChoice(queryset=None, required=False, help_text="Blank: the same practitioner")
    scope = forms.ChoiceField(choices=SCOPE_CHOICES, initial="one")
    overbook = forms.BooleanField(required=False)

    def __init__(self, *args, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = practitioners


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s, s.label) for s in (
        Appointment.Status.ARRIVED, Appointment.Status.CHECKED_IN, Appointment.Status.FULFILLED,
        Appointment.Status.NOSHOW, Appointment.Status.BOOKED, Appointment.Status.ENTERED_IN_ERROR)])


class WaitlistForm(forms.Form):
    patient = _PatientChoice(queryset=None)
    service_type = forms.ModelChoiceField(queryset=None, label="Service")
    preferred_practitioners = forms.ModelMultipleChoiceField(queryset=None, required=False)
    urgency = forms.TypedChoiceField(choices=WaitlistEntry.Urgency.choices, coerce=int,
                                     initial=WaitlistEntry.Urgency.ROUTINE)
    weekdays = forms.MultipleChoiceField(choices=[(str(i), d) for i, d in enumerate(
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))], required=False, widget=forms.CheckboxSelectMultiple,
        label="Days free (blank: any day)")
    free_from = forms.TimeField(required=False, label="Free from", widget=forms.TimeInput(attrs={"type": "time"}))
    free_until = forms.TimeField(required=False, label="Free until", widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, patients, service_types, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["service_type"].queryset = service_types
        self.fields["preferred_practitioners"].queryset = practitioners

    def free_times(self) -> list[dict]:
        data = self.cleaned_data
        start, end = data.get("free_from"), data.get("free_until")
        if not data.get("weekdays") and not (start or end):
            return []
        start, end = start or datetime.time(0), end or datetime.time(23, 59)
        days = data.get("weekdays") or [str(i) for i in range(7)]
        return [{"weekday": int(d), "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")} for d in days]


class ServiceTypeForm(forms.ModelForm):
    class Meta:
        model = ServiceType
        fields = ["name", "duration_minutes", "price", "colour", "active", "bookable_online", "needs_resource",
                  "resource_kind"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args, practitioners, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioners"] = forms.ModelMultipleChoiceField(
            queryset=practitioners, required=False, help_text="Blank: every practitioner")
        self.fields["sites"] = forms.ModelMultipleChoiceField(queryset=sites, required=False,
                                                              help_text="Blank: every site")
        if not self.instance._state.adding:
            self.fields["practitioners"].initial = list(self.instance.practitioners.all())
            self.fields["sites"].initial = list(self.instance.sites.all())

    def validate_unique(self):  # the service checks the company's names (the form has no company)
        pass


class AvailabilityForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=[(i, d) for i, d in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))], coerce=int)
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    valid_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PublicDetailsForm(forms.Form):
    """The self-booking page: who is booking (nothing is booked until the e-mailed link is confirmed)."""

    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField()
    phone = forms.CharField(max_length=30, required=False)
    slot = forms.CharField(widget=forms.HiddenInput)
    service_type = forms.UUIDField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a honeypot: people leave it empty

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError("Leave this empty.")
        return ""


class OverrideForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                                 help_text="Blank: away all day")
    end_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(required=False, max_length=200)


class TimeOffForm(forms.Form):
    start = forms.CharField(label="Away from (site time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.CharField(label="Back at (site time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(required=False, max_length=200)


class ContactPreferenceForm(forms.Form):
    email_reminders = forms.BooleanField(required=False, label="E-mail reminders")
    sms_reminders = forms.BooleanField(required=False, label="Text (SMS) reminders")
