"""Reading the environment: every bad value stops start-up with a message naming the variable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_env = environ.Env()


def _fail(name: str, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name}: {problem}")


def _shown(raw: str) -> str:
    """The value for an error message, without a password in it."""
    return repr(re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", raw))


def read_env_file(path: Path) -> None:
    """Load KEY=value lines from a `.env` file if present (the real environment wins)."""
    if path.is_file():
        environ.Env.read_env(str(path), overwrite=False)


def is_set(name: str) -> bool:
    return name in _env.ENVIRON and _env.ENVIRON[name] != ""


def text(name: str, default: str | None = None) -> str:
    if not is_set(name):
        if default is None:
            raise _fail(name, "is required in this mode but not set.")
        return default
    return str(_env.str(name))


def boolean(name: str, default: bool) -> bool:
    if not is_set(name):
        return default
    raw = _env.ENVIRON[name].strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise _fail(name, f"expected true/false, got {raw!r}.")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    if not is_set(name):
        return default
    raw = _env.ENVIRON[name]
    try:
        value = int(raw)
    except ValueError:
        raise _fail(name, f"expected a whole number, got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise _fail(name, f"must be at least {minimum}, got {value}.")
    return value


def listing(name: str, default: list[str]) -> list[str]:
    if not is_set(name):
        return default
    return [item.strip() for item in _env.ENVIRON[name].split(",") if item.strip()]


def web_url(name: str, default: str) -> str:
    """An http(s) address with a host (links in e-mails are built on it)."""
    raw = (_env.ENVIRON.get(name) or default).strip()
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _fail(name, f"expected an address like https://danvan.example.vn, got {_shown(raw)}.")
    return raw


def origins(name: str, default: list[str]) -> list[str]:
    """Comma-separated origins, each with its scheme (Django refuses them otherwise)."""
    values = listing(name, default)
    for value in values:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise _fail(name, f"each origin needs its scheme, like https://host; got {value!r}.")
    return values


def choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    if not is_set(name):
        return default
    raw = _env.ENVIRON[name].strip().upper()
    if raw not in choices:
        raise _fail(name, f"expected one of {', '.join(choices)}, got {raw!r}.")
    return raw


def address(name: str, default: str) -> str:
    """An e-mail address, optionally with a display name: "danvan <no-reply@example.vn>"."""
    from email.utils import parseaddr

    raw = text(name, default)
    _display, mailbox = parseaddr(raw)
    local, _at, domain = mailbox.partition("@")
    if not local or not domain or " " in mailbox:
        raise _fail(name, f"expected an e-mail address like no-reply@example.vn, got {raw!r}.")
    return raw


def database(name: str, default: str) -> dict[str, Any]:
    raw = _env.ENVIRON.get(name) or default
    if not raw.startswith(("sqlite:", "postgres:", "postgresql:", "pgsql:")):
        raise _fail(
            name, f"expected sqlite:///path or postgres://user@host:port/db, got {_shown(raw)}."
        )
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several kinds for a malformed URL
        raise _fail(name, f"malformed database URL ({exc}).") from None
    if not config.get("NAME"):
        raise _fail(name, "the URL names no database.")
    return config


def url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    raw = _env.ENVIRON.get(name) or default
    scheme = raw.split(":", 1)[0]
    if ":" not in raw or scheme not in schemes:
        raise _fail(
            name, f"expected a URL starting with one of {', '.join(schemes)}; got {_shown(raw)}."
        )
    if scheme in {"redis", "rediss", "amqp"}:
        _check_host_and_port(name, raw)
    return raw


def _check_host_and_port(name: str, raw: str) -> None:
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise _fail(name, f"malformed URL {_shown(raw)} ({exc}).") from None
    if not parts.hostname:
        raise _fail(name, f"the URL names no host: {_shown(raw)}.")


def email(name: str, default: str) -> dict[str, Any]:
    raw = _env.ENVIRON.get(name) or default
    try:
        config = environ.Env.email_url_config(raw)
    except Exception as exc:
        raise _fail(name, f"malformed e-mail URL ({exc}).") from None
    if raw.startswith("smtp") and not config.get("EMAIL_HOST"):
        raise _fail(name, f"the URL names no mail server: {_shown(raw)}.")
    return config


def fernet_keys(name: str) -> list[str]:
    """A comma-separated list of Fernet keys (newest first); a malformed one stops start-up."""
    from cryptography.fernet import Fernet

    keys = listing(name, [])
    for position, key in enumerate(keys, 1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise _fail(
                name,
                f"key number {position} is not a Fernet key (32 url-safe base64-encoded bytes).",
            ) from None
    return keys


def rate(name: str, default: str, *, windowed: bool = False) -> str:
    """
    A request rate as DRF writes it: a number, a slash and s, min, hour or day; `windowed`
    also takes a number of them (10/10min), for throttles that parse it (citizen.lookup).
    """
    value = text(name, default).strip()
    window = r"([1-9]\d*)?" if windowed else ""
    if not re.fullmatch(rf"\d+/{window}(s|sec|second|m|min|minute|h|hour|d|day)", value):
        example = "10/10min" if windowed else "120/min"
        raise _fail(name, f"expected a rate such as {example}, got {value!r}.")
    return value
