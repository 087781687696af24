"""API for units, the signed-in user, and tokens for mobile clients."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import (
    TokenObtainPairSerializerExtension,
    TokenRefreshSerializerExtension,
)
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from danvan.core.language import activate_for_user
from danvan.core.throttling import LoginRateThrottle
from danvan.org import selectors, services
from danvan.org.authentication import revoke_access_token
from danvan.org.models import LANGUAGE_CHOICES, Membership, Unit, UnitKind, UnitLevel, User


# --- Tokens ----------------------------------------------------------------------------------
class TokenObtainSerializer(jwt_serializers.TokenObtainPairSerializer):
    """simplejwt's, with translated labels so an error message names the field in Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = User._meta.get_field(self.username_field)
        # Bounded like the model field: a longer name cannot exist, and django-axes would
        # fail storing it (varchar 255 on PostgreSQL) with a 500 instead of a 400.
        self.fields[self.username_field] = serializers.CharField(
            write_only=True,
            max_length=getattr(username, "max_length", None) or 150,
            label=getattr(username, "verbose_name", self.username_field),
        )
        self.fields["password"].label = getattr(
            User._meta.get_field("password"), "verbose_name", ""
        )


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["refresh"].label = _("refresh token")


class _TokenObtainSchema(TokenObtainPairSerializerExtension):
    target_class = "danvan.org.api.TokenObtainSerializer"


class _TokenRefreshSchema(TokenRefreshSerializerExtension):
    target_class = "danvan.org.api.TokenRefreshSerializer"


class TokenObtainView(jwt_views.TokenObtainPairView):
    """Sign in with username and password: a short-lived access token and a refresh token."""

    serializer_class = TokenObtainSerializer
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        # django-axes marks the request handed to authenticate() as locked out, and its
        # middleware turns that mark into the lockout response (429). The middleware only
        # sees Django's request, so authenticate with that rather than DRF's wrapper.
        context["request"] = self.request._request
        return context

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.user  # type: ignore[attr-defined]
        # A sign-in like any other: last_login is updated, and django-axes records it and
        # resets the failure count (AXES_RESET_ON_SUCCESS) as it does for the admin login.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response(serializer.validated_data, status=status.HTTP_200_OK)


class TokenRefreshView(jwt_views.TokenRefreshView):
    """Trade a refresh token for a new pair; the old refresh token stops working."""

    serializer_class = TokenRefreshSerializer
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(label=_("refresh token"))


class LogoutView(APIView):
    """Revoke the refresh token (and the access token used for this call)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=LogoutSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            refresh = RefreshToken(serializer.validated_data["refresh"])
        except TokenError:
            raise serializers.ValidationError(
                {"refresh": [_("The refresh token is invalid or expired.")]}
            ) from None
        if str(refresh.get("user_id")) != str(request.user.pk):
            raise serializers.ValidationError(
                {"refresh": [_("This refresh token belongs to another user.")]}
            )
        refresh.blacklist()
        from danvan.audit.models import AuditKind
        from danvan.audit.services import record

        record(
            AuditKind.LOGOUT, user=request.user, request=request, detail={"refresh_revoked": True}
        )
        if isinstance(request.auth, AccessToken):
            revoke_access_token(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Units -----------------------------------------------------------------------------------
class UnitSerializer(serializers.ModelSerializer):
    # A province (the top of the tree) has no parent: null, as the schema says.
    parent_name = serializers.CharField(
        source="parent.name", default=None, read_only=True, allow_null=True
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "level",
            "level_display",
            "kind",
            "kind_display",
            "parent",
            "parent_name",
            "path",
            "depth",
            "former_names",
            "updated_at",
        ]
        read_only_fields = fields


class UnitFilter(django_filters.FilterSet):
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("parent unit id"))
    level = django_filters.ChoiceFilter(choices=UnitLevel.choices, label=_("level"))
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("kind"))
    code = django_filters.CharFilter(field_name="code", label=_("code"))
    under = django_filters.NumberFilter(method="filter_under", label=_("inside unit id"))
    search = django_filters.CharFilter(method="filter_search", label=_("search"))

    class Meta:
        model = Unit
        fields = ["parent", "level", "kind", "code"]

    def filter_under(self, queryset: QuerySet[Unit], name: str, value: Any) -> QuerySet[Unit]:
        try:
            unit = selectors.unit_get_for(self.request.user, value)
        except Http404:
            # A filter value, not the address: the list's input is wrong (400 naming it).
            raise serializers.ValidationError(
                {"under": [_("This unit does not exist or is outside your units.")]}
            ) from None
        return queryset.filter(path__startswith=unit.path)

    def filter_search(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return selectors.units_search(queryset, value)


@extend_schema(
    parameters=[OpenApiParameter("page_size", int, description=str(_("Rows per page (max 100).")))]
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the user may see: their own units and everything below them."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering = ("path",)

    def get_queryset(self) -> QuerySet[Unit]:
        return selectors.units_visible_to(self.request.user).select_related("parent")

    def get_object(self) -> Unit:
        unit = selectors.unit_get_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, unit)
        return unit


# --- Me ----------------------------------------------------------------------------------------
class MembershipSerializer(serializers.ModelSerializer):
    unit = UnitSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "unit", "role", "role_display", "title"]


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()
    display_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "full_name",
            "email",
            "phone",
            "language",
            "is_superuser",
            "memberships",
            "permissions",
        ]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, user: User) -> Any:
        return MembershipSerializer(selectors.me_memberships(user), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_permissions(self, user: User) -> list[str]:
        return sorted(user.get_all_permissions())


class MeUpdateSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        label=_("language"),
        help_text="The language of this person's pages and API messages (vi by default).",
    )


class MeView(APIView):
    """The signed-in user, their memberships (unit + role) and permissions."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        """Change the person's own settings: today their language."""
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        language = serializer.validated_data["language"]
        user = services.user_set_language(user=cast(User, request.user), language=language)
        activate_for_user(request, user)  # this answer already in the new language
        return Response(MeSerializer(user).data)
