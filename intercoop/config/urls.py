from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from intercoop.config.api import api
from intercoop.core import views as core_views
from intercoop.core.health import healthz
from intercoop.core.throttle import ThrottledAdminAuthenticationForm

# The admin's sign-in is throttled like the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Our messages only (locale/…/djangojs.po), not those of the admin's scripts.
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["intercoop.core"]),
        name="javascript-catalog",
    ),
    path("", include("intercoop.home.urls")),
    path("accounts/", include("intercoop.core.urls")),
    path("imports/", core_views.imports, name="imports"),
    path("imports/<int:pk>/", core_views.import_job, name="import_job"),
    path("tasks/<int:pk>/", core_views.task_run, name="task_run"),
    path("", include("intercoop.network.urls")),
    path("", include("intercoop.exchange.urls")),
    path("", include("intercoop.purchasing.urls")),
    path("", include("intercoop.clearing.urls")),
    path("", include("intercoop.governance.urls")),
    path("", include("intercoop.capital.urls")),
    path("", include("intercoop.membership.urls")),
    path("", include("intercoop.directory.urls")),
]

handler400 = "intercoop.core.views.bad_request"
handler403 = "intercoop.core.views.forbidden"
handler404 = "intercoop.core.views.not_found"
handler500 = "intercoop.core.views.server_error"
