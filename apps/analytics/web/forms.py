from django import forms

DATE = forms.DateInput(attrs={"type": "date"})


class PortfolioFilterForm(forms.Form):
    """Filters of a learner's assessments; the choices are the learner's own EPAs, rotations and assessors."""

    epa = forms.TypedChoiceField(label="EPA", required=False, coerce=str, empty_value="")
    rotation = forms.TypedChoiceField(required=False, coerce=str, empty_value="")
    assessor = forms.TypedChoiceField(required=False, coerce=str, empty_value="")
    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="To", required=False, widget=DATE)

    def __init__(self, *args, epas, rotations, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epa"].choices = [("", "Every EPA")] + [(str(e.pk), e.short_name or str(e)) for e in epas]
        self.fields["rotation"].choices = [("", "Every rotation")] + [(str(r["id"]), r["name"]) for r in rotations]
        self.fields["assessor"].choices = [("", "Everyone")] + [(str(u.pk), str(u)) for u in assessors]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"epa_id": data["epa"] or None, "rotation_type_id": data["rotation"] or None,
                "assessor_id": data["assessor"] or None, "date_from": data["date_from"], "date_to": data["date_to"]}
