"""Billing forms. They only shape input: the rules (amount > 0, not over the balance, rates
0–1…) are the services', whose errors land beside the field (apps.core.forms.apply_service_errors)."""

from django import forms
from django.utils import timezone

from apps.billing.models import CatalogItem, Payment


class CatalogItemForm(forms.ModelForm):
    class Meta:
        model = CatalogItem
        fields = ["code", "name", "kind", "unit_price", "tax_rate", "is_active", "service_type"]

    def __init__(self, *args, company, **kwargs):
        from apps.scheduling.models import ServiceType

        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.for_company(company).order_by("name")
        self.fields["service_type"].label = "Prices the bookable service"


class InvoiceLineForm(forms.Form):
    catalog_item = forms.ModelChoiceField(queryset=CatalogItem.objects.none(), required=False,
                                          help_text="Its name, price and tax rate are the defaults")
    description = forms.CharField(max_length=300, required=False)
    quantity = forms.DecimalField(max_digits=10, decimal_places=3, initial=1)
    unit_price = forms.DecimalField(max_digits=12, decimal_places=2, required=False)
    discount_rate = forms.DecimalField(max_digits=5, decimal_places=4, required=False, initial=0,
                                       help_text="A fraction: 0.1 = 10 %")
    tax_rate = forms.DecimalField(max_digits=5, decimal_places=4, required=False,
                                  help_text="A fraction; blank = the catalog item's")

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalog_item"].queryset = items if items is not None else CatalogItem.objects.none()


class FromCareForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None, label="Billing clinic")
    visit_item = forms.ModelChoiceField(queryset=None, required=False, label="Bill visits as")
    visits = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    appointments = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, sites, items, visits, appointments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["visit_item"].queryset = items
        self.visit_rows = {str(v.pk): v for v in visits}
        self.appointment_rows = {str(a.pk): a for a in appointments}
        self.fields["visits"].choices = [(key, str(v)) for key, v in self.visit_rows.items()]
        self.fields["appointments"].choices = [(key, str(a)) for key, a in self.appointment_rows.items()]
        if not self.appointment_rows:
            del self.fields["appointments"]


class IssueForm(forms.Form):
    issued_on = forms.DateField(required=False, help_text="Blank: today")
    due_on = forms.DateField(required=False, help_text="Blank: the payment terms")


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=300)


class CreditNoteForm(forms.Form):
    reason = forms.CharField(max_length=300)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=f"{line.description} (of {line.quantity.normalize():f})", required=False, min_value=0,
                max_digits=10, decimal_places=3, initial=0)

    def chosen(self):
        return [(line, self.cleaned_data.get(f"line_{line.pk}") or 0) for line in self.lines]


class PaymentForm(forms.Form):
    """Amount as typed: a negative or zero amount is refused by the service, beside the field."""

    kind = forms.ChoiceField(choices=Payment.Kind.choices, initial=Payment.Kind.PAYMENT)
    amount = forms.DecimalField(max_digits=12, decimal_places=2)
    method = forms.ChoiceField(choices=Payment.Method.choices)
    received_at = forms.DateTimeField(required=False, help_text="Blank: now",
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reference = forms.CharField(max_length=100, required=False)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def clean_received_at(self):
        return self.cleaned_data.get("received_at") or timezone.now()
