"""Demo accounts: an administrator and one person per role, sharing one generated password."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction

from danvan.notify.models import NotificationPreference
from danvan.notify.services import preference_set
from danvan.org.models import Role, Unit, User
from danvan.org.services import membership_add

# username, full name, unit code, role
DEMO_PEOPLE = [
    ("canbo.dilinh", "Nguyễn Văn An", "25000", Role.COMMUNE_CADRE),
    ("xuly.dilinh", "Trần Thị Bình", "25000", Role.PETITION_HANDLER),
    ("canbo.hamthuanbac", "Lê Văn Cường", "23089", Role.COMMUNE_CADRE),
    ("bdv.lamdong", "Phạm Thị Dung", "68", Role.SUPERVISOR),
    ("bdv.trunguong", "Hoàng Văn Em", "TW", Role.SUPERVISOR),
    ("quantri.lamdong", "Đỗ Minh Giang", "68", Role.ADMINISTRATOR),
]


def password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-password.txt"


def demo_email(username: str) -> str:
    """The demo person's address: reminders and digests to it land in var/mail/."""
    return f"{username}@danvan.local"


# Who reads one digest each morning instead of single e-mails (the others get each reminder).
DIGEST_READERS = {"bdv.lamdong"}


@transaction.atomic
def ensure_demo_accounts() -> tuple[str, bool]:
    """Returns (password, created). The password is generated once and kept in var/."""
    path = password_file()
    created = False
    if path.exists() and User.objects.filter(username="admin").exists():
        password = path.read_text().strip()
    else:
        password = secrets.token_urlsafe(12)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n")
        path.chmod(0o600)
        created = True
    admin, _ = User.objects.get_or_create(
        username="admin", defaults={"full_name": "Quản trị hệ thống", "email": "admin@danvan.local"}
    )
    admin.is_staff = admin.is_superuser = True
    if created:
        admin.set_password(password)
    admin.save()
    units = {u.code: u for u in Unit.objects.filter(code__in=[p[2] for p in DEMO_PEOPLE])}
    for username, full_name, unit_code, role in DEMO_PEOPLE:
        user, new = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "email": demo_email(username)}
        )
        if new or created:
            user.set_password(password)
        if not user.email:  # accounts made before the demo had addresses; edits are kept
            user.email = demo_email(username)
        user.save()
        membership_add(user=user, unit=units[unit_code], role=role)
        if (
            username in DIGEST_READERS
            and not NotificationPreference.objects.filter(user=user).exists()
        ):
            preference_set(actor=user, user=user, daily_digest=True)
    return password, created
