"""Template filters for danvan.core.numbers: {{ rate|percent }}, {{ days|decimal }}."""

from __future__ import annotations

from typing import Any

from django import template

from danvan.core import numbers

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    return numbers.percent(value)


@register.filter
def decimal(value: Any) -> str:
    return numbers.decimal(value)
