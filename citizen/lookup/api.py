"""POST /api/v1/public/petition-status/: the citizen's status look-up, without signing in."""

from __future__ import annotations

from typing import Any

from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from citizen.lookup.forms import PublicPetitionStatusListSerializer, PublicStatusLookupSerializer
from citizen.lookup.selectors import petition_status_lookup
from citizen.lookup.texts import NOT_FOUND, retry_message
from citizen.lookup.throttling import CitizenLookupThrottle


def not_found_body() -> dict[str, Any]:
    """The one body of every miss: byte for byte the same whatever was wrong."""
    return {"code": "not_found", "message": str(NOT_FOUND), "fields": {}}


@method_decorator(sensitive_post_parameters("phone_last4"), name="dispatch")
class PetitionStatusView(APIView):
    """
    A citizen follows a petition with its code and the last 4 digits of the phone they gave:
    kind, status, dates, the current legal deadline and the result, never a name. Every miss
    (no such code, other digits, an anonymous or deleted petition) is the same 404.
    """

    # Public: no session (so no CSRF) and no token needed; a token sent is not looked at.
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [CitizenLookupThrottle]
    serializer_class = PublicStatusLookupSerializer

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.Throttled) and isinstance(response.data, dict):
            # In minutes, as the page says it: the window is minutes long.
            response.data["message"] = retry_message(int(response["Retry-After"]))
        return response

    @extend_schema(
        operation_id="public_petition_status",
        tags=["public"],
        auth=[],
        request=PublicStatusLookupSerializer,
        responses={
            200: PublicPetitionStatusListSerializer,
            404: OpenApiResponse(
                description=str(
                    _(
                        "No petition matches: the same answer whether the code, the digits "
                        "or the petition (anonymous, deleted) was the reason."
                    )
                )
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PublicStatusLookupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = petition_status_lookup(
            code=serializer.validated_data["code"],
            phone_last4=serializer.validated_data["phone_last4"],
        )
        if not answers:
            return Response(not_found_body(), status=status.HTTP_404_NOT_FOUND)
        return Response(PublicPetitionStatusListSerializer({"petitions": answers}).data)
