from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    # The label is "calendar"; inside the package always import `danvan.calendar...`
    # absolutely so nothing is confused with the standard library's `calendar`.
    name = "danvan.calendar"
    label = "calendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # A migrate or a flush (test teardown) may rewrite the exceptions table behind the
        # services' back: drop this process's cached index. Cache hygiene, not business logic.
        post_migrate.connect(_forget_index, dispatch_uid="danvan.calendar.forget_index")


def _forget_index(**_kwargs: Any) -> None:
    from danvan.calendar.index import forget

    forget()
