from django import forms

from apps.tenants.models import Site


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "kind", "address", "time_zone", "latitude", "longitude", "geofence_radius_m",
                  "student_capacity", "is_active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
