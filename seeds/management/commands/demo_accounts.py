from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from seeds.accounts import DEMO_PEOPLE, ensure_demo_accounts, password_file


class Command(BaseCommand):
    help = "Create the demo administrator and demo people with a generated password, and print it."

    def handle(self, *args: object, **options: object) -> None:
        password, created = ensure_demo_accounts()
        lines = [
            "",
            "=" * 64,
            _("Demo accounts (password generated %(state)s, kept in %(file)s):")
            % {"state": _("now") if created else _("at first run"), "file": password_file()},
            f"  admin  ({_('system administrator')})",
            *(f"  {username}  ({role.label}, {code})" for username, _n, code, role in DEMO_PEOPLE),
            _("Password: %(password)s") % {"password": password},
            *(
                []
                if settings.ADMIN_REQUIRE_OTP
                else [
                    _(
                        "Demo mode: the administrators above sign in without a second factor; "
                        "production requires one (ADMIN_REQUIRE_OTP)."
                    )
                ]
            ),
            "=" * 64,
            "",
        ]
        self.stdout.write("\n".join(str(line) for line in lines))
