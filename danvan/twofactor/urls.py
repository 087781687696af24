from django.urls import path

from danvan.twofactor import views

app_name = "twofactor"
urlpatterns = [path("enrol/", views.enrol, name="enrol")]
