"""
What every app form shows the same way (petitions/_field.html, _form_errors.html): the widget
with its ARIA state, the error summary's rows, whether the form has required fields.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def field_widget(field: forms.BoundField) -> SafeString:
    """The widget, with `aria-invalid` and its error list named while it has errors."""
    attrs: dict[str, str | bool] = {}
    if field.field.required and not isinstance(field.field.widget, forms.CheckboxInput):
        attrs["aria-required"] = "true"
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.id_for_label}-errors"
    return field.as_widget(attrs=attrs)


@register.filter
def error_items(form: forms.BaseForm) -> list[dict[str, Any]]:
    """One row per message: a field's first error linked to its input, else unlinked."""
    rows: list[dict[str, Any]] = [{"anchor": "", "text": str(e)} for e in form.non_field_errors()]
    for field in form:
        if not field.errors:
            continue
        if field.is_hidden:  # a stale version or a lost client id: no input to go to
            rows.extend({"anchor": "", "text": str(e)} for e in field.errors)
            continue
        rows.append(
            {
                "anchor": field.id_for_label,
                "label": field.label,
                "text": str(field.errors[0]),
            }
        )
    return rows


@register.filter
def has_required(form: forms.BaseForm) -> bool:
    return any(f.field.required and not f.is_hidden for f in form)
