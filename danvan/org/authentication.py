"""Bearer access tokens for mobile clients, revocable at logout."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import AccessToken

from danvan.core.cache import cache_breaker, cache_degraded, warn_degraded
from danvan.core.language import activate_for_user
from danvan.core.models import RevokedToken

log = logging.getLogger(__name__)


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


# Marks the cache's copy of the revoked tokens as complete. Bounded, so that a revocation whose
# cache write failed while Redis kept its data is still seen within this time (the database
# always has it).
COMPLETE_KEY = "jwt:revoked:complete"
COMPLETE_SECONDS = 300


def _forget_complete_copy() -> None:
    """After an outage seen by this process: a logout may have missed the cache; reload."""
    cache.delete(COMPLETE_KEY)


cache_breaker.on_recovery.append(_forget_complete_copy)


def revoke_access_token(token: AccessToken) -> None:
    """
    Refuse this access token from now on: a RevokedToken row (the record, kept until the token
    would have expired anyway), and a cache entry that answers the check faster.
    """
    jti = str(token["jti"])
    expires_at = datetime.fromtimestamp(int(token["exp"]), tz=UTC)
    RevokedToken.objects.update_or_create(jti=jti, defaults={"expires_at": expires_at})
    RevokedToken.objects.filter(expires_at__lt=timezone.now()).delete()  # tidy, a few rows
    remaining = int(token["exp"]) - int(token.current_time.timestamp())
    cache.set(revoked_key(jti), True, timeout=max(remaining, 1))


def is_revoked(jti: str) -> bool:
    """
    Was this access token revoked? The database is the record; the cache holds a copy of its
    unexpired rows, marked complete by COMPLETE_KEY (for COMPLETE_SECONDS). While the copy is
    complete the cache answers alone; when it is missing (Redis restarted, evicted, cleared)
    or Redis is away, one query over the few unexpired rows answers, and reloads the copy.
    """
    # A copy read just as Redis came back may lack a logout made while it was away (the
    # recovery drops the mark, but this answer was already read): not trusted.
    after_outage = cache_degraded()
    values = cache.get_many([revoked_key(jti), COMPLETE_KEY])
    if values.get(revoked_key(jti)):
        return True
    if values.get(COMPLETE_KEY) and not after_outage:
        return False
    revoked = set(
        RevokedToken.objects.filter(expires_at__gt=timezone.now()).values_list("jti", flat=True)
    )
    if cache_degraded():
        warn_degraded(
            log,
            "token-revocation",
            "Redis is unavailable: access-token revocation is checked in the database",
        )
    else:
        access_lifetime = cast(timedelta, settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"])
        lifetime = int(access_lifetime.total_seconds())
        cache.set_many({revoked_key(key): True for key in revoked}, timeout=lifetime)
        cache.set(COMPLETE_KEY, True, timeout=COMPLETE_SECONDS)
    return jti in revoked


class RevocableJWTAuthentication(JWTAuthentication):
    """Bearer access tokens, refused once their owner logged out with them."""

    def authenticate(self, request: Any) -> Any:
        result = super().authenticate(request)
        if result is not None:
            # The messages of this request in the person's profile language (as the pages).
            activate_for_user(request, result[0])
        return result

    def get_validated_token(self, raw_token: bytes) -> Any:
        token = super().get_validated_token(raw_token)
        if is_revoked(str(token.get("jti"))):
            raise InvalidToken(str(_("This token was revoked at logout.")))
        return token


class RevocableJWTScheme(SimpleJWTScheme):
    """OpenAPI: the same bearer scheme as simplejwt's (its extension matches no subclasses)."""

    target_class = "danvan.org.authentication.RevocableJWTAuthentication"
