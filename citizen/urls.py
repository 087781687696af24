"""The citizen's pages (namespace `citizen`): the look-up, stopping text messages, Open311."""

from django.urls import include, path

from citizen import views

app_name = "citizen"
urlpatterns = [
    path("open311/v2/", include("citizen.open311.urls")),
    path("tin-nhan/tu-choi/<str:token>/", views.sms_opt_out, name="sms-opt-out"),
    path("", include("citizen.lookup.urls")),
]
