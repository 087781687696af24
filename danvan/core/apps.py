from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "danvan.core"
    label = "core"
    verbose_name = _("Shared kernel")

    def ready(self) -> None:
        # Every date a model serializer reads is bounded like the hand-written ones
        # (danvan.core.fields): a date the working-day calendar cannot reach is a 400.
        from django.db import models
        from rest_framework import serializers

        from danvan.core import checks  # noqa: F401 (registers the system checks)
        from danvan.core.admin import name_third_party_apps
        from danvan.core.errors import label_validation_errors
        from danvan.core.fields import CalendarDateField, bound_text_inputs

        serializers.ModelSerializer.serializer_field_mapping[models.DateField] = CalendarDateField
        # Every writable text input has a length limit, declared in the schema (maxLength).
        bound_text_inputs()
        # A refused input names its fields by their labels (danvan.core.errors).
        label_validation_errors()
        # django-axes, django-otp and django-celery-beat ship no Vietnamese app name.
        name_third_party_apps()
