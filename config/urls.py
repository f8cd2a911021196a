from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.tenants.forms import EmailAuthenticationForm, TenantPasswordResetForm
from apps.tenants.views import TenantPasswordResetConfirmView

admin.site.site_header = "Rounds administration"
admin.site.site_title = "Rounds admin"

accounts = [
    path("login/", auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm,
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_reset/", auth_views.PasswordResetView.as_view(form_class=TenantPasswordResetForm),
         name="password_reset"),
    path("reset/<uidb64>/<token>/", TenantPasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("", include("django.contrib.auth.urls")),
]

urlpatterns = [
    path("accounts/", include(accounts)),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("apps.academics.api_urls")),
    path("api/", include("apps.assessments.api_urls")),
    path("api/", include("apps.assessments.reference_api_urls")),
    path("api/", include("apps.notifications.api_urls")),
    path("api/", include("apps.clinical.api.urls")),
    path("programs/", include("apps.academics.urls")),
    path("assessments/", include("apps.assessments.urls")),
    path("reference/", include("apps.assessments.reference_urls")),
    path("analytics/", include("apps.assessments.analytics_urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("clinic/", include("apps.clinical.web.urls")),
    path("fhir/", include("apps.clinical.fhir.urls")),
    path("", include("apps.tenants.urls")),
]

handler403 = "apps.tenants.views.permission_denied"

