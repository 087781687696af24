from django.contrib import admin
from django.urls import include, path

from danvan.core import views
from danvan.core.health import healthz, live
from danvan.org import views as org_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("healthz/ready", healthz, name="healthz-ready"),
    path("healthz/live", live, name="healthz-live"),
    path("", include("danvan.core.accounts")),
    # The header's language selector: Django's cookie, and the profile when signed in.
    path("i18n/setlang/", org_views.set_language, name="set_language"),
    path("tai-khoan/", org_views.account, name="account"),
    path("admin/second-factor/", include("danvan.twofactor.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("danvan.api", "api"), namespace="api")),
    path("reports/", include("reports.urls")),
    path("petitions/", include("petitions.urls")),
    path("tasks/", include("tasks.urls")),
    path("movement/", include("movement.urls")),
    path("notifications/", include("danvan.notify.urls")),
    path("saved-views/", include("danvan.core.saved_view_pages")),
    path("", include("citizen.urls")),
]
# No /media/ pattern, not even under DEBUG: every stored file is served by a view that checks
# who asks (danvan.core.downloads), so no file is reachable by guessing its address.

handler400 = "danvan.core.views.bad_request"
handler403 = "danvan.core.views.permission_denied"
handler404 = "danvan.core.views.not_found"
handler500 = "danvan.core.views.server_error"
