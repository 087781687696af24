"""`manage.py reset_second_factor USERNAME`: recovery when an administrator lost the phone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from danvan.org.models import User
from danvan.twofactor import rules


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app and backup codes (a lost or replaced phone). "
        "At the next sign-in the admin asks them to enrol a new one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(_("No user %(name)s.") % {"name": options["username"]}) from None
        removed = rules.forget_devices(user)
        # Signed-in sessions verified by the removed device lose their admin access with it.
        self.stdout.write(
            _(
                "Removed %(count)d second-factor device(s) of %(name)s; they enrol a new "
                "authenticator at their next sign-in to the admin."
            )
            % {"count": removed, "name": user.get_username()}
        )
