from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "danvan.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from danvan.org.roles import sync_role_groups

        # Like Django's own permissions: groups follow the code after every migrate.
        post_migrate.connect(sync_role_groups, dispatch_uid="danvan.org.sync_role_groups")
