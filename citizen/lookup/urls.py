"""The citizen's status look-up page; its API is in danvan/api.py (public/petition-status/)."""

from django.urls import path

from citizen.lookup import views

urlpatterns = [
    path("tra-cuu/", views.lookup, name="lookup"),
]
