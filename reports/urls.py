"""Web pages of the reports app (/reports/…), included from danvan/urls.py."""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("documents/", views.document_request, name="document-request"),
    path(
        "documents/<int:document_id>/<str:file_format>/",
        views.document_download,
        name="document-download",
    ),
]
