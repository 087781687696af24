"""Web pages of the tasks app (/tasks/…), included from danvan/urls.py."""

from django.urls import path

from tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("approve/", views.task_bulk_approve, name="bulk-approve"),
    path("<int:task_id>/", views.task_detail, name="detail"),
    path("<int:task_id>/report/", views.task_report, name="report"),
    path("<int:task_id>/approve/", views.task_approve, name="approve"),
    path("<int:task_id>/return/", views.task_return, name="return"),
    path("<int:task_id>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path(
        "directives/<int:directive_id>/files/<int:file_id>/",
        views.directive_file_download,
        name="directive-file",
    ),
]
