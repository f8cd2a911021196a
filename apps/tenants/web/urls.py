from django.urls import path

from apps.tenants.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("organization/", views.organization, name="organization"),
    path("organization/sites/<uuid:site_id>/", views.site_detail, name="site_detail"),
    path("organization/sites/<uuid:site_id>/edit/", views.site_edit, name="site_edit"),
]
