from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.clinical.fhir import views as fhir_views
from apps.core.api import api_not_found
from apps.tenants import account_views
from apps.tenants.forms import EmailAuthenticationForm, TenantPasswordResetForm
from apps.tenants.views import TenantPasswordResetConfirmView

admin.site.site_header = "Rounds administration"
admin.site.site_title = "Rounds admin"
admin.site.site_url = "/reference/"  # "View site": the superuser's page outside the admin (home redirects here)

accounts = [
    path("login/", auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm,
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_reset/", auth_views.PasswordResetView.as_view(form_class=TenantPasswordResetForm),
         name="password_reset"),
    path("reset/<uidb64>/<token>/", TenantPasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("two-factor/", account_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", account_views.recovery_codes_new, name="recovery_codes_new"),
    path("two-factor/off/", account_views.two_factor_off, name="two_factor_off"),
    path("security/", account_views.security, name="security"),
    path("sessions/", account_views.sessions, name="sessions"),
    path("sessions/others/end/", account_views.session_end_others, name="session_end_others"),
    path("sessions/<int:session_id>/end/", account_views.session_end, name="session_end"),
    path("", include("django.contrib.auth.urls")),
]

urlpatterns = [
    path("accounts/", include(accounts)),
    # The reference library's admin moved from the assessments and academics apps to reference.
    re_path(r"^admin/assessments/(?P<rest>.*)$", RedirectView.as_view(url="/admin/reference/%(rest)s",
                                                                       query_string=True)),
    re_path(r"^admin/academics/specialty/(?P<rest>.*)$",
            RedirectView.as_view(url="/admin/reference/specialty/%(rest)s", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("apps.academics.api.urls")),
    path("api/", include("apps.assessments.api.urls")),
    path("api/", include("apps.reference.api.urls")),
    path("api/", include("apps.notifications.api.urls")),
    path("api/", include("apps.clinical.api.urls")),
    path("api/", include("apps.ccc.api.urls")),
    path("api/", include("apps.hours.api.urls")),
    path("api/", include("apps.hospital.api.urls")),
    path("api/", include("apps.scheduling.api.urls")),
    path("api/", include("apps.billing.api.urls")),
    path("api/", include("apps.physio.api.urls")),
    re_path(r"^api/", api_not_found),  # last under api/: an unknown API address is a JSON 404
    path("programs/", include("apps.academics.web.urls")),
    # One progress page (analytics); the assessments-era address keeps working.
    path("assessments/progress/", RedirectView.as_view(pattern_name="analytics_my_progress")),
    path("assessments/", include("apps.assessments.web.urls")),
    path("reference/", include("apps.reference.web.urls")),
    path("analytics/", include("apps.analytics.web.urls")),
    path("notifications/", include("apps.notifications.web.urls")),
    path("clinic/", include("apps.clinical.web.urls")),
    path("schedule/", include("apps.scheduling.web.urls")),
    path("billing/", include("apps.billing.web.urls")),
    path("physio/", include("apps.physio.web.urls")),
    path("ccc/", include("apps.ccc.web.urls")),
    path("hours/", include("apps.hours.web.urls")),
    path("hospital/", include("apps.hospital.web.urls")),
    path("fhir/", include("apps.hospital.fhir.urls")),  # before clinical's: Observation/lab-<id> is the lab's
    path("fhir/", include("apps.clinical.fhir.urls")),
    path("fhir/", include("apps.scheduling.fhir.urls")),
    path("fhir/", include("apps.billing.fhir.urls")),
    path("fhir/", include("apps.physio.fhir.urls")),
    re_path(r"^fhir/", fhir_views.not_found),  # last under fhir/: an unknown address is an OperationOutcome 404
    path("", include("apps.tenants.web.urls")),
]

handler403 = "apps.tenants.views.permission_denied"
