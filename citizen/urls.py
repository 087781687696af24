from django.urls import include, path

urlpatterns = [
    path("open311/v2/", include("citizen.open311.urls")),
    path("", include("citizen.lookup.urls")),
]
