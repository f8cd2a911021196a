from django import forms

from apps.reference.models import FeedbackTag


class PrivateFeedbackTagForm(forms.Form):
    category = forms.ChoiceField(choices=FeedbackTag.Category.choices)
    name = forms.CharField(max_length=100)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PrivateCaseTypeForm(forms.Form):
    epa = forms.ModelChoiceField(queryset=None, label="EPA")
    code = forms.CharField(max_length=50, help_text="Your own short identifier, e.g. ROBOTIC_CHOLE")
    name = forms.CharField(max_length=255)
    typical_minutes = forms.IntegerField(required=False, min_value=1, max_value=24 * 60)

    def __init__(self, *args, epa_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epa"].queryset = epa_queryset
        self.fields["epa"].label_from_instance = lambda epa: f"{epa.epa_set.name} v{epa.epa_set.version} — {epa}"
