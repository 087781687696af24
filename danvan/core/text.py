"""Text helpers for diacritic-insensitive search."""

import re
from typing import Any

from django.db import models
from django.db.models import Q
from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def fold(value: str | None) -> str:
    """Lower-case ASCII form of Vietnamese text: "Khiếu nại Đất đai" -> "khieu nai dat dai"."""
    if not value:
        return ""
    return _SPACES.sub(" ", unidecode(value).lower()).strip()


class FoldedTextField(models.TextField):
    """The folded text of some other fields, kept for diacritic-insensitive search.

    Computed in `pre_save`, which Django calls for `save()` and for every row of
    `bulk_create`, so a cascade of thousands of rows is searchable too. (A queryset
    `update()` of a source field skips it: use save() there.)
    """

    def __init__(self, *args: Any, sources: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.sources = tuple(sources)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        for key, value in (("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = fold(" ".join(str(getattr(model_instance, s) or "") for s in self.sources))
        setattr(model_instance, self.attname, value)
        return value


def folded_words_q(field: str, term: str) -> Q:
    """Rows whose folded `field` contains every word of the term, whatever its accents."""
    condition = Q()
    for word in fold(term).split():
        condition &= Q(**{f"{field}__contains": word})
    return condition


class FoldedSearchAdminMixin:
    """Admin search on a FoldedTextField named search_text: every word, accents optional."""

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> Any:
        return queryset.filter(folded_words_q("search_text", search_term)), False
