"""The citizen's status look-up page; its API is in danvan/api.py (public/petition-status/)."""

from django.urls import path

from citizen.lookup import views

# The namespace of the citizen's pages: `citizen:lookup`.
app_name = "citizen"
urlpatterns = [
    path("tra-cuu/", views.lookup, name="lookup"),
]
