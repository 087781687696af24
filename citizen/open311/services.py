"""
Open311 GeoReport v2: apps and their keys, the public services, filing a report (a phản ánh
received by the commune named as `jurisdiction_id`, channel "online") and what is public of it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen.models import Open311App, Open311Request, Open311Service
from danvan.core.crypto import keyed_hash
from danvan.core.errors import ServiceError
from danvan.org.models import Unit, UnitLevel
from petitions import services as petition_services
from petitions.models import FINISHED_STATUSES, Channel, Petition, PetitionKind

# Only these kinds are ever public here: a report filed this way is a phản ánh, and one a
# handler reclassifies as a complaint or a denunciation disappears from the public API.
PUBLIC_KINDS = (PetitionKind.FEEDBACK, PetitionKind.RECOMMENDATION)
KEY_PREFIX = "dv311_"
MAX_DESCRIPTION = 4000
SAME_REPORT_WITHIN = timedelta(hours=1)
_RATE = re.compile(r"^(\d+)/(s|sec|m|min|h|hour|d|day)$")
_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


# --- Apps and keys ---------------------------------------------------------------------------
def new_key() -> tuple[str, str, str]:
    """A fresh API key, its first characters (to recognise it) and its keyed hash."""
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    return key, key[:8], keyed_hash(key, purpose="open311-key")


def app_for_key(key: str) -> Open311App | None:
    if not key or len(key) > 100:
        return None
    return Open311App.objects.filter(
        key_hash=keyed_hash(key, purpose="open311-key"), is_active=True
    ).first()


def parse_rate(rate: str) -> tuple[int, int]:
    """ "60/min" → (60, 60); a bad rate is a ValueError (the admin form refuses it)."""
    match = _RATE.match((rate or "").strip())
    if not match:
        raise ValueError(rate)
    return int(match.group(1)), _SECONDS[match.group(2)]


def allow(scope: str, ident: str, rate: str) -> int:
    """0 when the call is allowed, else the seconds to wait. The cache down: allowed."""
    try:
        limit, period = parse_rate(rate)
    except ValueError:
        limit, period = 60, 60
    window = int(timezone.now().timestamp()) // period
    key = f"open311:{scope}:{ident}:{window}"
    try:
        count = 1 if cache.add(key, 1, timeout=period + 5) else cache.incr(key)
    except Exception:  # the cache is away: the API keeps working
        return 0
    if count > limit:
        return max(period - int(timezone.now().timestamp()) % period, 1)
    return 0


# --- Services --------------------------------------------------------------------------------
def services_open() -> QuerySet[Open311Service]:
    return Open311Service.objects.filter(is_active=True).order_by("position", "service_code")


def service_row(service: Open311Service) -> dict[str, Any]:
    return {
        "service_code": service.service_code,
        "service_name": service.name,
        "description": service.description,
        "metadata": False,
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


def commune(jurisdiction_id: str) -> Unit | None:
    if not jurisdiction_id or len(jurisdiction_id) > 20:
        return None
    return Unit.objects.filter(
        code=jurisdiction_id, level=UnitLevel.COMMUNE, is_active=True
    ).first()


# --- Filing a report -------------------------------------------------------------------------
@dataclass
class Report:
    service_code: str = ""
    jurisdiction_id: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""


def _coordinate(value: str, name: str, limit: int) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > limit:
        raise ServiceError(
            _("%(name)s must be a number between -%(limit)d and %(limit)d.")
            % {"name": name, "limit": limit},
            field=name,
        )
    return number.quantize(Decimal("0.000001"))


def _fingerprint(app: Open311App, report: Report) -> str:
    parts = [str(app.pk), *(str(getattr(report, f)) for f in Report.__dataclass_fields__)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# Field names of intake's errors, as the GeoReport request names them.
_INTAKE_FIELDS = {
    "petitioners.0.full_name": "last_name",
    "petitioners.0.phone": "phone",
    "petitioners.0.email": "email",
    "summary": "description",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
}


def receive(
    *, app: Open311App, report: Report, media: UploadedFile | None = None
) -> tuple[Open311Request, bool]:
    """
    File the report: (the request, True), or the request already filed from the same app
    with the same content within the hour (a retried POST), False.
    """
    unit = commune(report.jurisdiction_id)
    if unit is None:
        raise ServiceError(_("jurisdiction_id: no commune has this code."), field="jurisdiction_id")
    service = services_open().filter(service_code=report.service_code).first()
    if service is None:
        raise ServiceError(_("service_code: no such service."), field="service_code")
    latitude = _coordinate(report.lat, "lat", 90)
    longitude = _coordinate(report.long, "long", 180)
    if (latitude is None) != (longitude is None):
        raise ServiceError(_("lat, long: give both, or neither."), field="lat")
    address = " ".join(report.address_string.split())[:255]
    if latitude is None and not address and not report.address_id:
        raise ServiceError(
            _("address_string: give a location (lat and long, or an address)."),
            field="address_string",
        )
    description = report.description.strip()
    if not description:
        raise ServiceError(_("description: describe what you report."), field="description")
    if len(description) > MAX_DESCRIPTION:
        raise ServiceError(
            _("description: at most %(count)d characters.") % {"count": MAX_DESCRIPTION},
            field="description",
        )
    media_url = report.media_url.strip()
    if media_url and (not media_url.startswith(("http://", "https://")) or len(media_url) > 500):
        raise ServiceError(_("media_url: an http or https address."), field="media_url")
    name = " ".join(f"{report.last_name} {report.first_name}".split())[:150]
    if (report.email or report.phone) and not name:
        raise ServiceError(
            _("first_name, last_name: give a name with the contact details."), field="last_name"
        )
    fingerprint = _fingerprint(app, report)
    with transaction.atomic():
        earlier = (
            Open311Request.objects.select_for_update()
            .filter(
                fingerprint=fingerprint,
                app=app,
                created_at__gte=timezone.now() - SAME_REPORT_WITHIN,
            )
            .select_related("petition")
            .first()
        )
        if earlier is not None and media is None:
            return earlier, False
        summary = description.splitlines()[0][:500]
        people = (
            [
                petition_services.PetitionerInput(
                    full_name=name, phone=report.phone.strip(), email=report.email.strip()
                )
            ]
            if name
            else []
        )
        try:
            petition = petition_services.petition_receive_public(
                unit=unit,
                data=petition_services.PetitionData(
                    receiving_unit=unit,
                    location_unit=unit,
                    received_on=petition_services.today_local(),
                    channel=Channel.ONLINE,
                    kind=PetitionKind.FEEDBACK,
                    field=service.petition_field,
                    summary=summary,
                    content=description,
                    address=address,
                    latitude=latitude,
                    longitude=longitude,
                    is_anonymous=not people,
                    petitioners=people,
                ),
            )
        except ServiceError as error:
            field = _INTAKE_FIELDS.get(error.field or "", error.field) or "description"
            raise ServiceError(f"{field}: {error.message}", field=field) from None
        if media is not None:
            petition_services.attachment_receive(petition=petition, upload=media)
        request = Open311Request.objects.create(
            petition=petition,
            app=app,
            service=service,
            token=secrets.token_hex(16),
            media_url=media_url,
            device_id=report.device_id.strip()[:100],
            account_id=report.account_id.strip()[:100],
            fingerprint=fingerprint,
        )
    return request, True


# --- What is public ---------------------------------------------------------------------------
def public_requests() -> QuerySet[Open311Request]:
    """Reports filed through Open311, still feedback or recommendations, not deleted."""
    return Open311Request.objects.filter(
        petition__deleted_at__isnull=True, petition__kind__in=PUBLIC_KINDS
    ).select_related("petition", "petition__handling_unit", "service")


def _w3c(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def request_row(request: Open311Request) -> dict[str, Any]:
    """
    The public status of a report: never a name or a contact, and not its description either
    (a description can name people; the reporter sees their own in their app).
    """
    petition: Petition = request.petition
    closed = petition.status in FINISHED_STATUSES
    expected = None
    if petition.due_date and not closed:
        expected = f"{petition.due_date.isoformat()}T17:00:00+07:00"
    return {
        "service_request_id": petition.code,
        "status": "closed" if closed else "open",
        "status_notes": str(petition.get_status_display()),
        "service_name": request.service.name,
        "service_code": request.service.service_code,
        "agency_responsible": petition.handling_unit.name,
        "service_notice": "",
        "requested_datetime": _w3c(request.created_at),
        "updated_datetime": _w3c(petition.updated_at),
        "expected_datetime": expected,
        "address": petition.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(petition.latitude) if petition.latitude is not None else None,
        "long": float(petition.longitude) if petition.longitude is not None else None,
        "media_url": request.media_url,
    }
