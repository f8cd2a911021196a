from django.urls import path

from apps.hospital.web import chart_card, views

app_name = "hospital"

urlpatterns = [
    path("", views.home, name="home"),
    path("sites/<uuid:site_id>/beds/", views.bed_board, name="bed_board"),
    path("sites/<uuid:site_id>/admit/", views.admit, name="admit"),
    path("sites/<uuid:site_id>/lab/", views.lab_queue, name="lab_queue"),
    path("sites/<uuid:site_id>/inventory/", views.inventory, name="inventory"),
    path("sites/<uuid:site_id>/pharmacy/", views.pharmacy_queue, name="pharmacy_queue"),
    path("beds/<uuid:bed_id>/status/", views.bed_status, name="bed_status"),
    path("admissions/<uuid:admission_id>/", views.admission, name="admission"),
    path("admissions/<uuid:admission_id>/transfer/", views.admission_transfer, name="admission_transfer"),
    path("admissions/<uuid:admission_id>/discharge/", views.admission_discharge, name="admission_discharge"),
    path("drafts/<uuid:draft_id>/", views.draft, name="draft"),
    path("wards/<uuid:ward_id>/mar/", views.mar, name="mar"),
    path("doses/<uuid:dose_id>/record/", views.dose_record, name="dose_record"),
    path("patients/<uuid:patient_id>/lab/new/", views.lab_order_new, name="lab_order_new"),
    path("patients/<uuid:patient_id>/prescriptions/new/", views.prescription_new, name="prescription_new"),
    path("lab/<uuid:order_id>/", views.lab_order, name="lab_order"),
    path("lab/<uuid:order_id>/status/", views.lab_order_status, name="lab_order_status"),
    path("lab/<uuid:order_id>/report/", views.lab_report, name="lab_report"),
    path("results/<uuid:result_id>/acknowledge/", views.result_acknowledge, name="result_acknowledge"),
    path("prescriptions/<uuid:prescription_id>/", views.prescription, name="prescription"),
    path("prescriptions/<uuid:prescription_id>/status/", views.prescription_status, name="prescription_status"),
    path("prescriptions/<uuid:prescription_id>/give/", views.prn_give, name="prn_give"),
    path("items/<uuid:item_id>/move/", views.stock_move, name="stock_move"),
    path("patients/<uuid:patient_id>/chart-card/", chart_card.chart_card, name="chart_card"),
]
