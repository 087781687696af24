from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from seeds.accounts import DEMO_PEOPLE, demo_email, ensure_demo_accounts, password_file
from seeds.office import office_inbox


class Command(BaseCommand):
    help = "Create the demo administrator and demo people with a generated password, and print it."

    def handle(self, *args: object, **options: object) -> None:
        password, created = ensure_demo_accounts()
        # The demo people exist now: record today's reminders and deliver them (inbox, e-mail).
        inbox = office_inbox()
        mail = getattr(settings, "EMAIL_FILE_PATH", "")
        lines = [
            "",
            "=" * 64,
            _("Demo accounts (password generated %(state)s, kept in %(file)s):")
            % {"state": _("now") if created else _("at first run"), "file": password_file()},
            f"  admin  ({_('system administrator')})",
            *(
                f"  {username}  ({role.label}, {code}, {demo_email(username)})"
                for username, _n, code, role in DEMO_PEOPLE
            ),
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
            _(
                "Reminders today: %(reminders)s new, %(delivered)s delivered, %(digests)s "
                "digests sent."
            )
            % {
                "reminders": inbox.reminders,
                "delivered": inbox.delivered,
                "digests": inbox.digests,
            },
            *([_("E-mails: %(path)s") % {"path": mail}] if mail else []),
            *(
                [
                    _("E-mail could not be sent now (%(error)s): the worker will retry.")
                    % {"error": inbox.mail_error}
                ]
                if inbox.mail_error
                else []
            ),
            "=" * 64,
            "",
        ]
        self.stdout.write("\n".join(str(line) for line in lines))
