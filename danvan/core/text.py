"""Text helpers for diacritic-insensitive search."""

import re
from collections.abc import Mapping
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


_TOKENS = re.compile(r"[a-z0-9]+")


def tsquery_text(term: str) -> str:
    """
    The full-text query of a typed term, on the same words as a `search_vector` column (the
    folded text with everything but a–z and 0–9 as spaces): every typed word must be there,
    the last part of each as a prefix ("khieu na" finds "khieu nai"); a word typed with
    punctuation inside ("DT-2026-000123", "123/QĐ") must appear as those parts in a row.
    "" when nothing searchable was typed.
    """
    terms = []
    for word in fold(term).split():
        parts = _TOKENS.findall(word)
        if parts:
            terms.append(" <-> ".join([*parts[:-1], f"{parts[-1]}:*"]))
    return " & ".join(terms)


class FullTextMatch(models.Expression):
    """
    `<table>.<column> @@ to_tsquery('simple', query)` on the queryset's own table (PostgreSQL),
    for a tsvector column the ORM does not manage (a generated column, see
    petitions/migrations/0015). Keeps its table alias when the queryset becomes a subquery.
    `indexed=False` writes the same test as a function call (`ts_match_vq`), which the GIN
    index does not serve: the rows are then tested as an ordered walk meets them.
    """

    conditional = True

    def __init__(self, column: str, query: str, *, indexed: bool = True) -> None:
        super().__init__(output_field=models.BooleanField())
        self.column, self.query, self.indexed = column, query, indexed
        self.alias: str | None = None

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> "FullTextMatch":
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map: Mapping[str, str]) -> "FullTextMatch":
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias) if self.alias else None
        return clone

    def get_group_by_cols(self) -> list[Any]:
        return []

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        table = compiler.quote_name_unless_alias(self.alias)
        column = connection.ops.quote_name(self.column)
        query = "to_tsquery('simple'::regconfig, %s)"
        if self.indexed:
            return f"{table}.{column} @@ {query}", (self.query,)
        return f"ts_match_vq({table}.{column}, {query})", (self.query,)
