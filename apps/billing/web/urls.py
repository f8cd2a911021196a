from django.urls import path

from apps.billing.web import views

app_name = "billing"

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/<uuid:item_id>/", views.catalog_edit, name="catalog_edit"),
    path("patients/<uuid:patient_id>/", views.patient_account, name="patient_account"),
    path("patients/<uuid:patient_id>/invoices/new/", views.invoice_new, name="invoice_new"),
    path("invoices/<uuid:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<uuid:invoice_id>/lines/", views.invoice_line_add, name="invoice_line_add"),
    path("invoices/<uuid:invoice_id>/lines/<uuid:line_id>/remove/", views.invoice_line_remove,
         name="invoice_line_remove"),
    path("invoices/<uuid:invoice_id>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<uuid:invoice_id>/void/", views.invoice_void, name="invoice_void"),
    path("invoices/<uuid:invoice_id>/credit/", views.invoice_credit, name="invoice_credit"),
    path("invoices/<uuid:invoice_id>/payments/", views.invoice_payment, name="invoice_payment"),
    path("invoices/<uuid:invoice_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("payments/<uuid:payment_id>/receipt/", views.receipt_pdf, name="receipt_pdf"),
    path("reports/aging/", views.aging, name="aging"),
    path("reports/takings/", views.takings, name="takings"),
    path("export/invoices/", views.export, {"kind": "invoices"}, name="export_invoices"),
    path("export/lines/", views.export, {"kind": "lines"}, name="export_lines"),
    path("export/payments/", views.export, {"kind": "payments"}, name="export_payments"),
    path("me/", views.portal, name="portal"),
    path("me/invoices/<uuid:invoice_id>/pdf/", views.portal_invoice_pdf, name="portal_invoice_pdf"),
]
