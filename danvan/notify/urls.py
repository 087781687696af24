from django.urls import path

from danvan.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.inbox_mark_all_read, name="read-all"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("preferences/", views.preferences, name="preferences"),
]
