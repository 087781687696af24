"""
Per-installation secrets of embedded mode, kept in `var/secrets.env` (mode 0600).

With no SECRET_KEY, FIELD_ENCRYPTION_KEYS or FIELD_HASH_KEY in the environment, the first
process that reads the settings generates all three at random and writes them to one file
under DANVAN_VAR_DIR; every later start (and the worker and beat started beside the web
server) reads the same file. The file appears complete or not at all: it is written under a
temporary name and hard-linked into place, which fails for every racer but one, so processes
started at the same moment agree. The environment still wins, variable by variable.

Production never comes here: production.py calls `disable()` before the base settings are
read, and then requires every key from the environment.
"""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

FILENAME = "secrets.env"
NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY")

_disabled = False
# The file this process generated, if it was the one that did (`manage.py embedded_secrets`).
created_here: Path | None = None


def disable() -> None:
    """Production: never read or write generated secrets."""
    global _disabled
    _disabled = True


def enabled() -> bool:
    return not _disabled


def path_in(var_dir: Path) -> Path:
    return Path(var_dir) / FILENAME


def generate() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        # A Fernet key is 32 random bytes, URL-safe base64 (what Fernet.generate_key() makes).
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "FIELD_HASH_KEY": secrets.token_urlsafe(48),
    }


def _render(values: dict[str, str]) -> str:
    lines = [
        "# danvan embedded mode: secrets generated for this installation. Keep this file",
        "# private (mode 0600) and back it up with the database: the encrypted citizen",
        "# ID and phone numbers cannot be read without FIELD_ENCRYPTION_KEYS.",
    ]
    lines += [f"{name}={values[name]}" for name in NAMES]
    return "\n".join(lines) + "\n"


def _parse(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and not name.startswith("#") and name.strip() in NAMES:
            values[name.strip()] = value.strip()
    return values


def _read(path: Path) -> dict[str, str] | None:
    """The values, or None while the file is absent."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    with os.fdopen(fd) as handle:
        if os.fstat(handle.fileno()).st_mode & 0o077:
            os.fchmod(handle.fileno(), 0o600)  # someone loosened it: private again
        return _parse(handle.read())


def _create(path: Path) -> None:
    """Write fresh secrets to `path` unless some process already has (then keep theirs)."""
    global created_here
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secrets-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:  # mkstemp creates it with mode 0600
            handle.write(_render(generate()))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # atomic, and refuses to replace: one racer wins
            created_here = path
        except FileExistsError:
            pass
        except OSError:
            # A file system without hard links: O_EXCL still elects one writer; readers
            # wait below until its file is complete.
            try:
                target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return
            with os.fdopen(target, "w") as handle:
                handle.write(Path(temporary).read_text())
                handle.flush()
                os.fsync(handle.fileno())
            created_here = path
    finally:
        os.unlink(temporary)


def load_or_create(var_dir: Path, *, wait_seconds: float = 10.0) -> dict[str, str]:
    """This installation's three secrets, generated on the first call."""
    if _disabled:
        raise ImproperlyConfigured("Generated secrets are not used in production.")
    path = path_in(var_dir)
    if _read(path) is None:
        _create(path)
    deadline = time.monotonic() + wait_seconds
    while True:
        values = _read(path) or {}
        if all(values.get(name) for name in NAMES):
            return values
        if time.monotonic() > deadline:
            missing = ", ".join(name for name in NAMES if not values.get(name))
            raise ImproperlyConfigured(
                f"{path} lacks {missing}: set them in the environment, or move the file "
                "away to generate new ones (data encrypted with the old keys is then lost)."
            )
        time.sleep(0.05)
