from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from danvan.calendar.services import register_deadline_recomputer
        from petitions import checks  # noqa: F401  (registers the encryption-key check)
        from petitions.services import deadlines_recompute_for_day

        # A new holiday or swapped Saturday moves the open deadlines it touches.
        register_deadline_recomputer(deadlines_recompute_for_day)
