from django.urls import path

from apps.billing.api import views

urlpatterns = [
    path("billing/catalog/", views.catalog_list, name="billing-catalog-list"),
    path("billing/catalog/<uuid:item_id>/", views.catalog_detail, name="billing-catalog-detail"),
    path("billing/invoices/", views.invoice_list, name="billing-invoice-list"),
    path("billing/invoices/<uuid:invoice_id>/", views.invoice_detail, name="billing-invoice-detail"),
    path("billing/invoices/<uuid:invoice_id>/lines/", views.invoice_lines, name="billing-invoice-lines"),
    path("billing/invoices/<uuid:invoice_id>/issue/", views.invoice_issue, name="billing-invoice-issue"),
    path("billing/invoices/<uuid:invoice_id>/void/", views.invoice_void, name="billing-invoice-void"),
    path("billing/invoices/<uuid:invoice_id>/credit-notes/", views.invoice_credit_notes,
         name="billing-invoice-credit-notes"),
    path("billing/invoices/<uuid:invoice_id>/payments/", views.invoice_payments, name="billing-invoice-payments"),
]
