"""`manage.py embedded_secrets`, the first step of `make run`: this installation's own keys."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from danvan.settings import env, local_secrets


class Command(BaseCommand):
    help = (
        "Embedded mode: make sure this installation has its own SECRET_KEY and field keys "
        "(generated once into var/secrets.env, mode 0600) and say where they are kept."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not local_secrets.enabled():
            raise CommandError(_("Production takes its keys from the environment only."))
        from_environment = [name for name in local_secrets.NAMES if env.is_set(name)]
        if len(from_environment) == len(local_secrets.NAMES):
            self.stdout.write(_("Every key comes from the environment; nothing is generated."))
            return
        # Reading the settings already generated the file if it was missing.
        path = local_secrets.path_in(Path(settings.VAR_DIR))
        local_secrets.load_or_create(Path(settings.VAR_DIR))
        if local_secrets.created_here == path:
            message = _("Secret keys of this installation generated now in %(file)s.")
        else:
            message = _("Secret keys of this installation kept in %(file)s (generated earlier).")
        self.stdout.write(message % {"file": path})
        if from_environment:
            self.stdout.write(
                _("From the environment instead: %(names)s.")
                % {"names": ", ".join(from_environment)}
            )
