from django.urls import path

from apps.hospital.api import views

urlpatterns = [
    path("hospital/sites/<uuid:site_id>/beds/", views.bed_board, name="hospital-bed-board"),
    path("hospital/sites/<uuid:site_id>/inventory/", views.inventory, name="hospital-inventory"),
    path("hospital/admissions/", views.admission_create, name="hospital-admission-create"),
    path("hospital/admissions/<uuid:admission_id>/", views.admission_detail, name="hospital-admission-detail"),
    path("hospital/admissions/<uuid:admission_id>/transfer/", views.admission_transfer,
         name="hospital-admission-transfer"),
    path("hospital/admissions/<uuid:admission_id>/discharge/", views.admission_discharge,
         name="hospital-admission-discharge"),
    path("hospital/drafts/<uuid:draft_id>/", views.draft_detail, name="hospital-draft-detail"),
    path("hospital/drafts/<uuid:draft_id>/decision/", views.draft_decide, name="hospital-draft-decide"),
    path("hospital/lab-orders/", views.lab_order_create, name="hospital-lab-order-create"),
    path("hospital/lab-orders/<uuid:order_id>/", views.lab_order_detail, name="hospital-lab-order-detail"),
    path("hospital/lab-orders/<uuid:order_id>/status/", views.lab_order_status, name="hospital-lab-order-status"),
    path("hospital/lab-orders/<uuid:order_id>/results/", views.lab_order_results, name="hospital-lab-order-results"),
    path("hospital/lab-results/<uuid:result_id>/acknowledge/", views.lab_result_acknowledge,
         name="hospital-lab-result-acknowledge"),
    path("hospital/prescriptions/", views.prescription_create, name="hospital-prescription-create"),
    path("hospital/prescriptions/<uuid:prescription_id>/", views.prescription_detail,
         name="hospital-prescription-detail"),
    path("hospital/prescriptions/<uuid:prescription_id>/status/", views.prescription_status,
         name="hospital-prescription-status"),
    path("hospital/prescriptions/<uuid:prescription_id>/dispenses/", views.prescription_dispense,
         name="hospital-prescription-dispense"),
    path("hospital/prescriptions/<uuid:prescription_id>/doses/", views.prescription_give,
         name="hospital-prescription-give"),
    path("hospital/wards/<uuid:ward_id>/mar/", views.ward_mar, name="hospital-ward-mar"),
    path("hospital/doses/<uuid:dose_id>/", views.dose_record, name="hospital-dose-record"),
    path("hospital/inventory-items/<uuid:item_id>/moves/", views.stock_move, name="hospital-stock-move"),
]
