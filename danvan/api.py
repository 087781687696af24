"""The API router: every app registers its viewsets here, under /api/v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from citizen.lookup import api as lookup_api
from danvan.notify import api as notify_api
from danvan.org import api as org_api
from movement import api as movement_api
from petitions import api as petitions_api
from tasks import api as tasks_api

router = DefaultRouter()
router.register("units", org_api.UnitViewSet, basename="unit")
router.register("petitions", petitions_api.PetitionViewSet, basename="petition")
router.register("notices", petitions_api.NoticeViewSet, basename="notice")
router.register("petition-fields", petitions_api.PetitionFieldViewSet, basename="petition-field")
router.register(
    "reception-sessions", petitions_api.ReceptionSessionViewSet, basename="reception-session"
)
router.register("notifications", notify_api.NotificationViewSet, basename="notification")
router.register("push-outbox", notify_api.PushOutboxViewSet, basename="push-outbox")
router.register("directives", tasks_api.DirectiveViewSet, basename="directive")
router.register("meetings", tasks_api.MeetingViewSet, basename="meeting")
router.register("tasks", tasks_api.TaskViewSet, basename="task")
router.register("movement-models", movement_api.MovementModelViewSet, basename="movement-model")
router.register("indicators", movement_api.IndicatorViewSet, basename="indicator")
router.register(
    "indicator-reports", movement_api.IndicatorReportViewSet, basename="indicator-report"
)
router.register("dialogues", movement_api.DialogueViewSet, basename="dialogue")

urlpatterns = [
    path("auth/token/", org_api.TokenObtainView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", org_api.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", org_api.LogoutView.as_view(), name="logout"),
    path("me/", org_api.MeView.as_view(), name="me"),
    path("calendar/", include("danvan.calendar.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads Swagger UI's start-up script from ?script instead of inlining it, so
    # the page runs under the Content-Security-Policy (templates/drf_spectacular/).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("reports/", include("reports.api_urls")),
    # Public, no sign-in: the citizen's status look-up (citizen.lookup).
    path(
        "public/petition-status/",
        lookup_api.PetitionStatusView.as_view(),
        name="public-petition-status",
    ),
    path("", include(router.urls)),
]
