"""What a reminder says, on every channel (Vietnamese by default, LANGUAGE_CODE)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from danvan.notify.models import Reminder, Subject


@dataclass
class Message:
    subject: str
    text: str
    link: str  # absolute, on SITE_URL: for e-mails and push messages (no request)
    path: str = ""  # the same page as a path, stored: the API makes it absolute per request
    target: dict[str, Any] | None = None  # {"type": "petition", "id": 42}


# Links are stored as paths and made absolute where they are read:
# - in a request (API, pages): request.build_absolute_uri(path), the host the client reached;
# - without one (the worker's e-mails and push messages): SITE_URL, which `make run` sets to
#   the address it serves (http://127.0.0.1:$PORT) unless SITE_URL is given explicitly.
def absolute(url: str) -> str:
    """An address for a message sent without a request (e-mail, push): SITE_URL + path."""
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def site_path(url: str) -> str:
    """The path (with query and fragment) of a link; a path stays as it is."""
    if not url.startswith(("http://", "https://")):
        return url
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def request_link(request: HttpRequest | None, url: str) -> str:
    """A stored link made absolute with the host and scheme of the request being answered."""
    if not url:
        return ""
    path = site_path(url)
    return request.build_absolute_uri(path) if request is not None else absolute(path)


def preferences_link() -> str:
    """Where a person changes how they are told (their own preferences page)."""
    return absolute(reverse("notify:preferences"))


def when_text(offset_days: int, deadline: date, *, escalation: bool, unit_name: str) -> str:
    day = f"{deadline:%d/%m/%Y}"
    if escalation:
        return _(
            "Overdue since %(deadline)s at %(unit)s; you are told as a leader of the unit above."
        ) % {"deadline": day, "unit": unit_name}
    if offset_days < 0:
        days = -offset_days
        return ngettext(
            "%(days)d working day left until the deadline %(deadline)s.",
            "%(days)d working days left until the deadline %(deadline)s.",
            days,
        ) % {"days": days, "deadline": day}
    if offset_days == 0:
        return _("The deadline is today, %(deadline)s.") % {"deadline": day}
    return _("Overdue: the deadline was %(deadline)s.") % {"deadline": day}


def reminder_message(reminder: Reminder) -> Message:
    with translation.override(settings.LANGUAGE_CODE):
        subject_label = Subject(reminder.item_key.partition(":")[0]).label
        text = when_text(
            reminder.stage.offset_days if not reminder.occurrence else 1,
            reminder.deadline,
            escalation=reminder.is_escalation,
            unit_name=reminder.unit_name,
        )
        path = site_path(reminder.url)
        target = (
            {"type": reminder.target_type, "id": reminder.target_id}
            if reminder.target_type and reminder.target_id is not None
            else None
        )
        return Message(
            subject=f"[{subject_label}] {reminder.title}"[:300],
            text=text,
            link=absolute(path),
            path=path,
            target=target,
        )


def reminder_email(reminder: Reminder, to: str) -> EmailMultiAlternatives:
    message = reminder_message(reminder)
    context: dict[str, Any] = {
        "reminder": reminder,
        "message": message,
        "recipient": reminder.recipient,
        "preferences_link": preferences_link(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("notify/reminder_email.txt", context)
        html = render_to_string("notify/reminder_email.html", context)
    email = EmailMultiAlternatives(message.subject, text, to=[to])
    email.attach_alternative(html, "text/html")
    # A worker killed between handing the e-mail over and committing `sent_at` sends it again
    # (at least once: a mail server cannot take part in the transaction). The copy carries the
    # same Message-ID, so mail servers and clients recognise it as the same message.
    email.extra_headers["X-Danvan-Reminder"] = str(reminder.pk)
    host = urlsplit(settings.SITE_URL).hostname or "danvan.local"
    email.extra_headers["Message-ID"] = f"<reminder-{reminder.pk}@{host}>"
    return email


def digest_email(
    user: Any, day: date, due_soon: list[dict[str, Any]], overdue: list[dict[str, Any]]
) -> EmailMultiAlternatives:
    context = {
        "user": user,
        "day": day,
        "due_soon": due_soon,
        "overdue": overdue,
        "preferences_link": preferences_link(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Deadlines on %(day)s: %(soon)d due soon, %(late)d overdue") % {
            "day": f"{day:%d/%m/%Y}",
            "soon": len(due_soon),
            "late": len(overdue),
        }
        text = render_to_string("notify/digest_email.txt", context)
        html = render_to_string("notify/digest_email.html", context)
    email = EmailMultiAlternatives(subject, text, to=[user.email])
    email.attach_alternative(html, "text/html")
    return email
