"""
Every read of units and people, and the scoping rule the whole system uses.

A person sees what belongs to the units of their memberships and every unit below them,
never a sibling's. Other apps scope their rows with `scope_q(user, "<unit field>")`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Exists, Func, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from danvan.core.text import fold
from danvan.org.models import Membership, Unit, User

_CACHE_ATTR = "_danvan_scope_paths"
_IDS_CACHE_ATTR = "_danvan_scope_unit_ids"
_ROLES_CACHE_ATTR = "_danvan_held_roles"


def held_roles(user: Any) -> tuple[tuple[str, str], ...]:
    """
    (role, unit path) of each of the user's memberships in an active unit: one query per
    request, cached on the user object; the scope and the authorization rule both read it.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return ()
    cached = getattr(user, _ROLES_CACHE_ATTR, None)
    if cached is None:
        cached = tuple(
            Membership.objects.filter(user=user, unit__is_active=True)
            .order_by("unit__path", "role")
            .values_list("role", "unit__path")
        )
        setattr(user, _ROLES_CACHE_ATTR, cached)
    return cached


def scope_paths(user: Any) -> list[str] | None:
    """Paths of the subtrees the user sees; None means everything (superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return list(cached)
    paths = sorted({path for _role, path in held_roles(user)})
    # Drop paths already covered by an ancestor's, so the filter has as few terms as possible.
    minimal: list[str] = []
    for path in paths:
        if not any(path.startswith(kept) for kept in minimal):
            minimal.append(path)
    setattr(user, _CACHE_ATTR, tuple(minimal))
    return minimal


def forget_scope(user: Any) -> None:
    """Drop the per-request cache after memberships change."""
    for attr in (_CACHE_ATTR, _IDS_CACHE_ATTR, _ROLES_CACHE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def scope_q(user: Any, unit_field: str) -> Q:
    """Q object keeping rows whose `unit_field` lies in the user's subtrees."""
    paths = scope_paths(user)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    lookup = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    condition = Q()
    for path in paths:
        condition |= Q(**{lookup: path})
    return condition


# Past this many units (a national scope: 3,356) the ids stay a subquery: a literal list would
# be long, and the filter keeps nearly every row anyway.
SCOPE_IDS_LIMIT = 2000
_LARGE_SCOPE = object()  # cached marker: the scope is past SCOPE_IDS_LIMIT, use the subquery


def scope_unit_ids(user: Any) -> list[int] | QuerySet[Unit, Any] | None:
    """
    Ids of every unit in the user's subtrees (the units `scope_q` admits, active or not):
    one indexed prefix query on `org_unit.path`. None means everything (superuser), [] nothing.

    Filtering a big table on `<unit>_id IN (ids)` lets PostgreSQL use the unit column's index,
    where `scope_q`'s joined `path LIKE '…%'` can only be tested row by row. A scope of more
    than SCOPE_IDS_LIMIT units is returned as a subquery (`values("pk")`) instead of a list.
    """
    paths = scope_paths(user)
    if paths is None:
        return None
    if not paths:
        return []
    units = Unit.objects.filter(scope_q(user, "")).order_by()
    cached = getattr(user, _IDS_CACHE_ATTR, None)
    if cached is not None:
        # Read once per request, like the paths: a page scoping several querysets asks again.
        return units.values("pk") if cached is _LARGE_SCOPE else list(cached)
    ids = list(units.values_list("pk", flat=True)[: SCOPE_IDS_LIMIT + 1])
    if len(ids) > SCOPE_IDS_LIMIT:
        setattr(user, _IDS_CACHE_ATTR, _LARGE_SCOPE)
        return units.values("pk")
    setattr(user, _IDS_CACHE_ATTR, tuple(ids))
    return ids


def scope_ids_q(user: Any, *unit_fields: str) -> Q:
    """
    Rows whose unit in any of `unit_fields` (foreign keys to Unit) lies in the user's
    subtrees: the same rows as OR-ing `scope_q(user, field)`, by unit ids (one query first).
    """
    ids = scope_unit_ids(user)
    if ids is None:
        return Q()
    if isinstance(ids, list) and not ids:
        return Q(pk__in=[])
    condition = Q()
    for field in unit_fields:
        condition |= Q(**{f"{field}_id__in": ids})
    return condition


# A scope of at most this many units (a commune and its villages: 1–20; a person with posts in
# a few) holds few rows of a big table: their ids are gathered first from the unit columns'
# indexes, then read by primary key (`InAnyOf`). A wider scope (a province: ~150 units, 4–5 %
# of the rows; the country) holds enough that walking the newest first and testing each row
# finds a page sooner. Petitions (`scope_rows_q`) and tasks both go by it.
SMALL_SCOPE_UNITS = 40


class InAnyOf(Func):
    """
    `expression IN (subquery) OR … IN (subquery)`: on PostgreSQL written
    `expression = ANY(ARRAY(subquery UNION ALL subquery …))`, an InitPlan run once whose few
    ids the primary key index then reads in order. (The planner, misjudging how few rows a
    commune's units hold, otherwise walks the whole table newest first testing each row.)
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, expression: Any, *querysets: QuerySet[Any]) -> None:
        super().__init__(expression, *(Subquery(queryset) for queryset in querysets))

    def _parts(self, compiler: Any) -> tuple[str, list[Any], list[tuple[str, list[Any]]]]:
        expression, *subqueries = self.get_source_expressions()
        sql, params = compiler.compile(expression)
        compiled = []
        for subquery in subqueries:
            sub_sql, sub_params = compiler.compile(subquery)
            compiled.append((sub_sql, list(sub_params)))
        return sql, list(params), compiled

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        sql, params, compiled = self._parts(compiler)
        terms, all_params = [], []
        for sub_sql, sub_params in compiled:
            terms.append(f"{sql} IN {sub_sql}")
            all_params += [*params, *sub_params]
        return "(" + " OR ".join(terms) + ")", all_params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params, compiled = self._parts(compiler)
        union = " UNION ALL ".join(sub_sql for sub_sql, _ in compiled)
        all_params = [*params]
        for _, sub_params in compiled:
            all_params += sub_params
        return f"{sql} = ANY(ARRAY({union}))", all_params


def scope_rows_q(user: Any, model: Any, *unit_fields: str) -> Q:
    """
    `scope_ids_q`, written for speed when the scope is small: the ids of the scope's rows are
    gathered first, once, in the same statement (`InAnyOf`: on PostgreSQL `pk = ANY(ARRAY(…
    UNION ALL …))`), so a commune's page is a sort of its few hundred rows whatever the
    planner estimates, instead of a walk of the big table's date index testing each row's
    units to find the commune's 1 row in 3,800. Larger scopes keep `scope_ids_q`.
    """
    ids = scope_unit_ids(user)
    if not isinstance(ids, list) or not 0 < len(ids) <= SMALL_SCOPE_UNITS:
        return scope_ids_q(user, *unit_fields)
    rows = model._base_manager.order_by()
    return Q(
        InAnyOf(
            "pk", *(rows.filter(**{f"{field}_id__in": ids}).values("pk") for field in unit_fields)
        )
    )


def units_visible_to(user: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user, ""), is_active=True)


def unit_get_for(user: Any, unit_id: Any) -> Unit:
    """The unit if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        return units_visible_to(user).get(pk=int(unit_id))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def units_search(queryset: QuerySet[Unit], term: str) -> QuerySet[Unit]:
    """Diacritic- and case-insensitive search on name and code: "lam dong" finds "Lâm Đồng"."""
    folded = fold(term)
    if not folded:
        return queryset
    condition = Q(code=term.strip())
    words = folded.split(" ")
    name_condition = Q()
    for word in words:
        name_condition &= Q(name_folded__contains=word)
    return queryset.filter(condition | name_condition)


def subtree(unit: Unit) -> QuerySet[Unit]:
    """The unit and everything below it: one indexed prefix query."""
    return Unit.objects.filter(path__startswith=unit.path, is_active=True)


def users_visible_to(user: Any) -> QuerySet[User]:
    """People with a membership somewhere in the user's subtrees, and the user themself."""
    if scope_paths(user) is None:
        return User.objects.all()
    in_scope = Membership.objects.filter(scope_q(user, "unit"), user=OuterRef("pk"))
    return User.objects.filter(Q(Exists(in_scope)) | Q(pk=user.pk))


def memberships_visible_to(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(scope_q(user, "unit")).select_related("unit", "user")


def me_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user).select_related("unit").order_by("unit__path", "role")
    )
