from django.contrib import admin
from django.urls import include, path

from intercoop.config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("intercoop.core.urls")),
    path("", include("intercoop.network.urls")),
    path("", include("intercoop.exchange.urls")),
    path("", include("intercoop.purchasing.urls")),
    path("", include("intercoop.clearing.urls")),
    path("", include("intercoop.directory.urls")),
]

handler400 = "intercoop.core.views.bad_request"
handler403 = "intercoop.core.views.forbidden"
handler404 = "intercoop.core.views.not_found"
handler500 = "intercoop.core.views.server_error"
