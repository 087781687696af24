"""GeoReport v2's paths; each in .json or .xml."""

from django.urls import re_path

from citizen.open311 import views

FORMAT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^openapi\.json$", views.openapi, name="open311-openapi"),
    re_path(r"^services" + FORMAT, views.service_list, name="open311-services"),
    re_path(
        r"^services/(?P<code>[^/]+)" + FORMAT,
        views.service_definition,
        name="open311-service",
    ),
    re_path(r"^requests" + FORMAT, views.requests, name="open311-requests"),
    re_path(
        r"^requests/(?P<request_id>[^/]+)" + FORMAT,
        views.request_detail,
        name="open311-request",
    ),
    re_path(r"^tokens/(?P<token>[^/]+)" + FORMAT, views.token, name="open311-token"),
]
