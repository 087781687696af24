from django.urls import path

from danvan.notify import views

app_name = "notify"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
]
