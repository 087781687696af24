"""Bearer access tokens for mobile clients, revocable at logout."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken


def client_ip_address(request: HttpRequest) -> str | None:
    """
    The client's address for django-axes (AXES_CLIENT_IP_CALLABLE).

    Without proxies (AXES_PROXY_COUNT=0) it is REMOTE_ADDR and X-Forwarded-For is ignored, so
    a client cannot pick the address it is locked under. Behind N trusted proxies, each of
    which appends the address it received the request from, the client's address is the N-th
    entry of X-Forwarded-For counted from the right; anything further left is the client's
    own claim and is ignored. (django-ipware is not installed, so axes itself would only ever
    see the proxy's address and lock a user out for everyone.)
    """
    remote = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return hops[-count]


def revoked_key(jti: str) -> str:
    return f"jwt:revoked:{jti}"


class RevocableJWTAuthentication(JWTAuthentication):
    """Bearer access tokens, refused once their owner logged out with them."""

    def get_validated_token(self, raw_token: bytes) -> Any:
        token = super().get_validated_token(raw_token)
        if cache.get(revoked_key(str(token.get("jti")))):
            raise InvalidToken(str(_("This token was revoked at logout.")))
        return token


class RevocableJWTScheme(SimpleJWTScheme):
    """OpenAPI: the same bearer scheme as simplejwt's (its extension matches no subclasses)."""

    target_class = "danvan.org.authentication.RevocableJWTAuthentication"
