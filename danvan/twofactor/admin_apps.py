"""Django's admin app with our site (its own module: apps.py may declare one config only)."""

from django.contrib.admin.apps import AdminConfig


class DanvanAdminConfig(AdminConfig):
    """Django's admin, with a site that asks administrators for their second factor."""

    default_site = "danvan.twofactor.site.DanvanAdminSite"
