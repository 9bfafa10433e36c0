from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from bastion.api import api
from bastion.core.views.accounts import PasswordChangeView, SignInView, sign_out

urlpatterns = [
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", sign_out, name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/catalog.js", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("reporting/", include("bastion.reporting.urls")),
    path("residents/", include("bastion.residents.urls")),
    path("observation/", include("bastion.observation.urls")),
    path("checkpoints/", include("bastion.checkpoints.urls")),
    path("supplies/", include("bastion.supplies.urls")),
    path("mobilization/", include("bastion.mobilization.urls")),
    path("command/", include("bastion.command.urls")),
    path("outreach/", include("bastion.outreach.urls")),
    path("dashboard/", include("bastion.dashboard.urls")),
    path("", include("bastion.core.urls")),
]

handler403 = "bastion.core.views.errors.forbidden"
handler404 = "bastion.core.views.errors.not_found"
handler500 = "bastion.core.views.errors.server_error"
