"""`manage.py demo_accounts`, run by `make run`: a generated password, printed, never fixed."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from danvan.org.models import Membership, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = str(tmp_path / "elsewhere")
    call_command("load_units", verbosity=0)
    return tmp_path / "elsewhere"


def run() -> str:
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    found = re.search(r"Mật khẩu: (\S+)", output)
    assert found, output
    return found[1]


def test_the_password_is_generated_printed_and_opens_every_demo_account(var_dir: Path) -> None:
    output = run()

    password = printed_password(output)
    assert len(password) >= 16
    assert str(var_dir / "demo-password.txt") in output  # where it is kept, wherever that is
    assert (var_dir / "demo-password.txt").read_text().strip() == password
    assert (var_dir / "demo-password.txt").stat().st_mode & 0o777 == 0o600
    for username in ("admin", "canbo.dilinh", "bdv.lamdong", "quantri.lamdong"):
        assert User.objects.get(username=username).check_password(password), username
    assert User.objects.get(username="admin").is_superuser
    assert Membership.objects.filter(user__username="canbo.dilinh", unit__code="25000").exists()
    # Each demo person has an address, printed, so reminders reach var/mail/.
    assert "canbo.dilinh@danvan.local" in output
    assert User.objects.get(username="xuly.dilinh").email == "xuly.dilinh@danvan.local"


def test_a_second_run_keeps_the_password_and_adds_nobody(var_dir: Path) -> None:
    first = printed_password(run())
    users = User.objects.count()

    second = run()

    assert printed_password(second) == first
    assert "ở lần chạy đầu" in second
    assert User.objects.count() == users


def test_each_installation_gets_its_own_password(var_dir: Path) -> None:
    first = printed_password(run())
    (var_dir / "demo-password.txt").unlink()
    User.objects.filter(username="admin").delete()

    assert printed_password(run()) != first


def test_the_printout_says_the_demo_administrators_have_no_second_factor(
    var_dir: Path, settings: Any
) -> None:
    settings.ADMIN_REQUIRE_OTP = False
    assert "không cần xác thực hai lớp" in run()

    settings.ADMIN_REQUIRE_OTP = True  # production: nobody is exempt, nothing to say
    assert "xác thực hai lớp" not in run()
