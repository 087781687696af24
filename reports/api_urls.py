"""/api/v1/reports/… (included from danvan/api.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from reports import api

router = SimpleRouter()
router.register("documents", api.ReportDocumentViewSet, basename="report-document")

urlpatterns = [
    path("petitions/", api.PetitionStatisticsView.as_view(), name="report-petitions"),
    path("tasks/", api.TaskStatisticsView.as_view(), name="report-tasks"),
    path("trend/", api.TrendView.as_view(), name="report-trend"),
    path("overdue/", api.OverdueView.as_view(), name="report-overdue"),
    path(
        "exports/<str:subject>.<str:file_format>",
        api.ExportView.as_view(),
        name="report-export",
    ),
    path("", include(router.urls)),
]
