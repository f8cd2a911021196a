"""Billing API shapes. Money is a decimal string (``coerce_to_string=True``), never a float."""

from rest_framework import serializers

from apps.billing.models import CatalogItem, Invoice, InvoiceLine, Payment


def money(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True, **kwargs)


class CatalogItemSerializer(serializers.ModelSerializer):
    unit_price = money()
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=True, required=False)
    service_type = serializers.UUIDField(source="service_type_id", required=False, allow_null=True)

    class Meta:
        model = CatalogItem
        fields = ["id", "code", "name", "kind", "unit_price", "tax_rate", "is_active", "service_type"]
        read_only_fields = ["id"]


class InvoiceLineSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(max_digits=10, decimal_places=3, coerce_to_string=True)
    unit_price = money()
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=True)
    discount_rate = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=True)
    gross, discount, net, tax, total = money(), money(), money(), money(), money()
    catalog_item = serializers.UUIDField(source="catalog_item_id", allow_null=True)

    class Meta:
        model = InvoiceLine
        fields = ["id", "position", "kind", "catalog_item", "description", "quantity", "unit_price", "discount_rate",
                  "tax_rate", "gross", "discount", "net", "tax", "total", "source_type", "source_id"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    amount = money()

    class Meta:
        model = Payment
        fields = ["id", "kind", "amount", "method", "received_at", "reference"]
        read_only_fields = fields


class InvoiceSerializer(serializers.ModelSerializer):
    patient = serializers.UUIDField(source="patient_id")
    site = serializers.UUIDField(source="site_id")
    case = serializers.UUIDField(source="case_id", allow_null=True)
    credit_of = serializers.UUIDField(source="credit_of_id", allow_null=True)
    subtotal, discount_total, tax_total, total = money(), money(), money(), money()
    amount_paid, amount_credited, balance = money(), money(), money()
    lines = InvoiceLineSerializer(many=True, read_only=True, source="line_rows")
    payments = PaymentSerializer(many=True, read_only=True, source="payment_rows")

    class Meta:
        model = Invoice
        fields = ["id", "number", "kind", "status", "patient", "site", "case", "credit_of", "currency", "issued_on",
                  "due_on", "subtotal", "discount_total", "tax_total", "total", "amount_paid", "amount_credited",
                  "balance", "void_reason", "lines", "payments"]
        read_only_fields = fields


class InvoiceListSerializer(InvoiceSerializer):
    class Meta(InvoiceSerializer.Meta):
        fields = [f for f in InvoiceSerializer.Meta.fields if f not in ("lines", "payments")]
        read_only_fields = fields


class InvoiceCreateSerializer(serializers.Serializer):
    """A draft: empty, or from the patient's unbilled visits (and fulfilled appointments)."""

    patient = serializers.UUIDField()
    site = serializers.UUIDField()
    case = serializers.UUIDField(required=False, allow_null=True)
    visits = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=200)
    appointments = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=200)
    visit_item = serializers.UUIDField(required=False, allow_null=True)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class LineCreateSerializer(serializers.Serializer):
    catalog_item = serializers.UUIDField(required=False, allow_null=True)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    quantity = serializers.DecimalField(max_digits=10, decimal_places=3, coerce_to_string=True, default="1")
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True, required=False,
                                          allow_null=True)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=True, required=False,
                                        allow_null=True)
    discount_rate = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=True, required=False,
                                             default="0")


class IssueSerializer(serializers.Serializer):
    issued_on = serializers.DateField(required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class CreditLineSerializer(serializers.Serializer):
    line = serializers.UUIDField()
    quantity = serializers.DecimalField(max_digits=10, decimal_places=3, coerce_to_string=True)


class CreditNoteSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    lines = CreditLineSerializer(many=True, max_length=200)


class PaymentCreateSerializer(serializers.Serializer):
    """The amount is passed as given to the service, which refuses ≤ 0 and more than the balance."""

    kind = serializers.ChoiceField(choices=Payment.Kind.choices, default=Payment.Kind.PAYMENT)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    method = serializers.ChoiceField(choices=Payment.Method.choices)
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)
